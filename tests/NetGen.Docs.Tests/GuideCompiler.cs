using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;
using NetGen.Generator;

namespace NetGen.Docs.Tests;

/// <summary>What compiling a guide's code produced.</summary>
/// <param name="GeneratorDiagnostics">What NetGen reported (NGxxxx).</param>
/// <param name="CompilerDiagnostics">The compiler's warnings and errors on the guide's code plus the generated code.</param>
/// <param name="GeneratedSources">The generated files' text, by hint name.</param>
/// <param name="Compilation">The guide's code plus the generated code.</param>
internal sealed record GuideCompilation(
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    ImmutableArray<Diagnostic> CompilerDiagnostics,
    ImmutableDictionary<string, string> GeneratedSources,
    Compilation Compilation)
{
    /// <summary>Every diagnostic of the generator and the compiler, one a line, for assertion messages.</summary>
    public string Describe() =>
        string.Join(Environment.NewLine, GeneratorDiagnostics.Concat(CompilerDiagnostics).Select(d => d.ToString()));

    /// <summary>Emits the program; fails with the diagnostics if the code has any warning or error.</summary>
    public byte[] Emit()
    {
        if (GeneratorDiagnostics.Any(d => d.Severity >= DiagnosticSeverity.Warning) || !CompilerDiagnostics.IsEmpty)
        {
            throw new InvalidOperationException("The guide's code does not compile cleanly (warnings are errors):" + Environment.NewLine + Describe());
        }
        using var image = new MemoryStream();
        EmitResult result = Compilation.Emit(image);
        if (!result.Success)
        {
            throw new InvalidOperationException("Emit failed:" + Environment.NewLine + string.Join(Environment.NewLine, result.Diagnostics));
        }
        return image.ToArray();
    }
}

/// <summary>
/// Compiles a guide's C# with the NetGen generator in memory, against the .NET reference set and the runtime, as a
/// project that references the NetGen package (and, for the ONNX guide, NetGen.Onnx and ONNX Runtime) would (nullable on, warning level 10, no implicit usings: the guides'
/// programs spell their usings out, so they also build in a project with implicit usings).
/// </summary>
internal static class GuideCompiler
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Parse);

    // The test host's trusted platform assemblies are the net10.0 framework; NetGen.Runtime is added explicitly.
    internal static readonly ImmutableArray<MetadataReference> References = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
        .Split(Path.PathSeparator)
        .Where(path => IsFrameworkAssembly(Path.GetFileName(path)))
        .Append(typeof(NetworkAttribute).Assembly.Location)
        .Append(typeof(OnnxExporter).Assembly.Location)
        .Append(typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.Location)
        .Distinct(StringComparer.Ordinal)
        .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
        .ToImmutableArray();

    private static bool IsFrameworkAssembly(string fileName) =>
        fileName.StartsWith("System.", StringComparison.Ordinal)
        || fileName.StartsWith("Microsoft.Win32.", StringComparison.Ordinal)
        || fileName is "System.dll" or "mscorlib.dll" or "netstandard.dll" or "Microsoft.CSharp.dll";

    /// <summary>Compiles <paramref name="sources"/> (file name, text) as a program if one has top-level statements, else as a library, with <see cref="OnnxModels"/> as its additional files.</summary>
    public static GuideCompilation Compile(string assemblyName, params (string Path, string Text)[] sources) =>
        Compile(assemblyName, OnnxModels.Listed, sources);

    /// <summary>Compiles <paramref name="sources"/> with <paramref name="additionalFiles"/> (path as the project lists it, bytes) as the only models the generator is handed.</summary>
    public static GuideCompilation Compile(string assemblyName, IReadOnlyList<(string Listed, byte[] Bytes)> additionalFiles, params (string Path, string Text)[] sources)
    {
        SyntaxTree[] trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, ParseOptions, s.Path)).ToArray();
        bool program = trees.Any(t => t.GetRoot().ChildNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax>().Any());
        var options = new CSharpCompilationOptions(
            program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: NullableContextOptions.Enable,
            deterministic: true,
            warningLevel: 10);
        CSharpCompilation compilation = CSharpCompilation.Create(assemblyName, trees, References, options);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
                new[] { new NetGenGenerator().AsSourceGenerator() }, ListedFiles.Texts(additionalFiles), ParseOptions, ListedFiles.Options(additionalFiles))
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        if (result.Exception is not null)
        {
            throw new InvalidOperationException("The generator threw: " + result.Exception);
        }
        return new GuideCompilation(
            result.Diagnostics,
            output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray(),
            result.GeneratedSources.ToImmutableDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal),
            output);
    }
}

/// <summary>
/// The ONNX models a guide's <c>[Network(Onnx = "models/NAME.onnx")]</c> can name, handed to the generator as the NetGen
/// build targets hand them over (a base64 copy with the listed path as NetGenOnnxSource metadata): every fixture of
/// tests/NetGen.Onnx.Tests/Fixtures, and models/notes.onnx, a text file that is not a model; and the checkpoints of
/// <see cref="CheckpointModels"/> for <c>[Network(Weights = "models/NAME.ngck")]</c>.
/// </summary>
internal static class OnnxModels
{
    private static readonly (string Listed, byte[] Bytes)[] Models = Directory
        .GetFiles(Path.Combine(Guides.RepositoryRoot(), "tests", "NetGen.Onnx.Tests", "Fixtures"), "*.onnx")
        .Order(StringComparer.Ordinal)
        .Select(path => ("models/" + Path.GetFileName(path), File.ReadAllBytes(path)))
        .Append(("models/notes.onnx", System.Text.Encoding.UTF8.GetBytes("Notes on the model, not the model.")))
        .Concat(CheckpointModels.Files())
        .ToArray();

    public static IReadOnlyList<(string Listed, byte[] Bytes)> Listed => Models;
}

/// <summary>
/// Models handed to the generator as the NetGen build targets hand over the files a project lists as AdditionalFiles:
/// a base64 copy under obj/, with the path as listed as NetGenOnnxSource metadata.
/// </summary>
internal static class ListedFiles
{
    private const string SourceMetadata = "build_metadata.AdditionalFiles.NetGenOnnxSource";

    public static ImmutableArray<AdditionalText> Texts(IEnumerable<(string Listed, byte[] Bytes)> files) =>
        files.Select(m => (AdditionalText)new Base64Copy(CopyPath(m.Listed), Convert.ToBase64String(m.Bytes))).ToImmutableArray();

    public static AnalyzerConfigOptionsProvider Options(IEnumerable<(string Listed, byte[] Bytes)> files) =>
        new MetadataProvider(files.ToImmutableDictionary(m => CopyPath(m.Listed), m => m.Listed, StringComparer.Ordinal));

    private static string CopyPath(string listed) => "/obj/netgen/" + listed.Replace('/', '_') + ".b64";

    private sealed class Base64Copy(string path, string text) : AdditionalText
    {
        public override string Path => path;

        public override SourceText GetText(System.Threading.CancellationToken cancellationToken = default) => SourceText.From(text, System.Text.Encoding.UTF8);
    }

    private sealed class MetadataProvider(ImmutableDictionary<string, string> listed) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions => Metadata.None;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Metadata.None;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
            listed.TryGetValue(textFile.Path, out string? source) ? new Metadata(source) : Metadata.None;
    }

    private sealed class Metadata(string? source) : AnalyzerConfigOptions
    {
        public static readonly Metadata None = new(null);

        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
        {
            value = key == SourceMetadata ? source : null;
            return value is not null;
        }
    }
}

/// <summary>
/// The checkpoints the diagnostics guide's Weights examples name, written here with the runtime for the guide's
/// network <c>Classifier</c> ([Input(4)], [Dense(3)], softmax cross-entropy): models/classifier.ngck (good, with class
/// names), models/notes.ngck (text), models/classifier-cut.ngck (truncated), models/wide.ngck (of [Input(4)],
/// [Dense(8)], [Dense(3)]) and models/classifier-names.ngck (two class names for three outputs).
/// </summary>
internal static class CheckpointModels
{
    private const string Classifier = "[Network]\n[Input(4)]\n[Dense(3)]\n[Loss(LossKind.SoftmaxCrossEntropy)]\npublic partial class Classifier { }\n";
    private const string Wide = "[Network]\n[Input(4)]\n[Dense(8, Activation = Activation.ReLU)]\n[Dense(3)]\n[Loss(LossKind.SoftmaxCrossEntropy)]\npublic partial class Classifier { }\n";

    public static IEnumerable<(string Listed, byte[] Bytes)> Files()
    {
        string classifier = Fingerprint(Classifier);
        byte[] good = Write(new Checkpoint(classifier, Enumerable.Range(0, 15).Select(i => i / 16f).ToArray()) { ClassNames = ["setosa", "versicolor", "virginica"] });
        yield return ("models/classifier.ngck", good);
        yield return ("models/notes.ngck", System.Text.Encoding.UTF8.GetBytes("Notes on the model, not the model."));
        yield return ("models/classifier-cut.ngck", good[..^20]);
        yield return ("models/wide.ngck", Write(new Checkpoint(Fingerprint(Wide), new float[4 * 8 + 8 + 8 * 3 + 3])));
        yield return ("models/classifier-names.ngck", Write(new Checkpoint(classifier, new float[15]) { ClassNames = ["setosa", "other"] }));
    }

    private static byte[] Write(Checkpoint checkpoint)
    {
        using var stream = new MemoryStream();
        checkpoint.WriteTo(stream);
        return stream.ToArray();
    }

    /// <summary>The architecture fingerprint the generator gives <paramref name="declaration"/>, read from its generated constant.</summary>
    private static string Fingerprint(string declaration)
    {
        CSharpCompilation compilation = CSharpCompilation.Create("Fingerprint", [CSharpSyntaxTree.ParseText("using NetGen;\n" + declaration)],
            GuideCompiler.References, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new NetGenGenerator()).RunGenerators(compilation);
        string source = driver.GetRunResult().GeneratedTrees.Single().ToString();
        System.Text.RegularExpressions.Match match = System.Text.RegularExpressions.Regex.Match(source, "public const string Fingerprint = \"([^\"]+)\";");
        return match.Success ? match.Groups[1].Value : throw new InvalidOperationException("no Fingerprint constant in the generated code:" + Environment.NewLine + source);
    }
}
