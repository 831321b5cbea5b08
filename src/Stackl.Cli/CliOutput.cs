using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Stackl.Contracts;

namespace Stackl.Cli;

/// <summary>Writes results for people (aligned fields and columns) or, with <c>--json</c>, as compact JSON lines.</summary>
internal static class CliOutput
{
    /// <summary>Writes a value as one line of JSON.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The value.</param>
    /// <param name="type">Its source-generated metadata.</param>
    public static void Json<T>(TextWriter writer, T value, JsonTypeInfo<T> type) => writer.WriteLine(JsonSerializer.Serialize(value, type));

    /// <summary>Writes a task: JSON, or its fields one per line.</summary>
    /// <param name="context">The command's context.</param>
    /// <param name="task">The task.</param>
    public static void Task(CliContext context, TaskView task)
    {
        if (context.Json)
        {
            Json(context.Out, task, ContractsJsonContext.Default.TaskView);
            return;
        }

        var fields = new List<(string, string)>
        {
            ("id", task.Id),
            ("status", task.Status.ToString()),
            ("handler", $"{task.Topic}/{task.Subtype}"),
        };
        if (task.Documents.Count > 0)
        {
            fields.Add(("documents", string.Join(", ", task.Documents)));
        }

        fields.Add(("created", Time(task.Created)));
        fields.Add(task.Completed is { } completed ? ("completed", $"{Time(completed)} ({Elapsed(completed - task.Created)})") : ("deadline", Time(task.Deadline)));
        if (task.Attempt > 1)
        {
            fields.Add(("attempt", task.Attempt.ToString(CultureInfo.InvariantCulture)));
        }

        if (task.Silo is { } silo)
        {
            fields.Add(("silo", silo));
        }

        if (task.Result is { } result)
        {
            fields.Add(("result", result.GetRawText()));
        }

        if (task.Error is { } error)
        {
            fields.Add(("error", $"{error.Code}: {error.Message}"));
        }

        foreach (var line in task.Logs)
        {
            fields.Add(("log", $"{Time(line.At)} {line.Message}"));
        }

        Fields(context.Out, fields);
        if (task.Steps is { Count: > 0 } steps)
        {
            context.Out.WriteLine();
            Steps(context.Out, steps);
        }
    }

    /// <summary>
    /// Writes a flow's steps as a tree-shaped table: each subflow (linear, unordered, graph) on a line of its own, its steps
    /// indented under it, with status, attempts, revert order (1 reverted first), time taken and error.
    /// </summary>
    /// <param name="writer">The writer.</param>
    /// <param name="steps">The steps, in the order the flow declares them.</param>
    public static void Steps(TextWriter writer, IReadOnlyList<StepView> steps)
    {
        var rows = new List<string[]>();
        var shown = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            // A path such as flow.linear[1].unordered[0]: every segment is a subflow the step sits in.
            var segments = step.Path.Split('.').Skip(1).ToArray();
            for (var depth = 0; depth < segments.Length; depth++)
            {
                if (shown.Add(string.Join('.', segments[..depth])))
                {
                    var pattern = segments[depth];
                    var bracket = pattern.IndexOf('[', StringComparison.Ordinal);
                    rows.Add([Indent(depth) + (bracket < 0 ? pattern : pattern[..bracket]), "", "", "", "", "", ""]);
                }
            }

            rows.Add(
            [
                Indent(segments.Length) + step.Name,
                step.Status.ToString(),
                step.Attempt.ToString(CultureInfo.InvariantCulture),
                step.RevertOrder?.ToString(CultureInfo.InvariantCulture) ?? "",
                step.Handler,
                step is { Started: { } started, Finished: { } finished } ? Elapsed(finished - started) : "",
                step.Error is { } error ? Short($"{error.Code}: {error.Message}", 80) : "",
            ]);
        }

        Table(writer, ["STEP", "STATUS", "ATTEMPTS", "REVERTED", "HANDLER", "TOOK", "ERROR"], rows);
    }

    private static string Indent(int depth) => new(' ', depth * 2);

    /// <summary>Writes <c>name  value</c> lines with the values aligned.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="fields">The fields.</param>
    public static void Fields(TextWriter writer, IReadOnlyList<(string Name, string Value)> fields)
    {
        var width = fields.Count == 0 ? 0 : fields.Max(f => f.Name.Length) + 2;
        foreach (var (name, value) in fields)
        {
            writer.WriteLine(name.PadRight(width) + value);
        }
    }

    /// <summary>Writes a table: a header row, then one aligned row per item; "(none)" when empty.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="headers">The column names.</param>
    /// <param name="rows">The rows.</param>
    public static void Table(TextWriter writer, IReadOnlyList<string> headers, IReadOnlyList<string[]> rows)
    {
        if (rows.Count == 0)
        {
            writer.WriteLine("(none)");
            return;
        }

        var widths = headers.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        writer.WriteLine(Row(headers, widths));
        foreach (var row in rows)
        {
            writer.WriteLine(Row(row, widths));
        }
    }

    /// <summary>Writes a JSON value indented, for people.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The value.</param>
    public static void Indented(TextWriter writer, JsonElement value)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            value.WriteTo(json);
        }

        writer.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>A time in UTC with milliseconds: <c>2026-01-31 12:00:00.000Z</c>.</summary>
    /// <param name="at">The time.</param>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A duration for people: <c>850 ms</c>, <c>12.3 s</c>, <c>4.5 min</c>.</summary>
    /// <param name="duration">The duration.</param>
    public static string Elapsed(TimeSpan duration) =>
        duration.TotalSeconds < 1 ? $"{duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms"
        : duration.TotalMinutes < 1 ? $"{duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s"
        : $"{duration.TotalMinutes.ToString("0.0", CultureInfo.InvariantCulture)} min";

    /// <summary>Cuts a one-line text to <paramref name="length"/> characters.</summary>
    /// <param name="text">The text.</param>
    /// <param name="length">The most characters kept.</param>
    public static string Short(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    private static string Row(IReadOnlyList<string> cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Count - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
}
