namespace Stackl.Tasks.Security;

/// <summary>Whose tasks a grant covers.</summary>
public enum TaskScope
{
    /// <summary>No task.</summary>
    None,

    /// <summary>The tasks the principal submitted (their source is its name).</summary>
    Own,

    /// <summary>Every task.</summary>
    All,
}
