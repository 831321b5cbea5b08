using System.Text.Json;
using System.Text.Json.Serialization;

namespace Stackl.Contracts;

/// <summary>Source-generated JSON metadata for the wire records (web defaults: camelCase, enums as strings).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(TaskSpec))]
[JsonSerializable(typeof(TaskView))]
[JsonSerializable(typeof(TaskStatus))]
[JsonSerializable(typeof(StepStatus))]
[JsonSerializable(typeof(StepView))]
[JsonSerializable(typeof(ScheduleSpec))]
[JsonSerializable(typeof(ScheduleView))]
[JsonSerializable(typeof(IReadOnlyList<ScheduleView>))]
[JsonSerializable(typeof(Page<ScheduleView>))]
[JsonSerializable(typeof(ChainRuleSpec))]
[JsonSerializable(typeof(ChainRuleView))]
[JsonSerializable(typeof(IReadOnlyList<ChainRuleView>))]
[JsonSerializable(typeof(DocumentView))]
[JsonSerializable(typeof(HistoryEntry))]
[JsonSerializable(typeof(IReadOnlyList<HistoryEntry>))]
[JsonSerializable(typeof(IReadOnlyList<TaskView>))]
[JsonSerializable(typeof(TaskEvent))]
[JsonSerializable(typeof(LockView))]
[JsonSerializable(typeof(Page<TaskView>))]
[JsonSerializable(typeof(Page<DocumentView>))]
[JsonSerializable(typeof(Page<HistoryEntry>))]
[JsonSerializable(typeof(IReadOnlyList<LockView>))]
[JsonSerializable(typeof(ClusterView))]
[JsonSerializable(typeof(ApiKeyView))]
[JsonSerializable(typeof(IReadOnlyList<ApiKeyView>))]
[JsonSerializable(typeof(CreatedApiKey))]
[JsonSerializable(typeof(ApiKeyRequest))]
public sealed partial class ContractsJsonContext : JsonSerializerContext;
