using System.Net;
using Stackl.Contracts;
using Stackl.Testing;

namespace Stackl.Silo.Tests.Api;

/// <summary><c>/api/chains</c> over real HTTP: a rule written, fired by a finished task, listed, deleted; bad input.</summary>
public sealed class ChainApiTests : ApiTestBase
{
    [Fact]
    public async Task Rule_FiresOnceForAFinishedTask_ThenIsDeleted()
    {
        using (var put = await PutAsync("/api/chains/after-echo", """{"when": {"topic": "demo", "subtype": "echo"}, "then": {"topic": "demo", "subtype": "sleep", "payload": {"ms": 1}}}"""))
        {
            var rule = await ApiSilo.ReadAsync(put, ContractsJsonContext.Default.ChainRuleView);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.Equal(("after-echo", "demo", "sleep"), (rule!.Name, rule.When.Topic, rule.Then.Subtype));
        }

        var parent = await Silo.SubmitAsync("""{"topic": "demo", "subtype": "echo", "payload": {"hello": "chain"}}""");
        var followUps = await Eventually.ValueAsync(
            "the rule started its follow-up",
            async () => (await ApiSilo.ReadAsync(await Silo.GetAsync("/api/tasks?topic=demo&limit=50"), ContractsJsonContext.Default.PageTaskView))!.Items.Where(t => t.Source == "chain/after-echo").ToList(),
            items => items.Count >= 1,
            TimeSpan.FromSeconds(15));
        var followUp = Assert.Single(followUps);
        Assert.Equal(parent.Id, followUp.Payload.GetProperty("parent").GetProperty("id").GetString());

        using (var list = await Silo.GetAsync("/api/chains"))
        {
            Assert.Equal(["after-echo"], (await ApiSilo.ReadAsync(list, ContractsJsonContext.Default.IReadOnlyListChainRuleView))!.Select(r => r.Name));
        }

        using (var delete = await Silo.Http.DeleteAsync(new Uri("/api/chains/after-echo", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using var gone = await Silo.GetAsync("/api/chains/after-echo");
        Assert.Equal(404, (await ApiSilo.ProblemAsync(gone)).Status);
    }

    [Theory]
    [InlineData("""{"then": {"topic": "demo", "subtype": "echo"}}""", 400, "invalid_request", "when is required")]
    [InlineData("""{"when": {"topic": "demo"}}""", 400, "invalid_request", "then is required")]
    [InlineData("""{"when": {"topic": "demo", "status": "Done"}, "then": {"topic": "demo", "subtype": "echo"}}""", 400, "invalid_request", "when.status must be a status")]
    [InlineData("""{"when": {"topic": "demo", "status": ["Running"]}, "then": {"topic": "demo", "subtype": "echo"}}""", 422, ErrorCodes.InvalidChain, "when.status lists Running")]
    [InlineData("""{"when": {"topic": "demo"}, "then": {"topic": "demo", "subtype": "echo", "payload": [1]}}""", 422, ErrorCodes.InvalidChain, "then.payload must be an object")]
    public async Task BadRule_GetsAProblemNamingTheField_AndNothingIsStored(string body, int status, string code, string detail)
    {
        using var response = await PutAsync("/api/chains/bad", body);
        var problem = await ApiSilo.ProblemAsync(response);

        Assert.Equal((status, code), (problem.Status, problem.Code));
        Assert.Contains(detail, problem.Detail, StringComparison.Ordinal);
        using var list = await Silo.GetAsync("/api/chains");
        Assert.Empty((await ApiSilo.ReadAsync(list, ContractsJsonContext.Default.IReadOnlyListChainRuleView))!);
    }

    private Task<HttpResponseMessage> PutAsync(string path, string json) => Silo.Http.PutAsync(new Uri(path, UriKind.Relative), ApiSilo.Json(json));
}
