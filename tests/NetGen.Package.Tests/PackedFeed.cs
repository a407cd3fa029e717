using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using Xunit;

namespace NetGen.Package.Tests;

/// <summary>
/// The repository's packages, packed once for the tests of the package collection into a temporary folder feed with
/// a version of their own (<c>0.1.0-test.&lt;time&gt;</c>), so that no NetGen restored earlier, in any packages folder,
/// can stand in for them. Packed with the README's command, <c>dotnet pack -c Release -o DIR</c> at the root.
/// </summary>
public sealed class PackedFeed : IDisposable
{
    // Well above the usual ~15 s on two busy cores, so a hang fails the test instead of the CI run.
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(3);

    public PackedFeed()
    {
        Root = Path.Combine(Path.GetTempPath(), "netgen-package-" + Guid.NewGuid().ToString("N"));
        Folder = Directory.CreateDirectory(Path.Combine(Root, "feed")).FullName;
        Version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        string repository = RepositoryRoot();
        string configuration = typeof(PackedFeed).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        // --no-build: the test project's references built (or restored) every packable project in this configuration;
        // packing must not rebuild what other test projects are running from.
        Pack = DotnetCli.Run(repository, PackTimeout, "pack", "-c", configuration, "--no-build", "-o", Folder, "-p:PackageVersion=" + Version, "-nodeReuse:false");
        Files = Directory.GetFiles(Folder).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>A temporary folder of the run: the feed and whatever the tests create beside it.</summary>
    public string Root { get; }

    /// <summary>The folder feed.</summary>
    public string Folder { get; }

    /// <summary>The version every package was packed with.</summary>
    public string Version { get; }

    /// <summary>What <c>dotnet pack</c> did.</summary>
    public CommandResult Pack { get; }

    /// <summary>The names of the files in the feed, in ordinal order.</summary>
    public string[] Files { get; }

    /// <summary>The path of package <paramref name="id"/> in the feed, after checking the pack succeeded.</summary>
    public string PackagePath(string id)
    {
        Assert.True(Pack.ExitCode == 0, Pack.ToString());
        string path = Path.Combine(Folder, $"{id}.{Version}.nupkg");
        Assert.True(File.Exists(path), $"{path} was not packed; the feed holds {string.Join(", ", Files)}");
        return path;
    }

    /// <summary>
    /// Writes the README's project-local nuget.config into <paramref name="project"/>: this feed as an added source and a
    /// packages folder of the project's own. The user's global packages folder, if any, is a read-only fallback, so
    /// that other packages need no download, while NetGen (whose version is new) is always restored from the feed.
    /// </summary>
    public void WriteNuGetConfig(string project)
    {
        string userPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string fallback = Directory.Exists(userPackages) ? $"""
              <fallbackPackageFolders>
                <add key="user" value="{userPackages}" />
              </fallbackPackageFolders>
            """ : "";
        File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value=".packages" />
              </config>
              <packageSources>
                <add key="netgen-local" value="{Folder}" />
              </packageSources>
            {fallback}
            </configuration>
            """);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is not a test failure.
        }
    }

    /// <summary>The folder holding NetGen.sln, above the test's output folder.</summary>
    public static string RepositoryRoot()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "NetGen.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"No NetGen.sln above '{AppContext.BaseDirectory}'; the package test runs from the repository's build output.");
    }
}

/// <summary>The tests that share one <see cref="PackedFeed"/>; they run one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "packed feed";
}
