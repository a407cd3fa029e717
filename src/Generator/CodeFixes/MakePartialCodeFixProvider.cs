using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace NetGen.CodeFixes;

/// <summary>NG0001: adds the <c>partial</c> modifier to a [Network] class, so that the generated members can join it.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFixProvider)), Shared]
public sealed class MakePartialCodeFixProvider : CodeFixProvider
{
    /// <summary>The title of the code action, as the IDE's light bulb shows it.</summary>
    public const string Title = "Make the network class partial";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.ClassNotPartial);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        // NG0001 is reported on the class name.
        if (root?.FindToken(context.Span.Start).Parent?.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration)
        {
            return;
        }
        context.RegisterCodeFix(
            CodeAction.Create(Title, ct => MakePartialAsync(context.Document, declaration, ct), equivalenceKey: Title),
            context.Diagnostics);
    }

    private static async Task<Document> MakePartialAsync(Document document, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        // The generator orders modifiers as the language expects ('public sealed partial class') and keeps the trivia.
        editor.SetModifiers(declaration, editor.Generator.GetModifiers(declaration).WithPartial(true));
        return editor.GetChangedDocument();
    }
}
