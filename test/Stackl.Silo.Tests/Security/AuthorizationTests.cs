using System.Net;
using System.Net.Http.Json;
using Stackl.Contracts;
using Stackl.Silo.Tests.Api;
using Stackl.Testing;

namespace Stackl.Silo.Tests.Security;

/// <summary>Who gets in, and who gets 401 or 403, at every HTTP endpoint, per role, on a silo that requires credentials.</summary>
public sealed class AuthorizationTests(SecuredSilo silo) : IClassFixture<SecuredSilo>
{
    private const string Echo = """{"topic":"demo","subtype":"echo","payload":{"hello":"world"}}""";

    public static TheoryData<string> EveryApiEndpoint => new()
    {
        "GET /api/tasks",
        "POST /api/tasks",
        "GET /api/tasks/0000000000000000000000000000",
        "POST /api/tasks/0000000000000000000000000000/cancel",
        "GET /api/tasks/0000000000000000000000000000/steps/a",
        "GET /api/tasks/0000000000000000000000000000/events",
        "GET /api/events",
        "GET /api/documents",
        "GET /api/documents/any/key",
        "GET /api/documents/any/key/history",
        "PUT /api/documents/any/key",
        "PATCH /api/documents/any/key",
        "DELETE /api/documents/any/key",
        "GET /api/locks",
        "GET /api/locks/queues",
        "GET /api/cluster",
        "GET /api/stats",
        "GET /api/stats/cluster",
        "GET /api/reminders",
        "GET /api/handlers",
        "GET /api/handlers/in-use",
        "GET /api/schedules",
        "GET /api/schedules/nightly",
        "PUT /api/schedules/nightly",
        "DELETE /api/schedules/nightly",
        "POST /api/schedules/nightly/trigger",
        "GET /api/chains",
        "PUT /api/chains/follow",
        "DELETE /api/chains/follow",
        "GET /api/keys",
        "POST /api/keys",
        "DELETE /api/keys/admin",
        "GET /api/whoami",
        "GET /orleans/",
    };

    [Theory]
    [MemberData(nameof(EveryApiEndpoint))]
    public async Task AnyEndpoint_WithoutCredentials_Answers401AndChangesNothing(string endpoint)
    {
        var (method, path) = Split(endpoint);
        var before = await TaskCountAsync();
        using var response = await silo.SendAsync(null, method, path, method == HttpMethod.Get || method == HttpMethod.Delete ? null : Echo);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        var problem = await ApiSilo.ProblemAsync(response);
        Assert.Equal(ErrorCodes.Unauthorized, problem.Code);
        Assert.Contains("Authorization: Bearer", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await TaskCountAsync());
    }

    [Theory]
    [InlineData("stk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("not-a-key")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e30.c2ln")]
    public async Task Submit_WithAnUnknownKey_Answers401(string key)
    {
        using var response = await silo.SendWithKeyAsync(key, HttpMethod.Post, "/api/tasks", Echo);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("not valid", (await ApiSilo.ProblemAsync(response)).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Key_WithTheRightIdButAnotherSecret_Answers401()
    {
        var forged = TestKeys.Admin[..^4] + (TestKeys.Admin.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        using var response = await silo.SendWithKeyAsync(forged, HttpMethod.Get, "/api/keys");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("admin", HttpStatusCode.OK)]
    [InlineData("operator", HttpStatusCode.OK)]
    [InlineData("producer", HttpStatusCode.OK)]
    [InlineData("reader", HttpStatusCode.Forbidden)]
    [InlineData(SecuredSilo.Deployer, HttpStatusCode.OK)]
    public async Task SubmitDemoTask_PerRole(string role, HttpStatusCode expected) =>
        await ExpectAsync(role, HttpMethod.Post, "/api/tasks?wait=10s", Echo, expected);

    [Theory]
    [InlineData("admin", HttpStatusCode.OK)]
    [InlineData("operator", HttpStatusCode.OK)]
    [InlineData("producer", HttpStatusCode.OK)]
    [InlineData("reader", HttpStatusCode.Forbidden)]
    [InlineData(SecuredSilo.Deployer, HttpStatusCode.Forbidden)]
    public async Task PutDocumentOutsideDeploy_PerRole(string role, HttpStatusCode expected) =>
        await ExpectAsync(role, HttpMethod.Put, $"/api/documents/account/{role}-{Guid.NewGuid():N}?wait=10s", """{"balance":1}""", expected);

    [Theory]
    [InlineData("admin", HttpStatusCode.OK)]
    [InlineData("producer", HttpStatusCode.OK)]
    [InlineData("reader", HttpStatusCode.Forbidden)]
    [InlineData(SecuredSilo.Deployer, HttpStatusCode.OK)]
    public async Task PutDocumentUnderDeploy_PerRole(string role, HttpStatusCode expected) =>
        await ExpectAsync(role, HttpMethod.Put, $"/api/documents/deploy/{role}-{Guid.NewGuid():N}?wait=10s", """{"replicas":1}""", expected);

    [Theory]
    [InlineData("demo/provision", "deploy/flow", HttpStatusCode.OK)]
    [InlineData("document/delete", "deploy/flow", HttpStatusCode.Forbidden)]
    [InlineData("demo/provision", "account/flow", HttpStatusCode.Forbidden)]
    public async Task Flow_EveryStepHandlerAndDocumentMustBeWithinTheGrants(string stepHandler, string document, HttpStatusCode expected)
    {
        var input = stepHandler == "demo/provision" ? """{"kind": "vm", "name": "a"}""" : $$"""{"key": "{{document}}-{{Guid.NewGuid():N}}"}""";
        var flow = $$$"""
            {"topic": "flow", "subtype": "run", "payload": {"linear": [
              {"step": "a", "handler": "{{{stepHandler}}}", "input": {{{input}}}, "documents": ["{{{document}}}-{{{Guid.NewGuid():N}}}"]},
              {"step": "b", "handler": "demo/provision", "input": {"kind": "vm", "name": "b"}, "revert": "demo/deprovision"}
            ]}}
            """;
        var before = await TaskCountAsync();
        using var response = await silo.SendAsync(SecuredSilo.Deployer, HttpMethod.Post, "/api/tasks?wait=10s", flow);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Forbidden)
        {
            var problem = await ApiSilo.ProblemAsync(response);
            Assert.Contains(stepHandler == "document/delete" ? "document/delete" : document, problem.Detail, StringComparison.Ordinal);
            Assert.Equal(before, await TaskCountAsync());
        }
    }

    [Fact]
    public async Task Schedules_AReaderMayLookButNotChangeOrRun_AnOperatorMay()
    {
        var name = $"roles-{Guid.NewGuid():N}";
        using (var put = await silo.SendAsync("admin", HttpMethod.Put, $"/api/schedules/{name}", """{"cron": "0 0 1 1 *", "task": {"topic": "demo", "subtype": "echo"}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using (var read = await silo.SendAsync("reader", HttpMethod.Get, $"/api/schedules/{name}"))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        foreach (var (method, path) in new[] { (HttpMethod.Post, "pause"), (HttpMethod.Post, "resume"), (HttpMethod.Post, "trigger"), (HttpMethod.Delete, "") })
        {
            using var refused = await silo.SendAsync("reader", method, $"/api/schedules/{name}{(path.Length > 0 ? "/" + path : "")}", method == HttpMethod.Post ? "{}" : null);
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"reader {method} {path} answered {(int)refused.StatusCode}");
        }

        using (var pause = await silo.SendAsync("operator", HttpMethod.Post, $"/api/schedules/{name}/pause", "{}"))
        {
            Assert.Equal(HttpStatusCode.OK, pause.StatusCode);
        }

        using var delete = await silo.SendAsync("operator", HttpMethod.Delete, $"/api/schedules/{name}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }

    [Fact]
    public async Task Transaction_ReachingOutsideTheWriteGrants_Answers403NamingTheKeyAndStoresNothing()
    {
        var inside = $"deploy/app-{Guid.NewGuid():N}";
        var outside = $"account/{Guid.NewGuid():N}";
        var before = await TaskCountAsync();
        var ops = $"\"ops\":[{{\"op\":\"set\",\"key\":\"{inside}\",\"path\":\"/v\",\"value\":1}},{{\"op\":\"set\",\"key\":\"{outside}\",\"path\":\"/v\",\"value\":1}}]";
        using var response = await silo.SendAsync(SecuredSilo.Deployer, HttpMethod.Post, "/api/tasks?wait=10s", Task("transaction", ops));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await ApiSilo.ProblemAsync(response);
        Assert.Equal(ErrorCodes.Forbidden, problem.Code);
        Assert.Contains(outside, problem.Detail, StringComparison.Ordinal);
        Assert.Contains("Write", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await TaskCountAsync());
        using var read = await silo.SendAsync("admin", HttpMethod.Get, $"/api/documents/{inside}");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task DocumentsLockedThroughTheDocumentsField_AreCheckedToo()
    {
        using var response = await silo.SendAsync(SecuredSilo.Deployer, HttpMethod.Post, "/api/tasks", """{"topic":"demo","subtype":"echo","payload":{},"documents":["account/locked"]}""");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("account/locked", (await ApiSilo.ProblemAsync(response)).Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("admin", HttpStatusCode.OK)]
    [InlineData("operator", HttpStatusCode.OK)]
    [InlineData("producer", HttpStatusCode.Forbidden)]
    [InlineData("reader", HttpStatusCode.Forbidden)]
    [InlineData(SecuredSilo.Deployer, HttpStatusCode.Forbidden)]
    public async Task Restore_PerRole(string role, HttpStatusCode expected)
    {
        var key = $"deploy/restore-{Guid.NewGuid():N}";
        await silo.SubmitAsync("admin", Task("put", $"\"key\":\"{key}\",\"value\":{{\"v\":1}}"));
        await silo.SubmitAsync("admin", Task("put", $"\"key\":\"{key}\",\"value\":{{\"v\":2}}"));
        await ExpectAsync(role, HttpMethod.Post, "/api/tasks?wait=10s", Task("restore", $"\"key\":\"{key}\",\"version\":1"), expected);
    }

    [Theory]
    [InlineData("admin", "account/a", HttpStatusCode.NotFound)]
    [InlineData("reader", "account/a", HttpStatusCode.NotFound)]
    [InlineData(SecuredSilo.Deployer, "account/a", HttpStatusCode.Forbidden)]
    [InlineData(SecuredSilo.Deployer, "deploy/a", HttpStatusCode.NotFound)]
    [InlineData(SecuredSilo.Deployer, "account/a/history", HttpStatusCode.Forbidden)]
    [InlineData(SecuredSilo.Deployer, "account/a/history/1", HttpStatusCode.Forbidden)]
    [InlineData(SecuredSilo.Deployer, "deploy/a/history", HttpStatusCode.OK)]
    public async Task ReadDocument_PerRoleAndKey(string role, string path, HttpStatusCode expected) =>
        await ExpectAsync(role, HttpMethod.Get, $"/api/documents/{path}", null, expected);

    [Theory]
    [InlineData("reader", "", HttpStatusCode.OK)]
    [InlineData(SecuredSilo.Deployer, "", HttpStatusCode.Forbidden)]
    [InlineData(SecuredSilo.Deployer, "?prefix=account/", HttpStatusCode.Forbidden)]
    [InlineData(SecuredSilo.Deployer, "?prefix=deploy/", HttpStatusCode.OK)]
    [InlineData(SecuredSilo.Deployer, "?prefix=deploy/app", HttpStatusCode.OK)]
    public async Task ListDocuments_PerRoleAndPrefix(string role, string query, HttpStatusCode expected) =>
        await ExpectAsync(role, HttpMethod.Get, $"/api/documents{query}", null, expected);

    [Fact]
    public async Task Source_IsThePrincipal_AndABodyCannotClaimAnother()
    {
        var own = await silo.SubmitAsync("producer", Echo);
        Assert.Equal(SecuredSilo.NameOf("producer"), own.Source);
        var named = await silo.SubmitAsync("producer", """{"topic":"demo","subtype":"echo","payload":{},"source":"producer-key"}""");
        Assert.Equal("producer-key", named.Source);

        using var claimed = await silo.SendAsync("producer", HttpMethod.Post, "/api/tasks", """{"topic":"demo","subtype":"echo","payload":{},"source":"ci-bot"}""");
        Assert.Equal(HttpStatusCode.Forbidden, claimed.StatusCode);
        Assert.Contains("leave source out", (await ApiSilo.ProblemAsync(claimed)).Detail, StringComparison.Ordinal);

        using var put = await silo.SendAsync("producer", HttpMethod.Put, $"/api/documents/doc/{Guid.NewGuid():N}?wait=10s", "{}");
        Assert.Equal(SecuredSilo.NameOf("producer"), (await put.Content.ReadFromJsonAsync(ContractsJsonContext.Default.TaskView))!.Source);
    }

    [Fact]
    public async Task Producer_ReadsListsAndCancelsOnlyItsOwnTasks_ReaderAndOperatorSeeAll()
    {
        var adminsTask = await silo.SubmitAsync("admin", """{"topic":"demo","subtype":"sleep","payload":{"ms":30000}}""");
        var producersTask = await silo.SubmitAsync("producer", """{"topic":"demo","subtype":"sleep","payload":{"ms":30000}}""");

        await ExpectAsync("producer", HttpMethod.Get, $"/api/tasks/{adminsTask.Id}", null, HttpStatusCode.Forbidden);
        await ExpectAsync("producer", HttpMethod.Get, $"/api/tasks/{adminsTask.Id}?wait=5s", null, HttpStatusCode.Forbidden);
        await ExpectAsync("producer", HttpMethod.Get, $"/api/tasks/{adminsTask.Id}/events", null, HttpStatusCode.Forbidden);
        await ExpectAsync("producer", HttpMethod.Get, $"/api/tasks/{producersTask.Id}", null, HttpStatusCode.OK);
        await ExpectAsync("reader", HttpMethod.Get, $"/api/tasks/{producersTask.Id}", null, HttpStatusCode.OK);
        await ExpectAsync(SecuredSilo.Deployer, HttpMethod.Get, $"/api/tasks/{producersTask.Id}", null, HttpStatusCode.Forbidden);

        using (var listed = await silo.SendAsync("producer", HttpMethod.Get, "/api/tasks?limit=500"))
        {
            var page = (await listed.Content.ReadFromJsonAsync(ContractsJsonContext.Default.PageTaskView))!;
            Assert.Contains(page.Items, t => t.Id == producersTask.Id);
            Assert.All(page.Items, t => Assert.Equal(SecuredSilo.NameOf("producer"), t.Source));
        }

        using (var listed = await silo.SendAsync("reader", HttpMethod.Get, "/api/tasks?limit=500"))
        {
            var page = (await listed.Content.ReadFromJsonAsync(ContractsJsonContext.Default.PageTaskView))!;
            Assert.Contains(page.Items, t => t.Id == adminsTask.Id);
        }

        await ExpectAsync("producer", HttpMethod.Post, $"/api/tasks/{adminsTask.Id}/cancel", null, HttpStatusCode.Forbidden);
        await ExpectAsync("reader", HttpMethod.Post, $"/api/tasks/{producersTask.Id}/cancel", null, HttpStatusCode.Forbidden);
        await ExpectAsync("producer", HttpMethod.Post, $"/api/tasks/{producersTask.Id}/cancel?wait=10s", null, HttpStatusCode.OK);
        await ExpectAsync("operator", HttpMethod.Post, $"/api/tasks/{adminsTask.Id}/cancel?wait=10s", null, HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("admin", HttpStatusCode.OK)]
    [InlineData("reader", HttpStatusCode.OK)]
    [InlineData("producer", HttpStatusCode.Forbidden)]
    public async Task EveryTasksEventStream_PerRole(string role, HttpStatusCode expected) =>
        await ExpectAsync(role, HttpMethod.Get, "/api/events", null, expected);

    [Theory]
    [InlineData("admin", HttpStatusCode.OK)]
    [InlineData("operator", HttpStatusCode.OK)]
    [InlineData("reader", HttpStatusCode.OK)]
    [InlineData("producer", HttpStatusCode.Forbidden)]
    [InlineData(SecuredSilo.Deployer, HttpStatusCode.Forbidden)]
    public async Task OrleansDashboard_PerRole(string role, HttpStatusCode expected) =>
        await ExpectAsync(role, HttpMethod.Get, "/orleans/", null, expected);

    [Theory]
    [InlineData("admin", HttpStatusCode.OK)]
    [InlineData("operator", HttpStatusCode.Forbidden)]
    [InlineData("producer", HttpStatusCode.Forbidden)]
    [InlineData("reader", HttpStatusCode.Forbidden)]
    public async Task ListKeys_PerRole(string role, HttpStatusCode expected) =>
        await ExpectAsync(role, HttpMethod.Get, "/api/keys", null, expected);

    [Theory]
    [InlineData("operator")]
    [InlineData("producer")]
    [InlineData("reader")]
    public async Task CreateAndRevokeKeys_NeedAdmin(string role)
    {
        await ExpectAsync(role, HttpMethod.Post, "/api/keys", """{"name":"sneaky","role":"admin"}""", HttpStatusCode.Forbidden);
        await ExpectAsync(role, HttpMethod.Delete, "/api/keys/admin", null, HttpStatusCode.Forbidden);
        await ExpectAsync("admin", HttpMethod.Get, "/api/whoami", null, HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("{\"name\":\"x y\",\"role\":\"producer\"}", HttpStatusCode.UnprocessableEntity)]
    [InlineData("{\"name\":\"valid-name\",\"role\":\"emperor\"}", HttpStatusCode.UnprocessableEntity)]
    [InlineData("{\"name\":\"valid-name\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"name\":\"valid-name\",\"role\":\"producer\",\"extra\":1}", HttpStatusCode.BadRequest)]
    [InlineData("[]", HttpStatusCode.BadRequest)]
    [InlineData("{\"name\":\"admin\",\"role\":\"producer\"}", HttpStatusCode.Conflict)]
    public async Task CreateKey_WithBadInput_Answers4xxAndStoresNothing(string body, HttpStatusCode expected)
    {
        using var before = await silo.SendAsync("admin", HttpMethod.Get, "/api/keys");
        var count = (await before.Content.ReadFromJsonAsync(ContractsJsonContext.Default.IReadOnlyListApiKeyView))!.Count;
        await ExpectAsync("admin", HttpMethod.Post, "/api/keys", body, expected);
        using var after = await silo.SendAsync("admin", HttpMethod.Get, "/api/keys");
        Assert.Equal(count, (await after.Content.ReadFromJsonAsync(ContractsJsonContext.Default.IReadOnlyListApiKeyView))!.Count);
    }

    [Fact]
    public async Task ListKeys_ShowsNoSecretsOrHashes()
    {
        using var response = await silo.SendAsync("admin", HttpMethod.Get, "/api/keys");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"producer-key\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(silo.KeyOf("producer")!, text, StringComparison.Ordinal);
        Assert.DoesNotContain(TestKeys.Admin, text, StringComparison.Ordinal);
        Assert.DoesNotContain("hash", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("salt", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RevokedKey_IsRefusedWithinTheKeyCacheDuration()
    {
        var key = await silo.CreateKeyAsync($"short-lived-{Guid.NewGuid():N}"[..30], "producer");
        await ExpectWithKeyAsync(key, HttpMethod.Post, "/api/tasks?wait=10s", Echo, HttpStatusCode.OK);
        using (var revoked = await silo.SendAsync("admin", HttpMethod.Delete, $"/api/keys/{key[4..16]}"))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
            Assert.NotNull((await revoked.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ApiKeyView))!.Revoked);
        }

        await Eventually.ValueAsync(
            "a revoked key is refused",
            async () =>
            {
                using var response = await silo.SendWithKeyAsync(key, HttpMethod.Post, "/api/tasks", Echo);
                return response.StatusCode;
            },
            status => status == HttpStatusCode.Unauthorized,
            SecuredSilo.KeyCache * 10);
    }

    [Fact]
    public async Task WhoAmI_NamesThePrincipalAndItsGrants()
    {
        using var response = await silo.SendAsync(SecuredSilo.Deployer, HttpMethod.Get, "/api/whoami");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"name\":\"deployer-key\"", text, StringComparison.Ordinal);
        Assert.Contains("deploy/*", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthMetricsAndDashboardPage_StayOpen()
    {
        foreach (var path in new[] { "/health/live", "/metrics", "/dashboard" })
        {
            using var response = await silo.SendAsync(null, HttpMethod.Get, path);
            Assert.True(response.StatusCode != HttpStatusCode.Unauthorized, $"{path} answered 401");
        }
    }

    /// <summary>A document task's JSON with the given payload members.</summary>
    private static string Task(string subtype, string payloadMembers) => "{\"topic\":\"document\",\"subtype\":\"" + subtype + "\",\"payload\":{" + payloadMembers + "}}";

    private async Task ExpectAsync(string role, HttpMethod method, string path, string? json, HttpStatusCode expected) =>
        await ExpectWithKeyAsync(silo.KeyOf(role), method, path, json, expected, role);

    private async Task ExpectWithKeyAsync(string? key, HttpMethod method, string path, string? json, HttpStatusCode expected, string who = "the key")
    {
        using var response = await silo.SendWithKeyAsync(key, method, path, json);
        var body = response.Content.Headers.ContentType?.MediaType == "text/event-stream" ? "(an event stream)" : await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{who}: {method} {path} answered {(int)response.StatusCode}, expected {(int)expected}: {body}");
        if (expected == HttpStatusCode.Forbidden)
        {
            Assert.Equal(ErrorCodes.Forbidden, (await ApiSilo.ProblemAsync(response)).Code);
        }
    }

    private async Task<int> TaskCountAsync()
    {
        using var response = await silo.SendAsync("admin", HttpMethod.Get, "/api/tasks?limit=500");
        return (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.PageTaskView))!.Items.Count;
    }

    private static (HttpMethod Method, string Path) Split(string endpoint)
    {
        var space = endpoint.IndexOf(' ', StringComparison.Ordinal);
        return (new HttpMethod(endpoint[..space]), endpoint[(space + 1)..]);
    }
}
