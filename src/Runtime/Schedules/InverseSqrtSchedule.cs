using System;

namespace NetGen;

/// <summary>
/// Inverse square-root decay, <c>eta(t) = eta0 / sqrt(t)</c> with <c>t</c> counted from 1 (the first update uses eta0):
/// the classic rate of stochastic gradient descent, which shrinks fast enough to converge and slowly enough to keep
/// making progress. In terms of <see cref="ILearningRateSchedule.GetLearningRate"/>'s zero-based step,
/// <c>lr(step) = eta0 / sqrt(step + 1)</c>.
/// </summary>
public sealed class InverseSqrtSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialLearningRate">eta0, the rate of the first update; positive and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">The rate is not positive and finite.</exception>
    public InverseSqrtSchedule(float initialLearningRate) => InitialLearningRate = ScheduleGuard.Rate(initialLearningRate);

    /// <summary>eta0, the rate of the first update.</summary>
    public float InitialLearningRate { get; }

    /// <inheritdoc/>
    public float GetLearningRate(long step)
    {
        ScheduleGuard.Step(step);
        return (float)(InitialLearningRate / Math.Sqrt(step + 1.0));
    }
}
