using System;
using Xunit;

namespace NetGen.Runtime.Tests.Optimizers;

public sealed class GradientClippingTests
{
    [Fact]
    public void Gradients_above_the_maximum_norm_are_scaled_as_PyTorch_does()
    {
        // norm = sqrt(9 + 16) = 5; factor = 1 / (5 + 1e-6).
        float[] g = [3f, -4f];
        float norm = GradientClipping.ClipByNorm(g, maxNorm: 1f);

        Assert.Equal(5f, norm);
        Assert.Equal(3.0 / (5 + 1e-6), g[0], 1e-7);
        Assert.Equal(-4.0 / (5 + 1e-6), g[1], 1e-7);
    }

    [Fact]
    public void Gradients_within_the_maximum_norm_are_unchanged()
    {
        float[] g = [3f, -4f];
        Assert.Equal(5f, GradientClipping.ClipByNorm(g, maxNorm: 5.01f));
        Assert.Equal([3f, -4f], g);

        // At exactly the maximum, PyTorch's 1e-6 in the denominator still scales by 5 / (5 + 1e-6).
        GradientClipping.ClipByNorm(g, maxNorm: 5f);
        Assert.Equal(3.0 * 5 / (5 + 1e-6), g[0], 3e-7); // a float near 3 has an ulp of 2.4e-7
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(37)]
    [InlineData(1000)]
    public void The_norm_covers_the_vector_body_and_the_tail(int length)
    {
        float[] g = ReferenceOptimizers.RandomValues(length, seed: 3, scale: 2f);
        double expected = 0;
        foreach (float x in g)
        {
            expected += (double)x * x;
        }
        expected = Math.Sqrt(expected);
        float[] original = (float[])g.Clone();

        float norm = GradientClipping.ClipByNorm(g, maxNorm: 0.5f);

        // The norm is accumulated in double and rounded once to float.
        Assert.Equal(expected, norm, expected * 1e-7);
        double clippedNorm = 0;
        for (int i = 0; i < length; i++)
        {
            Assert.Equal(original[i] * Math.Min(1, 0.5 / (expected + 1e-6)), g[i], 1e-6);
            clippedNorm += (double)g[i] * g[i];
        }
        Assert.True(Math.Sqrt(clippedNorm) <= 0.5 + 1e-6);
    }

    [Fact]
    public void A_non_finite_norm_is_returned_and_the_gradients_are_left_alone()
    {
        float[] g = [1f, float.NaN, 2f];
        Assert.True(float.IsNaN(GradientClipping.ClipByNorm(g, 1f)));
        Assert.Equal(1f, g[0]);
        Assert.Equal(2f, g[2]);
    }

    [Fact]
    public void Clipping_by_value_clamps_each_gradient()
    {
        float[] g = [-3f, -0.5f, 0f, 0.5f, 3f, 1f, -1f, 2f, -2f, 0.25f];
        GradientClipping.ClipByValue(g, 1f);
        Assert.Equal([-1f, -0.5f, 0f, 0.5f, 1f, 1f, -1f, 1f, -1f, 0.25f], g);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Maximum_must_be_positive_and_finite(float max)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByNorm(new float[2], max));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByValue(new float[2], max));
    }
}
