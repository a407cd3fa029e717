using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using NetGen.Package.Tests;
using Xunit;

namespace NetGen.Generator.Tests;

/// <summary>
/// G1-G3 of issue 15 in a real build: a fresh project outside the repository (implicit global usings, nullable,
/// documentation, warnings as errors) that references the generator as an analyzer and the runtime, built and run
/// with <c>dotnet</c> as a user would. The generator driver tests cover each case in detail; this one checks that the
/// compiler, MSBuild and the SDK's defaults see what the driver sees.
/// </summary>
public sealed class ConsumerBuildTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "netgen-consumer-" + Guid.NewGuid().ToString("N"));

    public ConsumerBuildTests() => Directory.CreateDirectory(_root);

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

    private const string Networks = """
        using NetGen;

        namespace App;

        // G1: two networks whose names differ only in case.
        [Network, Input(2), Dense(8, Activation = Activation.Tanh), Dense(2), Loss(LossKind.SoftmaxCrossEntropy)]
        internal partial class Mlp { }

        [Network, Input(2), Dense(4, Activation = Activation.ReLU), Dense(2), Loss(LossKind.SoftmaxCrossEntropy)]
        internal partial class MLP { }

        // G3: types named like framework types the generated code uses, in the networks' namespace.
        internal static class Math { }
        internal static class MathF { }
        internal static class Array { }
        internal static class Unsafe { }
        internal static class MemoryMarshal { }
        internal static class Vector256 { }
        internal sealed class ArgumentException { }
        internal sealed class ArgumentOutOfRangeException { }
        internal sealed class InvalidOperationException { }
        internal readonly struct Span<T> { }
        internal readonly struct ReadOnlySpan<T> { }
        """;

    private const string NamedNetworks = """
        using NetGen;

        namespace App.Named;

        // G3: networks named like framework types.
        [Network, Input(1, 4, 4), Conv2D(2, 3, Activation = Activation.ReLU), MaxPool2D(2), Flatten, Dense(2), Loss(LossKind.SoftmaxCrossEntropy)]
        internal partial class Unsafe { }

        [Network, Input(3), Dense(4, Activation = Activation.Sigmoid), Dropout(0.5), Dense(1, Activation = Activation.Sigmoid), Loss(LossKind.BinaryCrossEntropy)]
        internal partial class MathF { }
        """;

    private const string Program = """
        float[] inputs = { 0, 0, 0, 1, 1, 0, 1, 1 };
        float[] labels = { 0, 1, 1, 0 };
        var a = new App.Mlp();
        var b = new App.MLP();
        float loss = a.TrainStep(inputs, labels, 4) + b.TrainStep(inputs, labels, 4);
        int classes = a.Predict(inputs.AsSpan(0, 2)) + b.Predict(inputs.AsSpan(2, 2));
        var image = new App.Named.Unsafe();
        int digit = image.Predict(new float[16]);
        var probabilities = new App.Named.MathF();
        bool[] on = new bool[1];
        probabilities.Predict(new float[] { 1, 2, 3 }, on);
        Console.WriteLine(float.IsFinite(loss) && classes >= 0 && digit >= 0 ? "consumer ok" : "consumer broken");
        """;

    [Fact]
    [Trait("Category", "Slow")]
    public void G1_G3_networks_differing_in_case_and_types_named_like_the_frameworks_build_and_run_in_a_real_project()
    {
        string project = WriteProject("Consumer", ("Networks.cs", Networks), ("Named.cs", NamedNetworks), ("Program.cs", Program));

        CommandResult build = DotnetCli.Run(project, Timeout, "build", "-c", "Release", "-nodeReuse:false", "-p:UseSharedCompilation=false");
        Assert.True(build.ExitCode == 0, build.ToString());
        CommandResult run = DotnetCli.Run(project, Timeout, "run", "-c", "Release", "--no-build");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("consumer ok", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void G2_network_named_like_a_generated_member_fails_the_build_with_NG0026_only()
    {
        string project = WriteProject("Clash", ("Loss.cs", """
            using NetGen;

            namespace App;

            [Network, Input(2), Dense(2), NetGen.Loss(LossKind.MeanSquaredError)]
            internal partial class Loss { }

            [Network, Input(2), Dense(2), NetGen.Loss(LossKind.MeanSquaredError)]
            internal partial class Threads { }
            """), ("Program.cs", "Console.WriteLine(new App.Loss().ToString());\n"));

        CommandResult build = DotnetCli.Run(project, Timeout, "build", "-c", "Release", "-nodeReuse:false", "-p:UseSharedCompilation=false");

        Assert.NotEqual(0, build.ExitCode);
        // MSBuild repeats each error in its summary: count distinct ones.
        string[] errors = Regex.Matches(build.Output, @"(error|warning) [A-Z]+[0-9]+[^\r\n]*").Select(m => m.Value).Distinct().ToArray();
        Assert.True(errors.Length > 0 && errors.All(e => e.StartsWith("error NG0026", StringComparison.Ordinal)), build.ToString());
        Assert.Contains(errors, e => e.Contains("'Loss'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'Threads'", StringComparison.Ordinal));
    }

    private string WriteProject(string name, params (string File, string Text)[] files)
    {
        string folder = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        string generator = typeof(NetGenGenerator).Assembly.Location;
        string runtime = typeof(NetworkAttribute).Assembly.Location;
        File.WriteAllText(Path.Combine(folder, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <GenerateDocumentationFile>true</GenerateDocumentationFile>
              </PropertyGroup>
              <ItemGroup>
                <Reference Include="NetGen.Runtime" HintPath="{runtime}" />
                <Analyzer Include="{generator}" />
              </ItemGroup>
            </Project>
            """);
        foreach ((string file, string text) in files)
        {
            File.WriteAllText(Path.Combine(folder, file), text);
        }
        return folder;
    }
}
