using System.Collections.Generic;

namespace NetGen;

/// <summary>The per-epoch results of a training run, in order.</summary>
public sealed class TrainingHistory
{
    internal TrainingHistory(IReadOnlyList<EpochResult> epochs, TrainerState state, bool stoppedEarly, int? bestEpoch)
    {
        Epochs = epochs;
        State = state;
        StoppedEarly = stoppedEarly;
        BestEpoch = bestEpoch;
    }

    /// <summary>One result per epoch trained by this call, in order; never empty.</summary>
    public IReadOnlyList<EpochResult> Epochs { get; }

    /// <summary>The result of the last epoch.</summary>
    public EpochResult Final => Epochs[^1];

    /// <summary>
    /// The trainer state after the last epoch, e.g. to write a checkpoint yourself with
    /// <see cref="Checkpoint.Capture"/>. It describes the run as trained, before best weights were restored.
    /// </summary>
    public TrainerState State { get; }

    /// <summary>Whether <see cref="TrainerOptions.EarlyStopping"/> ended the run before <see cref="TrainerOptions.Epochs"/>.</summary>
    public bool StoppedEarly { get; }

    /// <summary>
    /// With early stopping, the epoch with the best monitored value (whose parameters the model holds at the end when
    /// <see cref="EarlyStopping.RestoreBestWeights"/> is set); otherwise <see langword="null"/>.
    /// </summary>
    public int? BestEpoch { get; }
}
