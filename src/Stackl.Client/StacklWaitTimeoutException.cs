using Stackl.Contracts;

namespace Stackl.Client;

/// <summary><see cref="IStacklClient.WaitAsync"/> ran out of time before the task became final; the task itself goes on.</summary>
public sealed class StacklWaitTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public StacklWaitTimeoutException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public StacklWaitTimeoutException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public StacklWaitTimeoutException(string message, Exception? innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with the task as it was last seen.</summary>
    /// <param name="lastSeen">The task when the wait ended.</param>
    /// <param name="waited">How long the caller waited.</param>
    public StacklWaitTimeoutException(TaskView lastSeen, TimeSpan waited)
        : base($"Task {lastSeen?.Id} is still {lastSeen?.Status} after a wait of {Durations.Format(waited)}; it goes on until it ends or reaches its deadline.")
    {
        ArgumentNullException.ThrowIfNull(lastSeen);
        LastSeen = lastSeen;
    }

    /// <summary>The task when the wait ended (not final); null only when built by the parameterless constructors.</summary>
    public TaskView? LastSeen { get; }
}
