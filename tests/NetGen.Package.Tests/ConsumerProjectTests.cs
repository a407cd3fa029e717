using System;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Package.Tests;

/// <summary>
/// The NetGen package end to end, as a user meets it: <c>dotnet pack</c> into a local folder feed, a fresh console
/// project in a temporary folder (outside the repository, so none of its Directory.Build.props, global.json or
/// central package versions apply) that restores NetGen from that feed and everything else from the normal package
/// source, declares a model, builds with warnings as errors and documentation on, trains and predicts.
/// </summary>
public sealed class ConsumerProjectTests : IDisposable
{
    // Each command gets a limit well above its usual time on two busy cores (pack ~5 s, run ~30 s), so a hang fails
    // the test instead of the CI run.
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(3), RunTimeout = TimeSpan.FromMinutes(5);

    private const string Model = """
        using NetGen;

        namespace Consumer;

        /// <summary>Learns XOR: two inputs, a hidden tanh layer, two classes.</summary>
        [Network]
        [Input(2)]
        [Dense(8, Activation = Activation.Tanh)]
        [Dense(2)]
        [Loss(LossKind.SoftmaxCrossEntropy)]
        public partial class Xor { }
        """;

    private const string Program = """
        using System;
        using System.Globalization;
        using NetGen;
        using Consumer;

        float[] inputs = { 0, 0, 0, 1, 1, 0, 1, 1 };
        float[] labels = { 0, 1, 1, 0 };

        var model = new Xor();
        model.InitializeParameters(seed: 1);
        var optimizer = new Adam(learningRate: 0.05f);
        float first = 0, last = 0;
        for (int step = 0; step < 300; step++)
        {
            last = model.TrainStep(inputs, labels, batchSize: 4);
            optimizer.Step(model.Parameters, model.Gradients);
            if (step == 0)
            {
                first = last;
            }
        }

        int[] predictions = new int[4];
        for (int i = 0; i < 4; i++)
        {
            predictions[i] = model.Predict(inputs.AsSpan(2 * i, 2));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"parameters: {Xor.ParameterCount}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loss: {first:R} -> {last:R}"));
        Console.WriteLine("predictions: " + string.Join(" ", predictions));
        """;

    private readonly ITestOutputHelper _log;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "netgen-package-" + Guid.NewGuid().ToString("N"));

    public ConsumerProjectTests(ITestOutputHelper log)
    {
        _log = log;
        Directory.CreateDirectory(_root);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is not a test failure.
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Packed_package_restores_into_a_fresh_project_that_builds_trains_and_predicts()
    {
        string feed = Directory.CreateDirectory(Path.Combine(_root, "feed")).FullName;
        string consumer = Directory.CreateDirectory(Path.Combine(_root, "consumer")).FullName;
        // A version of its own per run: no NetGen restored earlier (in any packages folder) can stand in for this one.
        string version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);

        string nupkg = Pack(feed, version);
        AssertPackageLayout(nupkg);

        WriteConsumer(consumer, feed, version);
        CommandResult run = Dotnet(consumer, RunTimeout, "run", "-c", "Release", "-nodeReuse:false", "-p:UseSharedCompilation=false");
        Assert.True(run.ExitCode == 0, run.ToString());

        // 2 x 8 + 8 weights and biases, then 8 x 2 + 2.
        Assert.Contains("parameters: 42", run.Output, StringComparison.Ordinal);
        Match loss = Regex.Match(run.Output, @"loss: (\S+) -> (\S+)");
        Assert.True(loss.Success, run.ToString());
        float first = float.Parse(loss.Groups[1].Value, CultureInfo.InvariantCulture), last = float.Parse(loss.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.True(float.IsFinite(last) && last < first / 4, $"the loss did not fall: {first} -> {last}");
        Assert.Contains("predictions: 0 1 1 0", run.Output, StringComparison.Ordinal);
        // The package's analyzers loaded without a warning (CS8032 and the like would have failed the build, as the
        // consumer treats warnings as errors), and the generated members are documented (CS1591 would fail it too).
        Assert.True(File.Exists(Path.Combine(consumer, "bin", "Release", "net10.0", "Consumer.xml")));
    }

    private string Pack(string feed, string version)
    {
        string repository = RepositoryRoot();
        string configuration = typeof(ConsumerProjectTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        // The README's command, `dotnet pack -c Release -o DIR` at the root (the solution), which must pack exactly the
        // shippable packages. --no-build: the test project's reference built the runtime, generator and code fixes in
        // this configuration; packing must not rebuild what other test projects are running from.
        CommandResult pack = Dotnet(repository, PackTimeout, "pack", "-c", configuration, "--no-build", "-o", feed,
            "-p:PackageVersion=" + version, "-nodeReuse:false");
        Assert.True(pack.ExitCode == 0, pack.ToString());
        string[] packed = Directory.GetFiles(feed).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(new[] { $"NetGen.{version}.nupkg", $"NetGen.{version}.snupkg" }, packed);
        return Path.Combine(feed, $"NetGen.{version}.nupkg");
    }

    private static void AssertPackageLayout(string nupkg)
    {
        using ZipArchive archive = ZipFile.OpenRead(nupkg);
        string[] entries = archive.Entries.Select(e => e.FullName).ToArray();
        Assert.Contains("lib/net10.0/NetGen.Runtime.dll", entries);
        Assert.Contains("lib/net10.0/NetGen.Runtime.xml", entries);
        Assert.Contains("analyzers/dotnet/cs/NetGen.Generator.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/NetGen.CodeFixes.dll", entries);
        Assert.Contains("README.md", entries);
        // Nothing of Roslyn ships: the compiler and the IDE bring their own. Symbols go to the .snupkg only.
        Assert.DoesNotContain(entries, e => e.Contains("Microsoft.CodeAnalysis", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(entries, e => e.EndsWith(".pdb", StringComparison.Ordinal));

        string manifest = ReadNuspec(archive);
        Assert.Contains("<id>NetGen</id>", manifest, StringComparison.Ordinal);
        Assert.Contains("<readme>README.md</readme>", manifest, StringComparison.Ordinal);
        Assert.Contains("<license type=\"expression\">MIT</license>", manifest, StringComparison.Ordinal);
        Assert.Contains("<authors>NetGen contributors</authors>", manifest, StringComparison.Ordinal);
        Assert.Matches("<description>.{40,}</description>", manifest);
        Assert.Matches("<tags>.*source-generator.*</tags>", manifest);
        // The generator and code fixes are no package dependencies of their own.
        Assert.DoesNotContain("NetGen.Generator", manifest, StringComparison.Ordinal);
        Assert.DoesNotContain("NetGen.CodeFixes", manifest, StringComparison.Ordinal);

        // The symbols package beside it holds the PDB of every assembly the package ships.
        using ZipArchive symbols = ZipFile.OpenRead(Path.ChangeExtension(nupkg, ".snupkg"));
        string[] pdbs = symbols.Entries.Select(e => e.FullName).Where(e => e.EndsWith(".pdb", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "analyzers/dotnet/cs/NetGen.CodeFixes.pdb", "analyzers/dotnet/cs/NetGen.Generator.pdb", "lib/net10.0/NetGen.Runtime.pdb" }, pdbs);
    }

    private static string ReadNuspec(ZipArchive archive)
    {
        using var nuspec = new StreamReader(archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        return nuspec.ReadToEnd();
    }

    private static void WriteConsumer(string folder, string feed, string version)
    {
        string packages = Path.Combine(Path.GetDirectoryName(folder)!, "packages");
        // The user's global packages folder, if any, is a read-only fallback: other packages need no download there,
        // while NetGen (whose version is new) is always restored from the feed into this test's own folder.
        string userPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string fallback = Directory.Exists(userPackages) ? $"""
              <fallbackPackageFolders>
                <add key="user" value="{userPackages}" />
              </fallbackPackageFolders>
            """ : "";
        File.WriteAllText(Path.Combine(folder, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{packages}" />
              </config>
              <packageSources>
                <add key="netgen-local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
            {fallback}
            </configuration>
            """);
        File.WriteAllText(Path.Combine(folder, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <GenerateDocumentationFile>true</GenerateDocumentationFile>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="NetGen" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Xor.cs"), Model);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), Program);
    }

    private CommandResult Dotnet(string folder, TimeSpan timeout, params string[] arguments)
    {
        CommandResult result = DotnetCli.Run(folder, timeout, arguments);
        _log.WriteLine($"{result.Command}: exit {result.ExitCode} in {result.Elapsed.TotalSeconds:F1} s");
        return result;
    }

    /// <summary>The folder holding NetGen.sln, above the test's output folder.</summary>
    private static string RepositoryRoot()
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
