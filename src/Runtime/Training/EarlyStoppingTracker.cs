using System;

namespace NetGen;

/// <summary>The per-run bookkeeping of <see cref="EarlyStopping"/>: the best value, its epoch and parameters, and the wait.</summary>
internal sealed class EarlyStoppingTracker
{
    private readonly EarlyStopping _options;
    private readonly float[]? _bestParameters;
    private readonly float[]? _bestBuffers;
    private double _best;
    private int _wait;

    public EarlyStoppingTracker(EarlyStopping options, EarlyStoppingState? resumed, int parameterCount, int bufferCount)
    {
        _options = options;
        _best = options.Minimizes ? double.PositiveInfinity : double.NegativeInfinity;
        if (options.RestoreBestWeights)
        {
            _bestParameters = new float[parameterCount];
            _bestBuffers = new float[bufferCount];
        }
        if (resumed is not null)
        {
            Validate(options, resumed, parameterCount, bufferCount);
            _best = resumed.BestValue;
            BestEpoch = resumed.BestEpoch;
            _wait = resumed.EpochsWithoutImprovement;
            Stopped = resumed.Stopped;
            if (_bestParameters is not null && resumed.BestParameters is float[] saved)
            {
                saved.CopyTo(_bestParameters, 0);
                resumed.BestBuffers!.CopyTo(_bestBuffers!, 0);
            }
        }
    }

    /// <summary>Checks that a saved state can continue under <paramref name="options"/>; called before anything is restored.</summary>
    public static void Validate(EarlyStopping options, EarlyStoppingState resumed, int parameterCount, int bufferCount)
    {
        if (options.RestoreBestWeights && resumed.BestEpoch > 0 && resumed.BestParameters is null)
        {
            throw new ArgumentException(
                "Early stopping restores the best weights, but the checkpoint's run did not keep them (RestoreBestWeights was off). " +
                "Resume with the options of the saved run.", "checkpoint");
        }
        if (resumed.BestParameters is float[] saved && (saved.Length != parameterCount || resumed.BestBuffers!.Length != bufferCount))
        {
            throw new ArgumentException(
                $"The checkpoint's best weights hold {saved.Length} parameters and {resumed.BestBuffers!.Length} buffer values, " +
                $"but the model has {parameterCount} and {bufferCount}.", "checkpoint");
        }
    }

    public int BestEpoch { get; private set; }

    public bool Stopped { get; private set; }

    public void Update(EpochResult result, ReadOnlySpan<float> parameters, ReadOnlySpan<float> buffers)
    {
        double value = _options.Monitor switch
        {
            EarlyStoppingMetric.ValidationLoss => result.Validation!.Value.Loss,
            EarlyStoppingMetric.ValidationAccuracy => result.Validation!.Value.Accuracy,
            _ => result.TrainLoss,
        };
        if (_options.Improves(value, _best))
        {
            _best = value;
            BestEpoch = result.Epoch;
            _wait = 0;
            if (_bestParameters is not null)
            {
                parameters.CopyTo(_bestParameters);
                buffers.CopyTo(_bestBuffers);
            }
        }
        else if (++_wait >= _options.Patience)
        {
            Stopped = true;
        }
    }

    /// <summary>Copies the best epoch's parameters and buffers into the model's, unless the last epoch was the best.</summary>
    public void RestoreBest(Span<float> parameters, Span<float> buffers, int lastEpoch)
    {
        if (_bestParameters is not null && BestEpoch > 0 && BestEpoch != lastEpoch)
        {
            _bestParameters.CopyTo(parameters);
            _bestBuffers.CopyTo(buffers);
        }
    }

    public EarlyStoppingState ToState() =>
        new(_best, BestEpoch, _wait, Stopped,
            BestEpoch > 0 ? (float[]?)_bestParameters?.Clone() : null,
            BestEpoch > 0 ? (float[]?)_bestBuffers?.Clone() : null);
}
