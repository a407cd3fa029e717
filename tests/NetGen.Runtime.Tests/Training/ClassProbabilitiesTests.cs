using System;
using System.Linq;
using Xunit;

namespace NetGen.Runtime.Tests.Training;

public sealed class ClassProbabilitiesTests
{
    [Fact]
    public void Softmax_matches_the_definition()
    {
        float[] logits = [1f, 2f, 0.5f];
        float[] probabilities = new float[3];
        ClassProbabilities.Softmax(logits, probabilities);

        double sum = logits.Sum(z => Math.Exp(z));
        // One float rounding of a value computed in double: within 1 ulp of 0.6 (6e-8).
        for (int j = 0; j < 3; j++)
        {
            Assert.Equal(Math.Exp(logits[j]) / sum, probabilities[j], 1e-7);
        }
    }

    [Fact]
    public void Softmax_of_huge_logits_does_not_overflow()
    {
        // exp(1000) overflows double; shifted by the largest logit it is exp(0) and exp(-1).
        float[] probabilities = new float[2];
        ClassProbabilities.Softmax([1000f, 999f], probabilities);
        Assert.Equal(1 / (1 + Math.Exp(-1)), probabilities[0], 1e-7);
        Assert.Equal(Math.Exp(-1) / (1 + Math.Exp(-1)), probabilities[1], 1e-7);
    }

    [Fact]
    public void Softmax_works_in_place_and_refuses_non_finite_logits_and_mismatched_lengths()
    {
        float[] values = [0f, 0f];
        ClassProbabilities.Softmax(values, values);
        Assert.Equal([0.5f, 0.5f], values);

        Assert.Contains("Logit 1 is NaN", Assert.Throws<ArgumentException>(() => ClassProbabilities.Softmax([0f, float.NaN], new float[2])).Message);
        Assert.Throws<ArgumentException>(() => ClassProbabilities.Softmax([0f, 1f], new float[3]));
        Assert.Throws<ArgumentException>(() => ClassProbabilities.Softmax([], []));
    }

    [Fact]
    public void Binary_cross_entropy_outputs_are_already_probabilities()
    {
        float[] probabilities = new float[2];
        ClassProbabilities.FromOutputs(LossKind.BinaryCrossEntropy, [0.25f, 1f], probabilities);
        Assert.Equal([0.25f, 1f], probabilities);
        Assert.Throws<ArgumentException>(() => ClassProbabilities.FromOutputs(LossKind.BinaryCrossEntropy, [float.NaN, 0f], probabilities));
    }

    [Fact]
    public void A_regression_has_no_class_probabilities()
    {
        var error = Assert.Throws<NotSupportedException>(() => ClassProbabilities.FromOutputs(LossKind.MeanSquaredError, [1f], new float[1]));
        Assert.StartsWith("A network trained with MeanSquaredError has no class probabilities", error.Message);
    }
}
