namespace NetGen;

/// <summary>
/// A learning rate as a function of the training step. Schedules count <b>optimizer steps</b> (mini-batch updates), not
/// epochs: warm-up and 1/sqrt(t) decay need that resolution, and the step count is what an optimizer and a checkpoint
/// already keep. For a schedule stated in epochs, wrap it in a <see cref="PerEpochSchedule"/>.
/// </summary>
/// <remarks>
/// A schedule is a pure function of the step: it keeps no state, so a run resumed from a checkpoint (which stores the
/// step) continues on the same curve. Schedules compose by wrapping: <c>new LinearWarmupSchedule(new
/// CosineAnnealingSchedule(0.1f, 10_000), warmupSteps: 500)</c> warms up for 500 steps and then anneals over 10,000.
/// The <see cref="Trainer"/> sets <see cref="IOptimizer.LearningRate"/> from the schedule before every update when
/// <see cref="TrainerOptions.LearningRateSchedule"/> is set.
/// </remarks>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate for an update.</summary>
    /// <param name="step">The number of updates made before this one: 0 for the first update of a run.</param>
    /// <returns>A rate that is zero or positive and finite.</returns>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    float GetLearningRate(long step);
}
