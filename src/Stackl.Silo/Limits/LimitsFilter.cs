using Microsoft.Extensions.Options;
using Stackl.Contracts;
using Stackl.Silo.Security;

namespace Stackl.Silo.Limits;

/// <summary>
/// Holds a principal's open waits, event streams and tasks in flight within the caps of <see cref="LimitOptions"/>, answering
/// <c>429</c> before the endpoint runs (so nothing is stored) when one is reached.
/// </summary>
internal sealed class LimitsFilter(IOptions<LimitOptions> options, OpenRequests open, TasksInFlight inFlight, LimitRejections rejections) : IEndpointFilter
{
    // The endpoints' names (their OpenAPI operation ids) say what they hold: a stream, or a submission whose task stays in flight.
    private static readonly HashSet<string> s_streams = new(StringComparer.Ordinal) { "StreamTaskEvents", "StreamEvents" };
    private static readonly HashSet<string> s_submissions = new(StringComparer.Ordinal) { "SubmitTask", "PutDocument", "PatchDocument", "DeleteDocument" };

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var limits = options.Value;
        var principal = http.Caller();
        if (!principal.IsAuthenticated && !limits.LimitAnonymous)
        {
            return await next(context);
        }

        var name = principal.Name;
        var endpoint = http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? string.Empty;
        var streamCap = s_streams.Contains(endpoint) ? LimitOptions.Cap(limits.MaxStreams) : null;
        var waitCap = http.Request.Query["wait"].ToString().Length > 0 ? LimitOptions.Cap(limits.MaxOpenWaits) : null;
        var taskCap = s_submissions.Contains(endpoint) ? LimitOptions.Cap(limits.MaxTasksInFlight) : null;

        if (streamCap is { } streams && !open.Streams.TryTake(name, streams))
        {
            return Reject(http, ErrorCodes.TooManyStreams, LimitRejections.CapDetail(name, streams, "event streams open", nameof(LimitOptions.MaxStreams)) + " close one first.");
        }

        if (waitCap is { } waits && !open.Waits.TryTake(name, waits))
        {
            ReleaseStream();
            return Reject(http, ErrorCodes.TooManyWaits, LimitRejections.CapDetail(name, waits, "requests with ?wait= open", nameof(LimitOptions.MaxOpenWaits)) + " wait for one to answer, or send this one without ?wait= and poll.");
        }

        if (taskCap is { } tasks && !inFlight.TryReserve(name, tasks))
        {
            ReleaseStream();
            ReleaseWait();
            return Reject(http, ErrorCodes.TooManyTasks, LimitRejections.CapDetail(name, tasks, "tasks in flight (submitted and not final)", nameof(LimitOptions.MaxTasksInFlight)) + " nothing was stored; submit again when some have ended.");
        }

        var reserved = taskCap is not null;
        try
        {
            var result = await next(context);
            if (reserved && SubmittedTask(result) is { } task)
            {
                reserved = false;
                inFlight.Track(name, task);
            }

            return result;
        }
        finally
        {
            if (reserved)
            {
                inFlight.Release(name);
            }

            ReleaseStream();
            ReleaseWait();
        }

        void ReleaseStream()
        {
            if (streamCap is not null)
            {
                open.Streams.Release(name);
            }
        }

        void ReleaseWait()
        {
            if (waitCap is not null)
            {
                open.Waits.Release(name);
            }
        }
    }

    // A cap's Retry-After: a second, after which some of the caller's own requests have likely ended.
    private IResult Reject(HttpContext http, string code, string detail) => rejections.Reject(http, code, detail, TimeSpan.FromSeconds(1));

    private static TaskView? SubmittedTask(object? result) => result switch
    {
        INestedHttpResult nested => SubmittedTask(nested.Result),
        IValueHttpResult { Value: TaskView task } => task,
        _ => null,
    };
}
