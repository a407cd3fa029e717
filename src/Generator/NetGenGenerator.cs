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

        /// <summary>The diagnostics of parsing and planning.</summary>
        public const string Diagnostics = "NetGen.Diagnostics";
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<PlanResult> plans = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                Parser.NetworkAttributeName,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (ctx, ct) => Parser.Parse(ctx, ct))
            .WithTrackingName(Steps.Parse)
            .Select(static (parsed, _) => Planner.Plan(parsed))
            .WithTrackingName(Steps.Plan);

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

        context.RegisterSourceOutput(plans, static (spc, result) =>
        {
            if (result.Plan is { } plan)
            {
                // Hint names may not contain '@' (escaped keywords): the file name drops it.
                string hint = ((plan.Namespace is null ? "" : plan.Namespace + ".") + plan.ClassName).Replace("@", "") + ".g.cs";
                spc.AddSource(hint, NetworkEmitter.Emit(plan));
            }
        });
    }
}
