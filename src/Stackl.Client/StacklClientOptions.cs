namespace Stackl.Client;

/// <summary>Settings of a <see cref="StacklClient"/>.</summary>
public sealed class StacklClientOptions
{
    /// <summary>The environment variable the CLI and samples read the server address from.</summary>
    public const string ServerEnvironmentVariable = "STACKL_SERVER";

    /// <summary>The environment variable the CLI and samples read the API key from.</summary>
    public const string ApiKeyEnvironmentVariable = "STACKL_API_KEY";

    /// <summary>The API key (or an identity provider's token) sent as <c>Authorization: Bearer</c>; null sends none. Default: null. Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The address of a silo's HTTP API. Default: <c>http://127.0.0.1:5000/</c>.</summary>
    public Uri BaseAddress { get; set; } = new("http://127.0.0.1:5000/");

    /// <summary>
    /// How long a submit (and a document put, patch or delete) waits for its task to become final when the call names no wait.
    /// Default: 30 s. <see cref="TimeSpan.Zero"/> returns as soon as the task is accepted.
    /// </summary>
    public TimeSpan DefaultWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest wait asked of the server in one request; longer waits are made of several requests.
    /// Default: 30 s (the server refuses more than its <c>Stackl:Api:MaxWait</c>, 60 s by default, and short requests stay
    /// clear of proxy and <see cref="HttpClient.Timeout"/> limits).
    /// </summary>
    public TimeSpan MaxServerWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock that measures waits. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Throws with a message naming the option and the fix.</summary>
    public void Validate()
    {
        if (BaseAddress is null || !BaseAddress.IsAbsoluteUri)
        {
            throw new InvalidOperationException($"StacklClientOptions.BaseAddress must be an absolute http(s) address such as http://127.0.0.1:5000/ (it is '{BaseAddress}').");
        }

        if (DefaultWait < TimeSpan.Zero)
        {
            throw new InvalidOperationException($"StacklClientOptions.DefaultWait must not be negative (it is {DefaultWait}).");
        }

        if (MaxServerWait <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"StacklClientOptions.MaxServerWait must be positive (it is {MaxServerWait}); the server accepts up to 60 s by default.");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }
}
