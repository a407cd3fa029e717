using System;
using Xunit;

namespace NetGen.Numerics.Tests;

/// <summary>
/// The Vector256 and Vector128 bodies of a dense layer's weight gradient x^T dz take the batch in blocks of rows (32 rows
/// for 128 outputs, 408 for 10, 816 for 5, 1360 for 3): the first block starts each sum at zero, the next ones continue
/// it from the stored partial sum. GradientTests' batches fit in one block; these batches span several, with a partial
/// last block, for every kind of column tile the blocked loop has: whole vectors (128 outputs), a vector overlapping
/// the one before (10 outputs; 5 in the Vector128 body), which must keep the overlapped columns' sums, and scalar
/// columns (5 and 3 outputs in the Vector256 body, 3 in the Vector128 one). The Vector512 body does not block; CI runs
/// this project in every body.
/// </summary>
public sealed class BlockedWeightGradientTests
{
    [Fact]
    public void Weight_gradients_of_a_batch_of_many_row_blocks_match_the_double_precision_reference_mnist_mlp()
    {
        // 421 rows: 13 blocks of 32 and one of 5 in the first layer, one of 408 and one of 13 in the second.
        Check(new MnistMlp(), new ReferenceNetwork(784, LossKind.SoftmaxCrossEntropy, new ReferenceDense(128, Activation.ReLU), new ReferenceDense(10)), batch: 421);
    }

    [Fact]
    public void Weight_gradients_of_a_batch_of_many_row_blocks_match_the_double_precision_reference_narrow_layers()
    {
        // 1700 rows: blocks of 816 (two, and one of 68) for 5 outputs, of 1360 (one, and one of 340) for 3.
        Check(new IdentityNet(), new ReferenceNetwork(6, LossKind.MeanSquaredError, new ReferenceDense(5), new ReferenceDense(3)), batch: 1700);
    }

    private static void Check(ITrainableNetwork model, ReferenceNetwork reference, int batch)
    {
        model.InitializeParameters(seed: 3);
        var (inputs, targets) = GradientCase.Data(model, batch, seed: 12);
        model.TrainStep(inputs, targets, batch);
        double[] expected = reference.Run(model.Parameters, inputs, targets, batch).ParameterGradients;

        // Each gradient is a mean over the batch of products of O(1) inputs and O(1/batch) output gradients: a sum of up
        // to 1700 terms, plus the forward pass's float32 rounding, stays below 1e-5 of the largest gradient (seen: under 1e-6). A block that
        // restarted from zero would lose all earlier rows (an error of the order of the gradient itself); an overlapping
        // vector that added its block twice would double 1/3 or more of the rows' contribution to some columns.
        double scale = 0;
        foreach (double g in expected)
        {
            scale = Math.Max(scale, Math.Abs(g));
        }
        double tolerance = 1e-5 * scale;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - model.Gradients[i]) <= tolerance,
                $"gradient[{i}] of a batch of {batch} in the Vector{VectorWidthTests.BodyWidth} body: reference {expected[i]:G9}, generated {model.Gradients[i]:G9}");
        }
    }
}
