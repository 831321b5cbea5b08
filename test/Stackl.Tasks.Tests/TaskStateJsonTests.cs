using System.Text.Json;
using Stackl.Contracts;
using Stackl.Tasks.Execution;

namespace Stackl.Tasks.Tests;

/// <summary>Stored task states stay readable as the state type grows.</summary>
public sealed class TaskStateJsonTests
{
    [Fact]
    public void Deserialize_StateStoredBeforeSilosWereRecorded_ReadsWithoutASilo()
    {
        // A row as silos before TaskState.Silo wrote it.
        const string Stored = """
            {"submission":{"topic":"demo","subtype":"echo","source":null,"payload":{},"documents":[],"timeout":"00:00:10","traceParent":null},
             "status":"Completed","rollbackTarget":"Pending","committing":false,"result":null,"error":null,"attempt":1,
             "created":"2025-01-01T00:00:00+00:00","started":"2025-01-01T00:00:00+00:00","completed":"2025-01-01T00:00:01+00:00",
             "deadline":"2025-01-01T00:00:10+00:00","logs":[{"at":"2025-01-01T00:00:00.5+00:00","message":"echo"}],"reverts":[]}
            """;

        var state = JsonSerializer.Deserialize(Stored, GrainJson.Options.GetTypeInfo(typeof(TaskState)))! as TaskState;

        Assert.NotNull(state);
        Assert.Null(state.Silo);
        var view = state.ToView("01jtest0000000000000000000");
        Assert.Null(view.Silo);
        Assert.Equal(TaskStatus.Completed, view.Status);
        Assert.Equal("echo", Assert.Single(view.Logs).Message);
    }

    [Fact]
    public void Serialize_StateWithASilo_RoundTripsIt()
    {
        var state = new TaskState
        {
            Submission = new TaskSubmission("demo", "echo", null, JsonSerializer.SerializeToElement(new { }), [], TimeSpan.FromSeconds(10)),
            Status = TaskStatus.Running,
            Silo = "silo-a",
        };

        var back = (TaskState)JsonSerializer.Deserialize(JsonSerializer.Serialize(state, GrainJson.Options.GetTypeInfo(typeof(TaskState))), GrainJson.Options.GetTypeInfo(typeof(TaskState)))!;

        Assert.Equal("silo-a", back.Silo);
        Assert.Equal("silo-a", back.ToView("01jtest0000000000000000000").Silo);
    }
}
