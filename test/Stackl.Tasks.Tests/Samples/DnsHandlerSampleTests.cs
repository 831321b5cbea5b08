using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Stackl.Contracts;
using Stackl.Samples.DnsHandler;
using Stackl.Testing;
using Stackl.Testing.Databases;

namespace Stackl.Tasks.Tests.Samples;

/// <summary>The sample of the README's "your own handler" section: a handler with a side effect and its revert, in a silo of one's own.</summary>
public sealed class DnsHandlerSampleTests : IAsyncLifetime
{
    private readonly SqliteDatabase _database = new();
    private TestSilo _silo = null!;

    private TaskService Tasks => _silo.Services.GetRequiredService<TaskService>();

    private DnsRegistry Dns => _silo.Services.GetRequiredService<DnsRegistry>();

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(silo => silo.AddDnsSample(_database.Path));

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task Register_Completes_AndCommitsTheDocumentAndTheSideEffect()
    {
        var task = await RunAsync(new { host = "web-1", address = "10.0.0.7" });

        Assert.Equal(TaskStatus.Completed, task.Status);
        Assert.Equal("10.0.0.7", Dns.Records["web-1"]);
        var document = await Tasks.GetDocumentAsync("host/web-1");
        Assert.Equal(1, document.Version);
        Assert.Equal("10.0.0.7", document.Value!.Value.GetProperty("address").GetString());
    }

    [Fact]
    public async Task Register_FailingAfterItsSideEffect_RevertsTheRegistrationAndCommitsNothing()
    {
        var task = await RunAsync(new { host = "web-2", address = "10.0.0.8", failAfterRegistering = true });

        Assert.Equal(TaskStatus.Failed, task.Status);
        Assert.Equal(ErrorCodes.HandlerFailed, task.Error!.Code);
        Assert.False(Dns.Records.ContainsKey("web-2"), "the revert action should have removed the registration");
        Assert.Equal(0, (await Tasks.GetDocumentAsync("host/web-2")).Version);
    }

    [Fact]
    public async Task Register_WithoutAnAddress_IsRefusedBeforeAnythingIsStored()
    {
        var refused = await Assert.ThrowsAsync<TaskValidationException>(() => Tasks.SubmitAsync(new TaskSpec("dns", "register", JsonSerializer.SerializeToElement(new { host = "web-3" }))));

        Assert.Equal(ErrorCodes.InvalidPayload, refused.Code);
        Assert.Empty(Dns.Records);
    }

    [Theory]
    [InlineData("handler", "RegisterHostHandler.cs")]
    [InlineData("silo", "DnsSilo.cs")]
    public void Readme_OwnHandlerSection_IsTheCompiledSampleWordForWord(string region, string file)
    {
        var root = RepositoryRoot();
        var source = File.ReadAllLines(Path.Combine(root, "samples", "Stackl.Samples.DnsHandler", file));
        var begin = Array.FindIndex(source, l => l.Trim() == $"// README:begin {region}");
        var end = Array.FindIndex(source, l => l.Trim() == $"// README:end {region}");
        Assert.True(begin >= 0 && end > begin, $"{file} has no README:begin/end {region} markers");
        var indent = source[begin].Length - source[begin].TrimStart().Length;
        var sample = string.Join('\n', source[(begin + 1)..end].Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));

        var readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");

        Assert.True(readme.Contains("```csharp\n" + sample + "\n```", StringComparison.Ordinal), $"README.md must hold the '{region}' region of {file} word for word:\n{sample}");
    }

    private async Task<TaskView> RunAsync(object payload)
    {
        var submitted = await Tasks.SubmitAsync(new TaskSpec("dns", "register", JsonSerializer.SerializeToElement(payload)));
        return (await Tasks.GetAsync(submitted.Id, TimeSpan.FromSeconds(15)))!;
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Stackl.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Stackl.sln not found above the test assembly.");
    }
}
