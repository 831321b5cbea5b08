using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Stackl.Silo.Transport;
using Stackl.Storage;

namespace Stackl.Silo.Security;

/// <summary>Keeps the data-protection key ring (session cookies, anti-forgery tokens) in the cluster's database.</summary>
internal static class DataProtectionServiceCollectionExtensions
{
    /// <summary>The application name every silo seals with: payloads of one silo open on another, whatever its folder.</summary>
    public const string ApplicationName = "stackl";

    /// <summary>Adds data protection with its key ring in the <see cref="StorageEngine"/>'s database (see <see cref="RelationalXmlRepository"/>).</summary>
    /// <remarks>
    /// Every silo of a database shares the keys, so a dashboard session opened on one silo is valid on all of them and survives a
    /// restart. The keys are stored unencrypted unless <see cref="DataProtectionKeyOptions.CertificatePath"/> is set: the database
    /// already holds every task, document and key hash, so access to it is access to all data. Without a registered engine the
    /// default (per-user folder) key ring stays.
    /// </remarks>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The configuration holding <c>Stackl:Auth:DataProtection</c>; null for no certificate.</param>
    public static IServiceCollection AddStacklDataProtection(this IServiceCollection services, IConfiguration? configuration = null)
    {
        // The default discriminator is the content root, which differs between silos (and container images): one name for all.
        var dataProtection = services.AddDataProtection().SetApplicationName(ApplicationName);
        if (configuration?.GetSection(DataProtectionKeyOptions.SectionName).Get<DataProtectionKeyOptions>() is { CertificatePath: { } path } keys)
        {
            // Read at start, not at the first sign-in: a missing or unreadable certificate stops the silo with the setting's name.
            dataProtection.ProtectKeysWithCertificate(CertificateFile.Load(DataProtectionKeyOptions.SectionName, path, keys.CertificatePassword, keys.KeyPath));
        }

        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((options, provider) =>
        {
            if (provider.GetService<StorageEngine>() is { } engine)
            {
                options.XmlRepository = new RelationalXmlRepository(engine, provider.GetService<TimeProvider>() ?? TimeProvider.System);
            }
        });
        return services;
    }
}
