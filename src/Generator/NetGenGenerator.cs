using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetGen.Generator;

/// <summary>
/// The NetGen source generator: parse ([Network] classes to specs), plan (shapes, offsets, diagnostics), emit (C#).
/// Each stage is a named, value-equal pipeline step, so an unrelated edit leaves planning and emission cached.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetGenGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, for caching tests.</summary>
    public static class Steps
    {
        /// <summary>The parser's output.</summary>
        public const string Parse = "NetGen.Parse";

        /// <summary>The planner's output.</summary>
        public const string Plan = "NetGen.Plan";

        /// <summary>The parser's output completed by an ONNX import ([Network(Onnx = ...)]); the parser's own otherwise.</summary>
        public const string Import = "NetGen.Import";

        /// <summary>The plan completed by the checkpoint of [Network(Weights = ...)]; the planner's own otherwise.</summary>
        public const string Weights = "NetGen.Weights";

        /// <summary>The diagnostics of parsing and planning.</summary>
        public const string Diagnostics = "NetGen.Diagnostics";

        /// <summary>The emitter's output: one generated file per network, before hint names are assigned.</summary>
        public const string Emit = "NetGen.Emit";
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // The base64 copies of ONNX models and checkpoints that the package's build targets add as additional files (see
        // build/NetGen.targets). Other additional files are skipped without reading their text.
        IncrementalValueProvider<EquatableArray<OnnxFile>> onnxFiles = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, ct) => OnnxFile.From(pair.Left, pair.Right.GetOptions(pair.Left), ct))
            .Where(static file => file is not null)
            .Collect()
            .Select(static (files, _) => files.Select(f => f!).OrderBy(f => f.Source, System.StringComparer.Ordinal).ToEquatableArray());

        IncrementalValuesProvider<PlanResult> plans = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                Parser.NetworkAttributeName,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (ctx, ct) => Parser.Parse(ctx, ct))
            .WithTrackingName(Steps.Parse)
            .Combine(onnxFiles)
            .Select(static (pair, ct) => OnnxImport.Resolve(pair.Left, pair.Right, ct))
            .WithTrackingName(Steps.Import)
            .Select(static (parsed, _) => Planner.Plan(parsed))
            .WithTrackingName(Steps.Plan)
            .Combine(onnxFiles)
            .Select(static (pair, ct) => BuiltInWeights.Resolve(pair.Left, pair.Right, ct))
            .WithTrackingName(Steps.Weights);

        // Diagnostics are reported against the current compilation's syntax trees (for #pragma and the editor);
        // that step re-runs on every edit but only maps a few values. Emission stays cached on the plan alone.
        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = plans
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(Steps.Diagnostics);
        context.RegisterSourceOutput(diagnostics.Combine(context.CompilationProvider), static (spc, pair) =>
        {
            foreach (DiagnosticInfo diagnostic in pair.Left)
            {
                spc.ReportDiagnostic(diagnostic.ToDiagnostic(pair.Right));
            }
        });

        // Emission depends on the plan alone, so it stays cached when a declaration only moves. The files are collected
        // so that each gets a hint name unique among all of them: hint names compare without regard to case, and two
        // networks whose names differ only in case (Mlp, MLP) would otherwise make the driver drop every file (CS8785).
        IncrementalValuesProvider<GeneratedFile?> files = plans
            .Select(static (result, _) => result.Plan)
            .Select(static (plan, _) => plan is null ? null : new GeneratedFile(HintBase(plan), NetworkEmitter.Emit(plan)))
            .WithTrackingName(Steps.Emit);
        context.RegisterSourceOutput(files.Collect(), static (spc, all) =>
        {
            foreach ((string hint, string source) in AssignHintNames(all))
            {
                spc.AddSource(hint, source);
            }
        });
    }

    // Hint names may not contain '@' (escaped keywords): the file name drops it.
    private static string HintBase(NetworkPlan plan) => ((plan.Namespace is null ? "" : plan.Namespace + ".") + plan.ClassName).Replace("@", "");

    /// <summary>
    /// "Namespace.Class.g.cs" for each file; when names collide without regard to case, the first in ordinal order keeps
    /// that name and the others get ".2", ".3", ... before ".g.cs". Deterministic: it depends on the set of names only.
    /// </summary>
    internal static IEnumerable<(string Hint, string Source)> AssignHintNames(IEnumerable<GeneratedFile?> files)
    {
        var used = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (GeneratedFile file in files.OfType<GeneratedFile>().OrderBy(f => f.Name, StringComparer.Ordinal).ThenBy(f => f.Source, StringComparer.Ordinal))
        {
            int count = used.TryGetValue(file.Name, out int seen) ? seen + 1 : 1;
            used[file.Name] = count;
            yield return (count == 1 ? file.Name + ".g.cs" : file.Name + "." + count.ToString(CultureInfo.InvariantCulture) + ".g.cs", file.Source);
        }
    }
}

/// <summary>One network's generated source, under its hint name's stem (namespace and class).</summary>
internal sealed record GeneratedFile(string Name, string Source);
