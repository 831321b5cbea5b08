using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Stackl.Testing;

/// <summary>Keeps a silo's log lines (with the time since the silo was built) so a test can show them when it fails.</summary>
public sealed class MemoryLoggerProvider : ILoggerProvider
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>The lines logged so far.</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new MemoryLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class MemoryLogger(MemoryLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Lines.Enqueue($"{provider._clock.ElapsedMilliseconds,7} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " | " + exception.GetType().Name + ": " + exception.Message)}");
            }
        }
    }
}
