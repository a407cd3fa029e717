using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetGen.CodeFixes;

/// <summary>
/// NG0005: the network declares no loss. Offers the losses that fit its output layer, the likeliest first:
/// <c>SoftmaxCrossEntropy</c> for a linear output of more than one unit (classification),
/// <c>BinaryCrossEntropy</c> for a sigmoid output, and <c>MeanSquaredError</c> (regression) always. The attribute goes
/// after the last NetGen attribute of the declaration.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddLossCodeFixProvider)), Shared]
public sealed class AddLossCodeFixProvider : CodeFixProvider
{
    private const string NetGenNamespace = "NetGen";

    // The values of NetGen.Activation that matter here (the enum lives in the runtime, which this assembly does not reference).
    private const int Identity = 0, Sigmoid = 1;

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.MissingLoss);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <summary>The title of the action that adds <c>[Loss(LossKind.<paramref name="kind"/>)]</c>.</summary>
    public static string Title(string kind) => "Add [Loss(LossKind." + kind + ")]";

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        // NG0005 is reported on [Network] (or on the class name when the attribute has no syntax of its own).
        if (root?.FindNode(context.Span).FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration || model is null)
        {
            return;
        }
        List<(AttributeSyntax Syntax, string Name)> attributes = NetGenAttributes(declaration, model, context.CancellationToken);
        if (attributes.Count == 0)
        {
            return;
        }
        AttributeSyntax last = attributes[attributes.Count - 1].Syntax;
        foreach (string kind in FittingLosses(attributes, model, context.CancellationToken))
        {
            string title = Title(kind);
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => AddLossAsync(context.Document, declaration, last, kind, ct), equivalenceKey: title),
                context.Diagnostics);
        }
    }

    /// <summary>The NetGen attributes of <paramref name="declaration"/> in source order, by short name (Network, Input, Dense, ...).</summary>
    private static List<(AttributeSyntax Syntax, string Name)> NetGenAttributes(TypeDeclarationSyntax declaration, SemanticModel model, CancellationToken cancellationToken)
    {
        var found = new List<(AttributeSyntax, string)>();
        foreach (AttributeSyntax attribute in declaration.AttributeLists.SelectMany(l => l.Attributes))
        {
            if (model.GetSymbolInfo(attribute, cancellationToken).Symbol is IMethodSymbol { ContainingType: { } type }
                && type.ContainingNamespace is { Name: NetGenNamespace, ContainingNamespace.IsGlobalNamespace: true }
                && type.Name.EndsWith("Attribute", System.StringComparison.Ordinal))
            {
                found.Add((attribute, type.Name.Substring(0, type.Name.Length - "Attribute".Length)));
            }
        }
        return found;
    }

    /// <summary>The losses that fit the output layer, the likeliest first; MeanSquaredError always fits.</summary>
    private static IEnumerable<string> FittingLosses(List<(AttributeSyntax Syntax, string Name)> attributes, SemanticModel model, CancellationToken cancellationToken)
    {
        // Dropout only acts in training and keeps the shape, so the output layer is the last layer before it.
        (AttributeSyntax Syntax, string Name) output = attributes.LastOrDefault(a => a.Name is not ("Network" or "Input" or "Dropout"));
        int units = output.Syntax is null ? 0 : ConstantInt(output.Syntax.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals is null), model, cancellationToken) ?? 0;
        int activation = output.Syntax is null ? Identity
            : ConstantInt(output.Syntax.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "Activation"), model, cancellationToken) ?? Identity;

        if (output.Name == "Dense" && activation == Sigmoid)
        {
            yield return "BinaryCrossEntropy";
        }
        else if ((output.Name == "Dense" && activation == Identity || output.Name == "Maxout") && units > 1)
        {
            yield return "SoftmaxCrossEntropy";
        }
        yield return "MeanSquaredError";
    }

    private static int? ConstantInt(AttributeArgumentSyntax? argument, SemanticModel model, CancellationToken cancellationToken) =>
        argument is not null && model.GetConstantValue(argument.Expression, cancellationToken) is { HasValue: true, Value: int value } ? value : null;

    private static async Task<Document> AddLossAsync(Document document, TypeDeclarationSyntax declaration, AttributeSyntax last, string kind, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        AttributeSyntax loss = AttributeEditing.NetGenAttribute("Loss", "global::NetGen.LossKind." + kind);
        return document.WithSyntaxRoot(root.ReplaceNode(declaration, AttributeEditing.Insert(declaration, last, loss, before: false)));
    }
}
