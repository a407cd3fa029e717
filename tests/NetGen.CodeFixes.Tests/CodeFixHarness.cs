using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using NetGen.Generator;
using Xunit;

namespace NetGen.CodeFixes.Tests;

/// <summary>
/// A hand-rolled code-fix harness on an <see cref="AdhocWorkspace"/>: one document compiled against the .NET reference
/// set and NetGen's runtime, the generator run on it for its NG diagnostics (code fixes see generator diagnostics as the
/// IDE reports them), a provider's actions for one diagnostic, and the document after an action.
/// </summary>
internal static class CodeFixHarness
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly ImmutableArray<MetadataReference> References = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
        .Split(Path.PathSeparator)
        .Where(path => IsFrameworkAssembly(Path.GetFileName(path)))
        .Append(typeof(NetworkAttribute).Assembly.Location)
        .Distinct(StringComparer.Ordinal)
        .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
        .ToImmutableArray();

    private static bool IsFrameworkAssembly(string fileName) =>
        fileName.StartsWith("System.", StringComparison.Ordinal)
        || fileName is "System.dll" or "mscorlib.dll" or "netstandard.dll";

    /// <summary>A workspace holding one project with <paramref name="source"/> as Model.cs.</summary>
    public static Document CreateDocument(string source)
    {
        var workspace = new AdhocWorkspace();
        ProjectInfo project = ProjectInfo.Create(
            ProjectId.CreateNewId(), VersionStamp.Default, "Consumer", "Consumer", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: ParseOptions,
            metadataReferences: References);
        Solution solution = workspace.CurrentSolution.AddProject(project);
        DocumentId id = DocumentId.CreateNewId(project.Id);
        solution = solution.AddDocument(id, "Model.cs", SourceText.From(source), filePath: "/src/Model.cs");
        Assert.True(workspace.TryApplyChanges(solution));
        return workspace.CurrentSolution.GetDocument(id)!;
    }

    /// <summary>Runs the generator on the document's project: its NG diagnostics, and the errors of the project plus the generated code.</summary>
    public static async Task<(ImmutableArray<Diagnostic> Generator, ImmutableArray<Diagnostic> Errors, int GeneratedFiles)> RunGeneratorAsync(Document document)
    {
        Compilation compilation = (await document.Project.GetCompilationAsync())!;
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new NetGenGenerator().AsSourceGenerator() }, parseOptions: ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        return (result.Diagnostics,
            output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray(),
            result.GeneratedSources.Length);
    }

    /// <summary>The actions <paramref name="provider"/> offers for the one <paramref name="id"/> diagnostic the generator reports on <paramref name="source"/>.</summary>
    public static async Task<(Document Document, Diagnostic Diagnostic, ImmutableArray<CodeAction> Actions)> ActionsAsync(CodeFixProvider provider, string source, string id)
    {
        Document document = CreateDocument(source);
        (ImmutableArray<Diagnostic> diagnostics, _, _) = await RunGeneratorAsync(document);
        Diagnostic diagnostic = Assert.Single(diagnostics, d => d.Id == id);
        Assert.Contains(id, provider.FixableDiagnosticIds);

        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await provider.RegisterCodeFixesAsync(context);
        return (document, diagnostic, actions.ToImmutableArray());
    }

    /// <summary>The document after <paramref name="action"/>, with the code action's clean-up (simplification, formatting) applied.</summary>
    public static async Task<Document> ApplyAsync(Document document, CodeAction action)
    {
        ImmutableArray<CodeActionOperation> operations = await action.GetOperationsAsync(CancellationToken.None);
        ApplyChangesOperation apply = Assert.IsType<ApplyChangesOperation>(Assert.Single(operations));
        return apply.ChangedSolution.GetDocument(document.Id)!;
    }

    /// <summary>
    /// Applies the fix titled <paramref name="title"/> for the <paramref name="id"/> diagnostic of <paramref name="before"/>,
    /// checks the fixed text against <paramref name="after"/>, and that the generator then reports no error and generates
    /// the network (and the project compiles).
    /// </summary>
    public static async Task VerifyAsync(CodeFixProvider provider, string id, string before, string after, string title)
    {
        (Document document, _, ImmutableArray<CodeAction> actions) = await ActionsAsync(provider, before, id);
        CodeAction action = Assert.Single(actions, a => a.Title == title);

        Document fixedDocument = await ApplyAsync(document, action);

        Assert.Equal(Normalize(after), Normalize((await fixedDocument.GetTextAsync()).ToString()));
        (ImmutableArray<Diagnostic> diagnostics, ImmutableArray<Diagnostic> errors, int generated) = await RunGeneratorAsync(fixedDocument);
        Assert.DoesNotContain(diagnostics, d => d.Id == id);
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.True(errors.IsEmpty, string.Join(Environment.NewLine, errors));
        Assert.True(generated > 0, "the fixed declaration generated no source");
    }

    // Raw string literals in this file end lines with \n; the fixes keep whatever the document uses.
    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);
}
