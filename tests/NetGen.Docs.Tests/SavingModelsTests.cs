using System;
using System.IO;
using Xunit;

namespace NetGen.Docs.Tests;

/// <summary>docs/saving-models.md: save with standardizer and class names, load in a fresh network, streams, and the two refusals.</summary>
public sealed class SavingModelsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-docs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_saving_program_restores_the_model_and_refuses_another_architecture_and_a_damaged_file()
    {
        GuideProgram program = GuideProgram.Build("saving", _folder);
        string output = program.Run(_folder);
        GuideProgram.AssertMatchesGuideOutput("saving", output);
        Assert.True(output.Contains("CRC", StringComparison.Ordinal), output);
    }
}
