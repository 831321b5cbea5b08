using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Stackl.Contracts;
using Stackl.Tasks.Security;

namespace Stackl.Silo.Limits;

/// <summary>Adds and switches on the per-principal limits of <c>Stackl:Limits</c>.</summary>
internal static class LimitsExtensions
{
    private static readonly TimeSpan s_period = TimeSpan.FromSeconds(1);

    /// <summary>Binds <c>Stackl:Limits</c> (validated at start), the counters and the per-principal rate limiter. Idempotent.</summary>
    /// <param name="builder">The host builder.</param>
    public static WebApplicationBuilder AddStacklLimits(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<LimitOptions>().Bind(builder.Configuration.GetSection(LimitOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LimitOptions>, LimitOptionsValidation>());
        services.TryAddSingleton<LimitRejections>();
        services.TryAddSingleton<OpenRequests>();
        services.TryAddSingleton<TasksInFlight>();
        services.AddHostedService(sp => sp.GetRequiredService<TasksInFlight>()); // subscribes to the task events before the first request
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<LimitOptions>>((rateLimiter, limits) => Configure(rateLimiter, limits.Value));
        return builder;
    }

    /// <summary>Rate-limits <c>/api</c> per principal; call after the auth gate, which names the principal.</summary>
    /// <param name="app">The application.</param>
    public static WebApplication UseStacklLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }

    /// <summary>Caps the open waits, event streams and tasks in flight of the endpoints' callers (see <see cref="LimitsFilter"/>).</summary>
    /// <param name="builder">An endpoint or a route group.</param>
    public static TBuilder WithStacklLimits<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.AddEndpointFilter<TBuilder, LimitsFilter>();

    private static void Configure(RateLimiterOptions rateLimiter, LimitOptions limits)
    {
        rateLimiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        if (limits.Rate is not { } rate)
        {
            return;
        }

        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.BucketSize,
            TokensPerPeriod = rate,
            ReplenishmentPeriod = s_period,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        rateLimiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            context.Request.Path.StartsWithSegments("/api") && context.Features.Get<StacklPrincipal>() is { } principal && (principal.IsAuthenticated || limits.LimitAnonymous)
                ? RateLimitPartition.GetTokenBucketLimiter(principal.Name, _ => bucket)
                : RateLimitPartition.GetNoLimiter(string.Empty));
        rateLimiter.OnRejected = (rejected, cancellationToken) =>
        {
            var context = rejected.HttpContext;
            var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : s_period;
            var name = context.Features.Get<StacklPrincipal>()?.Name ?? StacklPrincipal.Anonymous.Name;
            var detail = $"'{name}' sent more than {rate:N0} requests a second (bursts of up to {limits.BucketSize:N0}) to this silo, the most {LimitOptions.SectionName}:RequestsPerSecond and Burst allow; nothing was done.";
            return new ValueTask(context.RequestServices.GetRequiredService<LimitRejections>().Reject(context, ErrorCodes.RateLimited, detail, retryAfter).ExecuteAsync(context));
        };
    }
}
