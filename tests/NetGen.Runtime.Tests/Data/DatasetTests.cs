using System;
using Xunit;

namespace NetGen.Runtime.Tests.Data;

public sealed class DatasetTests
{
    // Three samples of 2 inputs and 1 target: sample i has inputs (10i, 10i + 1) and target i.
    private static Dataset Sample() => new([0f, 1f, 10f, 11f, 20f, 21f], [0f, 1f, 2f], inputSize: 2, targetSize: 1);

    [Fact]
    public void Dataset_counts_whole_samples()
    {
        Dataset data = Sample();
        Assert.Equal(3, data.Count);
        Assert.Equal([10f, 11f], data.GetInput(1).ToArray());
        Assert.Equal([2f], data.GetTarget(2).ToArray());
    }

    [Fact]
    public void Dataset_rejects_inputs_that_are_not_whole_samples()
    {
        var error = Assert.Throws<ArgumentException>(() => new Dataset(new float[5], new float[2], inputSize: 2, targetSize: 1));
        Assert.Equal("inputs", error.ParamName);
    }

    [Fact]
    public void Dataset_rejects_targets_for_another_number_of_samples()
    {
        var error = Assert.Throws<ArgumentException>(() => new Dataset(new float[6], new float[2], inputSize: 2, targetSize: 1));
        Assert.Equal("targets", error.ParamName);
        Assert.Contains("must hold 3 floats", error.Message);
    }

    [Fact]
    public void Dataset_rejects_a_sample_size_of_zero()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dataset([], [], inputSize: 0, targetSize: 1));
    }

    [Fact]
    public void Slice_copies_a_range_of_samples()
    {
        Dataset slice = Sample().Slice(1, 2);
        Assert.Equal([10f, 11f, 20f, 21f], slice.Inputs);
        Assert.Equal([1f, 2f], slice.Targets);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sample().Slice(2, 2));
    }

    [Fact]
    public void Subset_copies_samples_in_the_given_order()
    {
        Dataset subset = Sample().Subset([2, 0, 2]);
        Assert.Equal([20f, 21f, 0f, 1f, 20f, 21f], subset.Inputs);
        Assert.Equal([2f, 0f, 2f], subset.Targets);
    }

    [Fact]
    public void CopyBatch_gathers_the_samples_of_a_window_of_the_order()
    {
        float[] inputs = new float[6];
        float[] targets = new float[3];
        inputs.AsSpan().Fill(-1f);

        Sample().CopyBatch([2, 1, 0], start: 1, count: 2, inputs, targets);

        Assert.Equal([10f, 11f, 0f, 1f, -1f, -1f], inputs);
        Assert.Equal([1f, 0f, 0f], targets);
    }

    [Fact]
    public void CopyBatch_rejects_an_index_outside_the_dataset()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Sample().CopyBatch([0, 3], 0, 2, new float[4], new float[2]));
        Assert.Contains("Sample index 3 at position 1", error.Message);
    }

    [Fact]
    public void CopyBatch_rejects_a_destination_that_is_too_short()
    {
        var error = Assert.Throws<ArgumentException>(() => Sample().CopyBatch([0, 1], 0, 2, new float[3], new float[2]));
        Assert.Equal("inputs", error.ParamName);
    }

    [Fact]
    public void CopyBatch_rejects_a_window_beyond_the_order()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Sample().CopyBatch([0, 1], 1, 2, new float[4], new float[2]));
    }
}
