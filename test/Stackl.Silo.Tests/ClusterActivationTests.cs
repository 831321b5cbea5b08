using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Stackl.Contracts;
using Stackl.Testing;
using Stackl.Testing.Databases;

namespace Stackl.Silo.Tests;

/// <summary>Three stock silos in one PostgreSQL cluster: documents first touched from every silo at once still get one activation each.</summary>
public sealed class ClusterActivationTests
{
    private const int Keys = 20;

    [Fact]
    public async Task ConcurrentFirstCallsFromEverySilo_ActivateEachDocumentOnce_AndSerializeItsWrites()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("activation");
        var clusterId = $"a{Guid.NewGuid():N}";
        await using var first = Silo(connectionString, clusterId, "first");
        await using var second = Silo(connectionString, clusterId, "second");
        await using var third = Silo(connectionString, clusterId, "third");
        WebSilo[] silos = [first, second, third];
        await Eventually.ValueAsync(
            "the three silos are Active",
            async () => JsonSerializer.Deserialize(await first.Http.GetStringAsync(new Uri("/api/cluster", UriKind.Relative)), ContractsJsonContext.Default.ClusterView)!,
            view => view.Silos.Count(s => s.Status == "Active") == 3,
            TimeSpan.FromSeconds(60));

        // Every silo puts every key at once: each put runs on the silo that accepted it, so each document's first calls come from three silos.
        var prefix = $"activation{Guid.NewGuid():N}";
        var puts = new List<Task<HttpResponseMessage>>();
        for (var k = 0; k < Keys; k++)
        {
            foreach (var silo in silos)
            {
                puts.Add(silo.Http.PutAsync(new Uri($"/api/documents/{prefix}/{k}?wait=30s", UriKind.Relative), new StringContent("""{"n":1}""", Encoding.UTF8, "application/json")));
            }
        }

        foreach (var response in await Task.WhenAll(puts))
        {
            using (response)
            {
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"a put answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                Assert.Equal(TaskStatus.Completed, JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), ContractsJsonContext.Default.TaskView)!.Status);
            }
        }

        var management = first.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var activations = (await management.GetDetailedGrainStatistics())
            .Where(a => a.GrainId.Type.ToString() == "document" && a.GrainId.Key.ToString()!.StartsWith(prefix, StringComparison.Ordinal))
            .GroupBy(a => a.GrainId)
            .ToList();
        Assert.Equal(Keys, activations.Count);
        Assert.All(activations, a => Assert.True(a.Count() == 1, $"{a.Key} is active on {string.Join(" and ", a.Select(s => s.SiloAddress))}"));

        for (var k = 0; k < Keys; k++)
        {
            var document = JsonSerializer.Deserialize(await second.Http.GetStringAsync(new Uri($"/api/documents/{prefix}/{k}", UriKind.Relative)), ContractsJsonContext.Default.DocumentView)!;
            Assert.Equal(silos.Length, document.Version);
        }
    }

    private static WebSilo Silo(string connectionString, string clusterId, string name) => WebSilo.Start(
        realHttp: false,
        ("Stackl:Storage:Provider", "postgres"),
        ("Stackl:Storage:ConnectionString", connectionString),
        ("Stackl:Cluster:ClusterId", clusterId),
        ("Stackl:Silo:SiloName", name));
}
