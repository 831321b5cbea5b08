namespace Stackl.Silo.Limits;

/// <summary>The requests each principal holds open on this silo: long polls (<c>?wait=</c>) and event streams.</summary>
internal sealed class OpenRequests
{
    /// <summary>Requests with <c>?wait=</c> not answered yet.</summary>
    public PrincipalCounters Waits { get; } = new();

    /// <summary>Server-sent event streams open.</summary>
    public PrincipalCounters Streams { get; } = new();
}
