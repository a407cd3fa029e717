using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace NetGen.Generator.Tests;

/// <summary>
/// [Network(Weights = "models/model.ngck")] in-process: the generator gets the checkpoint as the build targets hand it
/// over (a base64 additional file with the item's path as metadata). A good checkpoint is built into the class, which
/// then predicts exactly what the same checkpoint loaded at run time predicts; every bad one is an NG diagnostic on
/// [Network], and no class is left half-built.
/// </summary>
public sealed class BuiltInWeightsTests
{
    private const string Layers = "[Input(4)]\n[Dense(5, Activation = Activation.ReLU)]\n[Dense(3)]\n[Loss(LossKind.SoftmaxCrossEntropy)]\npublic partial class Iris { }\n";
    private const string Plain = "[Network]\n" + Layers;
    private const string WithWeights = "[[|Network(Weights = \"models/model.ngck\")|]]\n" + Layers;
    private static readonly string[] ClassNames = ["setosa", "versicolor", "virginica"];

    /// <summary>A checkpoint of the plain Iris network with seeded weights, a standardizer and class names.</summary>
    private static (byte[] Bytes, INetwork Model) TrainedCheckpoint()
    {
        using EmittedAssembly plain = EmittedAssembly.Load(GeneratorHarness.Compile(GeneratorHarness.Usings + Plain));
        var model = (INetwork)Activator.CreateInstance(plain.Assembly.GetType("Samples.Iris")!)!;
        model.InitializeParameters(seed: 7);
        using var stream = new MemoryStream();
        Checkpoint.Capture(model, standardizer: new Standardizer([5.8f, 3f, 3.7f, 1.2f], [0.8f, 0.4f, 1.7f, 0.75f]), classNames: ClassNames).WriteTo(stream);
        return (stream.ToArray(), model);
    }

    [Fact]
    public void A_class_built_with_Weights_predicts_exactly_as_the_checkpoint_loaded_at_run_time()
    {
        (byte[] bytes, _) = TrainedCheckpoint();
        CSharpCompilation compilation = GeneratorHarness.Compile(GeneratorHarness.Usings + WithWeights.Replace("[|", "").Replace("|]", ""));
        GeneratorDriver driver = Driver(Convert.ToBase64String(bytes)).RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        Assert.Empty(driver.GetRunResult().Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        string source = Assert.Single(driver.GetRunResult().GeneratedTrees).ToString();
        int doubledBlank = source.IndexOf("\n\n\n", StringComparison.Ordinal);
        Assert.True(doubledBlank < 0, "two blank lines in a row after: " + source[Math.Max(0, doubledBlank - 300)..Math.Max(0, doubledBlank)]);
        using EmittedAssembly built = EmittedAssembly.Emit(output);
        using EmittedAssembly plain = EmittedAssembly.Load(GeneratorHarness.Compile(GeneratorHarness.Usings + Plain));

        // Ready on construction: nothing is loaded.
        var builtIn = (INetwork)Activator.CreateInstance(built.Assembly.GetType("Samples.Iris")!)!;
        var loaded = (INetwork)Activator.CreateInstance(plain.Assembly.GetType("Samples.Iris")!)!;
        Checkpoint checkpoint = Checkpoint.Read(new MemoryStream(bytes));
        checkpoint.Restore(loaded);

        Assert.Equal(Array.ConvertAll(loaded.Parameters, BitConverter.SingleToInt32Bits), Array.ConvertAll(builtIn.Parameters, BitConverter.SingleToInt32Bits));
        Assert.Equal(ClassNames, builtIn.ClassNames);
        var standardizer = (Standardizer)built.Assembly.GetType("Samples.Iris")!.GetProperty("Standardizer")!.GetValue(builtIn)!;
        Assert.Equal(checkpoint.Standardizer!.Means, standardizer.Means);
        Assert.Equal(checkpoint.Standardizer.Scales, standardizer.Scales);

        var random = new Random(3);
        var input = new float[4];
        float[] builtInOutput = new float[3], loadedOutput = new float[3];
        for (int sample = 0; sample < 100; sample++)
        {
            for (int i = 0; i < input.Length; i++)
            {
                input[i] = (float)(random.NextDouble() * 8 - 4);
            }
            builtIn.Forward(input, builtInOutput);
            loaded.Forward(input, loadedOutput);
            Assert.Equal(Array.ConvertAll(loadedOutput, BitConverter.SingleToInt32Bits), Array.ConvertAll(builtInOutput, BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void A_checkpoint_that_is_not_listed_reports_NG0050()
    {
        MarkedSource marked = MarkedSource.Parse(GeneratorHarness.Usings + WithWeights);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new NetGenGenerator().AsSourceGenerator() }, parseOptions: GeneratorHarness.ParseOptions);
        Diagnostic diagnostic = ExpectSingle(GeneratorHarness.Run(driver, GeneratorHarness.Compile(marked.Source)), "NG0050", marked);
        Assert.StartsWith("[Network(Weights = \"models/model.ngck\")]: no such file reached the generator; the checkpoint must exist when this project builds (save it first) and be listed in the project file as <AdditionalFiles Include=\"models/model.ngck\" />",
            diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_checkpoint_reports_NG0051()
    {
        Diagnostic diagnostic = ExpectSingle("NG0051", Convert.ToBase64String("PK\u0003\u0004 a zip file"u8.ToArray()));
        Assert.StartsWith("'models/model.ngck' is not a NetGen checkpoint: it does not start with the checkpoint magic number", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-100, "is truncated: its header says")]
    [InlineData(-1, "is truncated: its header says")]
    [InlineData(0, "is damaged: its CRC-32 is")]
    public void A_truncated_or_damaged_checkpoint_reports_NG0052(int change, string expected)
    {
        (byte[] bytes, _) = TrainedCheckpoint();
        if (change < 0)
        {
            bytes = bytes.AsSpan(0, bytes.Length + change).ToArray();
        }
        else
        {
            bytes[bytes.Length / 2] ^= 0x40;
        }
        Diagnostic diagnostic = ExpectSingle("NG0052", Convert.ToBase64String(bytes));
        Assert.StartsWith("Checkpoint 'models/model.ngck' cannot be built in: it " + expected, diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_of_another_architecture_reports_NG0053()
    {
        using var stream = new MemoryStream();
        new Checkpoint("Input(4)|Dense(6,ReLU)|Dense(3)|Loss(SoftmaxCrossEntropy)", new float[4 * 6 + 6 + 6 * 3 + 3]).WriteTo(stream);
        Diagnostic diagnostic = ExpectSingle("NG0053", Convert.ToBase64String(stream.ToArray()));
        Assert.StartsWith("Checkpoint 'models/model.ngck' was saved from architecture 'Input(4)|Dense(6,ReLU)|Dense(3)|Loss(SoftmaxCrossEntropy)', but network 'Iris' is '",
            diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("parameters", "it holds 42 parameters, but the network has 43")]
    [InlineData("class names", "it names 2 classes, but the network has 3 outputs")]
    [InlineData("standardizer", "its standardizer has 3 features, but the network takes 4 inputs")]
    public void A_checkpoint_of_this_architecture_whose_sizes_do_not_fit_reports_NG0054(string what, string expected)
    {
        (byte[] good, INetwork model) = TrainedCheckpoint();
        Checkpoint original = Checkpoint.Read(new MemoryStream(good));
        Checkpoint misfit = what switch
        {
            "parameters" => new Checkpoint(model.Fingerprint, original.Parameters[..^1]),
            "class names" => new Checkpoint(model.Fingerprint, original.Parameters) { ClassNames = ["a", "b"] },
            _ => new Checkpoint(model.Fingerprint, original.Parameters) { Standardizer = new Standardizer([0f, 0f, 0f], [1f, 1f, 1f]) },
        };
        using var stream = new MemoryStream();
        misfit.WriteTo(stream);
        Diagnostic diagnostic = ExpectSingle("NG0054", Convert.ToBase64String(stream.ToArray()));
        Assert.Equal("Checkpoint 'models/model.ngck' does not fit network 'Iris': " + expected + "; save the checkpoint again from this network", diagnostic.GetMessage());
    }

    private static Diagnostic ExpectSingle(string id, string base64)
    {
        MarkedSource marked = MarkedSource.Parse(GeneratorHarness.Usings + WithWeights);
        return ExpectSingle(GeneratorHarness.Run(Driver(base64), GeneratorHarness.Compile(marked.Source)), id, marked);
    }

    private static Diagnostic ExpectSingle(GeneratorRun run, string id, MarkedSource marked)
    {
        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(marked.Spans.Single(), diagnostic.Location.SourceSpan);
        return diagnostic;
    }

    private static GeneratorDriver Driver(string base64) =>
        GeneratorHarness.CreateDriver(new InMemoryText("/obj/netgen/models_model.ngck.b64", base64), "models/model.ngck");
}
