using System;
using System.Runtime.InteropServices;
using Xunit;

namespace NetGen.Numerics.Tests;

/// <summary>
/// The Vector256 and Vector128 bodies run a dense product with many rows in k blocks over packed panels of the weights,
/// and one with few rows (a single sample, a small part of a split batch) without. Each output's sum runs over k in the
/// same order either way, partial sums stored and reloaded exactly, so the results must be bit-identical.
/// </summary>
public sealed class BlockedProductTests
{
    // 203 rows: two full blocks of 96 rows and one of 11 (6 + 4 + 1 row tiles); MnistMlp's k = 784 is 4 k blocks in the
    // Vector256 body and 2 in the Vector128 one. Single samples take the unblocked loops.
    private const int Batch = 203;

    [Fact]
    public void A_blocked_batch_forward_equals_each_sample_forward_bit_for_bit()
    {
        var model = new MnistMlp();
        model.InitializeParameters(seed: 5);
        RandomizeBiases(model);
        var (inputs, _) = GradientCase.Data(model, Batch, seed: 6);
        var batched = new float[Batch * MnistMlp.OutputSize];
        model.Forward(inputs, batched, Batch);
        var single = new float[MnistMlp.OutputSize];
        for (int r = 0; r < Batch; r++)
        {
            model.Forward(inputs.AsSpan(r * MnistMlp.InputSize, MnistMlp.InputSize), single);
            Assert.True(
                MemoryMarshal.AsBytes(single.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(batched.AsSpan(r * MnistMlp.OutputSize, MnistMlp.OutputSize))),
                $"sample {r}: the batched forward differs from the single-sample one");
        }
    }

    [Fact]
    public void Input_gradients_of_a_blocked_step_equal_those_of_a_step_split_into_unblocked_parts_bit_for_bit()
    {
        // 22 rows: one part of 22 (blocked) on one thread, two parts of 11 (unblocked, below 12 rows) on two threads. Each
        // row of the input gradient dz W^T depends on its own row only, so the two must agree bit for bit.
        const int batch = 22;
        float[] InputGradients(int threads)
        {
            var model = new MnistMlp { Threads = threads };
            model.InitializeParameters(seed: 8);
            var (inputs, targets) = GradientCase.Data(model, batch, seed: 9);
            var gradients = new float[inputs.Length];
            model.TrainStep(inputs, targets, batch, gradients);
            return gradients;
        }

        float[] whole = InputGradients(1), split = InputGradients(2);
        Assert.True(MemoryMarshal.AsBytes(whole.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(split.AsSpan())), "input gradients differ");
        Assert.Contains(whole, g => g != 0f);
    }

    // Nonzero biases, so that a k block that starts again from the bias instead of the partial sum shows.
    private static void RandomizeBiases(MnistMlp model)
    {
        var random = new Random(10);
        foreach (LayerDescription layer in MnistMlp.Description.Layers)
        {
            Span<float> bias = model.Parameters.AsSpan(layer.BiasOffset, layer.BiasLength);
            for (int i = 0; i < bias.Length; i++)
            {
                bias[i] = (float)(random.NextDouble() - 0.5);
            }
        }
    }
}
