using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Stackl.Contracts;
using Stackl.Silo.Limits;
using Stackl.Tasks.Queries;
using Stackl.Testing;

namespace Stackl.Silo.Tests.Limits;

/// <summary>Per-principal limits (<c>Stackl:Limits</c>): each answered 429 with Retry-After and a problem naming the setting.</summary>
public sealed class LimitsTests
{
    private const string Echo = """{"topic":"demo","subtype":"echo","payload":{}}""";

    [Fact]
    public async Task RequestsPerSecond_OverTheRate_Answers429AndStoresNothing_OtherPrincipalUnaffected()
    {
        await using var silo = await LimitedSilo.StartAsync(("RequestsPerSecond", "5"), ("Burst", "5"));

        // Submit as fast as possible until refused: at most the bucket (5) plus what refills meanwhile gets through.
        var accepted = 0;
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 100 && refused is null; i++)
        {
            var response = await silo.AsProducerAsync(HttpMethod.Post, "/api/tasks", Echo);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                Assert.True(response.IsSuccessStatusCode, $"submission {i} answered {(int)response.StatusCode}");
                accepted++;
                response.Dispose();
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            await LimitedSilo.AssertLimitedAsync(refused, ErrorCodes.RateLimited, "RequestsPerSecond");
        }

        // Another principal has its own bucket.
        using (var admin = await silo.AsAdminAsync(HttpMethod.Post, "/api/tasks", Echo))
        {
            Assert.True(admin.IsSuccessStatusCode, $"the admin, another principal, answered {(int)admin.StatusCode}");
        }

        // Nothing of the refused submission was stored: the producer's tasks are exactly the accepted ones.
        var stored = await silo.Services.GetRequiredService<ITaskIndex>().ListAsync(new TaskQuery(Source: LimitedSilo.Producer, Limit: 500));
        Assert.Equal(accepted, stored.Count);

        // Once the bucket refills, the producer gets through again.
        await Eventually.ValueAsync(
            "the producer's bucket refills",
            async () =>
            {
                using var response = await silo.AsProducerAsync(HttpMethod.Get, "/api/tasks?limit=1");
                return response.StatusCode;
            },
            status => status == HttpStatusCode.OK);

        using var metrics = await silo.Silo.Http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await metrics.Content.ReadAsStringAsync();
        Assert.Contains("stackl_http_rejected_total{", text, StringComparison.Ordinal);
        Assert.Contains("reason=\"rate_limited\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaxOpenWaits_BeyondTheCap_Answers429_WhileTheHeldWaitsComplete()
    {
        await using var silo = await LimitedSilo.StartAsync(("MaxOpenWaits", "2"));
        var id = await silo.SubmitSleepAsync();
        var waits = Enumerable.Range(0, 2).Select(_ => silo.AsProducerAsync(HttpMethod.Get, $"/api/tasks/{id}?wait=30s")).ToList();
        var open = silo.Services.GetRequiredService<OpenRequests>();
        await Eventually.TrueAsync($"the producer holds 2 waits on task {id} (holds {open.Waits.Held(LimitedSilo.Producer)})", () => open.Waits.Held(LimitedSilo.Producer) == 2);

        using (var third = await silo.AsProducerAsync(HttpMethod.Get, $"/api/tasks/{id}?wait=30s"))
        {
            await LimitedSilo.AssertLimitedAsync(third, ErrorCodes.TooManyWaits, "MaxOpenWaits");
        }

        // Without ?wait= the same read is not an open wait.
        using (var read = await silo.AsProducerAsync(HttpMethod.Get, $"/api/tasks/{id}"))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        await silo.CancelAsync(id);
        foreach (var wait in waits)
        {
            using var response = await wait;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("\"status\":\"Cancelled\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(0, open.Waits.Held(LimitedSilo.Producer));
    }

    [Fact]
    public async Task MaxStreams_BeyondTheCap_Answers429_UntilOneCloses()
    {
        await using var silo = await LimitedSilo.StartAsync(("MaxStreams", "1"));
        var id = await silo.SubmitSleepAsync();
        var open = silo.Services.GetRequiredService<OpenRequests>();
        var first = await silo.AsProducerAsync(HttpMethod.Get, $"/api/tasks/{id}/events");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using (var second = await silo.AsProducerAsync(HttpMethod.Get, $"/api/tasks/{id}/events"))
        {
            await LimitedSilo.AssertLimitedAsync(second, ErrorCodes.TooManyStreams, "MaxStreams");
        }

        // The task ends, so does the first stream, and its slot is free again.
        await silo.CancelAsync(id);
        await first.Content.ReadAsStringAsync();
        first.Dispose();
        await Eventually.TrueAsync($"the producer's stream slot is released (holds {open.Streams.Held(LimitedSilo.Producer)})", () => open.Streams.Held(LimitedSilo.Producer) == 0);
        using var again = await silo.AsProducerAsync(HttpMethod.Get, $"/api/tasks/{id}/events");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task MaxTasksInFlight_BeyondTheCap_Answers429AndStoresNothing_UntilOneEnds()
    {
        await using var silo = await LimitedSilo.StartAsync(("MaxTasksInFlight", "2"));
        var inFlight = silo.Services.GetRequiredService<TasksInFlight>();

        // Tasks that end at once hold no slot.
        for (var i = 0; i < 3; i++)
        {
            using var echo = await silo.AsProducerAsync(HttpMethod.Post, "/api/tasks?wait=10s", Echo);
            Assert.Equal(HttpStatusCode.OK, echo.StatusCode);
        }

        await Eventually.TrueAsync($"ended tasks release their slots (holds {inFlight.Held(LimitedSilo.Producer)})", () => inFlight.Held(LimitedSilo.Producer) == 0);
        var first = await silo.SubmitSleepAsync();
        var second = await silo.SubmitSleepAsync();
        using (var third = await silo.AsProducerAsync(HttpMethod.Post, "/api/tasks", """{"topic":"demo","subtype":"sleep","payload":{"ms":60000}}"""))
        {
            await LimitedSilo.AssertLimitedAsync(third, ErrorCodes.TooManyTasks, "MaxTasksInFlight");
        }

        using (var put = await silo.AsProducerAsync(HttpMethod.Put, "/api/documents/limits/doc", """{"a":1}"""))
        {
            await LimitedSilo.AssertLimitedAsync(put, ErrorCodes.TooManyTasks, "MaxTasksInFlight");
        }

        // Stored: the three echoes and the two sleeps, nothing of the refused submissions.
        var stored = await silo.Services.GetRequiredService<ITaskIndex>().ListAsync(new TaskQuery(Source: LimitedSilo.Producer));
        Assert.Equal(5, stored.Count);
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), stored.Where(t => t.Topic == "demo" && t.Subtype == "sleep").Select(t => t.Id).Order(StringComparer.Ordinal));

        // The admin is another principal.
        using (var admin = await silo.AsAdminAsync(HttpMethod.Post, "/api/tasks?wait=10s", Echo))
        {
            Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        }

        await silo.CancelAsync(first);
        await Eventually.TrueAsync($"the cancelled task {first} releases its slot (holds {inFlight.Held(LimitedSilo.Producer)})", () => inFlight.Held(LimitedSilo.Producer) == 1);
        var next = await silo.SubmitSleepAsync();
        await silo.CancelAsync(second);
        await silo.CancelAsync(next);
    }

    [Fact]
    public async Task OpenSilo_AnonymousIsNotLimited_UnlessLimitAnonymous()
    {
        await using (var open = WebSilo.Start(realHttp: false, ("Stackl:Limits:RequestsPerSecond", "1"), ("Stackl:Limits:Burst", "1")))
        {
            for (var i = 0; i < 5; i++)
            {
                using var response = await open.Http.GetAsync(new Uri("/api/tasks?limit=1", UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }

        await using var limited = WebSilo.Start(realHttp: false, ("Stackl:Limits:RequestsPerSecond", "1"), ("Stackl:Limits:Burst", "1"), ("Stackl:Limits:LimitAnonymous", "true"));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await limited.Http.GetAsync(new Uri("/api/tasks?limit=1", UriKind.Relative));
            statuses.Add(response.StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public void Validate_BurstBelowTheRate_NamesTheSettings()
    {
        var options = new LimitOptions { RequestsPerSecond = 10, Burst = 5 };
        var error = Assert.Throws<InvalidOperationException>(options.Validate);
        Assert.Contains("Stackl:Limits:Burst", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(new LimitOptions { MaxStreams = -1 }.Validate);
        new LimitOptions { RequestsPerSecond = 0, Burst = 0, MaxOpenWaits = null, MaxStreams = 0, MaxTasksInFlight = 0 }.Validate();
    }
}
