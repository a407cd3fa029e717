using System;

namespace NetGen;

/// <summary>
/// Step decay, as PyTorch's <c>StepLR</c>: the rate is multiplied by <see cref="Gamma"/> every <see cref="StepSize"/>
/// steps, <c>lr(t) = initial * gamma^floor(t / stepSize)</c>.
/// </summary>
public sealed class StepDecaySchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialLearningRate">The rate of the first <paramref name="stepSize"/> steps; positive and finite.</param>
    /// <param name="stepSize">The number of steps between decays; at least 1.</param>
    /// <param name="gamma">The factor applied at each decay; positive (0.1 is usual).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public StepDecaySchedule(float initialLearningRate, long stepSize, float gamma = 0.1f)
    {
        InitialLearningRate = ScheduleGuard.Rate(initialLearningRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        StepSize = stepSize;
        Gamma = ScheduleGuard.Factor(gamma);
    }

    /// <summary>The rate before the first decay.</summary>
    public float InitialLearningRate { get; }

    /// <summary>The number of steps between decays.</summary>
    public long StepSize { get; }

    /// <summary>The factor applied at each decay.</summary>
    public float Gamma { get; }

    /// <inheritdoc/>
    public float GetLearningRate(long step)
    {
        ScheduleGuard.Step(step);
        return (float)(InitialLearningRate * Math.Pow(Gamma, step / StepSize));
    }
}
