namespace Stackl.Tasks;

/// <summary>The names of the grain-state stores the task domain asks for; storage providers register keyed stores under them.</summary>
/// <remarks>A silo without such a store keeps these states in its default grain-state store (tests of the call path only: no queries then).</remarks>
public static class TaskStorageNames
{
    /// <summary>Task state: one row per task with its status, topic and times as indexed columns.</summary>
    public const string Tasks = "tasks";

    /// <summary>Document state: one row per document with its committed value and lock, plus the history of committed versions.</summary>
    public const string Documents = "documents";
}
