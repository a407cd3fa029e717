using System.Collections.Generic;

namespace NetGen;

/// <summary>The per-epoch results of a training run, in order.</summary>
public sealed class TrainingHistory
{
    internal TrainingHistory(IReadOnlyList<EpochResult> epochs) => Epochs = epochs;

    /// <summary>One result per epoch, in order; never empty.</summary>
    public IReadOnlyList<EpochResult> Epochs { get; }

    /// <summary>The result of the last epoch.</summary>
    public EpochResult Final => Epochs[^1];
}
