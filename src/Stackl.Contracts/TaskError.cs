namespace Stackl.Contracts;

/// <summary>Why a task did not complete.</summary>
/// <param name="Code">A stable code from <see cref="ErrorCodes"/>.</param>
/// <param name="Message">A sentence a person can act on.</param>
public sealed record TaskError(string Code, string Message);
