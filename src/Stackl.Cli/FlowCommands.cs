using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Stackl.Client;
using Stackl.Contracts;

namespace Stackl.Cli;

/// <summary><c>flow run</c>: submits a flow from a JSON or YAML file and shows its steps.</summary>
internal static class FlowCommands
{
    private static readonly string[] s_taskFields = ["topic", "subtype", "payload", "documents", "timeout", "idempotencyKey", "source"];
    private static readonly string[] s_patterns = ["linear", "unordered", "graph", "step"];

    /// <summary>Adds <c>flow</c> to the root.</summary>
    /// <param name="root">The root command.</param>
    /// <param name="run">Binds an action with the CLI's error handling.</param>
    public static void Add(RootCommand root, CommandRunner run)
    {
        var file = new Argument<string>("file")
        {
            Description = "The flow: a whole task body (topic flow, subtype run, payload, timeout) or just its payload; JSON, or YAML for .yaml/.yml; - for standard input",
        };
        var timeout = CliInput.DurationOption("--timeout", "The flow's time budget, retries and reverts included [default: the file's, else the server's]");
        var idempotencyKey = new Option<string?>("--idempotency-key") { Description = "A repeated run with the same key returns the first flow", HelpName = "key" };
        var wait = TaskCommands.WaitOption();
        var runCommand = new Command("run", "Run a flow and wait for it, then show its steps: status, attempts, revert order (exit 1 when it failed)")
        {
            file, timeout, idempotencyKey, wait,
        };
        run.Bind(runCommand, async (parse, context, cancellationToken) =>
        {
            var spec = Read(parse.GetRequiredValue(file));
            spec = spec with
            {
                Timeout = parse.GetValue(timeout) ?? spec.Timeout,
                IdempotencyKey = parse.GetValue(idempotencyKey) ?? spec.IdempotencyKey,
            };
            var task = await context.Client.SubmitAsync(spec, TaskCommands.FirstWait(parse.GetValue(wait)), cancellationToken).ConfigureAwait(false);
            return await TaskCommands.FollowSubmittedAsync(context, task, parse.GetValue(wait), cancellationToken).ConfigureAwait(false);
        });
        root.Add(new Command("flow", "Run flows: steps in order, side by side or as a graph, retried, reverted newest first on failure") { runCommand });
    }

    /// <summary>Reads a flow file as the task that runs it.</summary>
    /// <param name="path">The file, or <c>-</c> for standard input.</param>
    public static TaskSpec Read(string path)
    {
        string text;
        try
        {
            text = path == "-" ? System.Console.In.ReadToEnd() : File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new UsageException($"Cannot read the flow from '{path}': {exception.Message}", exception);
        }

        var yaml = path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);
        var node = yaml ? YamlJson.Parse(text, path) : ParseJson(text, path);
        if (node is not JsonObject body)
        {
            throw new UsageException($"{path} must hold a JSON object: a task body {{\"topic\": \"flow\", \"subtype\": \"run\", \"payload\": {{...}}}} or a flow payload {{\"linear\": [...]}}.");
        }

        return body.ContainsKey("topic") ? FromTaskBody(body, path) : FromPayload(body, path);
    }

    private static JsonNode? ParseJson(string text, string path)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException exception)
        {
            throw new UsageException($"{path} is not valid JSON ({exception.Message}); name a YAML file .yaml or .yml.", exception);
        }
    }

    private static TaskSpec FromPayload(JsonObject payload, string path)
    {
        if (!s_patterns.Any(payload.ContainsKey))
        {
            throw new UsageException($"{path} is neither a task body (it has no topic) nor a flow payload (it has none of {string.Join(", ", s_patterns)}).");
        }

        return new TaskSpec(Flow.Topic, Flow.Subtype, Element(payload), Source: "cli");
    }

    private static TaskSpec FromTaskBody(JsonObject body, string path)
    {
        if (body.Select(p => p.Key).FirstOrDefault(k => !s_taskFields.Contains(k, StringComparer.Ordinal)) is { } unknown)
        {
            throw new UsageException($"{path}: '{unknown}' is not a task field; the fields are {string.Join(", ", s_taskFields)}.");
        }

        var topic = String(body, "topic", path);
        var subtype = String(body, "subtype", path);
        if (topic != Flow.Topic || subtype != Flow.Subtype)
        {
            throw new UsageException($"{path} is a {topic}/{subtype} task, not a flow ({Flow.Topic}/{Flow.Subtype}); submit it with: stackl submit {topic} {subtype} @{path}");
        }

        if (body["payload"] is not JsonObject payload)
        {
            throw new UsageException($"{path}: payload must be the flow, an object with one of {string.Join(", ", s_patterns)}.");
        }

        TimeSpan? timeout = null;
        if (String(body, "timeout", path, required: false) is { } timeoutText)
        {
            timeout = Durations.TryParse(timeoutText, out var parsed)
                ? parsed
                : throw new UsageException($"{path}: timeout is '{timeoutText}'; write a duration such as 30s or 5m.");
        }

        IReadOnlyList<string>? documents = null;
        if (body["documents"] is { } documentsNode)
        {
            documents = documentsNode is JsonArray array && array.All(d => d?.GetValueKind() == JsonValueKind.String)
                ? [.. array.Select(d => d!.GetValue<string>())]
                : throw new UsageException($"{path}: documents must be an array of document keys.");
        }

        return new TaskSpec(topic, subtype, Element(payload), documents, timeout, String(body, "idempotencyKey", path, required: false), String(body, "source", path, required: false) ?? "cli");
    }

    private static string String(JsonObject body, string field, string path) => String(body, field, path, required: true)!;

    private static string? String(JsonObject body, string field, string path, bool required) => body[field] switch
    {
        null when !required => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => throw new UsageException($"{path}: {field} must be a string."),
    };

    private static JsonElement Element(JsonNode node)
    {
        using var document = JsonDocument.Parse(node.ToJsonString());
        return document.RootElement.Clone();
    }
}
