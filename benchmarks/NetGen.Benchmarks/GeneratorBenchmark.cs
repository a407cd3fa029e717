using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NetGen.Benchmarks;

/// <summary>
/// The source generator itself, on a 30-layer network (convolutions, batch norm, residual blocks with and without
/// projections, pooling, dropout, dense and maxout layers) in a project of 20 other files: time and allocations of a full
/// run (a new driver on a new compilation: parse, plan, emit), of the incremental re-run after an edit of an unrelated
/// file (the case of every keystroke in the IDE: everything stays cached), and of the re-run after a change of one layer
/// (re-plan and re-emit this network).
/// </summary>
/// <remarks>
/// Each invocation starts from the same state: drivers are immutable, so the warm driver is re-run on a new
/// compilation (new symbols, as after a real edit) holding the pre-parsed edited tree. New compilations derive from one
/// whose references are bound, as the IDE's and the compiler's do, so that the time is the generator's and not that of
/// reading the framework's metadata. The generator assembly is loaded
/// from src/Generator's build output, since this project references it as an analyzer only. Run it with
/// <c>dotnet run -c Release --project benchmarks/NetGen.Benchmarks -- --filter '*GeneratorBenchmark*'</c>.
/// </remarks>
[BenchmarkCategory("Generator")]
public class GeneratorBenchmark
{
    /// <summary>The 30 layers of the benchmark network, between [Input(3, 32, 32)] and the loss.</summary>
    public static readonly string[] Layers =
    {
        "Conv2D(16, 3, Padding = 1, Activation = Activation.ReLU)",
        "BatchNorm",
        "ResidualStart",
        "Conv2D(16, 3, Padding = ConvPadding.Same, Activation = Activation.ReLU)",
        "BatchNorm",
        "Conv2D(16, 3, Padding = ConvPadding.Same)",
        "ResidualEnd(Activation = Activation.ReLU)",
        "MaxPool2D(2)",
        "ResidualStart",
        "Conv2D(32, 3, Stride = 2, Padding = 1, Activation = Activation.ReLU)",
        "BatchNorm",
        "Conv2D(32, 3, Padding = ConvPadding.Same)",
        "ResidualEnd(Activation = Activation.ReLU)",
        "Conv2D(32, 3, Padding = 1, Dilation = 2, Activation = Activation.LeakyReLU, Alpha = 0.1f)",
        "AvgPool2D(2)",
        "Dropout(0.1)",
        "Conv2D(64, 1, Activation = Activation.ELU)",
        "GlobalAvgPool",
        "Dense(128, Activation = Activation.ReLU)",
        "BatchNorm",
        "Dropout(0.3)",
        "ResidualStart",
        "Dense(128, Activation = Activation.Tanh)",
        "Dense(128)",
        "ResidualEnd(Activation = Activation.ReLU)",
        "Maxout(64, 3)",
        "Dense(64, Activation = Activation.Softplus)",
        "ResidualStart",
        "Dense(32, Activation = Activation.Sigmoid)",
        "ResidualEnd",
    };

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private IIncrementalGenerator _generator = null!;
    private ImmutableArray<MetadataReference> _references;
    private SyntaxTree[] _trees = Array.Empty<SyntaxTree>();
    private SyntaxTree _unrelatedEdit = null!, _layerEdit = null!;
    private CSharpCompilation _compilation = null!;
    private GeneratorDriver _warmDriver = null!;

    [GlobalSetup]
    public void Setup()
    {
        _generator = (IIncrementalGenerator)Activator.CreateInstance(LoadGenerator().GetType("NetGen.Generator.NetGenGenerator", throwOnError: true)!)!;
        _references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "netstandard.dll" or "mscorlib.dll")
            .Append(typeof(ITrainableNetwork).Assembly.Location)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();

        var trees = new List<SyntaxTree> { Parse(Model(Layers), "Model.cs") };
        for (int i = 0; i < 20; i++)
        {
            trees.Add(Parse(Unrelated(i, 1), $"Unrelated{i}.cs"));
        }
        _trees = trees.ToArray();
        _unrelatedEdit = Parse(Unrelated(7, 2), "Unrelated7.cs");
        _layerEdit = Parse(Model(Layers.Select(l => l == "Dense(64, Activation = Activation.Softplus)" ? "Dense(48, Activation = Activation.Softplus)" : l).ToArray()), "Model.cs");

        _compilation = CSharpCompilation.Create("GeneratorBenchmark", _trees, _references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        _ = _compilation.GetTypeByMetadataName("NetGen.NetworkAttribute") ?? throw new InvalidOperationException("NetGen.Runtime is not referenced.");
        _warmDriver = NewDriver().RunGenerators(_compilation.Clone());
        GeneratorRunResult result = _warmDriver.GetRunResult().Results.Single();
        if (result.Exception is not null || result.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error) || result.GeneratedSources.Length != 1)
        {
            throw new InvalidOperationException("The benchmark network does not generate: " + result.Exception + string.Join(Environment.NewLine, result.Diagnostics));
        }
        Console.WriteLine($"// {Layers.Length} layers; generated source: {result.GeneratedSources[0].SourceText.Length:N0} characters, {result.GeneratedSources[0].SourceText.Lines.Count:N0} lines");
    }

    /// <summary>A new driver on a new compilation: the generator's whole pipeline, as in a command-line build.</summary>
    [Benchmark(Baseline = true)]
    public GeneratorDriver FullRun() => NewDriver().RunGenerators(_compilation.Clone());

    /// <summary>The warm driver after an edit in another file: the network's plan and source stay cached.</summary>
    [Benchmark]
    public GeneratorDriver RerunAfterUnrelatedEdit() => _warmDriver.RunGenerators(_compilation.ReplaceSyntaxTree(_trees[7], _unrelatedEdit));

    /// <summary>The warm driver after one layer's units changed: re-parse, re-plan and re-emit this network.</summary>
    [Benchmark]
    public GeneratorDriver RerunAfterLayerEdit() => _warmDriver.RunGenerators(_compilation.ReplaceSyntaxTree(_trees[0], _layerEdit));

    private GeneratorDriver NewDriver() => CSharpGeneratorDriver.Create(new[] { _generator.AsSourceGenerator() }, parseOptions: ParseOptions);

    private static SyntaxTree Parse(string text, string path) => CSharpSyntaxTree.ParseText(text, ParseOptions, path);

    private static string Model(string[] layers) =>
        "using NetGen;\n\nnamespace Bench;\n\n[Network]\n[Input(3, 32, 32)]\n" + string.Concat(layers.Select(l => "[" + l + "]\n"))
        + "[Dense(10)]\n[Loss(LossKind.SoftmaxCrossEntropy)]\npublic partial class Deep30\n{\n    public int Epochs => 10;\n}\n";

    private static string Unrelated(int index, int version) =>
        $"namespace Bench.Other;\n\npublic sealed class Service{index}\n{{\n    public int Version => {version};\n\n"
        + string.Concat(Enumerable.Range(0, 10).Select(m => $"    public int Method{m}(int x) => x * {m + index} + Version;\n\n"))
        + "}\n";

    /// <summary>
    /// NetGen.Generator.dll: next to this assembly when the build put every project's output in one folder (as
    /// BenchmarkDotNet's build of the benchmark process does), else from src/Generator's output of this build's
    /// configuration (or the other one).
    /// </summary>
    private static Assembly LoadGenerator()
    {
        string beside = Path.Combine(AppContext.BaseDirectory, "NetGen.Generator.dll");
        if (File.Exists(beside))
        {
            return Assembly.LoadFrom(beside);
        }
        DirectoryInfo? root = new(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "NetGen.sln")))
        {
            root = root.Parent;
        }
        if (root is null)
        {
            throw new InvalidOperationException($"No NetGen.sln above '{AppContext.BaseDirectory}'.");
        }
#if DEBUG
        string[] configurations = { "Debug", "Release" };
#else
        string[] configurations = { "Release", "Debug" };
#endif
        string? path = configurations
            .Select(c => Path.Combine(root.FullName, "src", "Generator", "bin", c, "netstandard2.0", "NetGen.Generator.dll"))
            .FirstOrDefault(File.Exists);
        return Assembly.LoadFrom(path ?? throw new FileNotFoundException("Build src/Generator first: NetGen.Generator.dll not found under " + root.FullName));
    }
}
