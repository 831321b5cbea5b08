using System.Data.Common;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Npgsql;
using Stackl.Tasks;

namespace Stackl.Storage;

/// <summary>Tells a database outage from a failing statement, and logs an outage once when it starts and once when it ends.</summary>
/// <remarks>During an outage every request fails the same way: one warning, not a stack trace per request, keeps the log readable.</remarks>
internal sealed class StorageOutage(StorageDialect dialect, ILogger logger, Action onRecovered)
{
    private readonly Lock _lock = new();
    private long? _startedAt;
    private long _failures;

    /// <summary>True while the last operation failed because the database could not be reached.</summary>
    public bool InProgress
    {
        get
        {
            lock (_lock)
            {
                return _startedAt is not null;
            }
        }
    }

    /// <summary>True when <paramref name="exception"/> (or an exception inside it) says the database is unreachable or shutting down, not that a statement was wrong.</summary>
    public static bool IsOutage(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                // A timeout counts only inside a driver's exception: an Orleans call timeout says nothing about the database.
                case StorageUnavailableException or SocketException or IOException:
                case NpgsqlException { InnerException: TimeoutException }:
                case PostgresException postgres when postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal) || postgres.SqlState.StartsWith("53", StringComparison.Ordinal):
                case NpgsqlException { IsTransient: true } and not PostgresException:
                case DbException { IsTransient: true } and not PostgresException:
                    return true;
            }
        }

        return false;
    }

    /// <summary>Records a failure; returns the exception to throw: <see cref="StorageUnavailableException"/> for an outage, the original otherwise.</summary>
    public Exception Failed(Exception exception)
    {
        if (!IsOutage(exception))
        {
            return exception;
        }

        lock (_lock)
        {
            _failures++;
            if (_startedAt is null)
            {
                _startedAt = TimeProvider.System.GetTimestamp();
                StorageLog.OutageStarted(logger, dialect, exception.GetBaseException().Message);
            }
        }

        return exception as StorageUnavailableException ?? new StorageUnavailableException($"The {dialect} database cannot be reached: {exception.GetBaseException().Message}", exception);
    }

    /// <summary>Records a success; ends an outage in progress (and lets the engine drop connections that died during it).</summary>
    public void Succeeded()
    {
        if (Volatile.Read(ref _failures) == 0)
        {
            return;
        }

        lock (_lock)
        {
            if (_startedAt is { } started)
            {
                StorageLog.OutageEnded(logger, dialect, TimeProvider.System.GetElapsedTime(started).TotalSeconds, _failures);
            }

            _startedAt = null;
            _failures = 0;
        }

        onRecovered();
    }
}
