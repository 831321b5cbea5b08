using System.Net;
using Stackl.Contracts;
using Stackl.Testing;

namespace Stackl.Silo.Tests.Api;

/// <summary><c>/api/schedules</c> over real HTTP: write, list, read, trigger, pause, resume, delete, and bad input.</summary>
public sealed class ScheduleApiTests : ApiTestBase
{
    private const string Hourly = """{"cron": "0 0 * * * *", "timeZone": "Europe/Paris", "task": {"topic": "demo", "subtype": "echo", "payload": {"from": "schedule"}}, "overlap": "queue", "catchUp": "none"}""";

    [Fact]
    public async Task Schedule_WrittenListedTriggeredPausedResumedAndDeleted()
    {
        using (var put = await PutAsync("/api/schedules/hourly", Hourly))
        {
            var created = await ApiSilo.ReadAsync(put, ContractsJsonContext.Default.ScheduleView);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.Equal(("hourly", "0 0 * * * *", "Europe/Paris", ScheduleOverlap.Queue, ScheduleCatchUp.None, true), (created!.Name, created.Cron, created.TimeZone, created.Overlap, created.CatchUp, created.Enabled));
            Assert.Equal(0, created.NextDue!.Value.Minute);
        }

        using (var list = await Silo.GetAsync("/api/schedules"))
        {
            var page = await ApiSilo.ReadAsync(list, ContractsJsonContext.Default.PageScheduleView);
            Assert.Equal(["hourly"], page!.Items.Select(s => s.Name));
        }

        using (var trigger = await Silo.PostAsync("/api/schedules/hourly/trigger", "{}"))
        {
            var run = await ApiSilo.ReadAsync(trigger, ContractsJsonContext.Default.TaskView);
            Assert.Equal(HttpStatusCode.OK, trigger.StatusCode);
            Assert.Equal("schedule/hourly", run!.Source);
        }

        using (var pause = await Silo.PostAsync("/api/schedules/hourly/pause", "{}"))
        {
            var paused = await ApiSilo.ReadAsync(pause, ContractsJsonContext.Default.ScheduleView);
            Assert.Equal((false, 1L, (DateTimeOffset?)null), (paused!.Enabled, paused.Runs, paused.NextDue));
        }

        using (var resume = await Silo.PostAsync("/api/schedules/hourly/resume", "{}"))
        {
            Assert.True((await ApiSilo.ReadAsync(resume, ContractsJsonContext.Default.ScheduleView))!.Enabled);
        }

        using (var delete = await Silo.Http.DeleteAsync(new Uri("/api/schedules/hourly", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using var gone = await Silo.GetAsync("/api/schedules/hourly");
        Assert.Equal(404, (await ApiSilo.ProblemAsync(gone)).Status);
    }

    [Theory]
    [InlineData("""{"task": {"topic": "demo", "subtype": "echo"}}""", 400, "invalid_request", "cron is required")]
    [InlineData("""{"cron": "* * * * *"}""", 400, "invalid_request", "task is required")]
    [InlineData("""{"cron": "* * * * *", "task": {"topic": "demo", "subtype": "echo"}, "every": "day"}""", 400, "invalid_request", "'every' is not a schedule field")]
    [InlineData("""{"cron": "* * * * *", "task": {"topic": "demo", "subtype": "echo"}, "overlap": "sometimes"}""", 400, "invalid_request", "overlap is 'sometimes'; use one of skip, queue, allow")]
    [InlineData("""{"cron": "daily", "task": {"topic": "demo", "subtype": "echo"}}""", 422, ErrorCodes.InvalidSchedule, "cron 'daily' is not a cron expression")]
    [InlineData("""{"cron": "* * * * *", "timeZone": "Nowhere/Land", "task": {"topic": "demo", "subtype": "echo"}}""", 422, ErrorCodes.InvalidSchedule, "timeZone 'Nowhere/Land'")]
    [InlineData("""{"cron": "* * * * *", "task": {"topic": "demo", "subtype": "sleep", "payload": {"ms": "x"}}}""", 422, ErrorCodes.InvalidPayload, "task: payload.ms")]
    public async Task BadSchedule_GetsAProblemNamingTheField_AndNothingIsStored(string body, int status, string code, string detail)
    {
        using var response = await PutAsync("/api/schedules/bad", body);
        var problem = await ApiSilo.ProblemAsync(response);

        Assert.Equal((status, code), (problem.Status, problem.Code));
        Assert.Contains(detail, problem.Detail, StringComparison.Ordinal);
        using var list = await Silo.GetAsync("/api/schedules");
        Assert.Empty((await ApiSilo.ReadAsync(list, ContractsJsonContext.Default.PageScheduleView))!.Items);
    }

    private Task<HttpResponseMessage> PutAsync(string path, string json) => Silo.Http.PutAsync(new Uri(path, UriKind.Relative), ApiSilo.Json(json));
}
