using System;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Package.Tests;

/// <summary>
/// The NetGen package end to end, as a user meets it: packed into a local folder feed (<see cref="PackedFeed"/>), a fresh
/// console project in a temporary folder (outside the repository, so none of its Directory.Build.props, global.json or
/// central package versions apply) that restores NetGen from that feed through the README's project-local nuget.config
/// and everything else from the normal package source, declares a model, builds with warnings as errors and
/// documentation on, trains and predicts.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class ConsumerProjectTests(PackedFeed feed, ITestOutputHelper log)
{
    // Well above the usual ~30 s on two busy cores, so a hang fails the test instead of the CI run.
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);

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

    [Fact]
    public void Packing_at_the_root_packs_exactly_the_shippable_packages()
    {
        Assert.True(feed.Pack.ExitCode == 0, feed.Pack.ToString());
        string v = feed.Version;
        Assert.Equal(new[] { $"NetGen.{v}.nupkg", $"NetGen.{v}.snupkg", $"NetGen.Templates.{v}.nupkg" }, feed.Files);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Packed_package_restores_into_a_fresh_project_that_builds_trains_and_predicts()
    {
        string nupkg = feed.PackagePath("NetGen");
        AssertPackageLayout(nupkg);

        string consumer = Directory.CreateDirectory(Path.Combine(feed.Root, "consumer")).FullName;
        WriteConsumer(consumer);
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

    private const string OnnxModel = """
        using NetGen;

        namespace Consumer;

        /// <summary>LeNet-5 as PyTorch exported it, compiled at build time; inference only (no loss).</summary>
        [Network(Onnx = "models/lenet5.onnx")]
        public partial class LeNet { }
        """;

    private const string OnnxProgram = """
        using System;
        using System.Globalization;
        using System.IO;
        using NetGen;
        using Consumer;

        byte[] bytes = File.ReadAllBytes("models/lenet5.input.bin");
        float[] inputs = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, inputs, 0, bytes.Length);
        int batch = inputs.Length / LeNet.InputSize;
        var model = new LeNet();
        float[] outputs = new float[batch * LeNet.OutputSize];
        model.Forward(inputs, outputs, batch);
        foreach (float value in outputs)
        {
            Console.WriteLine("output: " + value.ToString("R", CultureInfo.InvariantCulture));
        }
        OnnxExporter.Save(model, "lenet5-exported.onnx");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"exported: {new FileInfo("lenet5-exported.onnx").Length} bytes, {LeNet.ParameterCount} parameters"));
        """;

    [Fact]
    [Trait("Category", "Slow")]
    public void Packed_package_compiles_a_PyTorch_ONNX_model_listed_as_AdditionalFiles_and_reproduces_PyTorchs_outputs()
    {
        feed.PackagePath("NetGen");
        string consumer = Directory.CreateDirectory(Path.Combine(feed.Root, "onnx-consumer")).FullName;
        feed.WriteNuGetConfig(consumer);
        // Nothing NetGen-specific in the project file but the package and the model as an additional file: the
        // package's build targets hand the model's bytes to the generator.
        WriteProject(consumer, "OnnxConsumer", """<AdditionalFiles Include="models/lenet5.onnx" />""");
        string fixtures = Path.Combine(PackedFeed.RepositoryRoot(), "tests", "NetGen.Onnx.Tests", "Fixtures");
        string models = Directory.CreateDirectory(Path.Combine(consumer, "models")).FullName;
        foreach (string file in new[] { "lenet5.onnx", "lenet5.input.bin" })
        {
            File.Copy(Path.Combine(fixtures, file), Path.Combine(models, file));
        }
        File.WriteAllText(Path.Combine(consumer, "LeNet.cs"), OnnxModel);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), OnnxProgram);

        CommandResult run = Dotnet(consumer, RunTimeout, "run", "-c", "Release", "-nodeReuse:false", "-p:UseSharedCompilation=false");
        Assert.True(run.ExitCode == 0, run.ToString());

        // PyTorch's outputs for the same inputs (written by the fixture script). Tolerance as in the fixture tests:
        // relative 1e-5 of the largest output magnitude; float32 sums of a few hundred products in another order
        // than PyTorch's differ by a few ulps per term.
        byte[] bytes = File.ReadAllBytes(Path.Combine(fixtures, "lenet5.output.bin"));
        float[] expected = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, expected, 0, bytes.Length);
        float[] actual = Regex.Matches(run.Output, @"^output: (\S+)$", RegexOptions.Multiline)
            .Select(m => float.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();
        Assert.True(expected.Length == actual.Length, run.ToString());
        float scale = Math.Max(1f, expected.Max(MathF.Abs));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-5f * scale, $"output {i}: PyTorch {expected[i]:R}, NetGen {actual[i]:R}");
        }
        // The exporter shipped in the package wrote the model back, weights included (4 bytes each).
        Match exported = Regex.Match(run.Output, @"exported: (\d+) bytes, (\d+) parameters");
        Assert.True(exported.Success, run.ToString());
        Assert.True(long.Parse(exported.Groups[1].Value, CultureInfo.InvariantCulture) > 4L * int.Parse(exported.Groups[2].Value, CultureInfo.InvariantCulture), run.ToString());
    }

    private static void AssertPackageLayout(string nupkg)
    {
        using ZipArchive archive = ZipFile.OpenRead(nupkg);
        string[] entries = archive.Entries.Select(e => e.FullName).ToArray();
        Assert.Contains("lib/net10.0/NetGen.Runtime.dll", entries);
        Assert.Contains("lib/net10.0/NetGen.Runtime.xml", entries);
        Assert.Contains("analyzers/dotnet/cs/NetGen.Generator.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/NetGen.CodeFixes.dll", entries);
        // The ONNX exporter beside the runtime, and the build targets that hand ONNX files to the generator's importer.
        Assert.Contains("lib/net10.0/NetGen.Onnx.dll", entries);
        Assert.Contains("lib/net10.0/NetGen.Onnx.xml", entries);
        Assert.Contains("build/NetGen.targets", entries);
        Assert.Contains("buildTransitive/NetGen.targets", entries);
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
        // The exporter writes through the protobuf runtime, which the package brings as a dependency.
        Assert.Matches("<dependency id=\"Google.Protobuf\" version=\"[^\"]+\"", manifest);

        // The symbols package beside it holds the PDB of every assembly the package ships.
        using ZipArchive symbols = ZipFile.OpenRead(Path.ChangeExtension(nupkg, ".snupkg"));
        string[] pdbs = symbols.Entries.Select(e => e.FullName).Where(e => e.EndsWith(".pdb", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
            new[] { "analyzers/dotnet/cs/NetGen.CodeFixes.pdb", "analyzers/dotnet/cs/NetGen.Generator.pdb", "lib/net10.0/NetGen.Onnx.pdb", "lib/net10.0/NetGen.Runtime.pdb" },
            pdbs);
    }

    private static string ReadNuspec(ZipArchive archive)
    {
        using var nuspec = new StreamReader(archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        return nuspec.ReadToEnd();
    }

    private void WriteConsumer(string folder)
    {
        feed.WriteNuGetConfig(folder);
        WriteProject(folder, "Consumer", "");
        File.WriteAllText(Path.Combine(folder, "Xor.cs"), Model);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), Program);
    }

    /// <summary>A console project of its own: warnings as errors, documentation on, NetGen from the feed, and <paramref name="items"/>.</summary>
    private void WriteProject(string folder, string name, string items)
    {
        File.WriteAllText(Path.Combine(folder, name + ".csproj"), $"""
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
                <PackageReference Include="NetGen" Version="{feed.Version}" />
                {items}
              </ItemGroup>
            </Project>
            """);
    }

    private CommandResult Dotnet(string folder, TimeSpan timeout, params string[] arguments)
    {
        CommandResult result = DotnetCli.Run(folder, timeout, arguments);
        log.WriteLine($"{result.Command}: exit {result.ExitCode} in {result.Elapsed.TotalSeconds:F1} s");
        return result;
    }
}
