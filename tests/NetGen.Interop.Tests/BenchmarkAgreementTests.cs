using System;
using NetGen.Benchmarks;
using Xunit;

namespace NetGen.Interop.Tests;

/// <summary>
/// The checks every benchmark of benchmarks/NetGen.Benchmarks runs before it measures (one thread here): TorchSharp's and
/// ONNX Runtime's outputs, and TorchSharp's training loss and gradients, agree with NetGen's at relative 1e-4. A setup
/// throws on disagreement, so each test passes exactly when the benchmark would measure equal computations.
/// </summary>
public sealed class BenchmarkAgreementTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(256)]
    public void Mlp_inference_engines_agree(int batch)
    {
        var benchmark = new MlpInference { Batch = batch };
        benchmark.SetupNetGen();
        benchmark.Cleanup();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(256)]
    public void LeNet5_inference_engines_agree(int batch)
    {
        var benchmark = new LeNet5Inference { Batch = batch };
        benchmark.SetupNetGen();
        benchmark.Cleanup();
    }

    [Theory]
    [InlineData(64)]
    [InlineData(256)]
    public void Mlp_training_steps_agree(int batch)
    {
        var benchmark = new MlpTraining { Batch = batch };
        benchmark.SetupNetGen();
        benchmark.Cleanup();
    }

    [Theory]
    [InlineData(64)]
    [InlineData(256)]
    public void LeNet5_training_steps_agree(int batch)
    {
        var benchmark = new LeNet5Training { Batch = batch };
        benchmark.SetupNetGen();
        benchmark.Cleanup();
    }

    [Fact]
    public void The_check_refuses_a_result_off_by_more_than_1e_4_of_its_scale()
    {
        float[] netgen = { 1f, -2f, 0.5f };

        Agreement.Check("close", netgen, new[] { 1f, -2.0002f, 0.5f });
        var error = Assert.Throws<InvalidOperationException>(() => Agreement.Check("off", netgen, new[] { 1f, -2f, 0.5012f }));

        Assert.Contains("off disagree at [2]", error.Message);
    }
}
