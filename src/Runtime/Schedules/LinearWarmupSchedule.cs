using System;

namespace NetGen;

/// <summary>
/// A linear warm-up in front of another schedule: for the first <see cref="WarmupSteps"/> steps the rate climbs
/// linearly to the inner schedule's first rate, <c>lr(t) = inner(0) * (t + 1) / warmupSteps</c>; afterwards it is the
/// inner schedule shifted by the warm-up, <c>lr(t) = inner(t - warmupSteps)</c>, so the inner schedule's own clock (a
/// cosine period, a decay interval) starts when the warm-up ends.
/// </summary>
/// <remarks>
/// Warm-up keeps the first updates small while adaptive optimizers' moment estimates and batch-norm statistics are still
/// noisy, which lets large-batch runs use a larger peak rate. The first step uses <c>inner(0) / warmupSteps</c> rather
/// than 0, so no update is wasted.
/// </remarks>
public sealed class LinearWarmupSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="inner">The schedule that follows the warm-up.</param>
    /// <param name="warmupSteps">The number of warm-up steps; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="warmupSteps"/> is less than 1.</exception>
    public LinearWarmupSchedule(ILearningRateSchedule inner, long warmupSteps)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(warmupSteps);
        Inner = inner;
        WarmupSteps = warmupSteps;
    }

    /// <summary>The schedule that follows the warm-up.</summary>
    public ILearningRateSchedule Inner { get; }

    /// <summary>The number of warm-up steps.</summary>
    public long WarmupSteps { get; }

    /// <inheritdoc/>
    public float GetLearningRate(long step)
    {
        ScheduleGuard.Step(step);
        if (step < WarmupSteps)
        {
            return (float)(Inner.GetLearningRate(0) * (double)(step + 1) / WarmupSteps);
        }
        return Inner.GetLearningRate(step - WarmupSteps);
    }
}
