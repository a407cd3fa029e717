using System;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Package.Tests;

/// <summary>
/// The NetGen.Templates package as a user meets it: installed into a private template hive (<c>--debug:custom-hive</c>,
/// so the user's own templates are neither read nor changed), <c>dotnet new netgen-classifier</c> in a temporary folder
/// against the packed NetGen, and the new project run.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class TemplateTests(PackedFeed feed, ITestOutputHelper log)
{
    // Well above the usual times on two busy cores (install ~5 s, restore, build and run ~40 s).
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2), RunTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    [Trait("Category", "Slow")]
    public void The_classifier_template_makes_a_project_that_trains_saves_and_predicts_a_class_name()
    {
        string templates = feed.PackagePath("NetGen.Templates");
        string hive = Path.Combine(feed.Root, "template-hive");
        string work = Directory.CreateDirectory(Path.Combine(feed.Root, "template-work")).FullName;

        CommandResult install = Dotnet(work, CommandTimeout, "new", "install", templates, "--debug:custom-hive", hive);
        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Contains("netgen-classifier", install.Output, StringComparison.Ordinal);

        CommandResult create = Dotnet(work, CommandTimeout, "new", "netgen-classifier", "-n", "IrisApp", "-o", "app",
            "--NetGenVersion", feed.Version, "--debug:custom-hive", hive);
        Assert.True(create.ExitCode == 0, create.ToString());
        string app = Path.Combine(work, "app");
        // The project is named after -n, and its namespace follows.
        Assert.True(File.Exists(Path.Combine(app, "IrisApp.csproj")), create.ToString());
        Assert.Contains("namespace IrisApp;", File.ReadAllText(Path.Combine(app, "IrisNetwork.cs")), StringComparison.Ordinal);

        feed.WriteNuGetConfig(app);
        CommandResult run = Dotnet(app, RunTimeout, "run", "-c", "Release", "-nodeReuse:false", "-p:UseSharedCompilation=false");
        Assert.True(run.ExitCode == 0, run.ToString());

        // Progress: one line per epoch (the output is redirected, so plain lines without a bar).
        Assert.Equal(40, Regex.Matches(run.Output, @"^epoch +\d+/40: train loss \S+, validation loss \S+, accuracy \S+%, learning rate 0\.01, ", RegexOptions.Multiline).Count);
        Assert.Contains("actual\\predicted", run.Output, StringComparison.Ordinal);
        Match accuracy = Regex.Match(run.Output, @"validation accuracy: (\S+)");
        Assert.True(accuracy.Success, run.ToString());
        Assert.InRange(double.Parse(accuracy.Groups[1].Value, CultureInfo.InvariantCulture), 0.9, 1.0);
        // The prediction comes from the saved file, loaded into a fresh network: the model is one file.
        Assert.True(File.Exists(Path.Combine(app, "iris.ngck")), run.ToString());
        Match prediction = Regex.Match(run.Output, @"prediction for 6\.3, 2\.9, 5\.6, 1\.8 cm: virginica \(p = (\S+)\)");
        Assert.True(prediction.Success, run.ToString());
        Assert.InRange(double.Parse(prediction.Groups[1].Value, CultureInfo.InvariantCulture), 0.5, 1.0);
        // One probability per species, named, summing to 1 (each printed to 3 decimals).
        MatchCollection lines = Regex.Matches(run.Output, @"^  (setosa|versicolor|virginica) +(\S+)$", RegexOptions.Multiline);
        Assert.Equal(3, lines.Count);
        Assert.InRange(lines.Sum(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)), 0.998, 1.002);
    }

    [Fact]
    public void The_template_references_the_NetGen_version_of_the_repository_by_default()
    {
        string templates = feed.PackagePath("NetGen.Templates");
        using ZipArchive archive = ZipFile.OpenRead(templates);
        using var reader = new StreamReader(archive.GetEntry("content/NetGenClassifier/.template.config/template.json")!.Open());
        using JsonDocument template = JsonDocument.Parse(reader.ReadToEnd());
        string defaultVersion = template.RootElement.GetProperty("symbols").GetProperty("NetGenVersion").GetProperty("defaultValue").GetString()!;

        string runtimeProject = Path.Combine(PackedFeed.RepositoryRoot(), "src", "Runtime", "NetGen.Runtime.csproj");
        string packageVersion = XDocument.Load(runtimeProject).Descendants("PackageVersion").Single().Value;
        Assert.Equal(packageVersion, defaultVersion);

        using var nuspec = new StreamReader(archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        string manifest = nuspec.ReadToEnd();
        Assert.Contains("<packageType name=\"Template\" />", manifest, StringComparison.Ordinal);
        Assert.Contains("<license type=\"expression\">MIT</license>", manifest, StringComparison.Ordinal);
    }

    private CommandResult Dotnet(string folder, TimeSpan timeout, params string[] arguments)
    {
        CommandResult result = DotnetCli.Run(folder, timeout, arguments);
        log.WriteLine($"{result.Command}: exit {result.ExitCode} in {result.Elapsed.TotalSeconds:F1} s");
        return result;
    }
}
