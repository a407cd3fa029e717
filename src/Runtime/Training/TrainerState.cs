using System;

namespace NetGen;

/// <summary>
/// Where a training run stands after an epoch: everything besides the parameters and the optimizer state that a resumed
/// run needs to continue bit-identically (the epoch and step counters, the states of the shuffling and augmentation
/// generators, the early-stopping bookkeeping), plus the run's shape (sample count and batch size) so that resuming
/// with other data or batches is caught instead of silently diverging. Checkpoints store it.
/// </summary>
public sealed class TrainerState
{
    /// <summary>Creates the state.</summary>
    /// <param name="completedEpochs">The number of epochs trained; zero or positive.</param>
    /// <param name="step">The number of optimizer updates made; zero or positive.</param>
    /// <param name="sampleCount">The number of training samples per epoch; at least 1.</param>
    /// <param name="batchSize">The batch size of the run (as set, before capping at the sample count); at least 1.</param>
    /// <param name="shuffleRandomState">The <see cref="SeededRandom.State"/> of the shuffling generator.</param>
    /// <param name="augmentationRandomState">The <see cref="SeededRandom.State"/> of the augmentation generator.</param>
    /// <param name="earlyStopping">The early-stopping bookkeeping, if the run uses early stopping.</param>
    /// <exception cref="ArgumentException">An argument is out of range, or a generator state is zero.</exception>
    public TrainerState(
        int completedEpochs, long step, int sampleCount, int batchSize, UInt128 shuffleRandomState, UInt128 augmentationRandomState,
        EarlyStoppingState? earlyStopping = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(completedEpochs);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        // Validates that the states could have come from a generator.
        SeededRandom.FromState(shuffleRandomState);
        SeededRandom.FromState(augmentationRandomState);
        CompletedEpochs = completedEpochs;
        Step = step;
        SampleCount = sampleCount;
        BatchSize = batchSize;
        ShuffleRandomState = shuffleRandomState;
        AugmentationRandomState = augmentationRandomState;
        EarlyStopping = earlyStopping;
    }

    /// <summary>The number of epochs trained; a resumed run starts with epoch <c>CompletedEpochs + 1</c>.</summary>
    public int CompletedEpochs { get; }

    /// <summary>The number of optimizer updates made (the step of <see cref="ILearningRateSchedule"/>).</summary>
    public long Step { get; }

    /// <summary>The number of training samples per epoch.</summary>
    public int SampleCount { get; }

    /// <summary>The batch size of the run.</summary>
    public int BatchSize { get; }

    /// <summary>The state of the generator that shuffles each epoch.</summary>
    public UInt128 ShuffleRandomState { get; }

    /// <summary>The state of the generator that drives the augmentation.</summary>
    public UInt128 AugmentationRandomState { get; }

    /// <summary>The early-stopping bookkeeping, if the run uses early stopping.</summary>
    public EarlyStoppingState? EarlyStopping { get; }
}

/// <summary>The bookkeeping of <see cref="NetGen.EarlyStopping"/> after an epoch.</summary>
public sealed class EarlyStoppingState
{
    /// <summary>Creates the state.</summary>
    /// <param name="bestValue">The best value of the monitored metric so far (infinite before the first epoch).</param>
    /// <param name="bestEpoch">The epoch that reached it (numbered from 1), or 0 before the first epoch.</param>
    /// <param name="epochsWithoutImprovement">The number of epochs since the best one.</param>
    /// <param name="stopped">Whether the run has stopped early.</param>
    /// <param name="bestParameters">A copy of the parameters after the best epoch, when best weights are restored.</param>
    /// <param name="bestBuffers">A copy of the model's buffers (<see cref="INetwork.Buffers"/>) after the best epoch, kept with <paramref name="bestParameters"/>.</param>
    public EarlyStoppingState(double bestValue, int bestEpoch, int epochsWithoutImprovement, bool stopped, float[]? bestParameters, float[]? bestBuffers = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bestEpoch);
        ArgumentOutOfRangeException.ThrowIfNegative(epochsWithoutImprovement);
        BestValue = bestValue;
        BestEpoch = bestEpoch;
        EpochsWithoutImprovement = epochsWithoutImprovement;
        Stopped = stopped;
        BestParameters = bestParameters;
        BestBuffers = bestParameters is null ? null : bestBuffers ?? [];
    }

    /// <summary>The best value of the monitored metric so far.</summary>
    public double BestValue { get; }

    /// <summary>The epoch that reached <see cref="BestValue"/>, numbered from 1 (0 before the first epoch).</summary>
    public int BestEpoch { get; }

    /// <summary>The number of epochs since the best one.</summary>
    public int EpochsWithoutImprovement { get; }

    /// <summary>Whether the run has stopped early (a stopped run cannot be resumed).</summary>
    public bool Stopped { get; }

    /// <summary>The parameters after <see cref="BestEpoch"/>, if <see cref="EarlyStopping.RestoreBestWeights"/> is set.</summary>
    public float[]? BestParameters { get; }

    /// <summary>The model's buffers (running statistics) after <see cref="BestEpoch"/>, kept with <see cref="BestParameters"/>.</summary>
    public float[]? BestBuffers { get; }
}
