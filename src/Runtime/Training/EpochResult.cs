using System;

namespace NetGen;

/// <summary>The outcome of one training epoch.</summary>
/// <param name="Epoch">The epoch, numbered from 1.</param>
/// <param name="TrainLoss">
/// The mean training loss per sample, as measured by the training steps while the parameters changed (so it lags the
/// loss of the epoch's final parameters a little).
/// </param>
/// <param name="Validation">The loss and accuracy on the validation set after the epoch, if one was given.</param>
/// <param name="Elapsed">The wall-clock time of the epoch, validation included.</param>
public sealed record EpochResult(int Epoch, double TrainLoss, EvaluationResult? Validation, TimeSpan Elapsed)
{
    /// <summary>The learning rate of the epoch's last update.</summary>
    public float LearningRate { get; init; }

    /// <summary>The number of optimizer updates made in the run up to the end of this epoch.</summary>
    public long Step { get; init; }
}
