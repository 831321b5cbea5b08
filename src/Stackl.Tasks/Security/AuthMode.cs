namespace Stackl.Tasks.Security;

/// <summary>When requests must carry credentials.</summary>
public enum AuthMode
{
    /// <summary>Required in PostgreSQL (cluster) mode and for requests that reach the silo on an address other than loopback; open otherwise.</summary>
    Auto,

    /// <summary>Every API request and cluster-client call needs a key or token.</summary>
    Required,

    /// <summary>No credentials anywhere: every caller is an administrator. Only for a silo no one else can reach.</summary>
    Open,
}
