using System.Net;
using System.Net.Http.Json;
using Stackl.Contracts;
using Stackl.Testing;

namespace Stackl.Silo.Tests.Limits;

/// <summary>A silo that requires credentials, started with short <c>Stackl:Limits</c> settings, with a producer key besides the admin's.</summary>
internal sealed class LimitedSilo : IAsyncDisposable
{
    private LimitedSilo(WebSilo silo, string producerKey)
    {
        Silo = silo;
        ProducerKey = producerKey;
    }

    /// <summary>The producer key's principal name.</summary>
    public const string Producer = "limited-producer";

    public WebSilo Silo { get; }

    public string ProducerKey { get; }

    public IServiceProvider Services => Silo.Services;

    /// <summary>Starts the silo with <paramref name="limits"/> (names under <c>Stackl:Limits:</c>) and creates the producer key.</summary>
    public static async Task<LimitedSilo> StartAsync(params (string Name, string Value)[] limits)
    {
        var settings = new List<(string, string)> { ("Stackl:Auth:Mode", "Required"), TestKeys.BootstrapSetting };
        settings.AddRange(limits.Select(l => ("Stackl:Limits:" + l.Name, l.Value)));
        var silo = WebSilo.Start(realHttp: false, [.. settings]);
        try
        {
            using var created = await SendAsync(silo, TestKeys.Admin, HttpMethod.Post, "/api/keys", $$"""{"name":"{{Producer}}","role":"producer"}""");
            Assert.True(created.StatusCode == HttpStatusCode.Created, $"creating the producer key answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
            return new LimitedSilo(silo, (await created.Content.ReadFromJsonAsync(ContractsJsonContext.Default.CreatedApiKey))!.Key);
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => Silo.DisposeAsync();

    /// <summary>Sends a request as the producer.</summary>
    public Task<HttpResponseMessage> AsProducerAsync(HttpMethod method, string path, string? json = null) => SendAsync(Silo, ProducerKey, method, path, json);

    /// <summary>Sends a request as the admin.</summary>
    public Task<HttpResponseMessage> AsAdminAsync(HttpMethod method, string path, string? json = null) => SendAsync(Silo, TestKeys.Admin, method, path, json);

    /// <summary>Submits a 60 s <c>demo/sleep</c> as the producer and returns its id (202 expected).</summary>
    public async Task<string> SubmitSleepAsync()
    {
        using var response = await AsProducerAsync(HttpMethod.Post, "/api/tasks", """{"topic":"demo","subtype":"sleep","payload":{"ms":60000},"timeout":"90s"}""");
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"submitting a sleep answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.TaskView))!.Id;
    }

    /// <summary>Cancels a task as the admin (the request must succeed).</summary>
    public async Task CancelAsync(string id)
    {
        using var response = await AsAdminAsync(HttpMethod.Post, $"/api/tasks/{id}/cancel");
        Assert.True(response.IsSuccessStatusCode, $"cancelling {id} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Asserts a 429 problem with <paramref name="code"/>, a whole-second Retry-After and a detail naming <paramref name="setting"/>.</summary>
    public static async Task AssertLimitedAsync(HttpResponseMessage response, string code, string setting)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"expected 429 {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, $"Retry-After is '{response.Headers.RetryAfter}'");
        Assert.Contains($"\"code\":\"{code}\"", body, StringComparison.Ordinal);
        Assert.Contains($"Stackl:Limits:{setting}", body, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> SendAsync(WebSilo silo, string key, HttpMethod method, string path, string? json = null) =>
        silo.SendAsync(key, method, path, json);
}
