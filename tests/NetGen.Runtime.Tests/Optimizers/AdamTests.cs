using System;
using Xunit;

namespace NetGen.Runtime.Tests.Optimizers;

public sealed class AdamTests
{
    // Adam's step is at most about lr per element (|m_hat / sqrt(v_hat)| <= ~1), computed with ~12 float roundings of
    // relative size 6e-8, and p (magnitude <= 2) is rounded once per step (1.2e-7). Over 5 steps that is below
    // 5 * (1.2e-7 + 12 * 6e-8 * lr) < 1e-6; 5e-6 leaves margin, while a missing bias correction changes a step by ~lr.
    private const double Tolerance = 5e-6;

    [Fact]
    public void Adam_matches_hand_computed_first_steps()
    {
        // p = 1, g = 0.2, lr = 0.1, default betas, eps 1e-8.
        // Step 1: m = 0.02, v = 4e-5; m_hat = 0.2, v_hat = 0.04; p = 1 - 0.1 * 0.2 / (0.2 + 1e-8) = 0.90000000500.
        // Step 2 (g = 0.2 again): m_hat = 0.2, v_hat = 0.04 again, so p moves by the same 0.1: p = 0.80000001.
        var adam = new Adam(0.1f);
        float[] p = [1f];
        adam.Step(p, [0.2f]);
        // Tolerance: p is a float near 0.9 (ulp 6e-8) and the step carries a few roundings of relative size 6e-8.
        Assert.Equal(0.900000005, p[0], 2e-7);
        adam.Step(p, [0.2f]);
        Assert.Equal(0.80000001, p[0], 2e-7);
        Assert.Equal(2, adam.StepCount);
    }

    [Theory]
    [InlineData(0.9f, 0.999f, 0f)]
    [InlineData(0.5f, 0.9f, 0f)]
    [InlineData(0.9f, 0.999f, 0.01f)]
    [InlineData(0f, 0f, 0.1f)]
    public void Adam_matches_the_PyTorch_update_formula_over_several_steps(float beta1, float beta2, float weightDecay)
    {
        const int length = 37;
        const float lr = 0.01f, eps = 1e-8f;
        float[] parameters = ReferenceOptimizers.RandomValues(length, seed: 11, scale: 1f);
        double[] expected = ReferenceOptimizers.ToDouble(parameters);
        double[] m = new double[length], v = new double[length];
        var adam = new Adam(lr, beta1, beta2, eps, weightDecay);

        for (int t = 1; t <= 5; t++)
        {
            float[] gradients = ReferenceOptimizers.RandomValues(length, seed: 200 + t, scale: 0.5f);
            adam.Step(parameters, gradients);
            ReferenceOptimizers.Adam(expected, m, v, gradients, t, lr, beta1, beta2, eps, weightDecay);
        }

        for (int i = 0; i < length; i++)
        {
            Assert.Equal(expected[i], parameters[i], Tolerance);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(19)]
    [InlineData(64)]
    public void Adam_updates_every_element_in_the_vector_body_and_the_scalar_tail(int length)
    {
        float[] parameters = ReferenceOptimizers.RandomValues(length, seed: 12, scale: 1f);
        double[] expected = ReferenceOptimizers.ToDouble(parameters);
        double[] m = new double[length], v = new double[length];
        var adam = new Adam(0.05f, weightDecay: 0.01f);

        for (int t = 1; t <= 3; t++)
        {
            float[] gradients = ReferenceOptimizers.RandomValues(length, seed: 300 + t, scale: 1f);
            adam.Step(parameters, gradients);
            ReferenceOptimizers.Adam(expected, m, v, gradients, t, 0.05f, 0.9f, 0.999f, 1e-8f, 0.01f);
        }

        for (int i = 0; i < length; i++)
        {
            Assert.Equal(expected[i], parameters[i], Tolerance);
        }
    }

    [Fact]
    public void Adam_gives_bit_identical_updates_in_the_vector_body_and_the_scalar_tail()
    {
        float[] parameters = new float[19];
        float[] gradients = new float[19];
        parameters.AsSpan().Fill(-0.4f);
        gradients.AsSpan().Fill(0.0123f);
        var adam = new Adam(0.003f, weightDecay: 0.02f);

        for (int step = 0; step < 4; step++)
        {
            adam.Step(parameters, gradients);
        }

        Assert.All(parameters, p => Assert.Equal(BitConverter.SingleToInt32Bits(parameters[0]), BitConverter.SingleToInt32Bits(p)));
    }

    [Fact]
    public void Adam_does_not_allocate_after_the_first_step()
    {
        var adam = new Adam();
        float[] parameters = new float[1000];
        float[] gradients = ReferenceOptimizers.RandomValues(1000, seed: 13, scale: 1f);
        adam.Step(parameters, gradients);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            adam.Step(parameters, gradients);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void Adam_rejects_a_buffer_of_another_length_until_reset()
    {
        var adam = new Adam();
        adam.Step(new float[16], new float[16]);

        var error = Assert.Throws<ArgumentException>(() => adam.Step(new float[3], new float[3]));
        Assert.Contains("holds state for 16 parameters but was given 3", error.Message);

        adam.Reset();
        Assert.Equal(0, adam.StepCount);
        adam.Step(new float[3], new float[3]);
    }

    [Fact]
    public void Adam_rejects_gradients_of_another_length()
    {
        var error = Assert.Throws<ArgumentException>(() => new Adam().Step(new float[4], new float[3]));
        Assert.Equal("gradients", error.ParamName);
    }

    [Theory]
    [InlineData(0f, 0.9f, 0.999f, 1e-8f, 0f)]
    [InlineData(float.NaN, 0.9f, 0.999f, 1e-8f, 0f)]
    [InlineData(1e-3f, 1f, 0.999f, 1e-8f, 0f)]
    [InlineData(1e-3f, -0.1f, 0.999f, 1e-8f, 0f)]
    [InlineData(1e-3f, 0.9f, 1f, 1e-8f, 0f)]
    [InlineData(1e-3f, 0.9f, 0.999f, 0f, 0f)]
    [InlineData(1e-3f, 0.9f, 0.999f, float.NaN, 0f)]
    [InlineData(1e-3f, 0.9f, 0.999f, 1e-8f, -0.1f)]
    public void Adam_rejects_arguments_outside_their_range(float lr, float beta1, float beta2, float epsilon, float weightDecay)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(lr, beta1, beta2, epsilon, weightDecay));
    }
}
