using System;

namespace NetGen;

/// <summary>
/// Cosine annealing (Loshchilov and Hutter 2017, without restarts): over <see cref="Period"/> steps the rate falls from
/// the initial rate to <see cref="MinimumLearningRate"/> along half a cosine,
/// <c>lr(t) = min + (initial - min) * (1 + cos(pi * t / period)) / 2</c>, and stays at the minimum afterwards.
/// </summary>
/// <remarks>
/// Within the period this is PyTorch's <c>CosineAnnealingLR</c>; beyond it PyTorch's closed form would climb back up
/// (the cosine is periodic), which is rarely wanted when a run is extended, so the rate holds at the minimum instead.
/// </remarks>
public sealed class CosineAnnealingSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialLearningRate">The rate of the first step; positive and finite.</param>
    /// <param name="period">The number of steps from the initial rate to the minimum; at least 1 (usually the run's step count).</param>
    /// <param name="minimumLearningRate">The final rate; zero or positive, below the initial rate.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public CosineAnnealingSchedule(float initialLearningRate, long period, float minimumLearningRate = 0f)
    {
        InitialLearningRate = ScheduleGuard.Rate(initialLearningRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        if (!(minimumLearningRate >= 0f && minimumLearningRate <= initialLearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(minimumLearningRate), minimumLearningRate,
                "The minimum learning rate must be zero or positive and at most the initial learning rate.");
        }
        Period = period;
        MinimumLearningRate = minimumLearningRate;
    }

    /// <summary>The rate of the first step.</summary>
    public float InitialLearningRate { get; }

    /// <summary>The number of steps from the initial rate to the minimum.</summary>
    public long Period { get; }

    /// <summary>The rate at and after the end of the period.</summary>
    public float MinimumLearningRate { get; }

    /// <inheritdoc/>
    public float GetLearningRate(long step)
    {
        ScheduleGuard.Step(step);
        if (step >= Period)
        {
            return MinimumLearningRate;
        }
        double cosine = Math.Cos(Math.PI * step / Period);
        return (float)(MinimumLearningRate + (InitialLearningRate - (double)MinimumLearningRate) * (1 + cosine) / 2);
    }
}
