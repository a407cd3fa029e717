using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace NetGen.Docs.Tests;

/// <summary>docs/embedding.md: the trained checkpoint, listed as the guide's project lists it, is built into the class, which predicts with nothing beside it.</summary>
public sealed class EmbeddingGuideTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-docs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_embedded_program_predicts_with_the_model_built_into_its_class()
    {
        File.Copy(GettingStartedTests.IrisCsv, Path.Combine(_folder, "iris.csv"));
        GuideProgram.Build("iris-train", _folder).Run(_folder);
        string model = Path.Combine(_folder, "iris.ngck");

        GuideProgram embedded = GuideProgram.Build("embedded", _folder, [(ListedCheckpoint(), File.ReadAllBytes(model))]);
        // Nothing beside the program: the model file is gone, the working folder elsewhere.
        File.Delete(model);
        string elsewhere = Directory.CreateDirectory(Path.Combine(_folder, "elsewhere")).FullName;
        GuideProgram.AssertMatchesGuideOutput("embedded", embedded.Run(elsewhere, "6.3", "2.9", "5.6", "1.8"));
        Assert.Contains("usage:", embedded.RunFailing(elsewhere).Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Built_before_the_trainer_has_saved_the_checkpoint_the_embedded_program_gets_NG0050()
    {
        // The build targets hand the generator no copy of a listed file that does not exist.
        GuideCompilation compilation = GuideProgram.Compile("embedded", []);
        Assert.Equal("NG0050", Assert.Single(compilation.GeneratorDiagnostics).Id);
    }

    // The one checkpoint the guide's project file lists as AdditionalFiles, as it spells the path.
    private static string ListedCheckpoint()
    {
        CodeBlock project = Assert.Single(Guides.AllBlocks, b => b.Kind == "project" && b.Arguments.Contains("embedded"));
        return Assert.Single(Regex.Matches(project.Text, "<AdditionalFiles Include=\"([^\"]+)\" />")).Groups[1].Value;
    }
}
