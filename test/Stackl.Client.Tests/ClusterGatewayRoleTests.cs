using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Stackl.Contracts;
using Stackl.Testing;

namespace Stackl.Client.Tests;

/// <summary>A silo requiring credentials, the administrator's HTTP client, and one cluster client per built-in role (and one without a key).</summary>
public sealed class SecuredGateway : IAsyncLifetime
{
    public static readonly string?[] Roles = [null, "admin", "operator", "producer", "reader"];

    private readonly Dictionary<string, ClusterClientHost> _clients = new(StringComparer.Ordinal);
    private WebSilo _silo = null!;

    public StacklClient Admin { get; private set; } = null!;

    /// <summary>A task the administrator submitted (running for a minute), and a document with one version.</summary>
    public TaskView AdminsTask { get; private set; } = null!;

    public const string Document = "gateway/doc";

    /// <summary>A schedule the administrator wrote (due once a year).</summary>
    public const string Schedule = "gateway-schedule";

    public async Task InitializeAsync()
    {
        _silo = WebSilo.Start(realHttp: true, ("Stackl:Auth:Mode", "Required"), TestKeys.BootstrapSetting);
        Admin = new StacklClient(new StacklClientOptions { BaseAddress = _silo.BaseAddress, ApiKey = TestKeys.Admin });
        var gateway = new IPEndPoint(IPAddress.Loopback, _silo.Services.GetRequiredService<IOptions<EndpointOptions>>().Value.GatewayPort);
        foreach (var role in Roles)
        {
            var key = role switch
            {
                null => null,
                "admin" => TestKeys.Admin,
                _ => TestSecrets.Register((await Admin.CreateKeyAsync($"gw-{role}", role)).Key),
            };
            _clients[role ?? "none"] = await ClusterClientHost.StartAsync(o =>
            {
                o.Gateways.Add(gateway);
                o.ApiKey = key;
            });
        }

        AdminsTask = await Admin.SubmitAsync(TestJson.Sleep(60_000), wait: TimeSpan.Zero);
        await Admin.PutDocumentAsync(Document, TestJson.Parse("""{"v":1}"""), TimeSpan.FromSeconds(10));
        await Admin.PutScheduleAsync(Schedule, new ScheduleSpec("0 0 1 1 *", TestJson.Echo("{}")));
    }

    public IStacklClient As(string? role) => _clients[role ?? "none"].Client;

    public async Task DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            await client.DisposeAsync();
        }

        Admin.Dispose();
        await _silo.DisposeAsync();
    }
}

/// <summary>Every entry point of the cluster gateway, per role: who gets in, who gets 401 and who gets 403.</summary>
[Collection(InProcessSiloCollection.Name)]
public sealed class ClusterGatewayRoleTests(SecuredGateway gateway) : IClassFixture<SecuredGateway>
{
    private const int Ok = 200;

    public static TheoryData<string?, string, int> Matrix()
    {
        // Expected outcome per operation for: no key, admin, operator, producer, reader.
        var table = new (string Operation, int[] Outcomes)[]
        {
            ("Submit", [401, Ok, Ok, Ok, 403]),
            ("GetOthersTask", [401, Ok, Ok, 403, Ok]),
            ("CancelOthersTask", [401, Ok, Ok, 403, 403]),
            ("ListTasks", [401, Ok, Ok, Ok, Ok]),
            ("WatchOthersTask", [401, Ok, Ok, 403, Ok]),
            ("GetDocument", [401, Ok, Ok, Ok, Ok]),
            ("PutDocument", [401, Ok, Ok, Ok, 403]),
            ("PatchDocument", [401, Ok, Ok, Ok, 403]),
            ("DeleteDocument", [401, Ok, Ok, Ok, 403]),
            ("ListDocuments", [401, Ok, Ok, Ok, Ok]),
            ("GetHistory", [401, Ok, Ok, Ok, Ok]),
            ("GetDocumentVersion", [401, Ok, Ok, Ok, Ok]),
            ("ListLocks", [401, Ok, Ok, Ok, Ok]),
            ("GetCluster", [401, Ok, Ok, Ok, Ok]),
            ("PutSchedule", [401, Ok, Ok, 403, 403]),
            ("GetSchedule", [401, Ok, Ok, 403, Ok]),
            ("ListSchedules", [401, Ok, Ok, 403, Ok]),
        };
        var data = new TheoryData<string?, string, int>();
        foreach (var (operation, outcomes) in table)
        {
            for (var i = 0; i < SecuredGateway.Roles.Length; i++)
            {
                data.Add(SecuredGateway.Roles[i], operation, outcomes[i]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task EntryPoint_PerRole(string? role, string operation, int expected)
    {
        var client = gateway.As(role);
        var status = await OutcomeAsync(() => RunAsync(client, operation, role));
        Assert.True(status == expected, $"{role ?? "no key"}: {operation} ended {status}, expected {expected}");
    }

    private async Task RunAsync(IStacklClient client, string operation, string? role)
    {
        var key = $"gateway/{role ?? "none"}-{Guid.NewGuid():N}";
        switch (operation)
        {
            case "Submit":
                await client.SubmitAsync(TestJson.Echo("{}"), wait: TimeSpan.Zero);
                break;
            case "GetOthersTask":
                await client.GetAsync(gateway.AdminsTask.Id);
                break;
            case "CancelOthersTask":
                // Cancelling the shared task would end it for the other cases: cancel a fresh one of the administrator's.
                var victim = await gateway.Admin.SubmitAsync(TestJson.Sleep(60_000), wait: TimeSpan.Zero);
                await client.CancelAsync(victim.Id, wait: TimeSpan.Zero);
                break;
            case "ListTasks":
                await client.ListTasksAsync(limit: 5);
                break;
            case "WatchOthersTask":
                await foreach (var _ in client.WatchAsync(gateway.AdminsTask.Id))
                {
                    // The first event (the task as it is) is enough: the watch was let in.
                    return;
                }

                break;
            case "GetDocument":
                await client.GetDocumentAsync(SecuredGateway.Document);
                break;
            case "PutDocument":
                await client.PutDocumentAsync(key, TestJson.Parse("""{"v":1}"""), TimeSpan.FromSeconds(10));
                break;
            case "PatchDocument":
                await client.PatchDocumentAsync(key, TestJson.Parse("""{"v":2}"""), TimeSpan.FromSeconds(10));
                break;
            case "DeleteDocument":
                await client.DeleteDocumentAsync(key, TimeSpan.FromSeconds(10));
                break;
            case "ListDocuments":
                await client.ListDocumentsAsync(prefix: "gateway/");
                break;
            case "GetHistory":
                await client.GetHistoryAsync(SecuredGateway.Document);
                break;
            case "GetDocumentVersion":
                await client.GetDocumentVersionAsync(SecuredGateway.Document, 1);
                break;
            case "ListLocks":
                await client.ListLocksAsync();
                break;
            case "PutSchedule":
                await client.PutScheduleAsync($"gateway-{role ?? "none"}-{Guid.NewGuid():N}", new ScheduleSpec("0 0 1 1 *", TestJson.Echo("{}")));
                break;
            case "GetSchedule":
                await client.GetScheduleAsync(SecuredGateway.Schedule);
                break;
            case "ListSchedules":
                await client.ListSchedulesAsync(limit: 5);
                break;
            case "GetCluster":
                await client.GetClusterAsync();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation, "no such operation");
        }
    }

    private static async Task<int> OutcomeAsync(Func<Task> call)
    {
        try
        {
            await call();
            return Ok;
        }
        catch (StacklApiException refused)
        {
            return (int)refused.StatusCode;
        }
    }
}
