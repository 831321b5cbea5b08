namespace Stackl.Contracts;

/// <summary>One log line of a task.</summary>
/// <param name="At">When it was written.</param>
/// <param name="Message">The text.</param>
public sealed record TaskLogLine(DateTimeOffset At, string Message);
