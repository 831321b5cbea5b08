using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Stackl.Contracts;

namespace Stackl.Client;

/// <summary>The <see cref="IStacklClient"/> over <see cref="HttpClient"/>. Thread-safe; keep one per server.</summary>
public sealed partial class StacklClient : IStacklClient, IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly StacklClientOptions _options;
    private readonly Uri _baseAddress;

    /// <summary>Creates a client of the silo at <paramref name="baseAddress"/>, with its own <see cref="HttpClient"/>.</summary>
    /// <param name="baseAddress">The silo's address, e.g. <c>http://127.0.0.1:5000</c>.</param>
    public StacklClient(Uri baseAddress)
        : this(new StacklClientOptions { BaseAddress = baseAddress })
    {
    }

    /// <summary>Creates a client with its own <see cref="HttpClient"/>, disposed with the client.</summary>
    /// <param name="options">The settings.</param>
    public StacklClient(StacklClientOptions options)
        : this(new HttpClient(), ownsHttp: true, options, useHttpBaseAddress: false)
    {
    }

    /// <summary>Creates a client over a caller's <see cref="HttpClient"/> (from <c>IHttpClientFactory</c>, or a test server's), which it does not dispose.</summary>
    /// <remarks>The server address is the <see cref="HttpClient.BaseAddress"/> when set, else <see cref="StacklClientOptions.BaseAddress"/>.
    /// Keep <see cref="HttpClient.Timeout"/> above <see cref="StacklClientOptions.MaxServerWait"/>.</remarks>
    /// <param name="httpClient">The HTTP client.</param>
    /// <param name="options">The settings; defaults when null.</param>
    public StacklClient(HttpClient httpClient, StacklClientOptions? options = null)
        : this(httpClient, ownsHttp: false, options ?? new StacklClientOptions(), useHttpBaseAddress: true)
    {
    }

    private StacklClient(HttpClient httpClient, bool ownsHttp, StacklClientOptions options, bool useHttpBaseAddress)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _http = httpClient;
        _ownsHttp = ownsHttp;
        _options = options;
        var baseAddress = useHttpBaseAddress && httpClient.BaseAddress is { } own ? own : options.BaseAddress;

        // Relative paths resolve under the last '/', so a base such as http://host/stackl must end with one.
        _baseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
    }

    /// <summary>The silo address requests go to.</summary>
    public Uri BaseAddress => _baseAddress;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private TimeProvider Time => _options.TimeProvider;

    private static string Escape(string value) => Uri.EscapeDataString(value);

    /// <summary>A document key in a URL: each segment escaped, the slashes kept (the API routes on them).</summary>
    private static string EscapeKey(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
    }

    private Uri Url(string path, params ReadOnlySpan<(string Name, string? Value)> query)
    {
        var text = new StringBuilder(path);
        var separator = '?';
        foreach (var (name, value) in query)
        {
            if (value is null)
            {
                continue;
            }

            text.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return new Uri(_baseAddress, text.ToString());
    }

    /// <summary>The <c>?wait=</c> value of one request: at most <see cref="StacklClientOptions.MaxServerWait"/>, null for no wait.</summary>
    private string? ServerWait(TimeSpan? wait)
    {
        if (wait is not { } w || w <= TimeSpan.Zero)
        {
            return null;
        }

        var slice = w < _options.MaxServerWait ? w : _options.MaxServerWait;

        // Whole milliseconds, rounded up, so a short remainder never becomes "0ms" and spins.
        return Durations.Format(TimeSpan.FromMilliseconds(Math.Ceiling(slice.TotalMilliseconds)));
    }

    private static JsonContent Json<T>(T value, JsonTypeInfo<T> type) => JsonContent.Create(value, type);

    private async Task<T> SendAsync<T>(HttpMethod method, Uri url, HttpContent? content, JsonTypeInfo<T> type, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(request, response, type, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a request; answers only success, turning every failure into a <see cref="StacklException"/>.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        if (_options.ApiKey is { Length: > 0 } key && request.Headers.Authorization is null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw Unreachable(request, exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Not the caller's token: HttpClient.Timeout ran out.
            throw new StacklConnectionException(
                $"The Stackl server did not answer {request.Method} {request.RequestUri} within {Durations.Format(_http.Timeout)} (HttpClient.Timeout).", exception);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ProblemAsync(request, response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<T> ReadAsync<T>(HttpRequestMessage request, HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false)
                ?? throw new StacklException($"The server answered {request.Method} {request.RequestUri} with JSON null; is it a Stackl silo?");
        }
        catch (JsonException exception)
        {
            throw new StacklException($"The server's answer to {request.Method} {request.RequestUri} is not the expected JSON ({exception.Message}); is it a Stackl silo?", exception);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            throw Unreachable(request, exception);
        }
    }

    private static StacklConnectionException Unreachable(HttpRequestMessage request, Exception exception) =>
        new($"Could not reach the Stackl server for {request.Method} {request.RequestUri}: {exception.Message}", exception);

    private async Task<StacklException> ProblemAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            text = string.Empty;
        }

        ProblemBody? problem = null;
        if (text.TrimStart().StartsWith('{'))
        {
            try
            {
                problem = JsonSerializer.Deserialize(text, ClientJsonContext.Default.ProblemBody);
            }
            catch (JsonException)
            {
                // Not a problem document (a proxy's error page, say): the raw text becomes the detail below.
            }
        }

        var status = response.StatusCode;
        var code = problem?.Code ?? string.Empty;
        var detail = problem?.Detail ?? problem?.Title
            ?? $"{request.Method} {request.RequestUri} answered {(int)status} {response.ReasonPhrase}{(text.Length > 0 ? ": " + Truncate(text.Trim(), 300) : ".")}";
        return (int)status switch
        {
            429 => new StacklRateLimitedException(status, code, detail, RetryAfter(response), problem?.Title, problem?.TraceId),
            401 or 403 => new StacklAccessDeniedException(status, code, detail, problem?.Title, problem?.TraceId),
            404 => new StacklNotFoundException(status, code, detail, problem?.Title, problem?.TraceId),
            409 => new StacklConflictException(status, code, detail, problem?.Title, problem?.TraceId),
            >= 400 and < 500 => new StacklBadRequestException(status, code, detail, problem?.Title, problem?.TraceId),
            >= 500 => new StacklServerException(status, code, detail, problem?.Title, problem?.TraceId),
            _ => new StacklApiException(status, code, detail, problem?.Title, problem?.TraceId),
        };
    }

    /// <summary>The response's <c>Retry-After</c> as a delay (seconds or a date), if any.</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - Time.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero,
        _ => null,
    };

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    private static bool IsUnavailable(StacklServerException exception) => exception.StatusCode == HttpStatusCode.ServiceUnavailable;
}
