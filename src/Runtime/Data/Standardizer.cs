using System;
using System.Collections.Generic;

namespace NetGen;

/// <summary>
/// Per-feature standardization: <c>x' = (x - mean) / std</c>, with the mean and the (population) standard deviation of
/// each feature fitted on the training data only, then applied unchanged to validation, test and inference inputs, so no
/// information about those sets leaks into training. Features on a common scale make gradient descent converge faster
/// (the loss surface is less elongated) and keep Xavier/He initialization at the scale it assumes.
/// </summary>
/// <remarks>
/// A feature whose training values are all equal has a standard deviation of 0; its scale is set to 1 (as scikit-learn's
/// <c>StandardScaler</c> does), so it becomes 0 on the training data instead of a division by zero.
/// To use a fitted standardizer in another process, save it with the model
/// (<c>Checkpoint.Capture(model, standardizer: s).Save(path)</c>; <see cref="Checkpoint.Standardizer"/> after loading),
/// or keep <see cref="Means"/> and <see cref="Scales"/> and recreate it with the constructor.
/// </remarks>
public sealed class Standardizer
{
    private readonly float[] _means;
    private readonly float[] _scales;

    /// <summary>Recreates a fitted standardizer from its means and scales (copied).</summary>
    /// <param name="means">The mean of each feature.</param>
    /// <param name="scales">The positive divisor of each feature.</param>
    /// <exception cref="ArgumentException">The arrays are empty or differ in length, or a value is not finite, or a scale is not positive.</exception>
    public Standardizer(ReadOnlySpan<float> means, ReadOnlySpan<float> scales)
    {
        if (means.IsEmpty || means.Length != scales.Length)
        {
            throw new ArgumentException($"Means ({means.Length}) and scales ({scales.Length}) must be non-empty and of one length, one per feature.", nameof(scales));
        }
        for (int i = 0; i < means.Length; i++)
        {
            if (!float.IsFinite(means[i]))
            {
                throw new ArgumentException($"The mean of feature {i} is {means[i]}; it must be finite.", nameof(means));
            }
            if (!float.IsFinite(scales[i]) || scales[i] <= 0f)
            {
                throw new ArgumentException($"The scale of feature {i} is {scales[i]}; it must be positive and finite.", nameof(scales));
            }
        }
        _means = means.ToArray();
        _scales = scales.ToArray();
    }

    /// <summary>The number of features.</summary>
    public int FeatureCount => _means.Length;

    /// <summary>The mean of each feature on the data it was fitted on.</summary>
    public IReadOnlyList<float> Means => _means;

    /// <summary>The divisor of each feature: its standard deviation, or 1 for a constant feature.</summary>
    public IReadOnlyList<float> Scales => _scales;

    /// <summary>Fits the means and scales of a dataset's inputs (use the training set only).</summary>
    /// <param name="data">The training data.</param>
    /// <exception cref="ArgumentException">The dataset is empty or holds a NaN or infinite input.</exception>
    public static Standardizer Fit(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fit(data.Inputs, data.InputSize);
    }

    /// <summary>Fits the means and scales of row-major samples of <paramref name="featureCount"/> floats.</summary>
    /// <param name="inputs">The training inputs, a whole number of samples.</param>
    /// <param name="featureCount">Floats per sample; at least 1.</param>
    /// <exception cref="ArgumentException">There are no samples, the length is not a whole number of samples, or an input is NaN or infinite.</exception>
    public static Standardizer Fit(ReadOnlySpan<float> inputs, int featureCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        if (inputs.IsEmpty || inputs.Length % featureCount != 0)
        {
            throw new ArgumentException(
                $"The inputs hold {inputs.Length} floats, which is not a positive whole number of samples of {featureCount} features.", nameof(inputs));
        }
        int count = inputs.Length / featureCount;
        // Two passes in double: the mean first, then the squared deviations from it (no cancellation of E[x^2] - E[x]^2).
        var sums = new double[featureCount];
        for (int s = 0; s < count; s++)
        {
            ReadOnlySpan<float> sample = inputs.Slice(s * featureCount, featureCount);
            for (int f = 0; f < featureCount; f++)
            {
                if (!float.IsFinite(sample[f]))
                {
                    throw new ArgumentException($"Sample {s}, feature {f} is {sample[f]}; standardization needs finite inputs. Clean the data first.", nameof(inputs));
                }
                sums[f] += sample[f];
            }
        }
        var means = new double[featureCount];
        for (int f = 0; f < featureCount; f++)
        {
            means[f] = sums[f] / count;
        }
        var squares = new double[featureCount];
        for (int s = 0; s < count; s++)
        {
            ReadOnlySpan<float> sample = inputs.Slice(s * featureCount, featureCount);
            for (int f = 0; f < featureCount; f++)
            {
                double deviation = sample[f] - means[f];
                squares[f] += deviation * deviation;
            }
        }
        var meanFloats = new float[featureCount];
        var scales = new float[featureCount];
        for (int f = 0; f < featureCount; f++)
        {
            meanFloats[f] = (float)means[f];
            float std = (float)Math.Sqrt(squares[f] / count);
            // Exactly constant features have exactly zero variance here (n equal floats sum exactly in double); a std
            // that underflows float is as unusable as zero.
            scales[f] = std > 0f ? std : 1f;
        }
        return new Standardizer(meanFloats, scales);
    }

    /// <summary>Standardizes row-major samples in place.</summary>
    /// <param name="inputs">A whole number of samples of <see cref="FeatureCount"/> floats.</param>
    /// <exception cref="ArgumentException">The length is not a whole number of samples.</exception>
    public void Transform(Span<float> inputs)
    {
        if (inputs.Length % FeatureCount != 0)
        {
            throw new ArgumentException(
                $"The inputs hold {inputs.Length} floats, which is not a whole number of samples of {FeatureCount} features.", nameof(inputs));
        }
        for (int start = 0; start < inputs.Length; start += FeatureCount)
        {
            Span<float> sample = inputs.Slice(start, FeatureCount);
            for (int f = 0; f < sample.Length; f++)
            {
                sample[f] = (sample[f] - _means[f]) / _scales[f];
            }
        }
    }

    /// <summary>A standardized copy of a dataset (inputs transformed, targets copied).</summary>
    /// <param name="data">Data with <see cref="FeatureCount"/> input floats per sample.</param>
    /// <exception cref="ArgumentException">The dataset has another number of features.</exception>
    public Dataset Transform(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.InputSize != FeatureCount)
        {
            throw new ArgumentException($"The dataset has {data.InputSize} features, but the standardizer was fitted on {FeatureCount}.", nameof(data));
        }
        float[] inputs = (float[])data.Inputs.Clone();
        Transform(inputs);
        return new Dataset(inputs, (float[])data.Targets.Clone(), data.InputSize, data.TargetSize);
    }
}
