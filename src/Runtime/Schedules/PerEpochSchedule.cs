using System;

namespace NetGen;

/// <summary>
/// Adapts a schedule written in epochs to the step clock of <see cref="ILearningRateSchedule"/>: step <c>t</c> gets
/// <c>inner(floor(t / stepsPerEpoch))</c>, so the rate changes only at epoch boundaries, as PyTorch's schedulers do when
/// <c>scheduler.step()</c> is called once per epoch. For example <c>new PerEpochSchedule(new StepDecaySchedule(0.1f,
/// stepSize: 30), stepsPerEpoch: 469)</c> divides the rate by 10 every 30 epochs of 469 batches.
/// </summary>
public sealed class PerEpochSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="inner">A schedule whose "step" argument is the zero-based epoch.</param>
    /// <param name="stepsPerEpoch">
    /// The updates per epoch; at least 1. For the <see cref="Trainer"/> that is <c>ceil(trainingSamples / batchSize)</c>,
    /// see <see cref="TrainerOptions.StepsPerEpoch"/>.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepsPerEpoch"/> is less than 1.</exception>
    public PerEpochSchedule(ILearningRateSchedule inner, long stepsPerEpoch)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepsPerEpoch);
        Inner = inner;
        StepsPerEpoch = stepsPerEpoch;
    }

    /// <summary>The schedule over epochs.</summary>
    public ILearningRateSchedule Inner { get; }

    /// <summary>The updates per epoch.</summary>
    public long StepsPerEpoch { get; }

    /// <inheritdoc/>
    public float GetLearningRate(long step)
    {
        ScheduleGuard.Step(step);
        return Inner.GetLearningRate(step / StepsPerEpoch);
    }
}
