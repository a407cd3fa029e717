using System;
using System.IO;
using Xunit;

namespace NetGen.Docs.Tests;

/// <summary>docs/onnx.md: the exported files, one with batch normalization and a residual block, run in ONNX Runtime with NetGen's outputs.</summary>
public sealed class OnnxGuideTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-docs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_exported_model_runs_in_onnx_runtime_with_netgens_outputs()
    {
        GuideProgram program = GuideProgram.Build("onnx", _folder);
        GuideProgram.AssertMatchesGuideOutput("onnx", program.Run(_folder));
        Assert.True(File.Exists(Path.Combine(_folder, "digits.onnx")));
        Assert.True(File.Exists(Path.Combine(_folder, "residual.onnx")));
    }
}
