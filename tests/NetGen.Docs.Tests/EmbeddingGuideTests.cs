using System;
using System.IO;
using Xunit;

namespace NetGen.Docs.Tests;

/// <summary>docs/embedding.md: the program reads the model embedded in its own assembly and predicts.</summary>
public sealed class EmbeddingGuideTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-docs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_embedded_program_predicts_from_the_model_inside_its_assembly()
    {
        File.Copy(GettingStartedTests.IrisCsv, Path.Combine(_folder, "iris.csv"));
        GuideProgram.Build("iris-train", _folder).Run(_folder);
        string model = Path.Combine(_folder, "iris.ngck");

        GuideProgram embedded = GuideProgram.Build("embedded", _folder, ("iris.ngck", model));
        // Nothing beside the program: the model file is gone, the working folder elsewhere.
        File.Delete(model);
        string elsewhere = Directory.CreateDirectory(Path.Combine(_folder, "elsewhere")).FullName;
        GuideProgram.AssertMatchesGuideOutput("embedded", embedded.Run(elsewhere, "6.3", "2.9", "5.6", "1.8"));
        Assert.Contains("usage:", embedded.RunFailing(elsewhere).Output, StringComparison.Ordinal);

        // Built without the resource, it says what to do.
        GuideProgram empty = GuideProgram.Build("embedded", Directory.CreateDirectory(Path.Combine(_folder, "empty")).FullName);
        Assert.Contains("not embedded", empty.RunFailing(elsewhere, "6.3", "2.9", "5.6", "1.8").Output, StringComparison.Ordinal);
    }
}
