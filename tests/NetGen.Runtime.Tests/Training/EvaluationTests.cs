using System;
using Xunit;

namespace NetGen.Runtime.Tests.Training;

public sealed class EvaluationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(256)]
    public void Class_label_accuracy_compares_the_largest_output_with_the_label(int batchSize)
    {
        // Outputs are the inputs. Argmaxes: 0, 2, 1, 0 (a tie goes to the first), 2; labels 0, 2, 0, 0, 1: 3 of 5 correct.
        Dataset data = new(
            [
                0.9f, 0.1f, 0.0f,
                0.1f, 0.2f, 0.7f,
                0.3f, 0.6f, 0.1f,
                0.5f, 0.5f, 0.0f,
                0.2f, 0.3f, 0.5f,
            ],
            [0f, 2f, 0f, 0f, 1f],
            inputSize: 3,
            targetSize: 1);
        var model = new IdentityNetwork(size: 3, targetSize: 1, LossKind.SoftmaxCrossEntropy);

        EvaluationResult result = Evaluation.Evaluate(model, data, batchSize);

        Assert.Equal(0.6, result.Accuracy, 1e-12);
        Assert.Equal(5, result.Count);
        Assert.Equal(0.6, Evaluation.Accuracy(model, data, batchSize), 1e-12);
    }

    [Fact]
    public void Mean_loss_weights_each_batch_by_its_size()
    {
        // The loss is the batch mean of the first inputs 1, 2, 3, 4, 10. In batches of 2 the batch means are 1.5, 3.5, 10;
        // weighted by size they give the sample mean 4, unweighted they would give 5.
        Dataset data = new([1f, 0f, 2f, 0f, 3f, 0f, 4f, 0f, 10f, 0f], [0f, 0f, 0f, 0f, 0f], inputSize: 2, targetSize: 1);
        var model = new IdentityNetwork(size: 2, targetSize: 1, LossKind.SoftmaxCrossEntropy);

        Assert.Equal(4.0, Evaluation.Evaluate(model, data, batchSize: 2).Loss, 1e-6);
    }

    [Fact]
    public void Binary_cross_entropy_accuracy_counts_each_output_against_a_half_threshold()
    {
        // Two samples of two outputs; (output >= 0.5) vs (target >= 0.5): right, wrong, right, right.
        Dataset data = new([0.7f, 0.2f, 0.5f, 0.1f], [1f, 1f, 1f, 0f], inputSize: 2, targetSize: 2);
        var model = new IdentityNetwork(size: 2, targetSize: 2, LossKind.BinaryCrossEntropy);

        Assert.Equal(0.75, Evaluation.Evaluate(model, data).Accuracy, 1e-12);
    }

    [Fact]
    public void Single_output_hinge_accuracy_compares_signs()
    {
        // Outputs 0.3, -2, 0, -0.1 against targets +1, -1, -1, +1: right, right, wrong (0 counts as positive), wrong.
        Dataset data = new([0.3f, -2f, 0f, -0.1f], [1f, -1f, -1f, 1f], inputSize: 1, targetSize: 1);
        var model = new IdentityNetwork(size: 1, targetSize: 1, LossKind.Hinge);

        Assert.Equal(0.5, Evaluation.Evaluate(model, data).Accuracy, 1e-12);
    }

    [Fact]
    public void Regression_has_no_accuracy()
    {
        Dataset data = new([1f, 2f, 3f, 4f], [1f, 2f, 3f, 4f], inputSize: 2, targetSize: 2);
        var model = new IdentityNetwork(size: 2, targetSize: 2, LossKind.MeanSquaredError);

        EvaluationResult result = Evaluation.Evaluate(model, data);

        Assert.True(double.IsNaN(result.Accuracy));
        Assert.Equal(2.0, result.Loss, 1e-6);
    }

    [Fact]
    public void Evaluate_rejects_an_empty_dataset_and_a_batch_size_of_zero()
    {
        var model = new IdentityNetwork(size: 1, targetSize: 1, LossKind.Hinge);
        Assert.Throws<ArgumentException>(() => Evaluation.Evaluate(model, new Dataset([], [], 1, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Evaluation.Evaluate(model, new Dataset([1f], [1f], 1, 1), batchSize: 0));
    }
}
