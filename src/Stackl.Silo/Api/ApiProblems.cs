using Microsoft.AspNetCore.Diagnostics;
using Stackl.Contracts;
using Stackl.Tasks;

namespace Stackl.Silo.Api;

/// <summary>Every error of the API as <c>application/problem+json</c> with a <c>code</c> and a <c>detail</c> a person can act on.</summary>
public static class ApiProblems
{
    /// <summary>A problem result.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="code">A code from <see cref="ErrorCodes"/>.</param>
    /// <param name="detail">What is wrong and how to fix it.</param>
    public static IResult Problem(int status, string code, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: Title(status), extensions: new Dictionary<string, object?> { ["code"] = code });

    /// <summary>404 with a detail naming what was not found.</summary>
    /// <param name="detail">What is missing.</param>
    public static IResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, detail);

    private static string Title(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request is malformed",
        StatusCodes.Status401Unauthorized => "Credentials are required",
        StatusCodes.Status403Forbidden => "The caller's role does not allow this",
        StatusCodes.Status404NotFound => "Not found",
        StatusCodes.Status409Conflict => "The request conflicts with the task's state",
        StatusCodes.Status413PayloadTooLarge => "The request body is too large",
        StatusCodes.Status422UnprocessableEntity => "The request is well-formed but cannot be run",
        StatusCodes.Status429TooManyRequests => "The caller is over a limit",
        StatusCodes.Status503ServiceUnavailable => "The silo cannot serve the request now",
        _ => "The request failed",
    };

    /// <summary>Maps exceptions that escape endpoints to problems: bad input to 4xx, an unavailable silo to 503, the rest to 500.</summary>
    internal sealed class ExceptionHandler(ILogger<ExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            // ASP.NET Core's BadHttpRequestException is an IOException, which the storage layer counts as an outage: it is the
            // client's mistake (a missing route value, a malformed body), never a 503.
            var outage = StorageUnavailableException.FindIn(exception);
            if (exception is not Microsoft.AspNetCore.Http.BadHttpRequestException && (outage is not null || Storage.StorageEngine.IsOutage(exception)))
            {
                // The storage layer logged the outage once; a stack trace per request would bury it.
                httpContext.Response.Headers.RetryAfter = "2";
                var reason = outage?.Message ?? $"The database cannot be reached: {exception.GetBaseException().Message}.";
                await Problem(StatusCodes.Status503ServiceUnavailable, ErrorCodes.StorageUnavailable, $"{reason} The request may not have taken effect; retry it (a task submitted with an idempotency key is never started twice).").ExecuteAsync(httpContext);
                return true;
            }

            var result = exception switch
            {
                BadRequestException bad => Problem(bad.StatusCode, bad.Code, bad.Message),
                TaskValidationException invalid => Problem(StatusCodes.Status422UnprocessableEntity, invalid.Code, invalid.Message),
                Stackl.Tasks.Security.AccessDeniedException denied => Problem(StatusCodes.Status403Forbidden, Stackl.Tasks.Security.AccessDeniedException.Code, denied.Message),
                Microsoft.AspNetCore.Http.BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge =>
                    Problem(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, "The request body is larger than the server accepts (Stackl:Api:MaxRequestBytes)."),
                Microsoft.AspNetCore.Http.BadHttpRequestException bad when bad.StatusCode is >= 400 and < 500 =>
                    Problem(bad.StatusCode, ErrorCodes.InvalidRequest, $"The request is malformed: {bad.Message}"),
                Orleans.Runtime.SiloUnavailableException or TimeoutException =>
                    Problem(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable, $"{exception.Message} Retry the request."),
                _ => null,
            };
            if (result is null)
            {
                SiloLog.UnhandledApiError(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
                result = Problem(StatusCodes.Status500InternalServerError, "internal_error", "The silo failed to answer; the error is in its log. Nothing is left half-done: a task either completes or rolls back.");
            }

            await result.ExecuteAsync(httpContext);
            return true;
        }
    }
}
