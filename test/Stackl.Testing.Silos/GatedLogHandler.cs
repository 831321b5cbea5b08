using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Stackl.Contracts;
using Stackl.Tasks;
using Stackl.Tasks.Handlers;

namespace Stackl.Testing;

/// <summary>Task <c>test/gated-log {gate, lines}</c>: writes log line 1, then each further line after the test opens the gate once more, so a test decides when every line is written.</summary>
/// <remarks>Gates are process-wide, so silos of one test process (a cluster) share them.</remarks>
public sealed class GatedLogHandler : ITaskHandler
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> s_gates = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public string Topic => "test";

    /// <inheritdoc />
    public string Subtype => "gated-log";

    /// <summary>Adds the handler to a silo's services.</summary>
    public static void Register(IServiceCollection services) => services.TryAddEnumerable(ServiceDescriptor.Singleton<ITaskHandler, GatedLogHandler>());

    /// <summary>Lets the task waiting at <paramref name="gate"/> write its next line.</summary>
    public static void Open(string gate) => Gate(gate).Release();

    /// <inheritdoc />
    public IReadOnlyList<string> Validate(JsonElement payload) =>
        payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("gate", out var gate) && gate.ValueKind == JsonValueKind.String
            && payload.TryGetProperty("lines", out var lines) && lines.ValueKind == JsonValueKind.Number
            ? []
            : throw new TaskValidationException(ErrorCodes.InvalidPayload, """test/gated-log needs {"gate": "...", "lines": n}.""");

    /// <inheritdoc />
    public async Task<JsonElement?> ExecuteAsync(TaskContext context)
    {
        var gate = Gate(context.Payload.GetProperty("gate").GetString()!);
        var lines = context.Payload.GetProperty("lines").GetInt32();
        for (var line = 1; line <= lines; line++)
        {
            if (line > 1)
            {
                await gate.WaitAsync(context.CancellationToken);
            }

            context.Log($"line {line}");
        }

        return null;
    }

    private static SemaphoreSlim Gate(string name) => s_gates.GetOrAdd(name, _ => new SemaphoreSlim(0));
}
