using System.Net;
using System.Net.Http.Json;
using Stackl.Contracts;
using Stackl.Testing;
using Stackl.Testing.Databases;

namespace Stackl.Silo.Tests.Security;

/// <summary>
/// Every state-changing request is an audit event naming the principal, the action, the target and the outcome; secrets
/// (keys, a connection string's password) appear in no log line, error, <c>/metrics</c>, <c>/api/cluster</c> or key listing.
/// </summary>
public sealed class AuditAndSecretsTests(SecuredSilo silo) : IClassFixture<SecuredSilo>
{
    [Fact]
    public async Task StateChangingRequests_AreAuditEvents_WithPrincipalActionTargetAndOutcome()
    {
        var key = $"deploy/audit-{Guid.NewGuid():N}";
        using (var put = await silo.SendAsync(SecuredSilo.Deployer, HttpMethod.Put, $"/api/documents/{key}?wait=10s", """{"v":1}"""))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using (var refused = await silo.SendAsync("reader", HttpMethod.Post, "/api/tasks", """{"topic":"demo","subtype":"echo","payload":{}}"""))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using (var anonymous = await silo.SendAsync(null, HttpMethod.Delete, "/api/keys/admin"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        TaskView sleeping;
        using (var submitted = await silo.SendAsync("producer", HttpMethod.Post, "/api/tasks", """{"topic":"demo","subtype":"sleep","payload":{"ms":30000}}"""))
        {
            sleeping = (await submitted.Content.ReadFromJsonAsync(ContractsJsonContext.Default.TaskView))!;
        }

        using (var cancelled = await silo.SendAsync("operator", HttpMethod.Post, $"/api/tasks/{sleeping.Id}/cancel?wait=10s"))
        {
            Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
            var task = (await cancelled.Content.ReadFromJsonAsync(ContractsJsonContext.Default.TaskView))!;
            Assert.Equal("operator-key", task.CancelledBy);
            Assert.NotNull(task.CancelRequested);
            Assert.Equal("producer-key", task.Source);
        }

        await Eventually.TrueAsync("the audit events are logged", () => AuditLines().Count(l => l.Contains(sleeping.Id, StringComparison.Ordinal)) >= 2, TimeSpan.FromSeconds(5));
        var audit = AuditLines();
        Assert.Contains(audit, l => l.Contains($"Audit: deployer-key PutDocument {key} (task ", StringComparison.Ordinal) && l.EndsWith(": succeeded (200)", StringComparison.Ordinal));
        Assert.Contains(audit, l => l.Contains("Audit: reader-key SubmitTask demo/echo: refused (403)", StringComparison.Ordinal));
        Assert.Contains(audit, l => l.Contains("Audit: unauthenticated RevokeKey admin: refused (401)", StringComparison.Ordinal));
        Assert.Contains(audit, l => l.Contains($"Audit: operator-key CancelTask {sleeping.Id}: succeeded (200)", StringComparison.Ordinal));
        Assert.Contains(audit, l => l.Contains($"Audit: producer-key SubmitTask task {sleeping.Id} (demo/sleep)", StringComparison.Ordinal));
        Assert.DoesNotContain(audit, l => l.Contains("GET", StringComparison.Ordinal));
    }

    [Fact]
    public async Task KeysAndPasswords_AppearInNoLogLineErrorMetricOrClusterView()
    {
        var key = await silo.CreateKeyAsync($"secret-check-{Guid.NewGuid():N}"[..28], "producer");
        using (var ok = await silo.SendWithKeyAsync(key, HttpMethod.Post, "/api/tasks?wait=10s", """{"topic":"demo","subtype":"echo","payload":{}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        var revokedText = "";
        using (var revoked = await silo.SendAsync("admin", HttpMethod.Delete, $"/api/keys/{key[4..16]}"))
        {
            revokedText = await revoked.Content.ReadAsStringAsync();
        }

        var answers = new List<string> { revokedText };
        foreach (var path in new[] { "/metrics", "/api/cluster", "/api/keys", "/api/whoami", "/health/ready" })
        {
            using var response = await silo.SendAsync("admin", HttpMethod.Get, path);
            answers.Add(await response.Content.ReadAsStringAsync());
        }

        using (var refused = await silo.SendWithKeyAsync(key, HttpMethod.Post, "/api/tasks", "{}"))
        {
            answers.Add(await refused.Content.ReadAsStringAsync());
        }

        Assert.Null(TestSecrets.FindIn(answers));
        Assert.Null(TestSecrets.FindIn(silo.LogLines));
    }

    [Fact]
    public async Task ConnectionStringPassword_AppearsInNoLogLineMetricOrClusterView()
    {
        // The test server trusts local connections, so a password in the connection string is sent nowhere, yet it must not leak.
        var password = TestSecrets.Register($"pw-{Guid.NewGuid():N}");
        var connectionString = $"{await PostgresServer.Shared.CreateDatabaseAsync("secrets")};Password={password}";
        await using var cluster = WebSilo.Start(realHttp: false, ("Stackl:Storage:Provider", "postgres"), ("Stackl:Storage:ConnectionString", connectionString), ("Stackl:Cluster:ClusterId", $"s{Guid.NewGuid():N}"));
        var answers = new List<string>();
        foreach (var path in new[] { "/metrics", "/api/cluster", "/health/ready", "/api/stats/cluster", "/openapi/v1.json" })
        {
            using var response = await cluster.Http.GetAsync(new Uri(path, UriKind.Relative));
            answers.Add(await response.Content.ReadAsStringAsync());
        }

        Assert.Null(TestSecrets.FindIn(answers));
        Assert.Null(TestSecrets.FindIn(cluster.Log.Lines));
    }

    private List<string> AuditLines() => [.. silo.LogLines.Where(l => l.Contains(" Stackl.Audit: ", StringComparison.Ordinal))];
}
