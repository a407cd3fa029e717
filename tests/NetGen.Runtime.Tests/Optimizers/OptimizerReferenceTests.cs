using System;
using Xunit;

namespace NetGen.Runtime.Tests.Optimizers;

/// <summary>
/// Every optimizer against its double-precision reference (ReferenceOptimizers) over 150 steps of a noisy quadratic bowl.
/// </summary>
/// <remarks>
/// Tolerance 1e-5 relative to max(1, |p|), the bound the issue sets against PyTorch. Each step rounds p once (3e-8
/// relative) and rounds the update (of size about lr) a handful of times; the bowl's pull towards 0 damps old errors
/// instead of letting them add up, and the measured worst case over all settings below is under 1e-6, so 1e-5 leaves a
/// 10x margin while a wrong formula (eps inside vs outside the root, decay coupled vs decoupled, a missing bias
/// correction or lr decay) is off by 1e-3 or more within a few steps.
/// </remarks>
public sealed class OptimizerReferenceTests
{
    private const double Tolerance = 1e-5;
    private const int Length = 37;

    [Theory]
    [InlineData(0.05f, 0.9f, 0f)]
    [InlineData(0.05f, 0.9f, 0.01f)]
    [InlineData(0.2f, 0.5f, 0.1f)]
    public void Sgd_with_Nesterov_momentum_matches_the_PyTorch_formula(float lr, float momentum, float weightDecay)
    {
        double[] velocity = new double[Length];
        ReferenceRun.AssertMatches(
            new Sgd(lr, momentum, weightDecay, nesterov: true),
            (p, g, t) => ReferenceOptimizers.SgdNesterov(p, velocity, g, lr, momentum, weightDecay),
            Tolerance);
    }

    [Theory]
    [InlineData(0.1f, 0f, 0f)]
    [InlineData(0.05f, 0.9f, 0.01f)]
    public void Sgd_matches_the_PyTorch_formula_over_150_steps(float lr, float momentum, float weightDecay)
    {
        double[] velocity = new double[Length];
        ReferenceRun.AssertMatches(
            new Sgd(lr, momentum, weightDecay),
            (p, g, t) => ReferenceOptimizers.Sgd(p, velocity, g, lr, momentum, weightDecay),
            Tolerance);
    }

    [Theory]
    [InlineData(1e-3f, 0.9f, 0.999f, 0f)]
    [InlineData(0.01f, 0.9f, 0.999f, 0.01f)]
    public void Adam_matches_the_PyTorch_formula_over_150_steps(float lr, float beta1, float beta2, float weightDecay)
    {
        double[] m = new double[Length], v = new double[Length];
        ReferenceRun.AssertMatches(
            new Adam(lr, beta1, beta2, 1e-8f, weightDecay),
            (p, g, t) => ReferenceOptimizers.Adam(p, m, v, g, t, lr, beta1, beta2, 1e-8f, weightDecay),
            Tolerance);
    }

    [Theory]
    [InlineData(1e-3f, 0.9f, 0.999f, 1e-8f, 1e-2f)]
    [InlineData(0.01f, 0.9f, 0.999f, 1e-8f, 0.1f)]
    [InlineData(0.01f, 0.5f, 0.9f, 1e-6f, 0f)]
    public void AdamW_matches_the_PyTorch_formula(float lr, float beta1, float beta2, float eps, float weightDecay)
    {
        double[] m = new double[Length], v = new double[Length];
        ReferenceRun.AssertMatches(
            new AdamW(lr, beta1, beta2, eps, weightDecay),
            (p, g, t) => ReferenceOptimizers.AdamW(p, m, v, g, t, lr, beta1, beta2, eps, weightDecay),
            Tolerance);
    }

    [Theory]
    [InlineData(0.01f, 0f, 0f, 0f, 1e-10f)]
    [InlineData(0.05f, 0.01f, 0.01f, 0.1f, 1e-10f)]
    [InlineData(0.1f, 0.1f, 0f, 1f, 1e-6f)]
    public void Adagrad_matches_the_PyTorch_formula(float lr, float lrDecay, float weightDecay, float initialAccumulator, float eps)
    {
        double[] sum = new double[Length];
        Array.Fill(sum, initialAccumulator);
        ReferenceRun.AssertMatches(
            new Adagrad(lr, lrDecay, weightDecay, initialAccumulator, eps),
            (p, g, t) => ReferenceOptimizers.Adagrad(p, sum, g, t, lr, lrDecay, weightDecay, eps),
            Tolerance);
    }

    [Theory]
    [InlineData(0.01f, 0.99f, 0f, 0f, false)]
    [InlineData(0.01f, 0.99f, 0.01f, 0f, true)]
    [InlineData(0.005f, 0.9f, 0f, 0.9f, false)]
    [InlineData(0.01f, 0.99f, 0.01f, 0.9f, true)]
    public void RmsProp_matches_the_PyTorch_formula(float lr, float alpha, float weightDecay, float momentum, bool centered)
    {
        double[] squareAvg = new double[Length], buffer = new double[Length], gradAvg = new double[Length];
        ReferenceRun.AssertMatches(
            new RmsProp(lr, alpha, 1e-8f, weightDecay, momentum, centered),
            (p, g, t) => ReferenceOptimizers.RmsProp(p, squareAvg, buffer, gradAvg, g, lr, alpha, 1e-8f, weightDecay, momentum, centered),
            Tolerance);
    }

    [Theory]
    [InlineData(1f, 0.9f, 1e-6f, 0f)]
    [InlineData(1f, 0.9f, 1e-6f, 0.01f)]
    [InlineData(0.5f, 0.5f, 1e-4f, 0f)]
    public void Adadelta_matches_the_PyTorch_formula(float lr, float rho, float eps, float weightDecay)
    {
        double[] squareAvg = new double[Length], accDelta = new double[Length];
        ReferenceRun.AssertMatches(
            new Adadelta(lr, rho, eps, weightDecay),
            (p, g, t) => ReferenceOptimizers.Adadelta(p, squareAvg, accDelta, g, lr, rho, eps, weightDecay),
            Tolerance);
    }

    [Fact]
    public void Nesterov_matches_hand_computed_steps()
    {
        // p = 1, g = 0.5 every step, lr = 0.1, mu = 0.9:
        // step 1: v = 0.5, update = 0.5 + 0.45 = 0.95, p = 0.905; step 2: v = 0.95, update = 0.5 + 0.855 = 1.355, p = 0.7695.
        var sgd = new Sgd(0.1f, momentum: 0.9f, nesterov: true);
        float[] p = [1f];
        sgd.Step(p, [0.5f]);
        Assert.Equal(0.905f, p[0], 1e-6f);
        sgd.Step(p, [0.5f]);
        Assert.Equal(0.7695f, p[0], 1e-6f);
    }

    [Fact]
    public void AdamW_decay_is_decoupled_from_the_gradient_scale()
    {
        // With a zero gradient Adam's moments stay 0, so the only change is the decay p *= 1 - lr*wd = 1 - 0.1*0.5.
        var adamw = new AdamW(0.1f, weightDecay: 0.5f);
        float[] p = [2f];
        adamw.Step(p, [0f]);
        Assert.Equal(2f * 0.95f, p[0], 1e-6f);
    }

    [Fact]
    public void Adagrad_first_step_moves_each_parameter_by_the_learning_rate()
    {
        // sum = g^2, so p -= lr * g / |g| (eps is negligible).
        var adagrad = new Adagrad(0.1f);
        float[] p = [1f, 1f];
        adagrad.Step(p, [3f, -0.02f]);
        Assert.Equal(0.9f, p[0], 1e-6f);
        Assert.Equal(1.1f, p[1], 1e-6f);
    }

    [Fact]
    public void Centered_RmsProp_stays_finite_for_a_constant_gradient()
    {
        // A constant gradient has zero variance, where sq - ga^2 can round below 0; the clamp keeps sqrt real.
        var rms = new RmsProp(1e-3f, alpha: 0.5f, centered: true);
        float[] p = new float[19];
        float[] g = new float[19];
        g.AsSpan().Fill(0.3f);
        for (int t = 0; t < 200; t++)
        {
            rms.Step(p, g);
        }
        Assert.All(p, value => Assert.True(float.IsFinite(value)));
    }
}
