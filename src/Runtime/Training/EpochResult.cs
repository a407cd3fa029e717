using System;
using System.Globalization;
using System.Text;

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

    /// <summary>
    /// The epoch as one line, rounded as a person reads it:
    /// <c>epoch 3: train loss 0.04123, validation loss 0.05234, accuracy 98.71%, learning rate 0.001, 21.3 s</c>
    /// (validation only with a validation set, accuracy only for a classification loss).
    /// </summary>
    public override string ToString() => Describe(epochCount: null);

    /// <summary>
    /// The line of <see cref="ToString()"/> with the run's length: <c>epoch  3/12: train loss 0.04123, ...</c>, the epoch
    /// number padded to the width of <paramref name="epochCount"/> so that the lines of a run align.
    /// </summary>
    /// <param name="epochCount">The number of epochs of the run; at least 1.</param>
    public string ToString(int epochCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochCount);
        return Describe(epochCount);
    }

    private string Describe(int? epochCount)
    {
        var line = new StringBuilder("epoch ");
        if (epochCount is int count)
        {
            string total = count.ToString(CultureInfo.InvariantCulture);
            line.Append(Epoch.ToString(CultureInfo.InvariantCulture).PadLeft(total.Length)).Append('/').Append(total);
        }
        else
        {
            line.Append(Epoch.ToString(CultureInfo.InvariantCulture));
        }
        line.Append(": train loss ").Append(ReadableNumbers.Loss(TrainLoss));
        if (Validation is { } validation)
        {
            line.Append(", validation loss ").Append(ReadableNumbers.Loss(validation.Loss));
            // A regression loss has no accuracy (NaN): leave it out rather than print "NaN%".
            if (!double.IsNaN(validation.Accuracy))
            {
                line.Append(", accuracy ").Append(ReadableNumbers.Percent(validation.Accuracy));
            }
        }
        line.Append(", learning rate ").Append(ReadableNumbers.Rate(LearningRate));
        line.Append(", ").Append(ReadableNumbers.Duration(Elapsed));
        return line.ToString();
    }
}
