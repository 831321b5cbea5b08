namespace Stackl.Tasks.Gateway;

/// <summary>Limits of the cluster clients' gateway grain: the HTTP API's, so both transports answer alike.</summary>
/// <remarks>The stock host binds them from <c>Stackl:Api</c>, the section of the HTTP API's limits.</remarks>
public sealed class StacklGatewayOptions
{
    /// <summary>The longest wait one call may ask for; longer ones are shortened. Default: 60 s.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The page size when a listing names no limit. Default: 50.</summary>
    public int DefaultPageSize { get; set; } = 50;

    /// <summary>The largest limit a listing accepts. Default: 500.</summary>
    public int MaxPageSize { get; set; } = 500;
}
