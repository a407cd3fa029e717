using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Xunit;

namespace NetGen.CodeFixes.Tests;

/// <summary>"Fix all occurrences in document": every network of a file is fixed in one action.</summary>
public sealed class FixAllTests
{
    [Fact]
    public async Task Fix_all_makes_every_network_class_of_the_document_partial()
    {
        const string before = """
            using NetGen;

            [Network, Input(2), Dense(1), Loss(LossKind.MeanSquaredError)]
            public class First { }

            [Network, Input(3), Dense(2), Loss(LossKind.SoftmaxCrossEntropy)]
            internal sealed class Second { }
            """;
        Document document = CodeFixHarness.CreateDocument(before);
        (ImmutableArray<Diagnostic> diagnostics, _, _) = await CodeFixHarness.RunGeneratorAsync(document);
        Assert.Equal(2, diagnostics.Count(d => d.Id == "NG0001"));
        var provider = new MakePartialCodeFixProvider();
        var context = new FixAllContext(document, provider, FixAllScope.Document, MakePartialCodeFixProvider.Title,
            provider.FixableDiagnosticIds, new GeneratorDiagnostics(diagnostics), CancellationToken.None);

        CodeAction action = (await provider.GetFixAllProvider().GetFixAsync(context))!;
        Document fixedDocument = await CodeFixHarness.ApplyAsync(document, action);

        Assert.Equal(before.Replace("public class", "public partial class").Replace("sealed class", "sealed partial class"),
            (await fixedDocument.GetTextAsync()).ToString());
        (ImmutableArray<Diagnostic> after, ImmutableArray<Diagnostic> errors, int generated) = await CodeFixHarness.RunGeneratorAsync(fixedDocument);
        Assert.Empty(after);
        Assert.Empty(errors);
        Assert.Equal(2, generated);
    }

    /// <summary>Hands the fix-all engine the generator's diagnostics (it would otherwise ask analyzers, which report none of these).</summary>
    private sealed class GeneratorDiagnostics(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(Enumerable.Empty<Diagnostic>());

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);
    }
}
