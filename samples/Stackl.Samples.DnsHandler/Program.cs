using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Stackl.Contracts;
using Stackl.Samples.DnsHandler;
using Stackl.Tasks;

// Hosts Stackl in a silo of its own (SQLite under ./data, localhost clustering), runs one dns/register task that completes and
// one that fails after its side effect, and prints what the rollback left behind.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.AddFilter("Orleans", LogLevel.Warning).AddFilter("Polly", LogLevel.Warning);
builder.UseOrleans(silo => silo.UseLocalhostClustering().AddDnsSample(Path.Combine("data", "dns-sample.db")));
using var host = builder.Build();
await host.StartAsync();

var tasks = host.Services.GetRequiredService<TaskService>();
var dns = host.Services.GetRequiredService<DnsRegistry>();
foreach (var (hostName, fail) in new[] { ("web-1", false), ("web-2", true) })
{
    var payload = JsonSerializer.SerializeToElement(new { host = hostName, address = "10.0.0.7", failAfterRegistering = fail });
    var submitted = await tasks.SubmitAsync(new TaskSpec("dns", "register", payload));
    var task = await tasks.GetAsync(submitted.Id, TimeSpan.FromSeconds(10));
    Console.WriteLine($"{hostName}: {task!.Status} {task.Error?.Message}; DNS has it: {dns.Records.ContainsKey(hostName)}");
}

await host.StopAsync();
