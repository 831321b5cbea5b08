using Microsoft.Extensions.Configuration;
using Stackl.Silo.Transport;

namespace Stackl.Silo.Tests.Transport;

/// <summary>Binding and validation of <c>Stackl:Cluster:Tls</c>.</summary>
public sealed class ClusterTlsOptionsTests
{
    [Fact]
    public void Bind_FromConfiguration_ReadsEverySetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Stackl:Cluster:Tls:CertificatePath"] = "/etc/stackl/cluster.pfx",
            ["Stackl:Cluster:Tls:RequireClientCertificate"] = "false",
            ["Stackl:Cluster:Tls:AllowedThumbprints:0"] = "AB:CD",
            ["Stackl:Cluster:Tls:HandshakeTimeout"] = "00:00:03",
        }).Build();
        var options = new ClusterTlsOptions();

        configuration.GetSection(ClusterTlsOptions.SectionName).Bind(options);

        Assert.True(options.Enabled);
        Assert.False(options.RequireClientCertificate);
        Assert.Equal(["AB:CD"], options.AllowedThumbprints);
        Assert.Equal(TimeSpan.FromSeconds(3), options.HandshakeTimeout);
    }

    [Fact]
    public void Validate_KeyPathWithoutACertificate_NamesTheSettings()
    {
        var options = new ClusterTlsOptions { KeyPath = "cluster.key" };

        var refused = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("Stackl:Cluster:Tls:CertificatePath", refused.Message, StringComparison.Ordinal);
    }
}
