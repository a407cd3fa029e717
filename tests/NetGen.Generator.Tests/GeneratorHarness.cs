using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace NetGen.Generator.Tests;

/// <summary>What one generator run produced.</summary>
/// <param name="Driver">The driver after the run: re-run it with an edited compilation to test caching.</param>
/// <param name="Compilation">The input compilation.</param>
/// <param name="GeneratorDiagnostics">What NetGen reported (NG....).</param>
/// <param name="GeneratedSources">The generated files, by hint name.</param>
/// <param name="OutputDiagnostics">Warnings and errors of the input plus the generated code, compiled together.</param>
internal sealed record GeneratorRun(
    GeneratorDriver Driver,
    CSharpCompilation Compilation,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    ImmutableArray<GeneratedSourceResult> GeneratedSources,
    ImmutableArray<Diagnostic> OutputDiagnostics)
{
    /// <summary>The text of the one generated file; fails if there is not exactly one.</summary>
    public string SingleSource => Xunit.Assert.Single(GeneratedSources).SourceText.ToString();

    /// <summary>The tracked runs of a pipeline step (<see cref="NetGenGenerator.Steps"/>) in the last run.</summary>
    public ImmutableArray<IncrementalGeneratorRunStep> Steps(string name) =>
        Driver.GetRunResult().Results[0].TrackedSteps.TryGetValue(name, out ImmutableArray<IncrementalGeneratorRunStep> steps)
            ? steps
            : ImmutableArray<IncrementalGeneratorRunStep>.Empty;
}

/// <summary>Compiles source text against the runtime and the .NET reference set, and runs <see cref="NetGenGenerator"/> on it.</summary>
internal static class GeneratorHarness
{
    /// <summary>The preamble every test model shares, so that line numbers in a test's source start after it.</summary>
    public const string Usings = "using NetGen;\n\nnamespace Samples;\n\n";

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    // Warning level 10: the warning waves a .NET 10 project reports by default (CS8981 for lower-case type names,
    // among others), so that a warning a real build would raise in generated code shows here too.
    private static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        deterministic: true,
        warningLevel: 10);

    // The test host's trusted platform assemblies are the net10.0 framework the generated code targets. The test's own
    // assemblies (generator, xunit, Roslyn) are left out; the runtime is added explicitly.
    private static readonly ImmutableArray<MetadataReference> References = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
        .Split(Path.PathSeparator)
        .Where(path => IsFrameworkAssembly(Path.GetFileName(path)))
        .Append(typeof(NetworkAttribute).Assembly.Location)
        .Distinct(StringComparer.Ordinal)
        .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
        .ToImmutableArray();

    private static bool IsFrameworkAssembly(string fileName) =>
        fileName.StartsWith("System.", StringComparison.Ordinal)
        || fileName.StartsWith("Microsoft.Win32.", StringComparison.Ordinal)
        || fileName is "System.dll" or "mscorlib.dll" or "netstandard.dll" or "Microsoft.CSharp.dll" or "Microsoft.VisualBasic.dll";

    /// <summary>Parses each source into a tree named Model.cs, Model2.cs, ...</summary>
    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "NetGen.Generator.Tests.Input",
            sources.Select((source, i) => Parse(source, i == 0 ? "Model.cs" : $"Model{i + 1}.cs")),
            References,
            CompilationOptions);

    public static SyntaxTree Parse(string source, string path) => CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    /// <summary>Runs the generator on <paramref name="sources"/>.</summary>
    public static GeneratorRun Run(params string[] sources) => Run(Compile(sources));

    public static GeneratorRun Run(CSharpCompilation compilation) => Run(CreateDriver(), compilation);

    /// <summary>Runs <paramref name="driver"/> (possibly one that has run before, so that its caches apply) on <paramref name="compilation"/>.</summary>
    public static GeneratorRun Run(GeneratorDriver driver, CSharpCompilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> driverDiagnostics);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Xunit.Assert.Null(result.Exception);
        Xunit.Assert.Empty(driverDiagnostics.Where(d => !d.Id.StartsWith("NG", StringComparison.Ordinal)));
        return new GeneratorRun(
            driver,
            compilation,
            result.Diagnostics,
            result.GeneratedSources,
            output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray());
    }

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            new[] { new NetGenGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>
    /// A driver that gets <paramref name="file"/> as NetGen's build targets hand over a model or checkpoint listed as
    /// AdditionalFiles: a base64 copy whose metadata NetGenOnnxSource is the item's path as the project lists it
    /// (<paramref name="listedAs"/>), beside an additional file that is not a model.
    /// </summary>
    public static GeneratorDriver CreateDriver(AdditionalText file, string listedAs) =>
        CSharpGeneratorDriver.Create(
            new[] { new NetGenGenerator().AsSourceGenerator() },
            new AdditionalText[] { file, new InMemoryText("/src/readme.txt", "not a model") },
            ParseOptions,
            new ListedAsOptions(file.Path, listedAs),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Formats diagnostics one a line, for assertion messages.</summary>
    public static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString()));

    /// <summary>The build metadata of one additional file: the path its project lists it by, as the build targets set it.</summary>
    private sealed class ListedAsOptions(string path, string listedAs) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
            textFile.Path == path ? new Options(new Dictionary<string, string> { ["build_metadata.AdditionalFiles.NetGenOnnxSource"] = listedAs }) : Options.Empty;

        private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public static readonly Options Empty = new(new Dictionary<string, string>());

            public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
        }
    }
}

/// <summary>An additional file held in memory.</summary>
internal sealed class InMemoryText(string path, string text) : AdditionalText
{
    public override string Path => path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text, Encoding.UTF8);
}

/// <summary>
/// Source text with its expected diagnostic spans marked as <c>[|...|]</c>, as in Roslyn's own test framework:
/// the markers are removed and each becomes a <see cref="TextSpan"/> in the unmarked text.
/// </summary>
internal sealed class MarkedSource
{
    private const string Open = "[|", Close = "|]";

    private MarkedSource(string source, ImmutableArray<TextSpan> spans)
    {
        Source = source;
        Spans = spans;
    }

    public string Source { get; }

    /// <summary>The marked spans, in order of position.</summary>
    public ImmutableArray<TextSpan> Spans { get; }

    public static MarkedSource Parse(string marked)
    {
        var text = new System.Text.StringBuilder(marked.Length);
        var spans = ImmutableArray.CreateBuilder<TextSpan>();
        var open = new Stack<int>();
        for (int i = 0; i < marked.Length; i++)
        {
            if (string.CompareOrdinal(marked, i, Open, 0, Open.Length) == 0)
            {
                open.Push(text.Length);
                i += Open.Length - 1;
            }
            else if (string.CompareOrdinal(marked, i, Close, 0, Close.Length) == 0)
            {
                if (open.Count == 0)
                {
                    throw new ArgumentException($"'{Close}' at {i} closes no '{Open}'.", nameof(marked));
                }
                int start = open.Pop();
                spans.Add(TextSpan.FromBounds(start, text.Length));
                i += Close.Length - 1;
            }
            else
            {
                text.Append(marked[i]);
            }
        }
        if (open.Count != 0)
        {
            throw new ArgumentException($"{open.Count} '{Open}' marker(s) are not closed.", nameof(marked));
        }
        return new MarkedSource(text.ToString(), spans.OrderBy(s => s.Start).ToImmutableArray());
    }
}
