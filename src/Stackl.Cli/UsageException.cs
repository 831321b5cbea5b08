namespace Stackl.Cli;

/// <summary>Bad input the CLI finds itself (a payload that is not JSON, a missing file): exit code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message) : base(message)
    {
    }

    public UsageException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
