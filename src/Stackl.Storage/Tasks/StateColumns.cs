using System.Text.Json;
using System.Text.Json.Serialization;

namespace Stackl.Storage.Tasks;

/// <summary>The part of a task's state JSON that <c>stackl_tasks</c> projects into columns.</summary>
/// <remarks>Reading only these properties skips the payload, result and log lines instead of materializing them on every write.</remarks>
internal sealed class TaskStateColumns
{
    public SubmissionColumns? Submission { get; set; }

    public TaskStatus Status { get; set; }

    public DateTimeOffset Created { get; set; }

    public DateTimeOffset? Completed { get; set; }
}

/// <summary>The handler of a task, as its state JSON holds it.</summary>
internal sealed class SubmissionColumns
{
    public string? Topic { get; set; }

    public string? Subtype { get; set; }
}

/// <summary>The part of a document's state JSON that <c>stackl_documents</c> and its history project into columns.</summary>
/// <remarks>The staged value is skipped; the committed value is kept as its JSON text, which is what the columns store.</remarks>
internal sealed class DocumentStateColumns
{
    public long Version { get; set; }

    [JsonConverter(typeof(RawJsonTextConverter))]
    public string? Value { get; set; }

    public string? Owner { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    public string? CommittedBy { get; set; }

    public DateTimeOffset? CommittedAt { get; set; }
}

/// <summary>Reads any JSON value as its raw text (the same text <see cref="JsonElement.GetRawText"/> gives).</summary>
internal sealed class RawJsonTextConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var value = JsonDocument.ParseValue(ref reader);
        return value.RootElement.GetRawText();
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        throw new NotSupportedException("State columns are only read from the state JSON, never written.");
}

/// <summary>Source-generated metadata for the column projections, with the grain serializer's settings (web defaults, enums as strings).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(TaskStateColumns))]
[JsonSerializable(typeof(DocumentStateColumns))]
internal sealed partial class StateColumnsJsonContext : JsonSerializerContext;
