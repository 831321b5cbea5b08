using Stackl.Runtime.Hosting;
using Stackl.Silo;
using Stackl.Storage;

var switches = new Dictionary<string, string>
{
    ["--storage"] = "Stackl:Storage:Provider",
    ["--connection-string"] = "Stackl:Storage:ConnectionString",
    ["--sqlite-path"] = "Stackl:Storage:SqlitePath",
};
var builder = WebApplication.CreateBuilder(args);
builder.Configuration
    .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "silo-config", "appsettings.embedded.json"), optional: true)
    .AddEnvironmentVariables("STACKL_")
    .AddCommandLine(args, switches);

var storage = builder.Configuration.GetSection(SiloHostOptions.SectionName).Get<SiloHostOptions>() ?? new SiloHostOptions();
storage.Validate();
builder.Services.Configure<SiloOptions>(builder.Configuration.GetSection(SiloOptions.SectionName));
builder.Services.AddStacklSilo(silo =>
{
    if (storage.Provider.Equals("postgres", StringComparison.OrdinalIgnoreCase))
    {
        silo.UsePostgresStorage(o => o.ConnectionString = storage.ConnectionString!);
    }
    else
    {
        silo.UseSqliteStorage(o => o.DataSource = storage.SqlitePath);
    }
});

var app = builder.Build();
app.MapSiloEndpoints();
app.Lifetime.ApplicationStarted.Register(() =>
{
    var silo = app.Services.GetRequiredService<Silo>();
    foreach (var url in app.Urls)
    {
        Console.WriteLine($"Stackl silo {silo.Name} ({storage.Provider}) ready: health {url}/health, metrics {url}/metrics");
    }
});
app.Run();
/// <summary>The silo host's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
