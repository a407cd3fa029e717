using System;
using Xunit;

namespace NetGen.Numerics.Tests;

public sealed class AllocationTests
{
    [Fact]
    public void Training_steps_and_inference_allocate_nothing_after_warm_up()
    {
        var model = new WideNet();
        var (inputs, targets) = GradientCase.Data(model, 16, seed: 1);
        var outputs = new float[16 * WideNet.OutputSize];
        var optimizer = new Adam(1e-3f);
        void Step()
        {
            model.TrainStep(inputs, targets, 16);
            optimizer.Step(model.Parameters, model.Gradients);
            model.Forward(inputs, outputs, 16);
            model.Forward(inputs.AsSpan(0, WideNet.InputSize), outputs.AsSpan(0, WideNet.OutputSize));
            model.Predict(inputs.AsSpan(0, WideNet.InputSize));
            model.EvaluateLoss(inputs, targets, 16);
        }

        Step(); // warm-up: grows the workspaces and the optimizer state once
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            Step();
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Wrong_span_lengths_and_labels_are_clear_argument_errors()
    {
        var model = new SoftmaxNet();
        var inputs = new float[3 * SoftmaxNet.InputSize];
        var ex = Assert.Throws<ArgumentException>(() => model.TrainStep(inputs, new float[2], 3));
        Assert.Contains("targets holds 2 floats", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => model.TrainStep(inputs.AsSpan(1).ToArray(), new float[3], 3));
        Assert.Contains("inputs holds 17 floats", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => model.TrainStep(inputs, new float[] { 0, 4, 1 }, 3));
        Assert.Contains("targets[1] = 4 is not a class index", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => model.TrainStep(inputs, new float[] { 0, 1.5f, 1 }, 3));
        Assert.Contains("targets[1] = 1.5", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.TrainStep(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, 0));
        ex = Assert.Throws<ArgumentException>(() => model.Forward(inputs, new float[5], 3));
        Assert.Contains("outputs holds 5 floats", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new BinaryHingeNet().TrainStep(new float[6], new float[] { 0.5f }, 1));
        Assert.Contains("-1 or +1", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new MultiLabelNet().TrainStep(new float[6], new float[] { 0, 2, 1 }, 1));
        Assert.Contains("in [0, 1]", ex.Message);
    }
}
