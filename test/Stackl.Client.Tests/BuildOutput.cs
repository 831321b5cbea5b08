namespace Stackl.Client.Tests;

/// <summary>
/// The solution's build output that the end-to-end test runs as child processes: found from this test assembly's own
/// folder (<c>test/Stackl.Client.Tests/bin/&lt;configuration&gt;/&lt;framework&gt;</c>), so it is the same configuration
/// that <c>dotnet build Stackl.sln</c> (Release in <c>scripts/test.sh</c>, Debug in an IDE) just built.
/// </summary>
internal static class BuildOutput
{
    private static readonly DirectoryInfo s_testOutput = new(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));

    /// <summary>The target framework folder, e.g. <c>net10.0</c>.</summary>
    public static string Framework => s_testOutput.Name;

    /// <summary>The build configuration, e.g. <c>Release</c>.</summary>
    public static string Configuration => s_testOutput.Parent!.Name;

    /// <summary>The folder holding <c>Stackl.sln</c>.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary><c>src/Stackl.Silo/bin/&lt;configuration&gt;/&lt;framework&gt;/stackl-silo.dll</c>.</summary>
    public static string SiloDll => Existing(Path.Combine(RepositoryRoot, "src", "Stackl.Silo", "bin", Configuration, Framework, "stackl-silo.dll"));

    /// <summary><c>src/Stackl.Cli/bin/&lt;configuration&gt;/&lt;framework&gt;/stackl.dll</c>.</summary>
    public static string CliDll => Existing(Path.Combine(RepositoryRoot, "src", "Stackl.Cli", "bin", Configuration, Framework, "stackl.dll"));

    /// <summary>The <c>dotnet</c> host running these tests, to run the other dlls with the same runtime.</summary>
    public static string DotnetHost { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath!
        : "dotnet";

    private static string Existing(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: build the solution in {Configuration} first (dotnet build Stackl.sln -c {Configuration}; ./scripts/test.sh does).", path);

    private static string FindRepositoryRoot()
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
