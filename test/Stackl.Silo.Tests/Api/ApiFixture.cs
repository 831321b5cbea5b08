using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Stackl.Contracts;
using Stackl.Testing;

namespace Stackl.Silo.Tests.Api;

/// <summary>A <see cref="WebSilo"/> served through the in-memory test server, with helpers for JSON requests.</summary>
public sealed class ApiSilo(params (string Key, string Value)[] settings) : IAsyncDisposable
{
    private readonly WebSilo _silo = WebSilo.Start(realHttp: false, settings);

    public HttpClient Http => _silo.Http;

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public async Task<HttpResponseMessage> PostAsync(string path, string json) => await Http.PostAsync(new Uri(path, UriKind.Relative), Json(json));

    public async Task<HttpResponseMessage> GetAsync(string path) => await Http.GetAsync(new Uri(path, UriKind.Relative));

    public async Task<TaskView> SubmitAsync(string json, string wait = "10s")
    {
        using var response = await PostAsync($"/api/tasks?wait={wait}", json);
        return (await ReadAsync(response, ContractsJsonContext.Default.TaskView))!;
    }

    public static async Task<T?> ReadAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        await response.Content.ReadFromJsonAsync(type);

    /// <summary>The problem details of an error response: status, code and detail.</summary>
    public static async Task<(int Status, string Code, string Detail)> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        return (root.GetProperty("status").GetInt32(), root.GetProperty("code").GetString()!, root.GetProperty("detail").GetString()!);
    }

    public async Task<int> TaskCountAsync()
    {
        using var response = await GetAsync("/api/tasks?limit=500");
        return (await ReadAsync(response, ContractsJsonContext.Default.PageTaskView))!.Items.Count;
    }

    public ValueTask DisposeAsync() => _silo.DisposeAsync();
}

/// <summary>A fresh silo per test.</summary>
public abstract class ApiTestBase : IAsyncLifetime
{
    protected ApiSilo Silo { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Silo = new ApiSilo();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Silo.DisposeAsync();
}
