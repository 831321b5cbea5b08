using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Stackl.Client.Orleans;
using Stackl.Contracts;

namespace Stackl.Client.Tests;

/// <summary>The cluster transport example of README.md, compiled here and run by <see cref="ReadmeSampleTests"/>.</summary>
/// <remarks>The lines between the README markers are the README's code block, word for word (a test checks it).</remarks>
internal static class ReadmeClusterSample
{
    public static async Task<TaskView> RunAsync(IPEndPoint gateway)
    {
        // README:begin
        var builder = Host.CreateApplicationBuilder();
        builder.AddStacklClusterClient(o =>
        {
            o.ClusterId = "stackl";  // the silos' --cluster-id
            o.Gateways.Add(gateway); // the embedded silo: 127.0.0.1:30000; for a cluster set o.ConnectionString instead
        });
        using var host = builder.Build();
        await host.StartAsync(); // the Orleans client connects to a gateway

        // The same IStacklClient as over HTTP: same calls, same exceptions.
        IStacklClient client = host.Services.GetRequiredService<IStacklClient>();
        TaskView task = await client.SubmitAsync(new TaskSpec("demo", "echo", JsonSerializer.SerializeToElement(new { hello = "cluster" })));
        Console.WriteLine($"{task.Id} {task.Status} {task.Result}");
        // README:end
        await host.StopAsync();
        return task;
    }
}
