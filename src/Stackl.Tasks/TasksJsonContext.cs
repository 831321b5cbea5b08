using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Stackl.Contracts;
using Stackl.Tasks.Documents;
using Stackl.Tasks.Idempotency;
using Stackl.Tasks.Execution;

namespace Stackl.Tasks;

/// <summary>Source-generated JSON metadata for the task domain's grain messages and states (the grain serializer's settings: web defaults, enums as strings).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(TaskState))]
[JsonSerializable(typeof(TaskSubmission))]
[JsonSerializable(typeof(TaskOutcome))]
[JsonSerializable(typeof(TaskDecision))]
[JsonSerializable(typeof(RevertRecord))]
[JsonSerializable(typeof(Stackl.Tasks.Flows.FlowStepState))]
[JsonSerializable(typeof(Stackl.Tasks.Schedules.ScheduleState))]
[JsonSerializable(typeof(Stackl.Tasks.Schedules.ScheduleDefinition))]
[JsonSerializable(typeof(ScheduleView))]
[JsonSerializable(typeof(Stackl.Tasks.Chains.ChainRuleState))]
[JsonSerializable(typeof(ChainRuleSpec))]
[JsonSerializable(typeof(ChainRuleView))]
[JsonSerializable(typeof(TaskView))]
[JsonSerializable(typeof(TaskError))]
[JsonSerializable(typeof(TaskLogLine))]
[JsonSerializable(typeof(IReadOnlyList<TaskLogLine>))]
[JsonSerializable(typeof(TaskStatus))]
[JsonSerializable(typeof(DocumentState))]
[JsonSerializable(typeof(DocumentView))]
[JsonSerializable(typeof(DocumentLockResult))]
[JsonSerializable(typeof(Stackl.Tasks.Queries.OrphanedLock))]
[JsonSerializable(typeof(IdempotencyState))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JsonElement?))]
[JsonSerializable(typeof(JsonNode))]
public sealed partial class TasksJsonContext : JsonSerializerContext;
