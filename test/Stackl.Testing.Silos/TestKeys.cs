using Stackl.Contracts;

namespace Stackl.Testing;

/// <summary>The admin key test silos in cluster mode start with (<c>Stackl:Auth:BootstrapKey</c>), so tests call them as an administrator does.</summary>
public static class TestKeys
{
    /// <summary>One random admin key per test run.</summary>
    public static string Admin { get; } = ApiKeyFormat.Generate().Key;

    /// <summary>The settings that give a cluster-mode silo <see cref="Admin"/> as its first key.</summary>
    public static (string Key, string Value) BootstrapSetting => ("Stackl:Auth:BootstrapKey", Admin);
}
