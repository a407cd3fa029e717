using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using NetGen.Docs.Tests;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Package.Tests;

/// <summary>
/// docs/getting-started.md and docs/embedding.md followed as written, against the packed package: its two project files and its C# files, in
/// two projects side by side with the README's nuget.config above them; the trainer runs on the Iris CSV with progress
/// and saves one file, the predictor, another project and process, prints a class name and probabilities from it, and
/// the embedding project, which does not build before the model is trained (NG0050), published with NativeAOT with the
/// model built into its class, predicts as a native executable.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class GettingStartedGuideTests(PackedFeed feed, ITestOutputHelper log)
{
    // Well above the usual restore, build and run (~40 s per project on two busy cores).
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    [Trait("Category", "Slow")]
    public void The_getting_started_guide_trains_saves_and_predicts_in_two_projects_against_the_package()
    {
        feed.PackagePath("NetGen");
        string work = Directory.CreateDirectory(Path.Combine(feed.Root, "getting-started")).FullName;
        feed.WriteNuGetConfig(work);
        WriteProject(work, "IrisTrainer", "iris-train");
        WriteProject(work, "IrisPredictor", "iris-predict");
        string irisCsv = Path.Combine(PackedFeed.RepositoryRoot(), "src", "Templates", "content", "NetGenClassifier", "data", "iris.csv");
        File.Copy(irisCsv, Path.Combine(work, "IrisTrainer", "iris.csv"));

        // docs/embedding.md: the trained checkpoint is an input of IrisEmbedded's build, so before training it is NG0050.
        WriteProject(work, "IrisEmbedded", "embedded");
        CommandResult untrained = Dotnet(work, "build", "IrisEmbedded", "-c", "Release", "-p:UseSharedCompilation=false");
        Assert.True(untrained.ExitCode != 0, untrained.ToString());
        Assert.Contains("error NG0050", untrained.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("MSB4018", untrained.Output, StringComparison.Ordinal);

        CommandResult train = Dotnet(Path.Combine(work, "IrisTrainer"), "run", "-c", "Release", "-p:UseSharedCompilation=false");
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Equal(40, Regex.Matches(train.Output, @"^epoch +\d+/40: train loss \S+, validation loss \S+, accuracy \S+%, learning rate 0\.01, ", RegexOptions.Multiline).Count);
        Assert.Contains("actual\\predicted", train.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(work, "IrisTrainer", "iris.ngck")), train.ToString());

        // The guide's command, from the folder above the projects.
        CommandResult predict = Dotnet(work, "run", "-c", "Release", "-p:UseSharedCompilation=false",
            "--project", "IrisPredictor", "--", "IrisTrainer/iris.ngck", "6.3", "2.9", "5.6", "1.8");
        Assert.True(predict.ExitCode == 0, predict.ToString());
        string[] lines = predict.Output.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
        Assert.Equal("virginica", lines[^4]);
        string[] names = lines[^3..].Select(l => l.Trim().Split(' ')[0]).ToArray();
        Assert.Equal(new[] { "setosa", "versicolor", "virginica" }, names);
        double sum = lines[^3..].Sum(l => double.Parse(l.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture));
        Assert.InRange(sum, 0.9985, 1.0015);

        // docs/embedding.md: the model built into a NativeAOT executable, published as the guide says and run natively.
        string rid = RuntimeInformation.RuntimeIdentifier;
        CommandResult publish = Dotnet(work, "publish", "IrisEmbedded", "-c", "Release", "-r", rid, "-o", "dist", "-p:UseSharedCompilation=false");
        Assert.True(publish.ExitCode == 0, publish.ToString());
        string native = Path.Combine(work, "dist", OperatingSystem.IsWindows() ? "IrisEmbedded.exe" : "IrisEmbedded");
        Assert.True(File.Exists(native), publish.ToString());
        Assert.False(File.Exists(Path.Combine(work, "dist", "IrisEmbedded.dll")), "A NativeAOT publish leaves no managed assembly to run.");
        Assert.Empty(Directory.GetFiles(Path.Combine(work, "dist"), "*.ngck"));
        (int exitCode, string output) = RunNative(native, "6.3", "2.9", "5.6", "1.8");
        Assert.True(exitCode == 0, output);
        Assert.Matches(@"^virginica \(p = 0\.[5-9][0-9]{2}\)$", output.Trim());
    }

    private static (int ExitCode, string Output) RunNative(string path, params string[] arguments)
    {
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "The native program did not exit.");
        return (process.ExitCode, output);
    }

    // A project folder from the guide's project file (with the packed version) and its program's files, leaving out
    // those the project file compiles from elsewhere (Link="...").
    private void WriteProject(string work, string name, string program)
    {
        string folder = Directory.CreateDirectory(Path.Combine(work, name)).FullName;
        CodeBlock project = Assert.Single(Guides.AllBlocks, b => b.Kind == "project" && b.Arguments.Contains(program));
        Assert.Contains("Version=\"0.1.0\"", project.Text, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(folder, name + ".csproj"), project.Text.Replace("Version=\"0.1.0\"", $"Version=\"{feed.Version}\"", StringComparison.Ordinal));
        foreach (CodeBlock block in Guides.Program(program))
        {
            string file = Regex.Match(block.Text, @"\A// (\w+\.cs)\n").Groups[1].Value;
            Assert.False(string.IsNullOrEmpty(file), $"{block}: the guide's blocks start with their file name.");
            if (!project.Text.Contains($"Link=\"{file}\"", StringComparison.Ordinal))
            {
                File.WriteAllText(Path.Combine(folder, file), block.Text);
            }
        }
    }

    private CommandResult Dotnet(string folder, params string[] arguments)
    {
        CommandResult result = DotnetCli.Run(folder, RunTimeout, arguments);
        log.WriteLine($"{result.Command}: exit {result.ExitCode} in {result.Elapsed.TotalSeconds:F1} s");
        return result;
    }
}
