using System.Text.Json.Serialization;
using Stackl.Contracts;
using Orleans.Configuration;
using Orleans.Dashboard;
using Stackl.Storage.Clustering;
using Stackl.Silo;
using Stackl.Silo.Api;
using Stackl.Silo.Dashboard;
using Stackl.Silo.Limits;
using Stackl.Silo.Metrics;
using Stackl.Silo.Security;
using Stackl.Silo.Transport;
using Stackl.Storage;
using Stackl.Tasks;

// The default host reloads appsettings*.json of its content root (the working directory) through a recursive file watcher; the
// embedded SQLite file lives in ./data below it, so every commit woke the watcher (7 % of a core under sequential HTTP load).
// Stackl's own settings never reload, so these do not either.
var builder = WebApplication.CreateBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);
builder.Configuration.AddStacklSources(args);

var storage = builder.Configuration.GetSection(SiloHostOptions.SectionName).Get<SiloHostOptions>() ?? new SiloHostOptions();
storage.Validate();
var siloSettings = new SiloSettings();
builder.Configuration.GetSection(SiloSettings.SectionName).Bind(siloSettings);
builder.Configuration.GetSection(SiloSettings.ClusterSectionName).Bind(siloSettings);
siloSettings.Validate();
builder.Services.Configure<TaskOptions>(builder.Configuration.GetSection(TaskOptions.SectionName));
builder.Services.Configure<Stackl.Tasks.Schedules.ScheduleOptions>(builder.Configuration.GetSection(Stackl.Tasks.Schedules.ScheduleOptions.SectionName));
builder.Services.Configure<Stackl.Tasks.Chains.ChainOptions>(builder.Configuration.GetSection(Stackl.Tasks.Chains.ChainOptions.SectionName));
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = siloSettings.ShutdownTimeout);
builder.Services.AddOptions<ApiOptions>().Bind(builder.Configuration.GetSection(ApiOptions.SectionName)).Validate(o =>
{
    o.Validate();
    return true;
});
builder.Services.Configure<Stackl.Tasks.Gateway.StacklGatewayOptions>(builder.Configuration.GetSection(ApiOptions.SectionName)); // cluster clients get the API's limits
builder.AddStacklAuth(clustered: storage.IsPostgres);
builder.AddStacklLimits(); // Stackl:Limits: per-principal rate and caps on waits, streams and tasks in flight
builder.UseStacklKestrel(); // Stackl:Kestrel limits, Stackl:Tls certificate for https:// addresses
builder.UseOrleans(silo =>
{
    var (siloPort, gatewayPort) = siloSettings.ResolvePorts();
    if (storage.IsPostgres)
    {
        // Silos started on the same database with the same cluster id form one cluster through Orleans' membership table.
        silo.UseStacklPostgresClustering(storage.ConnectionString!);
        silo.UseStacklClusterTls(builder.Configuration); // TLS on the silo and gateway ports when Stackl:Cluster:Tls:CertificatePath is set
        silo.UseStacklKubernetesHostingWhenInPod();
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = siloSettings.ClusterId;
            o.ServiceId = siloSettings.ClusterId;
        });
        silo.ConfigureEndpoints(siloSettings.AdvertisedAddressOrLoopback(), siloPort, gatewayPort, listenOnAnyHostAddress: true);

        // A dead silo's tasks are only resolved once it is declared dead, so detection is tuned for seconds, not Orleans' defaults
        // (5 s probe timeout, three misses); Stackl:Cluster:Membership overrides any of ClusterMembershipOptions.
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.NumMissedProbesLimit = 2;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        });
        silo.Services.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection(SiloSettings.ClusterSectionName + ":Membership"));
        silo.UseStacklPostgres(o => o.ConnectionString = storage.ConnectionString!);

        // Orleans' default directory deactivates every activation whose directory entry lived on a silo that died, so a crash of
        // one silo would roll back tasks running healthily on the others; the distributed directory rebuilds those entries instead.
#pragma warning disable ORLEANSEXP003 // Experimental in Orleans 10.4.2; the kill test (ClusterProcessTests) holds it to the behaviour we rely on.
        silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003

        // The directory would hold a crashed silo's grains for 30 s (less the detection time) in case it still runs. Stackl's
        // storage is the fence instead: every state write names the version its activation read, so a silo declared dead that is
        // still running cannot overwrite what a survivor wrote, and its tasks are resolved within seconds of the death.
        silo.Configure<GrainDirectoryOptions>(o => o.RangeLeaseDuration = TimeSpan.Zero);
    }
    else
    {
        silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: siloSettings.ClusterId, clusterId: siloSettings.ClusterId);
        silo.UseStacklSqlite(o => o.DataSource = storage.SqlitePath);
    }

    // Orleans caches the directory address of every grain this silo called, up to a million entries (~400 bytes each): with a
    // grain per task the heap grew by that for the first million tasks (the soak benchmark: +200 MB of RSS over 200,000 tasks).
    // A task's grains are called within seconds of each other, so a cache of the last 50,000 loses next to nothing;
    // Stackl:Cluster:GrainDirectory overrides any of GrainDirectoryOptions.
    silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = 50_000);
    silo.Services.Configure<GrainDirectoryOptions>(builder.Configuration.GetSection(SiloSettings.ClusterSectionName + ":GrainDirectory"));
    silo.Configure<SiloOptions>(o => o.SiloName = siloSettings.SiloName ?? $"{Environment.MachineName}-{Environment.ProcessId}");
    silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = siloSettings.CallTimeout);
    silo.Configure<GrainCollectionOptions>(o => o.CollectionAge = siloSettings.CollectionAge);
    silo.AddStackl();
    silo.AddDashboard();
});
builder.Services.AddSingleton<LocalSilo>();
builder.Services.AddSingleton<ApiRequest>();
builder.Services.AddStacklMetrics();
builder.Services.AddStacklDashboard();
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<ApiProblems.ExceptionHandler>();
builder.Services.AddOpenApi();
builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.TypeInfoResolverChain.Insert(0, ContractsJsonContext.Default);
    o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
});

var app = builder.Build();
app.UseStacklAuditTrail();
app.UseExceptionHandler();
app.UseStacklAuth();
app.UseStacklLimits(); // after the auth gate: the rate limiter partitions by the principal it set
app.MapOpenApi();
app.MapSiloEndpoints();
app.MapTaskApi();
app.MapDocumentApi();
app.MapScheduleApi();
app.MapChainApi();
app.MapClusterApi();
app.MapKeysApi();
app.MapSessionApi();
app.MapDashboard();
app.MapOrleansDashboard(routePrefix: "/orleans");
app.Lifetime.ApplicationStarted.Register(() =>
{
    var silo = app.Services.GetRequiredService<LocalSilo>();
    foreach (var url in app.Urls)
    {
        SiloLog.Ready(app.Logger, silo.Name, storage.Provider, url);
    }
});
app.Run();

/// <summary>The silo host's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
