using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Net.Http.Headers;
using Stackl.Silo.Cluster;
using Stackl.Silo.Metrics;

namespace Stackl.Silo.Dashboard;

/// <summary>Serves the dashboard at <c>/dashboard</c> from files embedded in the silo assembly.</summary>
public static class DashboardEndpoints
{
    private const string ResourcePrefix = "dashboard/";

    private static readonly FrozenDictionary<string, string> s_contentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly Lazy<FrozenDictionary<string, Asset>> s_assets = new(LoadAssets);

    /// <summary>Adds the dashboard's recent task figures (they start counting when the host starts), the grain other silos ask for them, and the metrics exporter. Idempotent.</summary>
    /// <param name="services">The service collection.</param>
    public static IServiceCollection AddStacklDashboard(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddStacklMetrics();
        services.TryAddSingleton<TaskStatsWindow>();
        if (!services.Any(d => d.ServiceType == typeof(ClusterStats)))
        {
            services.AddSingleton<ClusterStats>();
            services.AddPlacementDirector<SiloTargetedPlacement, SiloTargetedPlacementDirector>();
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StartWithHost<TaskStatsWindow>>());
        return services;
    }

    /// <summary>Maps <c>/dashboard</c> (the page) and <c>/dashboard/{file}</c> (its scripts and styles), plus the read API it needs.</summary>
    /// <param name="app">The endpoint route builder.</param>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dashboard", (HttpContext context) => Serve(context, "index.html")).ExcludeFromDescription();
        app.MapGet("/dashboard/{file}", (HttpContext context, string file) => Serve(context, file.Length == 0 ? "index.html" : file)).ExcludeFromDescription();
        app.MapGet("/", () => Results.Redirect("/dashboard")).ExcludeFromDescription();
        app.MapDashboardApi();
        return app;
    }

    private static IResult Serve(HttpContext context, string file)
    {
        if (!s_assets.Value.TryGetValue(file, out var asset))
        {
            return Results.NotFound();
        }

        // Revalidated on every load, so a new silo version is picked up at once; unchanged files cost a 304.
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch.ToString() == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Content, asset.ContentType);
    }

    private static FrozenDictionary<string, Asset> LoadAssets()
    {
        var assembly = typeof(DashboardEndpoints).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var file = name[ResourcePrefix.Length..];
            if (!s_contentTypes.TryGetValue(Path.GetExtension(file), out var contentType))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var etag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"").ToString();
            assets[file] = new Asset(content, contentType, etag);
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private sealed record Asset(byte[] Content, string ContentType, string ETag);
}
