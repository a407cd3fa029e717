using System;

namespace NetGen;

/// <summary>
/// Exponential decay, as PyTorch's <c>ExponentialLR</c>: the rate is multiplied by <see cref="Gamma"/> every step,
/// <c>lr(t) = initial * gamma^t</c>. Per-step decay is steep: a gamma of 0.9999 halves the rate in about 6,900 steps.
/// </summary>
public sealed class ExponentialSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialLearningRate">The rate of the first step; positive and finite.</param>
    /// <param name="gamma">The factor per step; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public ExponentialSchedule(float initialLearningRate, float gamma)
    {
        InitialLearningRate = ScheduleGuard.Rate(initialLearningRate);
        Gamma = ScheduleGuard.Factor(gamma);
    }

    /// <summary>The rate of the first step.</summary>
    public float InitialLearningRate { get; }

    /// <summary>The factor per step.</summary>
    public float Gamma { get; }

    /// <inheritdoc/>
    public float GetLearningRate(long step)
    {
        ScheduleGuard.Step(step);
        double rate = InitialLearningRate * Math.Pow(Gamma, step);
        // A gamma above 1 grows without bound; keep the result a finite float rather than handing infinity to the optimizer.
        return (float)Math.Min(rate, float.MaxValue);
    }
}
