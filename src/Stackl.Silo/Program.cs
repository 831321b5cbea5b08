using System.Text.Json.Serialization;
using Stackl.Contracts;
using Stackl.Runtime.Hosting;
using Stackl.Silo;
using Stackl.Silo.Api;
using Stackl.Silo.Dashboard;
using Stackl.Silo.Metrics;
using Stackl.Storage;
using Stackl.Tasks;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddStacklSources(args);

var storage = builder.Configuration.GetSection(SiloHostOptions.SectionName).Get<SiloHostOptions>() ?? new SiloHostOptions();
storage.Validate();
builder.Services.Configure<SiloOptions>(builder.Configuration.GetSection(SiloOptions.SectionName));
builder.Services.Configure<TaskOptions>(builder.Configuration.GetSection(TaskOptions.SectionName));
builder.Services.AddOptions<ApiOptions>().Bind(builder.Configuration.GetSection(ApiOptions.SectionName)).Validate(o =>
{
    o.Validate();
    return true;
});
builder.Services.AddStacklSilo(silo =>
{
    if (storage.IsPostgres)
    {
        silo.UsePostgresStorage(o => o.ConnectionString = storage.ConnectionString!);
    }
    else
    {
        silo.UseSqliteStorage(o => o.DataSource = storage.SqlitePath);
    }

    silo.AddStacklTasks();
});
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
app.UseExceptionHandler();
app.MapOpenApi();
app.MapSiloEndpoints();
app.MapTaskApi();
app.MapDocumentApi();
app.MapClusterApi();
app.MapDashboard();
app.Lifetime.ApplicationStarted.Register(() =>
{
    var silo = app.Services.GetRequiredService<Stackl.Runtime.Hosting.Silo>();
    foreach (var url in app.Urls)
    {
        SiloLog.Ready(app.Logger, silo.Name, storage.Provider, url);
    }
});
app.Run();

/// <summary>The silo host's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
