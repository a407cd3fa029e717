using System;

namespace NetGen;

/// <summary>The metric that <see cref="EarlyStopping"/> watches.</summary>
public enum EarlyStoppingMetric
{
    /// <summary>The validation loss (lower is better). Needs a validation set.</summary>
    ValidationLoss,

    /// <summary>The validation accuracy (higher is better). Needs a validation set and a classification loss.</summary>
    ValidationAccuracy,

    /// <summary>The mean training loss of the epoch (lower is better).</summary>
    TrainLoss,
}

/// <summary>
/// Stops training when the monitored metric has not improved for <see cref="Patience"/> epochs, the usual guard against
/// over-fitting: the validation loss falls while the model learns and rises once it starts to memorize the training set.
/// An epoch improves on the best so far when its value beats the best by more than <see cref="MinDelta"/>.
/// </summary>
public sealed record EarlyStopping
{
    /// <summary>The metric to watch; the validation loss by default.</summary>
    public EarlyStoppingMetric Monitor { get; init; } = EarlyStoppingMetric.ValidationLoss;

    /// <summary>The number of epochs without improvement after which training stops; at least 1 (5 by default).</summary>
    public int Patience
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(Patience));
            field = value;
        }
    } = 5;

    /// <summary>The smallest change that counts as an improvement; zero or positive (0 by default: any strict improvement).</summary>
    public double MinDelta
    {
        get;
        init
        {
            if (!double.IsFinite(value) || value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(MinDelta), value, "The minimum improvement must be zero or a positive, finite number.");
            }
            field = value;
        }
    }

    /// <summary>
    /// Whether the parameters and buffers (<see cref="INetwork.Buffers"/>) of the best epoch are copied back into the model
    /// when training ends (stopped early or not); true by default. Checkpoints always hold the latest values (so a resumed
    /// run continues exactly), with the best ones in <see cref="EarlyStoppingState.BestParameters"/>.
    /// </summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>Whether lower values of the monitored metric are better.</summary>
    internal bool Minimizes => Monitor != EarlyStoppingMetric.ValidationAccuracy;

    /// <summary>Whether <paramref name="value"/> improves on <paramref name="best"/> by more than <see cref="MinDelta"/>.</summary>
    internal bool Improves(double value, double best) =>
        Minimizes ? value < best - MinDelta : value > best + MinDelta;
}
