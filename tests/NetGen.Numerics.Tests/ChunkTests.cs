using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Xunit;

namespace NetGen.Numerics.Tests;

/// <summary>
/// The layers from the input up to the first dense layer, batch norm or residual block run over chunks of the batch
/// (the generated kernels' ChunkSamples). A batch of two whole chunks and a partial one must give every sample the
/// outputs it gets alone, and the training step of the same batch split over threads into parts shorter than a chunk
/// (which run as one chunk each).
/// </summary>
[Collection(nameof(ParallelTests))] // beside the other split-batch tests: the allocation test counts every thread's allocations
public sealed class ChunkTests
{
    public static IEnumerable<object[]> Models()
    {
        // Conv, pool, conv, pool, flatten: the dense layer above writes the chunks' output gradient.
        yield return new object[] { "small LeNet", (Func<ITrainableNetwork>)(() => new TinyLeNet()) };
        // Dropout inside the chunk: its masks follow the sample's index in the batch.
        yield return new object[] { "conv, dropout, pool, conv", (Func<ITrainableNetwork>)(() => new ChunkedDropoutConvNet()) };
        // The whole network is chunked: the loss's gradient is moved to where the chunks read it.
        yield return new object[] { "conv, avg pool, global avg pool", (Func<ITrainableNetwork>)(() => new StridedDilatedNet()) };
        // Conv and pool, then a residual block (the output gradient is moved) and dropout outside the chunks.
        yield return new object[] { "conv, pool, residual, dropout", (Func<ITrainableNetwork>)(() => new ParallelConvNet()) };
        // One chunked convolution, then batch norm, whose backward pass writes the chunks' output gradient; its batch
        // statistics are summed per part when split, so the split's input gradients are equal up to rounding.
        yield return new object[] { "conv, batch norm", (Func<ITrainableNetwork>)(() => new ParallelConvBatchNormNet()) };
    }

    /// <summary>The generated kernels' ChunkSamples: a constant of the file-local kernel class, read by reflection.</summary>
    private static int ChunkSamples(ITrainableNetwork model)
    {
        string suffix = "__" + model.GetType().Name + "Kernels";
        Type kernels = model.GetType().Assembly.GetTypes().Single(t => t.Name.EndsWith(suffix, StringComparison.Ordinal));
        FieldInfo field = kernels.GetField("ChunkSamples", BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException(model.GetType().Name + " runs no layer in chunks");
        return (int)field.GetRawConstantValue()!;
    }

    /// <summary>Two whole chunks and 3 samples more.</summary>
    private static int BatchOfChunks(ITrainableNetwork model) => 2 * ChunkSamples(model) + 3;

    [Theory]
    [MemberData(nameof(Models))]
    public void Inference_on_several_chunks_gives_each_sample_its_outputs_alone(string name, Func<ITrainableNetwork> create)
    {
        ITrainableNetwork model = create();
        model.InitializeParameters(seed: 4);
        int batch = BatchOfChunks(model);
        var (inputs, _) = GradientCase.Data(model, batch, seed: 21);
        var outputs = new float[batch * model.OutputSize];
        model.Forward(inputs, outputs, batch);

        var alone = new float[model.OutputSize];
        for (int s = 0; s < batch; s++)
        {
            model.Forward(inputs.AsSpan(s * model.InputSize, model.InputSize), alone, 1);
            // A sample's outputs involve that sample only, in the same order of operations: equal, not close.
            Assert.True(alone.AsSpan().SequenceEqual(outputs.AsSpan(s * model.OutputSize, model.OutputSize)), $"{name}: sample {s} of {batch}");
        }

        model.Threads = 3;
        var split = new float[outputs.Length];
        model.Forward(inputs, split, batch);
        Assert.Equal(outputs, split);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_training_step_on_several_chunks_matches_the_batch_split_into_parts_shorter_than_a_chunk(string name, Func<ITrainableNetwork> create)
    {
        ITrainableNetwork chunked = create(), split = create();
        int batch = BatchOfChunks(chunked);
        split.Threads = 3; // parts of (2c + 3) / 3 samples, fewer than the c of a chunk
        var (inputs, targets) = GradientCase.Data(chunked, batch, seed: 22);
        var chunkedInputGradients = new float[inputs.Length];
        var splitInputGradients = new float[inputs.Length];

        // Two steps first, so that the dropout masks depend on the step count as well.
        for (int i = 0; i < 2; i++)
        {
            chunked.TrainStep(inputs, targets, batch);
            split.TrainStep(inputs, targets, batch);
        }
        float chunkedLoss = chunked.TrainStep(inputs, targets, batch, chunkedInputGradients);
        float splitLoss = split.TrainStep(inputs, targets, batch, splitInputGradients);

        // The loss and weight gradients are sums over the samples, in another order when split: float32 rounding of a
        // few hundred terms, 1e-6 and 1e-5 of the largest value; a sample of another chunk's place is off by O(1).
        Assert.True(Math.Abs(chunkedLoss - splitLoss) <= 1e-6 * Math.Abs(chunkedLoss), $"{name}: loss {splitLoss} vs {chunkedLoss}");
        AssertClose(split.Gradients, chunked.Gradients, 1e-5, $"{name}: weight gradients");
        if (chunked.Description.Layers.Any(l => l.Kind == LayerKind.BatchNorm))
        {
            AssertClose(splitInputGradients, chunkedInputGradients, 1e-5, $"{name}: input gradients");
        }
        else
        {
            // The input gradient of a sample only involves that sample: no summation order to differ.
            Assert.Equal(splitInputGradients, chunkedInputGradients);
        }
    }

    private static void AssertClose(float[] expected, float[] actual, double tolerance, string what)
    {
        double scale = expected.Max(e => Math.Abs((double)e));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale, $"{what}: [{i}] {actual[i]} vs {expected[i]} (scale {scale})");
        }
    }
}
