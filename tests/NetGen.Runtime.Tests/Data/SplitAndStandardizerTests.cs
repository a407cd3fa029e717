using System;
using System.Linq;
using Xunit;

namespace NetGen.Runtime.Tests.Data;

public sealed class SplitAndStandardizerTests
{
    private static Dataset Numbered(int count)
    {
        float[] inputs = Enumerable.Range(0, count * 2).Select(i => (float)i).ToArray();
        float[] targets = Enumerable.Range(0, count).Select(i => (float)i).ToArray();
        return new Dataset(inputs, targets, inputSize: 2, targetSize: 1);
    }

    [Fact]
    public void Split_is_a_seeded_partition_of_the_samples()
    {
        Dataset data = Numbered(10);
        DatasetSplit a = data.Split(0.25, seed: 3);
        DatasetSplit b = data.Split(0.25, seed: 3);
        DatasetSplit c = data.Split(0.25, seed: 4);

        Assert.Equal(3, a.Validation.Count); // ceil(10 * 0.25)
        Assert.Equal(7, a.Train.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)i), a.Train.Targets.Concat(a.Validation.Targets).Order());
        Assert.Equal(a.Train.Targets, b.Train.Targets);
        Assert.NotEqual(a.Train.Targets, c.Train.Targets);
        // Inputs travel with their targets: sample i has inputs 2i and 2i + 1.
        for (int i = 0; i < a.Train.Count; i++)
        {
            Assert.Equal([2 * a.Train.Targets[i], 2 * a.Train.Targets[i] + 1], a.Train.GetInput(i).ToArray());
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    [InlineData(0.95)]
    public void Split_rejects_fractions_that_leave_a_part_empty(double fraction)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(10).Split(fraction, seed: 1));
    }

    [Fact]
    public void Standardizer_fits_mean_and_population_std_per_feature()
    {
        // Feature 0: 1, 2, 3, 4 (mean 2.5, std sqrt(1.25)); feature 1 constant 7.
        var data = new Dataset([1f, 7f, 2f, 7f, 3f, 7f, 4f, 7f], new float[4], inputSize: 2, targetSize: 1);
        Standardizer standardizer = Standardizer.Fit(data);

        Assert.Equal([2.5f, 7f], standardizer.Means);
        Assert.Equal((float)Math.Sqrt(1.25), standardizer.Scales[0]);
        Assert.Equal(1f, standardizer.Scales[1]);

        Dataset transformed = standardizer.Transform(data);
        double mean = 0, square = 0;
        for (int i = 0; i < 4; i++)
        {
            mean += transformed.Inputs[2 * i] / 4.0;
            square += transformed.Inputs[2 * i] * (double)transformed.Inputs[2 * i] / 4.0;
            Assert.Equal(0f, transformed.Inputs[2 * i + 1]);
        }
        Assert.Equal(0, mean, 1e-7);
        Assert.Equal(1, square, 1e-6);
        Assert.Equal(1f, data.Inputs[0]); // the original is untouched
    }

    [Fact]
    public void Standardizer_fitted_on_training_data_is_applied_unchanged_to_validation_data()
    {
        Standardizer standardizer = Standardizer.Fit([0f, 2f], featureCount: 1);
        float[] validation = [4f, -2f];
        standardizer.Transform(validation);
        Assert.Equal([3f, -3f], validation);

        var restored = new Standardizer(standardizer.Means.ToArray(), standardizer.Scales.ToArray());
        float[] again = [4f];
        restored.Transform(again);
        Assert.Equal(3f, again[0]);
    }

    [Fact]
    public void Standardizer_rejects_non_finite_inputs_and_mismatched_shapes()
    {
        var error = Assert.Throws<ArgumentException>(() => Standardizer.Fit([1f, 2f, float.NaN, 4f], featureCount: 2));
        Assert.Contains("Sample 1, feature 0 is NaN", error.Message);
        Assert.Throws<ArgumentException>(() => Standardizer.Fit([1f, 2f, 3f], featureCount: 2));
        Assert.Throws<ArgumentException>(() => Standardizer.Fit([1f, 2f], featureCount: 2).Transform(new float[3]));
        Assert.Throws<ArgumentException>(() => new Standardizer([0f], [0f]));
    }
}
