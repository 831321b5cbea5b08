using Orleans.Runtime;
using Stackl.Contracts;
using Stackl.Grains.Abstractions;

namespace Stackl.Tasks.Gateway;

/// <summary>The failures of the gateway grains, with the HTTP API's status and code for the same problem.</summary>
internal static class GatewayErrors
{
    public const int BadRequest = 400;
    public const int Unauthorized = 401;
    public const int Forbidden = 403;
    public const int NotFound = 404;
    public const int Conflict = 409;
    public const int Unprocessable = 422;
    public const int ServerError = 500;
    public const int Unavailable = 503;

    public static StacklGatewayException Invalid(string detail) => new(BadRequest, ErrorCodes.InvalidRequest, detail);

    public static StacklGatewayException UnknownTask(string id) =>
        new(NotFound, ErrorCodes.NotFound, Execution.TaskId.IsWellFormed(id)
            ? $"No task has id '{id}'."
            : $"'{id}' is not a task id: task ids are {Execution.TaskId.Length} characters of lowercase base32, as SubmitAsync returns them.");

    public static StacklGatewayException UnknownSchedule(string name) =>
        new(NotFound, ErrorCodes.NotFound, $"No schedule is named '{name}'; ListSchedulesAsync lists them.");

    public static StacklGatewayException UnknownChainRule(string name) =>
        new(NotFound, ErrorCodes.NotFound, $"No chain rule is named '{name}'; ListChainRulesAsync lists them.");

    /// <summary>A document key as the HTTP API reads it from its URL: a malformed one is a 400 with the validation's code.</summary>
    public static string Key(string? key)
    {
        try
        {
            return DocumentKey.Validate(key);
        }
        catch (TaskValidationException invalid)
        {
            throw new StacklGatewayException(BadRequest, invalid.Code, invalid.Message);
        }
    }

    /// <summary>Maps what escaped a call as the HTTP API's exception handler does; null for what should travel as it is.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="unexpected">True when nothing matched: a bug or an unknown failure, to be logged.</param>
    public static StacklGatewayException Translate(Exception exception, out bool unexpected)
    {
        unexpected = false;
        if (exception is StacklGatewayException refused)
        {
            return refused;
        }

        if (StorageUnavailableException.FindIn(exception) is { } outage)
        {
            return new(Unavailable, ErrorCodes.StorageUnavailable, $"{outage.Message} The request may not have taken effect; retry it (a task submitted with an idempotency key is never started twice).");
        }

        switch (exception)
        {
            case TaskValidationException invalid:
                return new(Unprocessable, invalid.Code, invalid.Message);
            case Security.AccessDeniedException denied:
                return new(Forbidden, Security.AccessDeniedException.Code, denied.Message);
            case SiloUnavailableException or TimeoutException:
                return new(Unavailable, ErrorCodes.Unavailable, $"{exception.Message} Retry the request.");
            default:
                unexpected = true;
                return new(ServerError, "internal_error", "The silo failed to answer; the error is in its log. Nothing is left half-done: a task either completes or rolls back.");
        }
    }
}
