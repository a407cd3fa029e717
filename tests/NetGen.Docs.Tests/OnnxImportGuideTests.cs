using System;
using System.IO;
using Xunit;

namespace NetGen.Docs.Tests;

/// <summary>docs/onnx.md, import: a PyTorch LeNet-5 compiled from its ONNX file computes PyTorch's outputs and trains further.</summary>
public sealed class OnnxImportGuideTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-docs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_imported_network_computes_pytorchs_outputs_and_fine_tunes()
    {
        string fixtures = Path.Combine(Guides.RepositoryRoot(), "tests", "NetGen.Onnx.Tests", "Fixtures");
        foreach (string file in new[] { "lenet5.input.bin", "lenet5.output.bin" })
        {
            File.Copy(Path.Combine(fixtures, file), Path.Combine(_folder, file));
        }
        GuideProgram program = GuideProgram.Build("onnx-import", _folder);
        GuideProgram.AssertMatchesGuideOutput("onnx-import", program.Run(_folder));
    }
}
