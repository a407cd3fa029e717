using System;
using Xunit;

namespace NetGen.Runtime.Tests.Optimizers;

public sealed class SgdTests
{
    // Each step rounds a handful of float operations on values of magnitude <= 2 (half an ulp is 1.2e-7 there), and the
    // errors of 5 steps add up: 5 steps * ~4 roundings * 1.2e-7 is below 2.4e-6, so 5e-6 holds with margin while a
    // wrong formula (a missing decay term, a sign error) is off by at least 1e-3.
    private const double Tolerance = 5e-6;

    [Theory]
    [InlineData(0f, 0f)]
    [InlineData(0.9f, 0f)]
    [InlineData(0f, 0.01f)]
    [InlineData(0.9f, 0.05f)]
    public void Sgd_matches_the_PyTorch_update_formula_over_several_steps(float momentum, float weightDecay)
    {
        const int length = 37;
        const float lr = 0.1f;
        float[] parameters = ReferenceOptimizers.RandomValues(length, seed: 1, scale: 1f);
        double[] expected = ReferenceOptimizers.ToDouble(parameters);
        double[] velocity = new double[length];
        var sgd = new Sgd(lr, momentum, weightDecay);

        for (int step = 0; step < 5; step++)
        {
            float[] gradients = ReferenceOptimizers.RandomValues(length, seed: 100 + step, scale: 0.5f);
            sgd.Step(parameters, gradients);
            ReferenceOptimizers.Sgd(expected, velocity, gradients, lr, momentum, weightDecay);
        }

        for (int i = 0; i < length; i++)
        {
            Assert.Equal(expected[i], parameters[i], Tolerance);
        }
    }

    [Fact]
    public void Sgd_momentum_matches_hand_computed_steps()
    {
        // p = 1, g = 0.5 every step, lr = 0.1, mu = 0.9:
        // v1 = 0.5, p1 = 1 - 0.05 = 0.95; v2 = 0.45 + 0.5 = 0.95, p2 = 0.95 - 0.095 = 0.855.
        var sgd = new Sgd(0.1f, momentum: 0.9f);
        float[] p = [1f];
        sgd.Step(p, [0.5f]);
        Assert.Equal(0.95f, p[0], 1e-6f);
        sgd.Step(p, [0.5f]);
        Assert.Equal(0.855f, p[0], 1e-6f);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(19)]
    [InlineData(64)]
    public void Sgd_updates_every_element_in_the_vector_body_and_the_scalar_tail(int length)
    {
        float[] parameters = ReferenceOptimizers.RandomValues(length, seed: 2, scale: 1f);
        float[] gradients = ReferenceOptimizers.RandomValues(length, seed: 3, scale: 1f);
        double[] expected = ReferenceOptimizers.ToDouble(parameters);
        var sgd = new Sgd(0.05f, momentum: 0.5f, weightDecay: 0.1f);

        for (int step = 0; step < 3; step++)
        {
            sgd.Step(parameters, gradients);
        }
        double[] velocity = new double[length];
        for (int step = 0; step < 3; step++)
        {
            ReferenceOptimizers.Sgd(expected, velocity, gradients, 0.05f, 0.5f, 0.1f);
        }

        for (int i = 0; i < length; i++)
        {
            Assert.Equal(expected[i], parameters[i], Tolerance);
        }
    }

    [Fact]
    public void Sgd_gives_bit_identical_updates_in_the_vector_body_and_the_scalar_tail()
    {
        // 19 = two vectors of 8 and a tail of 3: equal inputs must give equal bits wherever an element falls.
        float[] parameters = new float[19];
        float[] gradients = new float[19];
        parameters.AsSpan().Fill(0.3f);
        gradients.AsSpan().Fill(-0.7f);
        var sgd = new Sgd(0.013f, momentum: 0.9f, weightDecay: 0.01f);

        for (int step = 0; step < 4; step++)
        {
            sgd.Step(parameters, gradients);
        }

        Assert.All(parameters, p => Assert.Equal(BitConverter.SingleToInt32Bits(parameters[0]), BitConverter.SingleToInt32Bits(p)));
    }

    [Fact]
    public void Sgd_does_not_allocate_after_the_first_step()
    {
        var sgd = new Sgd(0.01f, momentum: 0.9f);
        float[] parameters = new float[1000];
        float[] gradients = ReferenceOptimizers.RandomValues(1000, seed: 4, scale: 1f);
        sgd.Step(parameters, gradients);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            sgd.Step(parameters, gradients);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void Sgd_without_momentum_keeps_no_state_so_buffer_length_may_change()
    {
        var sgd = new Sgd(0.1f);
        sgd.Step(new float[8], new float[8]);
        float[] p = [1f, 2f, 3f];
        sgd.Step(p, [1f, 1f, 1f]);
        Assert.Equal([0.9f, 1.9f, 2.9f], p);
    }

    [Fact]
    public void Sgd_with_momentum_rejects_a_buffer_of_another_length_until_reset()
    {
        var sgd = new Sgd(0.1f, momentum: 0.9f);
        sgd.Step(new float[8], new float[8]);

        var error = Assert.Throws<ArgumentException>(() => sgd.Step(new float[9], new float[9]));
        Assert.Contains("holds state for 8 parameters but was given 9", error.Message);

        sgd.Reset();
        sgd.Step(new float[9], new float[9]);
    }

    [Fact]
    public void Sgd_rejects_gradients_of_another_length()
    {
        var sgd = new Sgd(0.1f);
        var error = Assert.Throws<ArgumentException>(() => sgd.Step(new float[4], new float[5]));
        Assert.Equal("gradients", error.ParamName);
    }

    [Theory]
    [InlineData(0f, 0f, 0f)]
    [InlineData(-0.1f, 0f, 0f)]
    [InlineData(float.NaN, 0f, 0f)]
    [InlineData(float.PositiveInfinity, 0f, 0f)]
    [InlineData(0.1f, 1f, 0f)]
    [InlineData(0.1f, -0.1f, 0f)]
    [InlineData(0.1f, float.NaN, 0f)]
    [InlineData(0.1f, 0f, -1f)]
    [InlineData(0.1f, 0f, float.PositiveInfinity)]
    public void Sgd_rejects_arguments_outside_their_range(float lr, float momentum, float weightDecay)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(lr, momentum, weightDecay));
    }

    [Fact]
    public void Sgd_learning_rate_can_be_changed_but_only_to_a_non_negative_finite_value()
    {
        var sgd = new Sgd(0.1f) { LearningRate = 0.5f };
        Assert.Equal(0.5f, sgd.LearningRate);
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = -0.1f);
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = float.NaN);
        Assert.Equal(0.5f, sgd.LearningRate);
    }
}
