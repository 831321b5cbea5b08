using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Stackl.Silo.Security;
using Stackl.Storage;
using Stackl.Testing;
using Stackl.Testing.Databases;

namespace Stackl.Silo.Tests.Security;

/// <summary>The data-protection key ring in the database; subclassed once per engine. Each engine opened stands for one silo.</summary>
public abstract class RelationalXmlRepositoryTests : IAsyncLifetime
{
    private readonly List<StorageEngine> _engines = [];

    public abstract Task InitializeAsync();

    public async Task DisposeAsync()
    {
        foreach (var engine in _engines)
        {
            await engine.DisposeAsync();
        }

        await DisposeDatabaseAsync();
    }

    /// <summary>Opens a new engine over this test's database, as another silo of it would.</summary>
    protected abstract StorageEngine CreateEngine();

    /// <summary>Removes this test's database, if the engine keeps one of its own.</summary>
    protected virtual Task DisposeDatabaseAsync() => Task.CompletedTask;

    private StorageEngine OpenEngine()
    {
        var engine = CreateEngine();
        _engines.Add(engine);
        return engine;
    }

    private RelationalXmlRepository OpenRepository() => new(OpenEngine(), TimeProvider.System);

    private static XElement Key(string id) => new("key", new XAttribute("id", id), new XAttribute("version", 1), new XElement("secret", $"value-of-{id}"));

    [Fact]
    public void GetAllElements_EmptyDatabase_ReturnsNone() => Assert.Empty(OpenRepository().GetAllElements());

    [Fact]
    public void StoreElement_ThenGetAllElements_ReturnsEveryElementInOrder()
    {
        var repository = OpenRepository();
        repository.StoreElement(Key("a"), "key-a");
        repository.StoreElement(Key("b"), "key-b");

        var elements = repository.GetAllElements();

        string[] expected = [Key("a").ToString(), Key("b").ToString()];
        Assert.Equal(expected, elements.Select(e => e.ToString()));
    }

    [Fact]
    public void StoreElement_OnOneSilo_IsListedByAnotherOfTheSameDatabase()
    {
        OpenRepository().StoreElement(Key("shared"), "key-shared");

        var listed = OpenRepository().GetAllElements();

        Assert.Equal(Key("shared").ToString(), Assert.Single(listed).ToString());
    }

    [Fact]
    public void StoreElement_SameNameTwice_KeepsTheFirst()
    {
        var repository = OpenRepository();
        repository.StoreElement(Key("first"), "key-same");
        repository.StoreElement(Key("second"), "key-same");

        Assert.Equal("first", (string?)Assert.Single(repository.GetAllElements()).Attribute("id"));
    }

    [Fact]
    public void StoreElement_WithoutName_IsStoredUnderAGeneratedOne()
    {
        var repository = OpenRepository();
        repository.StoreElement(Key("a"), "");
        repository.StoreElement(Key("b"), "");

        Assert.Equal(2, repository.GetAllElements().Count);
    }

    [Fact]
    public void Protect_OnOneSilo_UnprotectsOnAnotherOfTheSameDatabase()
    {
        using var first = Provider(OpenEngine());
        using var second = Provider(OpenEngine());
        var payload = first.GetDataProtector("test").Protect("hello");

        Assert.Equal("hello", second.GetDataProtector("test").Unprotect(payload));
        Assert.IsType<RelationalXmlRepository>(second.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository);
    }

    [Fact]
    public async Task Protect_WithACertificate_StoresTheKeysEncrypted_AndAnotherSiloWithItUnprotects()
    {
        var folder = Directory.CreateTempSubdirectory("stackl-dp-").FullName;
        try
        {
            using (var certificate = TestCertificates.Create("stackl-data-protection"))
            {
                TestCertificates.WritePfx(certificate, Path.Combine(folder, "keys.pfx"), "pfx-password");
            }

            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{DataProtectionKeyOptions.SectionName}:CertificatePath"] = Path.Combine(folder, "keys.pfx"),
                [$"{DataProtectionKeyOptions.SectionName}:CertificatePassword"] = "pfx-password",
            }).Build();
            var engine = OpenEngine();
            using var first = Provider(engine, configuration);
            using var second = Provider(OpenEngine(), configuration);
            var payload = first.GetDataProtector("test").Protect("hello");

            Assert.Equal("hello", second.GetDataProtector("test").Unprotect(payload));
            var stored = await engine.QueryAsync(SqlStatement.Of("SELECT xml FROM stackl_data_protection_keys"), reader => reader.GetString(0));
            Assert.All(stored, xml =>
            {
                Assert.Contains("EncryptedData", xml, StringComparison.Ordinal);
                Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal);
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void AddStacklDataProtection_CertificateMissing_StopsWithTheSettingsName()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{DataProtectionKeyOptions.SectionName}:CertificatePath"] = "/nonexistent/keys.pfx",
        }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddStacklDataProtection(configuration));
        Assert.Contains($"{DataProtectionKeyOptions.SectionName}:CertificatePath", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Provider(StorageEngine engine, IConfiguration? configuration = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(engine);
        services.AddStacklDataProtection(configuration);
        return services.BuildServiceProvider();
    }
}

public sealed class SqliteRelationalXmlRepositoryTests : RelationalXmlRepositoryTests
{
    private readonly SqliteDatabase _database = new();

    public override Task InitializeAsync() => Task.CompletedTask;

    protected override StorageEngine CreateEngine() => StorageEngine.CreateSqlite(new SqliteStorageOptions { DataSource = _database.Path }, [], NullLogger.Instance);

    protected override Task DisposeDatabaseAsync()
    {
        _database.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class PostgresRelationalXmlRepositoryTests : RelationalXmlRepositoryTests
{
    private string _connectionString = null!;

    public override async Task InitializeAsync() => _connectionString = await PostgresServer.Shared.CreateDatabaseAsync("dataprotection");

    protected override StorageEngine CreateEngine() => StorageEngine.CreatePostgres(new PostgresStorageOptions { ConnectionString = _connectionString }, [], NullLogger.Instance);
}
