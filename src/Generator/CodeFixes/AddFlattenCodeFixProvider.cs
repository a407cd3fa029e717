using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetGen.CodeFixes;

/// <summary>
/// NG0013: a dense or maxout layer follows a channels x height x width tensor. Adds <c>[Flatten]</c> right before that
/// layer, inside its attribute list or as a list of its own, as the declaration is written.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddFlattenCodeFixProvider)), Shared]
public sealed class AddFlattenCodeFixProvider : CodeFixProvider
{
    /// <summary>The title of the code action.</summary>
    public const string Title = "Add [Flatten] before this layer";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.DenseNeedsFlatTensor);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        // NG0013 is reported on the layer's attribute.
        if (root?.FindNode(context.Span).FirstAncestorOrSelf<AttributeSyntax>() is not { } layer
            || layer.Parent?.Parent is not TypeDeclarationSyntax)
        {
            return;
        }
        context.RegisterCodeFix(
            CodeAction.Create(Title, ct => AddFlattenAsync(context.Document, layer, ct), equivalenceKey: Title),
            context.Diagnostics);
    }

    private static async Task<Document> AddFlattenAsync(Document document, AttributeSyntax layer, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        var declaration = (TypeDeclarationSyntax)layer.Parent!.Parent!;
        TypeDeclarationSyntax fixedDeclaration = AttributeEditing.Insert(declaration, layer, AttributeEditing.NetGenAttribute("Flatten"), before: true);
        return document.WithSyntaxRoot(root.ReplaceNode(declaration, fixedDeclaration));
    }
}
