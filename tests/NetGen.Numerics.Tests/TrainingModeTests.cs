using System;
using System.Linq;
using Xunit;

namespace NetGen.Numerics.Tests;

public sealed class TrainingModeTests
{
    [Fact]
    public void Input_dropout_drops_about_its_rate_reproducibly_and_inference_keeps_everything()
    {
        const int batch = 500;
        var model = new DropoutNet();
        model.InitializeParameters(seed: 3);
        var (inputs, targets) = GradientCase.Data(model, batch, seed: 1);
        var first = new float[inputs.Length];
        model.TrainStep(inputs, targets, batch, first);

        // A dropped input gets exactly zero gradient; 3000 inputs at rate 0.2 give 600 +- 22 (one standard deviation).
        int dropped = first.Count(g => g == 0f);
        Assert.InRange(dropped, 600 - 5 * 22, 600 + 5 * 22);

        // The next step draws new masks; the same seed and step replay the same ones.
        var second = new float[inputs.Length];
        model.TrainStep(inputs, targets, batch, second);
        Assert.NotEqual(first.Select(g => g == 0f), second.Select(g => g == 0f));
        var replay = new DropoutNet();
        replay.InitializeParameters(seed: 3);
        var again = new float[inputs.Length];
        replay.TrainStep(inputs, targets, batch, again);
        Assert.Equal(first.Select(g => g == 0f), again.Select(g => g == 0f));

        // Inference is deterministic and does not depend on the step.
        var before = new float[batch * DropoutNet.OutputSize];
        var after = new float[batch * DropoutNet.OutputSize];
        model.Forward(inputs, before, batch);
        model.TrainingSteps += 7;
        model.Forward(inputs, after, batch);
        Assert.Equal(before, after);
    }

    [Fact]
    public void Batch_norm_updates_running_statistics_like_pytorch_and_inference_uses_them()
    {
        const int batch = 8;
        var model = new DenseBatchNormNet();
        var (inputs, targets) = GradientCase.Data(model, batch, seed: 2);
        // The dense layer before the batch norm is linear, so its outputs (the batch norm's inputs) are the same in both modes.
        var activations = new float[DenseBatchNormNet.ActivationCount];
        var x = new double[batch, 9];
        for (int s = 0; s < batch; s++)
        {
            model.ForwardAll(inputs.AsSpan(s * 6, 6), activations);
            for (int c = 0; c < 9; c++)
            {
                x[s, c] = activations[DenseBatchNormNet.Dense1OutputOffset + c];
            }
        }

        model.TrainStep(inputs, targets, batch);

        for (int c = 0; c < 9; c++)
        {
            double mean = Enumerable.Range(0, batch).Average(s => x[s, c]);
            double unbiased = Enumerable.Range(0, batch).Sum(s => (x[s, c] - mean) * (x[s, c] - mean)) / (batch - 1);
            // running = 0.9 running + 0.1 batch, from mean 0 and variance 1; float32 sums of 8 terms: 1e-5 is ample.
            Assert.Equal(0.1 * mean, model.Buffers[c], 1e-5);
            Assert.Equal(0.9 + 0.1 * unbiased, model.Buffers[9 + c], 1e-5);
        }

        // Inference normalizes with the running statistics: y = gamma (x - mean) / sqrt(var + eps) + beta, then tanh.
        model.ForwardAll(inputs.AsSpan(0, 6), activations);
        for (int c = 0; c < 9; c++)
        {
            double expected = Math.Tanh(model.BatchNorm1Weights[c] * (x[0, c] - model.Buffers[c]) / Math.Sqrt(model.Buffers[9 + c] + 1e-5) + model.BatchNorm1Bias[c]);
            Assert.Equal(expected, activations[DenseBatchNormNet.BatchNorm1OutputOffset + c], 1e-5);
        }
    }

    [Fact]
    public void Batch_norm_on_single_values_is_a_clear_error()
    {
        var model = new DenseBatchNormNet();
        var ex = Assert.Throws<ArgumentException>(() => model.TrainStep(new float[6], new float[1], 1));
        Assert.Contains("at least 2 samples", ex.Message);
    }
}
