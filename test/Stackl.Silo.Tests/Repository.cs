namespace Stackl.Silo.Tests;

/// <summary>The repository these tests run from: its root and the build output next to this test assembly.</summary>
internal static class Repository
{
    private static readonly DirectoryInfo s_testOutput = new(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));

    /// <summary>The folder holding <c>Stackl.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The built silo of the configuration these tests were built in: <c>src/Stackl.Silo/bin/&lt;configuration&gt;/&lt;framework&gt;/stackl-silo.dll</c>.</summary>
    public static string SiloDll
    {
        get
        {
            var dll = Path.Combine(Root, "src", "Stackl.Silo", "bin", s_testOutput.Parent!.Name, s_testOutput.Name, "stackl-silo.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} is missing: build the solution first (dotnet build Stackl.sln -c {s_testOutput.Parent!.Name}; ./scripts/test.sh does).", dll);
        }
    }

    /// <summary>The <c>dotnet</c> host running these tests, so child processes use the same runtime.</summary>
    public static string DotnetHost { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath!
        : "dotnet";

    private static string FindRoot()
    {
        for (var folder = s_testOutput; folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Stackl.sln")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Stackl.sln above {s_testOutput.FullName}: the tests must run from the solution's build output.");
    }
}
