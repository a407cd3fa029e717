using System;
using Xunit;

namespace NetGen.Runtime.Tests.Schedules;

/// <summary>
/// Each schedule against its formula, evaluated in double. Schedules compute in double and round once to float, so the
/// tolerance is one float rounding: relative 6e-8, checked as 1e-7 relative.
/// </summary>
public sealed class ScheduleTests
{
    private static void AssertRate(double expected, float actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-7 * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void Constant_schedule_returns_its_rate_at_every_step()
    {
        var schedule = new ConstantSchedule(0.3f);
        foreach (long t in new long[] { 0, 1, 1000, long.MaxValue })
        {
            Assert.Equal(0.3f, schedule.GetLearningRate(t));
        }
    }

    [Fact]
    public void Step_decay_multiplies_by_gamma_every_step_size_steps()
    {
        var schedule = new StepDecaySchedule(0.1f, stepSize: 30, gamma: 0.5f);
        for (long t = 0; t < 200; t++)
        {
            AssertRate(0.1f * Math.Pow(0.5f, Math.Floor(t / 30.0)), schedule.GetLearningRate(t));
        }
        Assert.Equal(0.1f, schedule.GetLearningRate(29));
        Assert.Equal(0.05f, schedule.GetLearningRate(30));
    }

    [Fact]
    public void Exponential_decay_multiplies_by_gamma_every_step()
    {
        var schedule = new ExponentialSchedule(0.1f, gamma: 0.99f);
        for (long t = 0; t < 500; t++)
        {
            AssertRate(0.1f * Math.Pow(0.99f, t), schedule.GetLearningRate(t));
        }
    }

    [Fact]
    public void Exponential_growth_is_capped_at_the_largest_float()
    {
        Assert.Equal(float.MaxValue, new ExponentialSchedule(1f, gamma: 2f).GetLearningRate(1000));
    }

    [Fact]
    public void Inverse_sqrt_decay_is_eta0_over_sqrt_t_with_t_counted_from_1()
    {
        var schedule = new InverseSqrtSchedule(0.5f);
        Assert.Equal(0.5f, schedule.GetLearningRate(0));
        Assert.Equal(0.25f, schedule.GetLearningRate(3));
        for (long t = 0; t < 1000; t++)
        {
            AssertRate(0.5f / Math.Sqrt(t + 1), schedule.GetLearningRate(t));
        }
    }

    [Fact]
    public void Cosine_annealing_follows_half_a_cosine_to_the_minimum_and_stays_there()
    {
        const double initial = 0.1f, minimum = 0.001f;
        var schedule = new CosineAnnealingSchedule(0.1f, period: 100, minimumLearningRate: 0.001f);
        for (long t = 0; t <= 100; t++)
        {
            AssertRate(minimum + (initial - minimum) * (1 + Math.Cos(Math.PI * t / 100)) / 2, schedule.GetLearningRate(t));
        }
        Assert.Equal(0.1f, schedule.GetLearningRate(0));
        AssertRate((initial + minimum) / 2, schedule.GetLearningRate(50));
        Assert.Equal(0.001f, schedule.GetLearningRate(100));
        Assert.Equal(0.001f, schedule.GetLearningRate(10_000));
    }

    [Fact]
    public void Cosine_annealing_to_zero_reaches_zero_at_the_end_of_the_period()
    {
        var schedule = new CosineAnnealingSchedule(1f, period: 10);
        Assert.Equal(0f, schedule.GetLearningRate(10));
        Assert.True(schedule.GetLearningRate(9) > 0f);
    }

    [Fact]
    public void Linear_warmup_climbs_to_the_inner_rate_and_then_hands_over_with_a_shifted_clock()
    {
        var inner = new CosineAnnealingSchedule(0.2f, period: 50);
        var schedule = new LinearWarmupSchedule(inner, warmupSteps: 10);
        for (long t = 0; t < 10; t++)
        {
            AssertRate(0.2f * (t + 1) / 10.0, schedule.GetLearningRate(t));
        }
        for (long t = 10; t < 100; t++)
        {
            Assert.Equal(inner.GetLearningRate(t - 10), schedule.GetLearningRate(t));
        }
        Assert.Equal(0.2f, schedule.GetLearningRate(9));
        Assert.Equal(0.2f, schedule.GetLearningRate(10));
    }

    [Fact]
    public void Per_epoch_schedule_changes_only_at_epoch_boundaries()
    {
        var schedule = new PerEpochSchedule(new StepDecaySchedule(1f, stepSize: 2, gamma: 0.1f), stepsPerEpoch: 5);
        // Epochs 0 and 1 (steps 0..9) at 1, epochs 2 and 3 (steps 10..19) at 0.1, epoch 4 at 0.01.
        for (long t = 0; t < 25; t++)
        {
            AssertRate(Math.Pow(0.1f, t / 10), schedule.GetLearningRate(t));
        }
    }

    [Fact]
    public void Schedules_compose_warmup_then_per_epoch_exponential()
    {
        var schedule = new LinearWarmupSchedule(new PerEpochSchedule(new ExponentialSchedule(0.1f, 0.5f), stepsPerEpoch: 4), warmupSteps: 4);
        float[] expected = [0.025f, 0.05f, 0.075f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.05f, 0.05f, 0.05f, 0.05f, 0.025f];
        for (int t = 0; t < expected.Length; t++)
        {
            AssertRate(expected[t], schedule.GetLearningRate(t));
        }
    }

    [Fact]
    public void Steps_per_epoch_counts_the_partial_last_batch()
    {
        var options = new TrainerOptions { Epochs = 1, BatchSize = 32 };
        Assert.Equal(4, options.StepsPerEpoch(100));
        Assert.Equal(1, options.StepsPerEpoch(5));
        Assert.Equal(3, options.StepsPerEpoch(96));
    }

    [Fact]
    public void A_negative_step_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(0.1f).GetLearningRate(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearWarmupSchedule(new ConstantSchedule(0.1f), 5).GetLearningRate(-1));
    }

    [Fact]
    public void Arguments_outside_their_range_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecaySchedule(0.1f, stepSize: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecaySchedule(0.1f, stepSize: 10, gamma: 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialSchedule(0.1f, gamma: -0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InverseSqrtSchedule(-1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingSchedule(0.1f, period: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingSchedule(0.1f, period: 10, minimumLearningRate: 0.2f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearWarmupSchedule(new ConstantSchedule(0.1f), warmupSteps: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PerEpochSchedule(new ConstantSchedule(0.1f), stepsPerEpoch: 0));
        Assert.Throws<ArgumentNullException>(() => new LinearWarmupSchedule(null!, warmupSteps: 1));
    }
}
