namespace NetGen;

/// <summary>The same learning rate at every step.</summary>
public sealed class ConstantSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="learningRate">The rate; positive and finite.</param>
    /// <exception cref="System.ArgumentOutOfRangeException">The rate is not positive and finite.</exception>
    public ConstantSchedule(float learningRate) => LearningRate = ScheduleGuard.Rate(learningRate);

    /// <summary>The rate of every step.</summary>
    public float LearningRate { get; }

    /// <inheritdoc/>
    public float GetLearningRate(long step)
    {
        ScheduleGuard.Step(step);
        return LearningRate;
    }
}
