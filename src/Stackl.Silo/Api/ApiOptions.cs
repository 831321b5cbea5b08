namespace Stackl.Silo.Api;

/// <summary>Limits of the HTTP API. Bound from <c>Stackl:Api</c>.</summary>
public sealed class ApiOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Stackl:Api";

    /// <summary>The largest request body accepted; larger ones get 413. Default: 1 MiB.</summary>
    public long MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>The longest <c>?wait=</c> a request may ask for. Default: 60 s.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The page size when a listing names no <c>limit</c>. Default: 50.</summary>
    public int DefaultPageSize { get; set; } = 50;

    /// <summary>The largest <c>limit</c> a listing accepts. Default: 500.</summary>
    public int MaxPageSize { get; set; } = 500;

    /// <summary>Throws with a message naming the option and the fix.</summary>
    public void Validate()
    {
        if (MaxRequestBytes < 1024)
        {
            throw new InvalidOperationException($"Stackl:Api:MaxRequestBytes must be at least 1024 (it is {MaxRequestBytes}).");
        }

        if (MaxWait <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Stackl:Api:MaxWait must be positive (it is {MaxWait}); set it to a duration such as 00:01:00.");
        }

        if (DefaultPageSize < 1 || MaxPageSize < DefaultPageSize)
        {
            throw new InvalidOperationException($"Stackl:Api:DefaultPageSize ({DefaultPageSize}) must be at least 1 and at most Stackl:Api:MaxPageSize ({MaxPageSize}).");
        }
    }
}
