using System;

namespace NetGen;

/// <summary>How a <see cref="Trainer"/> runs: epochs, batches, seed, and the optional parts of a run. Values are checked when set.</summary>
public sealed record TrainerOptions
{
    /// <summary>
    /// The number of passes over the training set; at least 1. When resuming (<see cref="Trainer.Resume"/>) this is the
    /// total of the run, counting the epochs before the checkpoint, not the number still to train.
    /// </summary>
    public required int Epochs
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(Epochs));
            field = value;
        }
    }

    /// <summary>
    /// The number of samples per training step; at least 1. The last batch of an epoch holds the remainder and may be
    /// smaller (unless <see cref="DropLast"/>). It must not exceed the batch capacity of the model.
    /// </summary>
    public required int BatchSize
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(BatchSize));
            field = value;
        }
    }

    /// <summary>
    /// The seed of the shuffling and of the augmentation (each has its own generator, so turning augmentation on does not
    /// change the order of the samples); the same seed, data and model give bit-identical training runs.
    /// </summary>
    public long Seed { get; init; }

    /// <summary>Whether each epoch visits the samples in a new seeded random order (the default) or in dataset order.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>
    /// Whether each epoch skips its last batch when the training set does not divide into whole batches (PyTorch's
    /// <c>drop_last</c>): every step then sees <see cref="BatchSize"/> samples, and the samples left over, a different
    /// few each epoch when <see cref="Shuffle"/> is on, wait for a later epoch. Off by default. A model with batch
    /// normalization after a dense layer needs it when the remainder is a single sample
    /// (<see cref="INetwork.MinimumTrainingBatchSize"/>); the trainer says so before training. A training set smaller than
    /// one batch is still trained as one batch of all its samples.
    /// </summary>
    public bool DropLast { get; init; }

    /// <summary>
    /// If set, the trainer sets <see cref="IOptimizer.LearningRate"/> to <c>schedule.GetLearningRate(step)</c> before every
    /// update, where step counts the run's updates from 0 (and continues from a checkpoint's step when resuming).
    /// </summary>
    public ILearningRateSchedule? LearningRateSchedule { get; init; }

    /// <summary>
    /// If set, the gradients are clipped to this global L2 norm before every update (<see cref="GradientClipping.ClipByNorm"/>);
    /// a non-finite gradient norm then stops training with a <see cref="TrainingDivergedException"/>.
    /// </summary>
    public float? MaxGradientNorm
    {
        get;
        init
        {
            if (value is float max && (!float.IsFinite(max) || max <= 0f))
            {
                throw new ArgumentOutOfRangeException(nameof(MaxGradientNorm), max, "The maximum gradient norm must be a positive, finite number.");
            }
            field = value;
        }
    }

    /// <summary>
    /// If set, applied to every training batch after it is gathered (on the copy, never on the dataset), with a generator
    /// that continues across batches and epochs; validation data is never augmented.
    /// </summary>
    public IAugmentation? Augmentation { get; init; }

    /// <summary>If set, training stops when the monitored metric stops improving; see <see cref="EarlyStopping"/>.</summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>
    /// Whether the run is shown on the console (<see cref="ConsoleProgress"/>): one line per epoch with the losses,
    /// accuracy, learning rate and time, and a live progress bar of the epoch in progress when the console is interactive.
    /// Off by default, so that a library or service that trains writes nothing it did not ask for; a progress handler
    /// passed to <see cref="Trainer.Fit"/> receives the reports as well.
    /// </summary>
    public bool ShowProgress { get; init; }

    /// <summary>
    /// If set, one JSON object per epoch is appended to this file (JSON Lines; the file is created if missing) and flushed
    /// at once, so a crash loses at most the epoch in progress. Fields: <c>epoch</c>, <c>step</c>, <c>train_loss</c>,
    /// <c>validation_loss</c>, <c>validation_accuracy</c>, <c>learning_rate</c>, <c>elapsed_seconds</c>; a value that
    /// does not exist (no validation set, accuracy of a regression) is <c>null</c>.
    /// </summary>
    public string? LogPath { get; init; }

    /// <summary>
    /// If set, a checkpoint with the parameters, the optimizer state and the trainer state is saved (atomically) to this
    /// path every <see cref="CheckpointInterval"/> epochs and after the last epoch; <see cref="Trainer.Resume"/> continues
    /// from it bit-identically.
    /// </summary>
    public string? CheckpointPath { get; init; }

    /// <summary>The number of epochs between checkpoints; at least 1 (the default: every epoch).</summary>
    public int CheckpointInterval
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(CheckpointInterval));
            field = value;
        }
    } = 1;

    /// <summary>
    /// The number of updates per epoch for a training set of <paramref name="sampleCount"/> samples,
    /// <c>ceil(sampleCount / BatchSize)</c>, or <c>floor(sampleCount / BatchSize)</c> with <see cref="DropLast"/> (at
    /// least 1): what a <see cref="PerEpochSchedule"/> needs.
    /// </summary>
    /// <param name="sampleCount">The number of training samples; at least 1.</param>
    public int StepsPerEpoch(int sampleCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleCount);
        int batchSize = Math.Min(BatchSize, sampleCount);
        return DropLast ? sampleCount / batchSize : (int)(((long)sampleCount + batchSize - 1) / batchSize);
    }
}
