using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Stackl.Contracts;
using Stackl.Testing;

namespace Stackl.Client.Tests;

/// <summary>
/// The Orleans client transport enforces what the HTTP API enforces: against a silo that requires credentials, a cluster client
/// without a key, or with a wrong one, gets 401; with a key, its role's grants hold (403 beyond them), and its tasks' source is
/// the key's name. The CLI's key commands run against the same silo.
/// </summary>
[Collection(InProcessSiloCollection.Name)]
public sealed class ClusterClientAuthTests : IAsyncLifetime
{
    private WebSilo _silo = null!;
    private StacklClient _admin = null!;

    public Task InitializeAsync()
    {
        _silo = WebSilo.Start(realHttp: true, ("Stackl:Auth:Mode", "Required"), TestKeys.BootstrapSetting);
        _admin = new StacklClient(new StacklClientOptions { BaseAddress = _silo.BaseAddress, ApiKey = TestKeys.Admin });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _silo.DisposeAsync();
    }

    private IPEndPoint Gateway => new(IPAddress.Loopback, _silo.Services.GetRequiredService<IOptions<EndpointOptions>>().Value.GatewayPort);

    [Fact]
    public async Task ClusterClient_WithoutOrWithAWrongKey_Gets401()
    {
        await using var anonymous = await ClusterClientHost.StartAsync(o => o.Gateways.Add(Gateway));
        var refused = await Assert.ThrowsAsync<StacklAccessDeniedException>(() => anonymous.Client.SubmitAsync(TestJson.Echo("{}"), wait: TimeSpan.Zero));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("ApiKey", refused.Detail, StringComparison.Ordinal);

        await using var forged = await ClusterClientHost.StartAsync(o =>
        {
            o.Gateways.Add(Gateway);
            o.ApiKey = ApiKeyFormat.Generate().Key;
        });
        Assert.Equal(HttpStatusCode.Unauthorized, (await Assert.ThrowsAsync<StacklAccessDeniedException>(() => forged.Client.GetClusterAsync())).StatusCode);
        Assert.Empty((await _admin.ListTasksAsync()).Items);
    }

    [Fact]
    public async Task ClusterClient_WithAKey_HasItsRolesGrantsAndIsTheSource()
    {
        var producerKey = TestSecrets.Register((await _admin.CreateKeyAsync("cluster-producer", "producer")).Key);
        var readerKey = TestSecrets.Register((await _admin.CreateKeyAsync("cluster-reader", "reader")).Key);
        await using var producer = await ClusterClientHost.StartAsync(o =>
        {
            o.Gateways.Add(Gateway);
            o.ApiKey = producerKey;
        });
        await using var reader = await ClusterClientHost.StartAsync(o =>
        {
            o.Gateways.Add(Gateway);
            o.ApiKey = readerKey;
        });

        var own = await producer.Client.SubmitAsync(TestJson.Echo("""{"n":1}"""), wait: TimeSpan.FromSeconds(10));
        Assert.Equal(TaskStatus.Completed, own.Status);
        Assert.Equal("cluster-producer", own.Source);
        var put = await producer.Client.PutDocumentAsync(TestJson.UniqueKey("cluster"), TestJson.Parse("""{"v":1}"""), TimeSpan.FromSeconds(10));
        Assert.Equal("cluster-producer", put.Source);

        var admins = await _admin.SubmitAsync(TestJson.Sleep(30_000), wait: TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.Forbidden, (await Assert.ThrowsAsync<StacklAccessDeniedException>(() => producer.Client.GetAsync(admins.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Assert.ThrowsAsync<StacklAccessDeniedException>(() => producer.Client.CancelAsync(admins.Id))).StatusCode);
        await Assert.ThrowsAsync<StacklAccessDeniedException>(async () =>
        {
            await foreach (var _ in producer.Client.WatchAsync(admins.Id))
            {
            }
        });
        Assert.All((await producer.Client.ListTasksAsync()).Items, t => Assert.Equal("cluster-producer", t.Source));

        Assert.Equal(HttpStatusCode.Forbidden, (await Assert.ThrowsAsync<StacklAccessDeniedException>(() => reader.Client.SubmitAsync(TestJson.Echo("{}"), wait: TimeSpan.Zero))).StatusCode);
        Assert.Equal(own.Id, (await reader.Client.GetAsync(own.Id)).Id);
        await _admin.CancelAsync(admins.Id, wait: TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Cli_KeysCreateListRevoke_WithTheAdminKey()
    {
        var created = await CliRunner.RunAsync(_silo.BaseAddress, "--api-key", TestKeys.Admin, "keys", "create", "--name", "ci-bot", "--role", "producer");
        Assert.True(created.ExitCode == 0, created.ToString());
        var key = TestSecrets.Register(created.Out.Trim());
        Assert.StartsWith("stk_", key, StringComparison.Ordinal);
        Assert.Contains("shown this once", created.Err, StringComparison.Ordinal);

        var listed = await CliRunner.RunAsync(_silo.BaseAddress, "--api-key", TestKeys.Admin, "keys", "list");
        Assert.Contains("ci-bot", listed.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(key, listed.Out, StringComparison.Ordinal);

        var asBot = await CliRunner.RunAsync(_silo.BaseAddress, "--api-key", key, "keys", "list");
        Assert.Equal(6, asBot.ExitCode);
        Assert.Contains("403", asBot.Err, StringComparison.Ordinal);

        var revoked = await CliRunner.RunAsync(_silo.BaseAddress, "--api-key", TestKeys.Admin, "keys", "revoke", "ci-bot");
        Assert.Equal(0, revoked.ExitCode);
        var anonymous = await CliRunner.RunAsync(_silo.BaseAddress, "keys", "list");
        Assert.Equal(6, anonymous.ExitCode);
        Assert.Contains("401", anonymous.Err, StringComparison.Ordinal);
    }
}
