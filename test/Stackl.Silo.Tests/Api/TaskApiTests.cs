using System.Net;
using Stackl.Contracts;

namespace Stackl.Silo.Tests.Api;

/// <summary>The HTTP contract of /api/tasks through the real silo host.</summary>
public sealed class TaskApiTests : ApiTestBase
{
    [Fact]
    public async Task Submit_FinalWithinTheWait_Returns200WithTheTask()
    {
        using var response = await Silo.PostAsync("/api/tasks?wait=10s", """{"topic":"demo","subtype":"echo","payload":{"hello":"world"},"source":"tests"}""");
        var task = await ApiSilo.ReadAsync(response, ContractsJsonContext.Default.TaskView);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((TaskStatus.Completed, "tests"), (task!.Status, task.Source));
        Assert.Equal("""{"hello":"world"}""", task.Result!.Value.GetRawText());
    }

    [Fact]
    public async Task Submit_NotFinalWithinTheWait_Returns202WithLocation_ThenLongPollGetsTheFinalTask()
    {
        using var response = await Silo.PostAsync("/api/tasks?wait=50ms", """{"topic":"demo","subtype":"sleep","payload":{"ms":700}}""");
        var accepted = await ApiSilo.ReadAsync(response, ContractsJsonContext.Default.TaskView);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/api/tasks/{accepted!.Id}", response.Headers.Location?.ToString());
        Assert.Equal(TaskStatus.Running, accepted.Status);

        using var polled = await Silo.GetAsync($"{response.Headers.Location}?wait=10s");
        Assert.Equal(TaskStatus.Completed, (await ApiSilo.ReadAsync(polled, ContractsJsonContext.Default.TaskView))!.Status);
    }

    [Fact]
    public async Task Submit_WithIdempotencyKeyHeader_RepeatReturnsTheFirstTask()
    {
        using var first = new HttpRequestMessage(HttpMethod.Post, "/api/tasks?wait=5s") { Content = ApiSilo.Json("""{"topic":"demo","subtype":"echo","payload":1}""") };
        first.Headers.Add("Idempotency-Key", "deploy-7");
        using var second = new HttpRequestMessage(HttpMethod.Post, "/api/tasks?wait=5s") { Content = ApiSilo.Json("""{"topic":"demo","subtype":"echo","payload":2}""") };
        second.Headers.Add("Idempotency-Key", "deploy-7");

        using var a = await Silo.Http.SendAsync(first);
        using var b = await Silo.Http.SendAsync(second);

        Assert.Equal((await ApiSilo.ReadAsync(a, ContractsJsonContext.Default.TaskView))!.Id, (await ApiSilo.ReadAsync(b, ContractsJsonContext.Default.TaskView))!.Id);
        Assert.Equal(1, await Silo.TaskCountAsync());
    }

    [Theory]
    [InlineData("""{"topic":"demo","subtype":"echo""", 400, "invalid_request", "not valid JSON")]
    [InlineData("""[1,2]""", 400, "invalid_request", "JSON object")]
    [InlineData("", 400, "invalid_request", "empty")]
    [InlineData("""{"topic":"demo","subtype":"echo","timout":"5s"}""", 400, "invalid_request", "'timout' is not a task field")]
    [InlineData("""{"topic":"demo"}""", 400, "invalid_request", "subtype is required")]
    [InlineData("""{"topic":7,"subtype":"echo"}""", 400, "invalid_request", "topic must be a string")]
    [InlineData("""{"topic":"demo","subtype":"echo","timeout":5}""", 400, "invalid_request", "timeout must be a duration string")]
    [InlineData("""{"topic":"demo","subtype":"echo","timeout":"soon"}""", 400, "invalid_request", "timeout is 'soon'")]
    [InlineData("""{"topic":"demo","subtype":"echo","documents":"env/prod"}""", 400, "invalid_request", "documents must be an array")]
    [InlineData("""{"topic":"nope","subtype":"echo"}""", 422, ErrorCodes.UnknownTopic, "known: ")]
    [InlineData("""{"topic":"demo","subtype":"sleep","payload":{"ms":"long"}}""", 422, ErrorCodes.InvalidPayload, "payload.ms")]
    [InlineData("""{"topic":"demo","subtype":"echo","timeout":"9h"}""", 422, ErrorCodes.InvalidTimeout, "at most 1h")]
    [InlineData("""{"topic":"demo","subtype":"echo","documents":["Prod"]}""", 422, ErrorCodes.InvalidDocumentKey, "documents[0]")]
    [InlineData("""{"topic":"document","subtype":"transaction","payload":{"ops":[{"op":"launch","key":"a/b"}]}}""", 422, ErrorCodes.InvalidPayload, "payload.ops[0].op")]
    [InlineData("""{"topic":"flow","subtype":"run","payload":{"step":"dns","handler":"demo/provision","input":{"kind":"dns","name":"x"},"requires":["vm"]}}""", 422, ErrorCodes.InvalidFlow, "Step 'dns' requires 'vm', which no step provides")]
    [InlineData("""{"topic":"flow","subtype":"run","payload":{"step":"dns","handler":"demo/provision","input":{"kind":"dns"}}}""", 422, ErrorCodes.InvalidPayload, "step 'dns': payload.name is required")]
    [InlineData("""{"topic":"flow","subtype":"run","payload":{"step":"dns","handler":"demo/provision","input":{"kind":"dns","name":"x"},"retry":{"backoff":"linear"}}}""", 422, ErrorCodes.InvalidFlow, "step 'dns'.retry.backoff must be")]
    public async Task Submit_BadInput_GetsAProblemNamingTheFieldAndStoresNothing(string body, int status, string code, string detail)
    {
        using var response = await Silo.PostAsync("/api/tasks?wait=1s", body);
        var problem = await ApiSilo.ProblemAsync(response);

        Assert.Equal((status, code), (problem.Status, problem.Code));
        Assert.Contains(detail, problem.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await Silo.TaskCountAsync());
    }

    [Fact]
    public async Task Flow_OverHttp_AnswersWithItsStepsAsATree()
    {
        var flow = await Silo.SubmitAsync(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "samples", "flows", "environment.json")));

        Assert.Equal(TaskStatus.Failed, flow.Status);
        Assert.Equal(ErrorCodes.StepFailed, flow.Error!.Code);
        var steps = flow.Steps!.ToDictionary(s => s.Name);
        Assert.Equal(["network", "vm1", "vm2", "vm3", "install", "dns"], flow.Steps!.Select(s => s.Name));
        Assert.Equal((StepStatus.Failed, StepStatus.Reverted), (steps["dns"].Status, steps["install"].Status));
        Assert.Equal((1, 5), (steps["install"].RevertOrder, steps["network"].RevertOrder));
        Assert.Equal(2, steps["install"].Attempt);
        Assert.Contains(steps["network"].Logs, l => l.Message == "deleted network net-1");

        // A step is addressable on its own, as a child of its flow.
        using var install = await Silo.GetAsync($"/api/tasks/{flow.Id}/steps/install");
        var step = await ApiSilo.ReadAsync(install, ContractsJsonContext.Default.StepView);
        Assert.Equal(($"{flow.Id}/install", StepStatus.Reverted, 2), (step!.Id, step.Status, step.Attempt));
        using var unknown = await Silo.GetAsync($"/api/tasks/{flow.Id}/steps/nope");
        var problem = await ApiSilo.ProblemAsync(unknown);
        Assert.Equal(404, problem.Status);
        Assert.Contains("its steps: network, vm1", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandlersInUse_ListsWhatUnfinishedFlowsRunOrRevertWith_UntilTheyEnd()
    {
        var flow = await Silo.SubmitAsync("""
            {"topic": "flow", "subtype": "run", "timeout": "30s", "payload": {"linear": [
              {"step": "wait", "handler": "demo/sleep", "input": {"ms": 20000}, "revert": "demo/deprovision"},
              {"step": "after", "handler": "demo/echo"}
            ]}}
            """, wait: "0s");

        using (var response = await Silo.GetAsync("/api/handlers/in-use"))
        {
            var uses = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = System.Text.Json.JsonDocument.Parse(uses);
            var listed = json.RootElement.EnumerateArray().ToDictionary(u => u.GetProperty("handler").GetString()!);
            Assert.Equal(["demo/deprovision", "demo/echo", "demo/sleep"], listed.Keys.Order(StringComparer.Ordinal));
            Assert.Equal((1, flow.Id, true), (listed["demo/sleep"].GetProperty("flows").GetInt32(), listed["demo/sleep"].GetProperty("flow").GetString(), listed["demo/sleep"].GetProperty("registered").GetBoolean()));
        }

        using (await Silo.PostAsync($"/api/tasks/{flow.Id}/cancel", "{}"))
        {
        }

        await Stackl.Testing.Eventually.ValueAsync(
            "no handler is in use once the flow ended",
            async () => await (await Silo.GetAsync("/api/handlers/in-use")).Content.ReadAsStringAsync(),
            body => body == "[]",
            TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Submit_OversizedBody_Gets413AndStoresNothing()
    {
        var body = $$"""{"topic":"demo","subtype":"echo","payload":"{{new string('x', 1_100_000)}}"}""";

        using var response = await Silo.PostAsync("/api/tasks", body);
        var problem = await ApiSilo.ProblemAsync(response);

        Assert.Equal((413, ErrorCodes.PayloadTooLarge), (problem.Status, problem.Code));
        Assert.Equal(0, await Silo.TaskCountAsync());
    }

    [Fact]
    public async Task Submit_BadWait_Gets400AndStoresNothing()
    {
        using var response = await Silo.PostAsync("/api/tasks?wait=later", """{"topic":"demo","subtype":"echo"}""");
        var problem = await ApiSilo.ProblemAsync(response);

        Assert.Equal(400, problem.Status);
        Assert.Contains("wait is 'later'", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await Silo.TaskCountAsync());
    }

    [Fact]
    public async Task Submit_WaitAboveTheMaximum_IsShortenedToIt()
    {
        await using var silo = new ApiSilo(("Stackl:Api:MaxWait", "00:00:00.300"));
        var started = TimeProvider.System.GetTimestamp();

        using var response = await silo.PostAsync("/api/tasks?wait=1m", """{"topic":"demo","subtype":"sleep","payload":{"ms":20000}}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(15), "the wait was capped at Stackl:Api:MaxWait");
    }

    [Theory]
    [InlineData("01jzzzzzzzzzzzzzzzzzzzzzzz", "No task has id")]
    [InlineData("not-a-task", "is not a task id")]
    public async Task Get_UnknownTask_Gets404(string id, string detail)
    {
        using var response = await Silo.GetAsync($"/api/tasks/{id}");
        var problem = await ApiSilo.ProblemAsync(response);

        Assert.Equal((404, ErrorCodes.NotFound), (problem.Status, problem.Code));
        Assert.Contains(detail, problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_FiltersByStatusAndPagesWithNext()
    {
        var echoes = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            echoes.Add((await Silo.SubmitAsync("""{"topic":"demo","subtype":"echo"}""")).Id);
        }

        await Silo.SubmitAsync("""{"topic":"demo","subtype":"fail","payload":{"message":"no"}}""");

        using var first = await Silo.GetAsync("/api/tasks?status=completed&topic=demo&limit=2");
        var page = (await ApiSilo.ReadAsync(first, ContractsJsonContext.Default.PageTaskView))!;
        using var second = await Silo.GetAsync($"/api/tasks?status=Completed&limit=2&after={page.Next}");
        var rest = (await ApiSilo.ReadAsync(second, ContractsJsonContext.Default.PageTaskView))!;

        Assert.Equal([echoes[2], echoes[1]], page.Items.Select(t => t.Id));
        Assert.Equal([echoes[0]], rest.Items.Select(t => t.Id));
        Assert.Null(rest.Next);
    }

    [Theory]
    [InlineData("/api/tasks?status=Sleeping", "status is 'Sleeping'")]
    [InlineData("/api/tasks?limit=0", "limit is '0'")]
    [InlineData("/api/tasks?limit=100000", "limit is '100000'")]
    public async Task List_BadQuery_Gets400(string path, string detail)
    {
        using var response = await Silo.GetAsync(path);
        var problem = await ApiSilo.ProblemAsync(response);

        Assert.Equal(400, problem.Status);
        Assert.Contains(detail, problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_RunningTask_EndsCancelled_ThenCancelAgainGets409()
    {
        var running = await Silo.SubmitAsync("""{"topic":"demo","subtype":"sleep","payload":{"ms":30000}}""", wait: "0s");

        using var cancel = await Silo.PostAsync($"/api/tasks/{running.Id}/cancel?wait=10s", "");
        using var again = await Silo.PostAsync($"/api/tasks/{running.Id}/cancel", "");
        using var unknown = await Silo.PostAsync("/api/tasks/01jzzzzzzzzzzzzzzzzzzzzzzz/cancel", "");

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal(TaskStatus.Cancelled, (await ApiSilo.ReadAsync(cancel, ContractsJsonContext.Default.TaskView))!.Status);
        var conflict = await ApiSilo.ProblemAsync(again);
        Assert.Equal((409, "task_final"), (conflict.Status, conflict.Code));
        Assert.Equal(404, (await ApiSilo.ProblemAsync(unknown)).Status);
    }

    [Fact]
    public async Task Events_StreamTheCurrentStatusThenTransitionsUntilFinal()
    {
        // Long enough that the stream opens while the task runs, even on a loaded machine (300 ms was not, once).
        var task = await Silo.SubmitAsync("""{"topic":"demo","subtype":"sleep","payload":{"ms":3000}}""", wait: "0s");

        using var response = await Silo.Http.GetAsync(new Uri($"/api/tasks/{task.Id}/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var statuses = text.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal))
            .Select(l => System.Text.Json.JsonSerializer.Deserialize(l[6..], ContractsJsonContext.Default.TaskEvent)!)
            .Where(e => e.Kind == TaskEvent.StatusKind).Select(e => e.Status).ToList();
        Assert.Equal(TaskStatus.Running, statuses[0]);
        Assert.Equal(TaskStatus.Completed, statuses[^1]);
    }

    [Fact]
    public async Task OpenApi_DocumentListsTheTaskEndpoints()
    {
        using var response = await Silo.GetAsync("/openapi/v1.json");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"/api/tasks\"", text, StringComparison.Ordinal);
        Assert.Contains("\"/api/tasks/{id}/cancel\"", text, StringComparison.Ordinal);
    }
}
