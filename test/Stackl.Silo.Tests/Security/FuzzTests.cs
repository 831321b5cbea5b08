using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Stackl.Contracts;
using Stackl.Testing;
using Xunit.Abstractions;

namespace Stackl.Silo.Tests.Security;

/// <summary>
/// Thousands of generated and mutated requests to every endpoint, as every role, with forged credentials, with dashboard sessions
/// and with none: no 5xx, no answer outside the sender's grants, nothing stored on a refused request, and a healthy silo after.
/// </summary>
/// <remarks>
/// Sequential on purpose: the "nothing stored" oracle compares the newest task and the key count before and after each refused
/// change, which only means something when no other request runs in between. <c>STACKL_FUZZ_SEED</c> replays a run (CsCheck
/// prints the seed and the smallest failing request it found); <c>STACKL_FUZZ_ITERATIONS</c> runs more or fewer requests.
/// </remarks>
public sealed class FuzzTests(FuzzSilo silo, ITestOutputHelper output) : IClassFixture<FuzzSilo>
{
    private const int DefaultIterations = 3_000;

    private static readonly string[] s_senders = ["anonymous", "admin", "operator", "producer", "reader", SecuredSilo.Deployer, "forged", "forged", "session:admin", "session:producer", "session:reader"];

    private static readonly Dictionary<string, Grants> s_grants = new(StringComparer.Ordinal)
    {
        ["admin"] = new(["*"], ["*"], ["*"], Scope.All, Scope.All, Restore: true, Admin: true),
        ["operator"] = new(["*"], ["*"], ["*"], Scope.All, Scope.All, Restore: true, Admin: false),
        ["producer"] = new(["*"], ["*"], ["*"], Scope.Own, Scope.Own, Restore: false, Admin: false),
        ["reader"] = new([], ["*"], [], Scope.All, Scope.None, Restore: false, Admin: false),
        [SecuredSilo.Deployer] = new(["demo/*", "document/put", "document/transaction"], ["deploy/*"], ["deploy/*"], Scope.Own, Scope.Own, Restore: false, Admin: false),
    };

    private readonly Dictionary<string, int> _statuses = new(StringComparer.Ordinal);
    private readonly HashSet<(string Task, string By)> _cancelled = [];

    private enum Scope
    {
        None,
        Own,
        All,
    }

    [Fact]
    public async Task EveryEndpoint_GeneratedAndMutatedRequests_StayWithinGrantsAndNeverFail()
    {
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("STACKL_FUZZ_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : DefaultIterations;
        var seed = Environment.GetEnvironmentVariable("STACKL_FUZZ_SEED") is { Length: > 0 } s ? s : null;
        var started = DateTime.UtcNow;
        try
        {
            await Check.SampleAsync(s_requests, CheckAsync, output.WriteLine, seed: seed, iter: iterations, threads: 1, print: r => r.ToString());
        }
        finally
        {
            output.WriteLine($"{iterations} requests in {(DateTime.UtcNow - started).TotalSeconds:F1} s (seed {seed ?? "random: on a failure CsCheck prints it"}); answers: "
                + string.Join(", ", _statuses.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} x{p.Value}")));
        }

        // An error after an answer started (a body the silo could not finish) is no 5xx the client sees, but the silo logs it.
        Assert.DoesNotContain(silo.LogLines, line => line.Contains("Unhandled error answering", StringComparison.Ordinal));

        // The silo is still healthy and still does its work.
        var (ready, readyBody) = await silo.AdminAsync(HttpMethod.Get, "/health/ready");
        Assert.True(ready == HttpStatusCode.OK, $"/health/ready answered {(int)ready} after the fuzzing: {readyBody}");
        var (submitted, body) = await silo.AdminAsync(HttpMethod.Post, "/api/tasks", """{"topic":"demo","subtype":"echo","payload":{"after":"fuzzing"}}""");
        Assert.True(submitted is HttpStatusCode.OK or HttpStatusCode.Accepted, $"a normal submit answered {(int)submitted} after the fuzzing: {body}");
        var id = JsonSerializer.Deserialize(body, ContractsJsonContext.Default.TaskView)!.Id;
        await Eventually.ValueAsync(
            $"task {id} submitted after the fuzzing completes",
            async () => JsonSerializer.Deserialize((await silo.AdminAsync(HttpMethod.Get, $"/api/tasks/{id}")).Body, ContractsJsonContext.Default.TaskView)!.Status,
            status => status == TaskStatus.Completed,
            TimeSpan.FromSeconds(10));
        await silo.CancelSeedsAsync();
    }

    [Theory]
    [InlineData(47)]
    [InlineData(48)]
    [InlineData(49)]
    [InlineData(58)]
    [InlineData(60)]
    [InlineData(61)]
    [InlineData(62)]
    [InlineData(63)]
    public async Task DeeplyNestedValue_IsRefusedOrServed_AndNeverBreaksReadingTasks(int depth)
    {
        var key = $"doc/deep-{depth}-{Guid.NewGuid():N}";
        var value = new string('[', depth) + new string(']', depth);
        var (put, putBody) = await silo.AdminAsync(HttpMethod.Put, $"/api/documents/{key}", value);
        Assert.True((int)put < 500, $"PUT of a value nested {depth} deep answered {(int)put}: {putBody}");
        foreach (var path in new[] { "/api/tasks?limit=5", $"/api/documents/{key}", $"/api/documents/{key}/history", "/api/documents?prefix=doc/" })
        {
            var (status, body) = await silo.AdminAsync(HttpMethod.Get, path);
            Assert.True((int)status < 500, $"after a PUT nested {depth} deep ({(int)put}), GET {path} answered {(int)status}: {Preview(body)}");
            Assert.True(status != HttpStatusCode.OK || ParseNode(body) is not null, $"after a PUT nested {depth} deep, GET {path} answered 200 with a body that is not JSON: {Preview(body)}");
        }
    }

    [Theory]
    [InlineData(20)]
    [InlineData(23)]
    public async Task TransactionSetAtADeepPath_FailsInsteadOfCommittingADocumentNoListingCouldShow(int valueDepth)
    {
        // A 40-deep document and a set 39 levels down of a value within the payload limit: once committed (a 59- to 62-deep
        // document), and every listing and history page that held it answered 500.
        static string Nest(int depth) => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
        var key = $"deepdoc/{Guid.NewGuid():N}";
        var put = await FinalAsync((await silo.AdminAsync(HttpMethod.Put, $"/api/documents/{key}", Nest(40))).Body);
        Assert.Equal(TaskStatus.Completed, put.Status);

        var path = string.Concat(Enumerable.Repeat("/a", 39));
        var ops = "{\"topic\":\"document\",\"subtype\":\"transaction\",\"payload\":{\"ops\":[{\"op\":\"set\",\"key\":\"" + key + "\",\"path\":\"" + path + "\",\"value\":" + Nest(valueDepth) + "}]}}";
        var set = await FinalAsync((await silo.AdminAsync(HttpMethod.Post, "/api/tasks", ops)).Body);
        Assert.Equal((TaskStatus.Failed, ErrorCodes.InvalidPayload), (set.Status, set.Error?.Code));
        foreach (var read in new[] { $"/api/documents/{key}", $"/api/documents/{key}/history", "/api/documents?prefix=deepdoc/" })
        {
            var (status, body) = await silo.AdminAsync(HttpMethod.Get, read);
            Assert.True(status == HttpStatusCode.OK, $"GET {read} answered {(int)status}: {Preview(body)}");
        }
    }

    private async Task<TaskView> FinalAsync(string submitted)
    {
        var id = JsonSerializer.Deserialize(submitted, ContractsJsonContext.Default.TaskView)!.Id;
        return await Eventually.ValueAsync(
            $"task {id} is final",
            async () => JsonSerializer.Deserialize((await silo.AdminAsync(HttpMethod.Get, $"/api/tasks/{id}")).Body, ContractsJsonContext.Default.TaskView)!,
            task => task.Status.IsFinal(),
            TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("POST", "/api/tasks", "{\"topic\":\"demo\",\"subty@pe\":\"echo\",\"payload\":{}}")]
    [InlineData("POST", "/api/tasks", "{\"topic\":\"demo\",\"subtype\":\"echo\",\"payload\":{\"hello\":\"@\"}}")]
    [InlineData("PUT", "/api/documents/doc/utf8", "{\"v\":\"@\"}")]
    [InlineData("POST", "/api/keys", "{\"name\":\"x@\",\"role\":\"reader\"}")]
    [InlineData("POST", "/api/tasks", "{\"topic\":\"document\",\"subtype\":\"put\",\"payload\":{\"key\":\"doc/x\",\"value\":\"\\ud800\"}}")]
    [InlineData("POST", "/api/tasks", "{\"topic\":\"\\udc00\",\"subtype\":\"echo\"}")]
    [InlineData("PUT", "/api/documents/doc/surrogate", "{\"\\ud800\":1}")]
    [InlineData("POST", "/api/keys", "{\"name\":\"\\ud800\",\"role\":\"reader\"}")]
    public async Task InvalidUtf8OrALoneSurrogateInABody_Answers400AndStoresNothing(string method, string path, string json)
    {
        // '@' marks where the bytes of an overlong '/' (C0 AF) go; "\ud800" is a lone surrogate escape. JsonDocument accepts
        // both until a string is read: they were 500s, or a task stored that failed every answer showing it.
        var at = json.IndexOf('@', StringComparison.Ordinal);
        byte[] body = at < 0 ? Encoding.UTF8.GetBytes(json) : [.. Encoding.UTF8.GetBytes(json[..at]), 0xC0, 0xAF, .. Encoding.UTF8.GetBytes(json[(at + 1)..])];
        var before = await FingerprintAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", silo.KeyOf("admin"));
        using var response = await silo.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path} with invalid UTF-8 answered {(int)response.StatusCode}: {text}");
        Assert.Contains(at < 0 ? "not valid Unicode" : "not valid UTF-8", text, StringComparison.Ordinal);
        Assert.Equal(before, await FingerprintAsync());
    }

    // ---------------------------------------------------------------- the oracle

    private async Task CheckAsync(FuzzRequest r)
    {
        var changes = r.Method is not ("GET" or "HEAD" or "OPTIONS" or "TRACE");
        var before = changes ? await FingerprintAsync() : default;
        using var request = Build(r, out var sent, out var bodyText);
        if (request is null)
        {
            return; // the client refused to build it (a header it will not send): nothing reached the silo
        }

        HttpResponseMessage response;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            response = await silo.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (InvalidOperationException exception) when (exception.Message.Contains("null characters", StringComparison.Ordinal))
        {
            return; // the in-memory server cannot carry %00 in a path (Kestrel answers 400 itself): nothing reached the silo
        }
        catch (Exception exception) when (exception is not OperationCanceledException || timeout.IsCancellationRequested)
        {
            throw new InvalidOperationException($"{sent}: the request threw instead of answering: {exception}");
        }

        int status;
        string body;
        string? mediaType;
        using (response)
        {
            status = (int)response.StatusCode;
            mediaType = response.Content.Headers.ContentType?.MediaType;
            try
            {
                body = mediaType == "text/event-stream" ? "(an event stream)" : Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(timeout.Token));
            }
            catch (Exception exception)
            {
                // In memory, a failure after the answer started (a body the silo cannot finish writing) surfaces here.
                throw new InvalidOperationException($"{sent} answered {status} but its body failed: {exception}");
            }

            var tally = $"{status}";
            _statuses[tally] = _statuses.GetValueOrDefault(tally) + 1;

            var endpoint = Classify(r.Method, request.RequestUri!);
            var violation = Judge(r, endpoint, status, mediaType, body, bodyText, response);
            if (violation is null && status is >= 200 and < 300 && endpoint.Kind == Kind.TaskEvents && Principal(r.Who) is { } who && s_grants[who.Role].Tasks == Scope.Own)
            {
                violation = await OwnTaskAsync(endpoint.Id!, who.Name, "followed");
            }

            if (violation is not null)
            {
                throw new InvalidOperationException($"{sent} answered {status}: {violation}\nbody: {Preview(body)}");
            }

            if (endpoint.Kind == Kind.Cancel && status is >= 200 and < 300 && Principal(r.Who) is { } canceller)
            {
                _cancelled.Add((endpoint.Id!, canceller.Name));
            }

            if (changes && status is < 200 or >= 300)
            {
                // Nothing stored on a refused change: no new task, no new or revoked key, no cancel by the refused caller.
                var after = await FingerprintAsync();
                if (after != before)
                {
                    throw new InvalidOperationException($"{sent} answered {status} but changed the silo's state: before {before}, after {after}\nbody: {Preview(body)}");
                }

                if (endpoint.Kind == Kind.Cancel && status is 401 or 403 && Principal(r.Who) is { } refused && endpoint.Id is { Length: 26 } id && !_cancelled.Contains((id, refused.Name)))
                {
                    var (found, task) = await silo.AdminAsync(HttpMethod.Get, $"/api/tasks/{id}");
                    if (found == HttpStatusCode.OK && JsonSerializer.Deserialize(task, ContractsJsonContext.Default.TaskView)!.CancelledBy == refused.Name)
                    {
                        throw new InvalidOperationException($"{sent} answered {status} but task {id} records {refused.Name} as who cancelled it");
                    }
                }
            }
        }
    }

    /// <summary>What is wrong with the answer, or null.</summary>
    private string? Judge(FuzzRequest r, Endpoint endpoint, int status, string? mediaType, string body, string sentBody, HttpResponseMessage response)
    {
        if (status >= 500)
        {
            return "a 5xx: the silo failed (or called a dependency unavailable) on a request the fuzzer built, which must never happen";
        }

        var gated = endpoint.Kind != Kind.Open;
        if (gated && status is 401 or 403 && mediaType != "application/problem+json")
        {
            return $"a {status} must be application/problem+json, not {mediaType ?? "no content type"}";
        }

        if (gated && endpoint.Kind != Kind.SignIn && status == 401 && !response.Headers.WwwAuthenticate.Any(h => h.Scheme == "Bearer"))
        {
            return "a 401 must say WWW-Authenticate: Bearer";
        }

        if (status is < 200 or >= 300)
        {
            return null;
        }

        if (endpoint.Kind == Kind.SignIn && r.Method == "POST")
        {
            return silo.AllKeys.Any(k => sentBody.Contains(k, StringComparison.Ordinal)) ? null : "a sign-in without any valid key in its body opened a session";
        }

        if (!gated || endpoint.Kind == Kind.SignIn)
        {
            return null;
        }

        if (Principal(r.Who) is not { } who)
        {
            return $"{r.Who} (no valid credentials) got a {status} under /api or /orleans";
        }

        if (r.Who.StartsWith("session:", StringComparison.Ordinal) && r.Method is not ("GET" or "HEAD" or "OPTIONS"))
        {
            return "a dashboard session changed something without the anti-forgery token";
        }

        var grants = s_grants[who.Role];
        switch (endpoint.Kind)
        {
            case Kind.Keys:
                return grants.Admin ? null : $"{who.Role} has no admin grant but got a {status} from the keys API";

            case Kind.Submit:
                {
                    if (ParseTask(body) is not { } task)
                    {
                        return "a 2xx submit whose body is not a task";
                    }

                    if (task.Source != who.Name)
                    {
                        return $"the task's source is '{task.Source}', not the sender '{who.Name}'";
                    }

                    if (!Matches(grants.Submit, $"{task.Topic}/{task.Subtype}"))
                    {
                        return $"{who.Role} may not submit {task.Topic}/{task.Subtype}";
                    }

                    if (task.Documents.FirstOrDefault(d => !Matches(grants.Write, d)) is { } outside)
                    {
                        return $"{who.Role}'s task locks {outside}, outside its Write grants";
                    }

                    return task.Topic == "document" && task.Subtype == "restore" && !grants.Restore ? $"{who.Role} may not restore" : null;
                }

            case Kind.Cancel:
                {
                    var task = ParseTask(body);
                    return grants.Cancel == Scope.None ? $"{who.Role} may cancel nothing"
                        : grants.Cancel == Scope.Own && task?.Source != who.Name ? $"{who.Role} cancelled a task of '{task?.Source}'"
                        : null;
                }

            case Kind.GetTask:
                return grants.Tasks == Scope.Own && ParseTask(body)?.Source != who.Name ? $"{who.Role} read a task that is not its own" : null;

            case Kind.ListTasks:
                {
                    if (grants.Tasks != Scope.Own)
                    {
                        return null;
                    }

                    var page = JsonSerializer.Deserialize(body, ContractsJsonContext.Default.PageTaskView);
                    return page?.Items.FirstOrDefault(t => t.Source != who.Name) is { } other ? $"{who.Role} listed task {other.Id} of '{other.Source}'" : null;
                }

            case Kind.AllEvents:
                return grants.Tasks == Scope.All ? null : $"{who.Role} sees only its own tasks, but got every task's events, deadlines or lock queues";

            case Kind.Documents:
                return KeysIn(body).FirstOrDefault(k => !Matches(grants.Read, k)) is { } unreadable ? $"{who.Role} got document {unreadable}, outside its Read grants" : null;

            default:
                return null;
        }
    }

    private async Task<string?> OwnTaskAsync(string id, string name, string what)
    {
        var (status, body) = await silo.AdminAsync(HttpMethod.Get, $"/api/tasks/{id}");
        return status == HttpStatusCode.OK && JsonSerializer.Deserialize(body, ContractsJsonContext.Default.TaskView)!.Source != name
            ? $"{name} {what} task {id}, which is not its own"
            : null;
    }

    /// <summary>The newest task and the number of keys (revoked ones included, so a revoke shows as a change of the listing).</summary>
    private async Task<(string? NewestTask, string Keys)> FingerprintAsync()
    {
        var (listed, tasks) = await silo.AdminAsync(HttpMethod.Get, "/api/tasks?limit=20");
        Assert.True(listed == HttpStatusCode.OK, $"the administrator's GET /api/tasks?limit=20 answered {(int)listed}: {tasks}");
        var newest = JsonSerializer.Deserialize(tasks, ContractsJsonContext.Default.PageTaskView)!.Items.FirstOrDefault()?.Id;
        var (_, keys) = await silo.AdminAsync(HttpMethod.Get, "/api/keys");
        var list = JsonSerializer.Deserialize(keys, ContractsJsonContext.Default.IReadOnlyListApiKeyView)!;
        return (newest, $"{list.Count} keys, {list.Count(k => k.Revoked is not null)} revoked");
    }

    private static TaskView? ParseTask(string body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, ContractsJsonContext.Default.TaskView);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Every string property named <c>key</c> in a JSON answer (documents, pages of them, history entries, locks).</summary>
    private static IEnumerable<string> KeysIn(string body)
    {
        var pending = new Stack<JsonNode?>([ParseNode(body)]);
        while (pending.TryPop(out var node))
        {
            if (node is JsonObject obj)
            {
                foreach (var (name, value) in obj)
                {
                    if (name == "key" && value is JsonValue v && v.TryGetValue<string>(out var key))
                    {
                        yield return key;
                    }
                    else if (name != "value")
                    {
                        pending.Push(value);
                    }
                }
            }
            else if (node is JsonArray array)
            {
                foreach (var item in array)
                {
                    pending.Push(item);
                }
            }
        }
    }

    private static JsonNode? ParseNode(string body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool Matches(IEnumerable<string> patterns, string value) =>
        patterns.Any(p => p.EndsWith('*') ? value.StartsWith(p[..^1], StringComparison.Ordinal) : value == p);

    private static (string Role, string Name)? Principal(string who)
    {
        var role = who.StartsWith("session:", StringComparison.Ordinal) ? who["session:".Length..] : who;
        return s_grants.ContainsKey(role) ? (role, SecuredSilo.NameOf(role)) : null;
    }

    /// <summary>Which endpoint the request reaches, as the silo's routing sees its path: case-insensitive, empty segments ignored.</summary>
    private static Endpoint Classify(string method, Uri uri)
    {
        var path = uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString.Split('?')[0];
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string Lower(int i) => i < segments.Length ? segments[i].ToLowerInvariant() : "";
        var trimmed = path.TrimStart('/');
        if (Lower(0) == "auth" && Lower(1) == "session")
        {
            return new(Kind.SignIn, null);
        }

        if (!trimmed.StartsWith("api", StringComparison.OrdinalIgnoreCase) && !trimmed.StartsWith("orleans", StringComparison.OrdinalIgnoreCase))
        {
            return new(Kind.Open, null);
        }

        return (Lower(0), Lower(1), segments.Length, method) switch
        {
            ("api", "keys", _, _) => new(Kind.Keys, null),
            ("api", "tasks", 2, "POST") => new(Kind.Submit, null),
            ("api", "tasks", 2, _) => new(Kind.ListTasks, null),
            ("api", "tasks", 3, _) => new(Kind.GetTask, Uri.UnescapeDataString(segments[2])),
            ("api", "tasks", 4, _) when Lower(3) == "cancel" => new(Kind.Cancel, Uri.UnescapeDataString(segments[2])),
            ("api", "tasks", 4, _) when Lower(3) == "events" => new(Kind.TaskEvents, Uri.UnescapeDataString(segments[2])),
            ("api", "events", _, _) or ("api", "reminders", _, _) => new(Kind.AllEvents, null),
            ("api", "locks", 3, _) when Lower(2) == "queues" => new(Kind.AllEvents, null),
            ("api", "documents", _, "PUT" or "PATCH" or "DELETE") => new(Kind.Submit, null),
            ("api", "documents", _, _) or ("api", "locks", _, _) => new(Kind.Documents, null),
            _ => new(Kind.Other, null),
        };
    }

    // ---------------------------------------------------------------- sending

    /// <summary>The request with placeholders resolved (seed tasks, keys, sessions); null when the client will not send it.</summary>
    private HttpRequestMessage? Build(FuzzRequest r, out string sent, out string bodyText)
    {
        var path = Resolve(r.Path);
        sent = $"{r.Who} {r.Method} {path}";

        // Placeholders are ASCII: resolve them byte for byte, so that invalid UTF-8 the generator put in stays as it was.
        var body = r.Body is null ? null : Encoding.Latin1.GetBytes(Resolve(Encoding.Latin1.GetString(r.Body)));
        bodyText = body is null ? "" : Encoding.UTF8.GetString(body);
        if (r.Who == "admin" && r.Method == "DELETE" && path.Contains("/keys/", StringComparison.OrdinalIgnoreCase) && !path.Contains("victim", StringComparison.Ordinal))
        {
            return null; // the fuzzer's administrator revokes only the victims: the role keys must stay valid for the whole run
        }

        HttpRequestMessage request;
        try
        {
            request = new HttpRequestMessage(new HttpMethod(r.Method), new Uri(path, UriKind.Relative));
        }
        catch (UriFormatException)
        {
            return null;
        }

        try
        {
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.Remove("Content-Type");
                if (r.ContentType is not null && !request.Content.Headers.TryAddWithoutValidation("Content-Type", r.ContentType))
                {
                    request.Dispose();
                    return null;
                }
            }

            var authorization = r.Who switch
            {
                "forged" => Resolve(r.Authorization ?? ""),
                "anonymous" => null,
                _ when r.Who.StartsWith("session:", StringComparison.Ordinal) => null,
                _ => "Bearer " + silo.KeyOf(r.Who),
            };
            if (authorization is not null && !request.Headers.TryAddWithoutValidation("Authorization", authorization))
            {
                request.Dispose();
                return null;
            }

            if (r.Who.StartsWith("session:", StringComparison.Ordinal))
            {
                request.Headers.TryAddWithoutValidation("Cookie", silo.SessionOf(r.Who["session:".Length..]));
            }

            if (r.IdempotencyKey is not null && !request.Headers.TryAddWithoutValidation("Idempotency-Key", r.IdempotencyKey))
            {
                request.Dispose();
                return null;
            }

            if (r.LastEventId is not null)
            {
                request.Headers.TryAddWithoutValidation("Last-Event-ID", r.LastEventId);
            }
        }
        catch
        {
            request.Dispose();
            throw;
        }

        sent = $"{r.Who} {r.Method} {path} (auth {(r.Who == "forged" ? Preview(Resolve(r.Authorization ?? "")) : r.Who)}, content-type {r.ContentType ?? "none"}, idempotency-key {r.IdempotencyKey ?? "none"}, last-event-id {r.LastEventId ?? "none"}, body {(body is null ? "none" : Preview(bodyText))})";
        return request;
    }

    /// <summary>Replaces <c>@seedN</c>, <c>@key:role</c>, <c>@flip:role</c>, <c>@cut:role</c> and <c>@id:role</c> with the fixture's values.</summary>
    private string Resolve(string text)
    {
        if (!text.Contains('@', StringComparison.Ordinal))
        {
            return text;
        }

        for (var i = 0; i < 24; i++)
        {
            text = text.Replace($"@seed{i:D2}", silo.SeedTasks[i % silo.SeedTasks.Count], StringComparison.Ordinal);
        }

        foreach (var role in SecuredSilo.Roles)
        {
            var key = silo.KeyOf(role);
            text = text
                .Replace($"@flip:{role}", key[..^1] + (key[^1] == 'A' ? 'B' : 'A'), StringComparison.Ordinal)
                .Replace($"@cut:{role}", key[..^5], StringComparison.Ordinal)
                .Replace($"@long:{role}", key + "A", StringComparison.Ordinal)
                .Replace($"@id:{role}", key[..17], StringComparison.Ordinal)
                .Replace($"@kid:{role}", key[4..16], StringComparison.Ordinal)
                .Replace($"@key:{role}", key, StringComparison.Ordinal);
        }

        return text;
    }

    private static string Preview(string text) => text.Length <= 400 ? text : $"{text[..400]}... ({text.Length} characters)";

    // ---------------------------------------------------------------- generators

    private static readonly Gen<string> s_taskIds = Gen.Frequency(
        (6, Gen.Int[0, 15].Select(i => $"@seed{i:D2}")),
        (2, Gen.Char["0123456789abcdefghjkmnpqrstvwxyz"].Array[26, 26].Select(c => new string(c))),
        (2, Gen.OneOf("0", "..", "%2e%2e", "%2F", new string('a', 3000), "%C3%84%C3%96", "00000000000000000000000000", "0000000000000000000000000I",
            "%00", "a%2Fb", "-1", "%20", "@seed00%2F..", "@seed01x", "~", "%FF")));

    private static readonly Gen<string> s_urlKeys = Gen.Select(
        Gen.OneOf("deploy/", "account/", "doc/", "Deploy/", "deploy", "", "deploy//", "deploy/../account/", "deploy/%2E%2E/account/", "deploy%2F", "deploy%252F",
            "%64eploy/", "d%C3%A9ploy/", "deploy/%C3%BC/", "deploy/%E2%80%AE", "account%2F..%2Fdeploy/", "deploy/%2F", "deploy%2F..%2Faccount%2F", "deploy/a%00/"),
        Gen.Frequency(
            (6, Gen.OneOf("app", "a/b", "x", "a")),
            (3, Gen.Char["abcxyz0189-_.~"].Array[1, 12].Select(c => new string(c))),
            (2, Gen.OneOf("app/history", "app/history/1", "app/history/0", "app/history/x", "app/history/99999999999999999999", "history", "history/1", "app/history/-1")),
            (1, Gen.OneOf(new string('k', 3000), "%00", "%", "%zz", "%F0%9F%9A%80", "a%3Fb", "a%23b", "a%2F..%2F..%2Fapi%2Fkeys", ".", "..", "a/./b", "%FF%FE"))),
        (p, s) => p + s);

    private static readonly Gen<string> s_bodyKeys = Gen.OneOf(
        "deploy/app", "deploy/new", "deploy/a/b", "account/a", "doc/x", "deploy/../account/a", "deploy/", "", "DEPLOY/x", "deploy/x\u0000", "deploy\\x", " deploy/x",
        "deploy/x ", "deploy/\u00e9", "deploy/*", "*", "deploy/a/history", "deploy/a/history/1", "deploy", "/deploy/x", "deploy//x", "deploy/\ud83d\ude80",
        "deploy/" + new string('a', 2000), "account/\u202edeploy/", "deploy%2Fx");

    private static readonly Gen<string> s_jsonValues = Gen.Frequency(
        (6, Gen.OneOf("1", "\"s\"", "{\"replicas\":3}", "[1,2]", "null", "true", "{}", "{\"v\":{\"w\":[1,{\"x\":null}]}}", "0.1", "-0")),
        (2, Gen.OneOf("1e400", "-1e400", "9223372036854775808", "9223372036854775807", "-9223372036854775809", "1e-400", "123456789012345678901234567890", "4294967296", "2147483648")),
        (2, Gen.Select(Gen.OneOf(8, 60, 61, 62, 63, 64, 65, 100, 1000), Gen.Bool, (depth, array) => array
            ? new string('[', depth) + new string(']', depth)
            : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth))),
        (1, Gen.OneOf("{\"a\":1,\"a\":2}", "{\"key\":\"account/a\",\"key\":\"deploy/a\"}", "\"\\ud800\"", "\"\\u0000\"", "[" + string.Join(',', Enumerable.Repeat("1", 5000)) + "]")));

    private static readonly Gen<string> s_durations = Gen.OneOf("0s", "10ms", "1ms", "-1s", "abc", "PT0.01S", "99999999999d", "1e9s", "PT-1S", "%00", "100ms", "1h",
        "9999999999999999999ms", "P10675199DT2H48M5.4775807S", "P99999999999D", "922337203685477.5807ms", "922337203685477ms", "10675199.1d", "10675199:02:48:05.4775807", "PT", "", "30", "5m", "1.5s", "%E2%88%9E");

    private static readonly Gen<string> s_query = Gen.Select(
            Gen.OneOf("wait", "timeout", "limit", "prefix", "after", "status", "topic", "before", "lastEventId", "WAIT", "x"),
            Gen.Frequency(
                (3, s_durations),
                (2, Gen.OneOf("0", "1", "500", "501", "-1", "abc", "99999999999", "1.5", "1e3", "%2B1")),
                (2, Gen.OneOf("pending", "Completed", "7", "-1", "garbage", "Pending,Running", "running", "RollbackFailed", "Completed%00")),
                (2, Gen.OneOf("deploy/", "account/", "deploy", "", "deploy%2F", "d", "%00", "deploy/app", "@seed00", "demo", "document", "3.1", "x.y", "99999999999.9", "1.99"))),
            (name, value) => $"{name}={value}")
        .Array[0, 3]
        .Select(pairs => pairs.Length == 0 ? "" : "?" + string.Join('&', pairs));

    private static readonly Gen<string> s_specs = Gen.Frequency(
        (2, Gen.OneOf("""{"topic":"demo","subtype":"echo","payload":{"hello":"world"}}""", """{"topic":"demo","subtype":"echo"}""")),
        (2, Gen.Int[0, 30].Select(ms => $$$"""{"topic":"demo","subtype":"sleep","payload":{"ms":{{{ms}}}}}""")),
        (1, Gen.Const("""{"topic":"demo","subtype":"fail","payload":{"message":"boom"}}""")),
        (3, Gen.Select(s_bodyKeys, s_jsonValues, (k, v) => $$$"""{"topic":"document","subtype":"put","payload":{"key":{{{Json(k)}}},"value":{{{v}}}}}""")),
        (2, Gen.Select(s_bodyKeys, s_jsonValues, (k, v) => "{\"topic\":\"document\",\"subtype\":\"patch\",\"payload\":{\"key\":" + Json(k) + ",\"patch\":{\"p\":" + v + "}}}")),
        (1, s_bodyKeys.Select(k => $$$"""{"topic":"document","subtype":"delete","payload":{"key":{{{Json(k)}}}}}""")),
        (2, Gen.Select(s_bodyKeys, Gen.Int[0, 4], (k, v) => $$$"""{"topic":"document","subtype":"restore","payload":{"key":{{{Json(k)}}},"version":{{{v}}}}}""")),
        (3, Gen.Select(s_bodyKeys, Gen.OneOf("set", "increment", "remove", "delete", "assert", "merge"), s_jsonValues, s_bodyKeys,
            (k, op, v, k2) => $$$"""{"topic":"document","subtype":"transaction","payload":{"ops":[{"op":"{{{op}}}","key":{{{Json(k)}}},"path":"/v","value":{{{v}}},"by":1,"version":0},{"op":"set","key":{{{Json(k2)}}},"path":"","value":{}}]}}""")),
        (1, Gen.OneOf("""{"topic":"nope","subtype":"x","payload":{}}""", """{"topic":"document","subtype":"","payload":{}}""", """{"topic":"DEMO","subtype":"ECHO"}""", """{"topic":"demo/echo","subtype":"x"}""")));

    private static readonly Gen<Mutation> s_mutations = Gen.Select(
        Gen.OneOf(MutationKind.Drop, MutationKind.Swap, MutationKind.Extra, MutationKind.Source, MutationKind.Documents, MutationKind.Timeout, MutationKind.IdempotencyKey,
            MutationKind.Nest, MutationKind.Duplicate, MutationKind.Truncate, MutationKind.InvalidUtf8, MutationKind.Bom, MutationKind.Utf16, MutationKind.Huge),
        Gen.Int[0, 1000],
        Gen.OneOf("1", "\"x\"", "[]", "{}", "null", "true", "1e400", "-1", "\"\"", "9223372036854775808", "[\"deploy/a\",\"account/a\"]", "\"admin\"", "\"producer-key\"", "\"deployer-key\"", "\"http\"", "\"anonymous\""),
        s_bodyKeys,
        (kind, at, value, key) => new Mutation(kind, at, value, key));

    private static readonly Gen<string> s_forged = Gen.OneOf(
        "Bearer stk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "Bearer not-a-key", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln",
        "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhZG1pbiIsInJvbGVzIjpbImFkbWluIl19.", "Bearer eyJ.eyJ.", "Bearer ", "Bearer", "Basic YWRtaW46YWRtaW4=",
        "Bearer @flip:admin", "Bearer @cut:admin", "Bearer @long:operator", "Bearer @id:admin", "Bearer @flip:producer", "Bearer stk_", "Bearer stk_@id:admin",
        "Bearer @key:admin@key:admin", "Bearer @key:reader,Bearer @key:admin", "Bearer \u00e9\u00e9", "Bearer " + new string('x', 10000),
        "Bearer stk_../../_x", "Bearer @flip:deployer", "Bearer stk_zzzzzzzzzzzz_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

    private static readonly Gen<string?> s_contentTypes = Gen.Frequency(
        (10, Gen.Const<string?>("application/json")),
        (1, Gen.OneOf<string?>(null, "text/plain", "application/json; charset=utf-16", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "application/problem+json", "application/json; charset=\"", "text/event-stream", "application/json; charset=ebcdic", "*/*")));

    private static readonly Gen<string?> s_idempotencyKeys = Gen.Frequency(
        (8, Gen.Const((string?)null)),
        (1, Gen.OneOf<string?>("k1", "", " ", new string('x', 5000), "../../x", "@admin/k1", "@producer-key/k1", "\u00fc", "k1,k2")));

    private static readonly Gen<(string Method, string Path, BodyKind Body)> s_endpoints = Gen.Frequency(
        (6, s_query.Select(q => ("POST", "/api/tasks" + q, BodyKind.Task))),
        (3, s_query.Select(q => ("GET", "/api/tasks" + q, BodyKind.None))),
        (3, Gen.Select(s_taskIds, s_query, (id, q) => ("GET", $"/api/tasks/{id}{q}", BodyKind.None))),
        (3, Gen.Select(s_taskIds, s_query, Gen.Bool, (id, q, junk) => ("POST", $"/api/tasks/{id}/cancel{q}", junk ? BodyKind.Value : BodyKind.None))),
        (2, Gen.Select(s_taskIds, s_query, (id, q) => ("GET", $"/api/tasks/{id}/events{q}", BodyKind.None))),
        (1, s_query.Select(q => ("GET", "/api/events" + q, BodyKind.None))),
        (2, s_query.Select(q => ("GET", "/api/documents" + q, BodyKind.None))),
        (3, Gen.Select(s_urlKeys, s_query, (k, q) => ("GET", $"/api/documents/{k}{q}", BodyKind.None))),
        (3, Gen.Select(s_urlKeys, s_query, (k, q) => ("PUT", $"/api/documents/{k}{q}", BodyKind.Value))),
        (2, Gen.Select(s_urlKeys, s_query, (k, q) => ("PATCH", $"/api/documents/{k}{q}", BodyKind.Value))),
        (2, Gen.Select(s_urlKeys, s_query, (k, q) => ("DELETE", $"/api/documents/{k}{q}", BodyKind.None))),
        (2, Gen.Select(Gen.OneOf("/api/locks", "/api/locks/queues", "/api/cluster", "/api/stats", "/api/stats/cluster", "/api/reminders", "/api/handlers", "/api/whoami"), s_query,
            (p, q) => ("GET", p + q, BodyKind.None))),
        (2, Gen.Const(("POST", "/api/keys", BodyKind.Key))),
        (1, Gen.Const(("GET", "/api/keys", BodyKind.None))),
        (1, Gen.OneOf("victim-1", "victim-2", "victim-3", "nobody", "", "%2F", "..", "@kid:producer", "producer-key", "admin", new string('n', 3000)).Select(k => ("DELETE", "/api/keys/" + k, BodyKind.None))),
        (2, Gen.OneOf(("GET", "/auth/session", BodyKind.None), ("POST", "/auth/session", BodyKind.SignIn), ("DELETE", "/auth/session", BodyKind.None))),
        (1, Gen.OneOf("/orleans/", "/orleans/DashboardCounters", "/orleans/ClusterStats", "/Orleans").Select(p => ("GET", p, BodyKind.None))),
        (1, Gen.Select(Gen.OneOf("HEAD", "OPTIONS", "TRACE", "PUT", "POST", "DELETE", "PATCH", "FOO"),
            Gen.OneOf("/api/keys", "/api/tasks", "/api/whoami", "/api/documents", "/api/events", "/health/ready", "/metrics", "/api/keys/victim-1"),
            (m, p) => (m, p, BodyKind.Value))));

    private static readonly Gen<string> s_pathManglings = Gen.Frequency(
        (12, Gen.Const("")),
        (1, Gen.OneOf("upper", "double-slash", "trailing-slash", "dot-segment", "dot-dot", "encoded-slash", "prefix-dot-dot")));

    private static readonly Gen<FuzzRequest> s_requests = Gen.Select(
        s_endpoints,
        s_pathManglings,
        Gen.OneOf(s_senders),
        s_forged,
        Gen.Select(s_specs, s_mutations.Array[0, 3], s_jsonValues, Gen.Int[0, 8], (spec, mutations, value, keyBody) => (spec, mutations, value, keyBody)),
        s_contentTypes,
        s_idempotencyKeys,
        Gen.Frequency((6, Gen.Const((string?)null)), (1, Gen.OneOf<string?>("3.1", "x", "-1.-1", "99999999999.9", "1.99", "", "0.0", "1.2.3"))),
        (endpoint, mangling, who, forged, body, contentType, idempotencyKey, lastEventId) =>
        {
            var (spec, mutations, value, keyBody) = body;
            var text = endpoint.Body switch
            {
                BodyKind.Task => spec,
                BodyKind.Value => value,
                BodyKind.Key => keyBody switch
                {
                    0 => """{"name":"fuzz-key","role":"admin"}""",
                    1 => """{"name":"victim-1","role":"producer"}""",
                    2 => """{"name":"x y","role":"reader"}""",
                    3 => """{"name":"ok-name","role":"emperor"}""",
                    4 => """{"name":"","role":""}""",
                    5 => """{"name":"ok-name2","role":"admin","extra":1}""",
                    6 => "{\"name\":\"" + new string('n', 2000) + "\",\"role\":\"reader\"}",
                    7 => """{"name":"../../admin","role":"operator"}""",
                    _ => """{"name":"fuzz-key-2","role":"deployer"}""",
                },
                BodyKind.SignIn => keyBody switch
                {
                    0 => """{"key":"@key:reader"}""",
                    1 => """{"key":"@flip:admin"}""",
                    2 => """{"key":" @key:producer "}""",
                    3 => """{"key":1}""",
                    4 => """{"key":"stk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""",
                    5 => """{"key":"@cut:admin"}""",
                    6 => """{}""",
                    7 => """{"key":"eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9."}""",
                    _ => """{"key":"@id:admin"}""",
                },
                _ => null,
            };
            var bytes = text is null ? null : Mutate(text, endpoint.Body == BodyKind.Task ? mutations : [.. mutations.Where(m => m.Kind >= MutationKind.Truncate)]);
            return new FuzzRequest(who, endpoint.Method, Mangle(endpoint.Path, mangling), text is null ? null : contentType, bytes, who == "forged" ? forged : null, idempotencyKey, lastEventId);
        });

    private static string Mangle(string path, string how) => how switch
    {
        "upper" => path.Replace("/api/", "/API/", StringComparison.Ordinal).Replace("/keys", "/Keys", StringComparison.Ordinal),
        "double-slash" => "/" + path,
        "trailing-slash" => path.Contains('?', StringComparison.Ordinal) ? path.Replace("?", "/?", StringComparison.Ordinal) : path + "/",
        "dot-segment" => path.Replace("/api/", "/api/./", StringComparison.Ordinal),
        "dot-dot" => path.Replace("/api/", "/api/x/../", StringComparison.Ordinal),
        "encoded-slash" => path.Replace("/api/", "/api%2F", StringComparison.Ordinal),
        "prefix-dot-dot" => "/health/../" + path.TrimStart('/'),
        _ => path,
    };

    /// <summary>Applies structural mutations (on the JSON object) and then byte-level ones (on its UTF-8).</summary>
    private static byte[] Mutate(string json, Mutation[] mutations)
    {
        if (mutations.Any(m => m.Kind < MutationKind.Truncate))
        {
            try
            {
                if (JsonNode.Parse(json) is JsonObject root)
                {
                    foreach (var m in mutations.Where(m => m.Kind < MutationKind.Truncate))
                    {
                        Apply(root, m);
                    }

                    json = root.ToJsonString();
                }
            }
            catch (Exception exception) when (exception is JsonException or ArgumentException or InvalidOperationException)
            {
                // A value the generator made that JsonNode will not hold (duplicates, depth): keep the text as it is.
            }
        }

        foreach (var m in mutations.Where(m => m.Kind == MutationKind.Duplicate))
        {
            json = json.Length > 1 && json[0] == '{' ? "{\"topic\":\"document\",\"subtype\":\"restore\"," + json[1..] : json;
            json = json.Replace("\"payload\":{", "\"payload\":{\"key\":" + Json(m.Key) + ",", StringComparison.Ordinal);
        }

        var bytes = Encoding.UTF8.GetBytes(json);
        foreach (var m in mutations.Where(m => m.Kind >= MutationKind.Truncate))
        {
            bytes = m.Kind switch
            {
                MutationKind.Truncate => bytes[..(m.At * bytes.Length / 1001)],
                MutationKind.InvalidUtf8 => [.. bytes[..(m.At * bytes.Length / 1001)], .. m.At % 3 == 0 ? new byte[] { 0xFF } : m.At % 3 == 1 ? [0xC0, 0xAF] : [0xED, 0xA0, 0x80], .. bytes[(m.At * bytes.Length / 1001)..]],
                MutationKind.Bom => [0xEF, 0xBB, 0xBF, .. bytes],
                MutationKind.Utf16 => Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(bytes)),
                _ => bytes,
            };
        }

        return bytes;
    }

    private static void Apply(JsonObject root, Mutation m)
    {
        var target = root["payload"] is JsonObject payload && m.At % 2 == 0 ? payload : root;
        var names = target.Select(p => p.Key).ToList();
        var name = names.Count == 0 ? "x" : names[m.At % names.Count];
        switch (m.Kind)
        {
            case MutationKind.Drop:
                target.Remove(name);
                break;
            case MutationKind.Swap:
                target[name] = JsonNode.Parse(m.Value);
                break;
            case MutationKind.Huge:
                target[name] = JsonNode.Parse(m.At % 3 == 0 ? "1e400" : m.At % 3 == 1 ? "9223372036854775807" : "-9223372036854775808");
                break;
            case MutationKind.Extra:
                target[m.At % 3 == 0 ? "extra" : m.At % 3 == 1 ? "Topic" : "__proto__"] = JsonNode.Parse(m.Value);
                break;
            case MutationKind.Source:
                root["source"] = JsonNode.Parse(m.Value);
                break;
            case MutationKind.Documents:
                root["documents"] = m.At % 4 == 0 ? JsonNode.Parse(m.Value) : new JsonArray(m.Key, "deploy/ok");
                break;
            case MutationKind.Timeout:
                root["timeout"] = (m.At % 5) switch { 0 => "1s", 1 => "-1s", 2 => "999999999d", 3 => "PT0S", _ => "xyz" };
                break;
            case MutationKind.IdempotencyKey:
                root["idempotencyKey"] = m.At % 3 == 0 ? "k1" : m.At % 3 == 1 ? new string('i', 3000) : "";
                break;
            case MutationKind.Nest:
                target[name] = JsonNode.Parse(string.Concat(Enumerable.Repeat("{\"a\":", 40 + (m.At % 30))) + "1" + new string('}', 40 + (m.At % 30)));
                break;
            default:
                break;
        }
    }

    private static string Json(string value) => JsonValue.Create(value).ToJsonString();

    private enum Kind
    {
        Open,
        SignIn,
        Keys,
        Submit,
        ListTasks,
        GetTask,
        Cancel,
        TaskEvents,
        AllEvents,
        Documents,
        Other,
    }

    private enum BodyKind
    {
        None,
        Task,
        Value,
        Key,
        SignIn,
    }

    /// <summary>Structural kinds first, byte-level ones from <see cref="Truncate"/> on.</summary>
    private enum MutationKind
    {
        Drop,
        Swap,
        Huge,
        Extra,
        Source,
        Documents,
        Timeout,
        IdempotencyKey,
        Nest,
        Duplicate,
        Truncate,
        InvalidUtf8,
        Bom,
        Utf16,
    }

    private sealed record Mutation(MutationKind Kind, int At, string Value, string Key);

    private sealed record Grants(string[] Submit, string[] Read, string[] Write, Scope Tasks, Scope Cancel, bool Restore, bool Admin);

    private sealed record Endpoint(Kind Kind, string? Id);

    /// <summary>One generated request; placeholders (<c>@seed03</c>, <c>@key:admin</c>...) are resolved when it is sent.</summary>
    private sealed record FuzzRequest(string Who, string Method, string Path, string? ContentType, byte[]? Body, string? Authorization, string? IdempotencyKey, string? LastEventId)
    {
        public override string ToString() =>
            $"{Who} {Method} {Path}{(Authorization is null ? "" : $" [Authorization: {Authorization[..Math.Min(80, Authorization.Length)]}]")}"
            + $"{(ContentType is null ? "" : $" [Content-Type: {ContentType}]")}{(IdempotencyKey is null ? "" : $" [Idempotency-Key: {IdempotencyKey[..Math.Min(40, IdempotencyKey.Length)]}]")}"
            + $"{(LastEventId is null ? "" : $" [Last-Event-ID: {LastEventId}]")}{(Body is null ? "" : $" body: {Shorten(Encoding.UTF8.GetString(Body))}")}";

        private static string Shorten(string text) => text.Length > 300 ? text[..300] + "..." : text;
    }
}
