using System;

namespace NetGen;

/// <summary>How a <see cref="Trainer"/> iterates over the training set. Values are checked when set.</summary>
public sealed record TrainerOptions
{
    /// <summary>The number of passes over the training set; at least 1.</summary>
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
    /// smaller. It must not exceed the batch capacity of the model.
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

    /// <summary>The seed of the shuffling; the same seed, data and model give bit-identical training runs.</summary>
    public long Seed { get; init; }

    /// <summary>Whether each epoch visits the samples in a new seeded random order (the default) or in dataset order.</summary>
    public bool Shuffle { get; init; } = true;
}
