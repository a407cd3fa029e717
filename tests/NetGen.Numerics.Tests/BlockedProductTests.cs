using System;
using System.Runtime.InteropServices;
using Xunit;

namespace NetGen.Numerics.Tests;

/// <summary>
/// The Vector256 and Vector128 bodies run a dense product with many rows in k blocks over packed panels of the weights,
/// one with few rows (a small part of a split batch) without, and a single row, when the weights do not fit in L1, in k
/// blocks of its own over the unpacked weights. Each output's sum runs over k in the same order either way, partial sums
/// stored and reloaded exactly, so the results must be bit-identical.
/// </summary>
public sealed class BlockedProductTests
{
    // 527 rows: two full blocks of 258 rows and one of 11 (6 + 4 + 1 row tiles); MnistMlp's k = 784 is 4 k blocks in the
    // Vector256 body and 2 in the Vector128 one. Single samples take the one-row loops, in k blocks of their own.
    private const int Batch = 527;

    public static TheoryData<string> Models() => new() { nameof(MnistMlp), nameof(OneRowBlocksNet) };

    private static ITrainableNetwork Create(string name) => name == nameof(MnistMlp) ? new MnistMlp() : new OneRowBlocksNet();

    [Theory]
    [MemberData(nameof(Models))]
    public void A_blocked_batch_forward_equals_each_sample_forward_bit_for_bit(string name)
    {
        ITrainableNetwork model = Create(name);
        model.InitializeParameters(seed: 5);
        RandomizeBiases(model);
        var (inputs, _) = GradientCase.Data(model, Batch, seed: 6);
        var batched = new float[Batch * model.OutputSize];
        model.Forward(inputs, batched, Batch);
        var single = new float[model.OutputSize];
        for (int r = 0; r < Batch; r++)
        {
            model.Forward(inputs.AsSpan(r * model.InputSize, model.InputSize), single);
            Assert.True(
                MemoryMarshal.AsBytes(single.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(batched.AsSpan(r * model.OutputSize, model.OutputSize))),
                $"sample {r}: the batched forward differs from the single-sample one");
        }
    }

    [Fact]
    public void A_single_sample_forward_in_k_blocks_matches_the_double_precision_reference()
    {
        var model = new OneRowBlocksNet();
        model.InitializeParameters(seed: 12);
        RandomizeBiases(model);
        var reference = new ReferenceNetwork(OneRowBlocksNet.InputSize, LossKind.SoftmaxCrossEntropy,
            new ReferenceDense(100, Activation.Tanh), new ReferenceDense(80, Activation.ReLU), new ReferenceDense(10));
        const int samples = 5;
        var (inputs, targets) = GradientCase.Data(model, samples, seed: 13);
        double[] expected = reference.Run(model.Parameters, inputs, targets, samples).Outputs;
        var output = new float[OneRowBlocksNet.OutputSize];
        for (int r = 0; r < samples; r++)
        {
            model.Forward(inputs.AsSpan(r * OneRowBlocksNet.InputSize, OneRowBlocksNet.InputSize), output);
            for (int j = 0; j < output.Length; j++)
            {
                // float32 against float64: the first layer sums 301 products of O(1) terms (weights ~ 0.1, inputs in
                // [-1, 1]), each rounded to a relative 6e-8: about 2e-6 after three layers at worst. 1e-5 absolute and
                // relative is 5x that, and far below what a block restarting from the bias or a lost k block gives.
                double e = expected[r * OneRowBlocksNet.OutputSize + j];
                Assert.True(Math.Abs(e - output[j]) <= 1e-5 + 1e-5 * Math.Abs(e), $"sample {r}, output {j}: reference {e:G9}, generated {output[j]:G9}");
            }
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
    private static void RandomizeBiases(ITrainableNetwork model)
    {
        var random = new Random(10);
        foreach (LayerDescription layer in model is MnistMlp ? MnistMlp.Description.Layers : OneRowBlocksNet.Description.Layers)
        {
            Span<float> bias = model.Parameters.AsSpan(layer.BiasOffset, layer.BiasLength);
            for (int i = 0; i < bias.Length; i++)
            {
                bias[i] = (float)(random.NextDouble() - 0.5);
            }
        }
    }
}
