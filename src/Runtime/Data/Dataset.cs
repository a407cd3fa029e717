using System;

namespace NetGen;

/// <summary>
/// An in-memory set of samples: <see cref="Count"/> inputs of <see cref="InputSize"/> floats and as many targets of
/// <see cref="TargetSize"/> floats, each stored row-major in one array (sample <c>i</c> occupies
/// <c>[i * size, (i + 1) * size)</c>), the layout <see cref="INetwork"/> takes batches in.
/// </summary>
public sealed class Dataset
{
    /// <summary>Wraps the arrays without copying them.</summary>
    /// <param name="inputs">The inputs, <c>Count * inputSize</c> floats.</param>
    /// <param name="targets">The targets, <c>Count * targetSize</c> floats.</param>
    /// <param name="inputSize">Floats per input sample.</param>
    /// <param name="targetSize">Floats per target sample (1 for a class index).</param>
    /// <exception cref="ArgumentException">The array lengths do not describe the same number of whole samples.</exception>
    public Dataset(float[] inputs, float[] targets, int inputSize, int targetSize)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetSize);
        if (inputs.Length % inputSize != 0)
        {
            throw new ArgumentException(
                $"The inputs hold {inputs.Length} floats, which is not a whole number of samples of {inputSize} floats.", nameof(inputs));
        }
        int count = inputs.Length / inputSize;
        if ((long)count * targetSize != targets.Length)
        {
            throw new ArgumentException(
                $"The inputs hold {count} samples, so the targets must hold {(long)count * targetSize} floats ({targetSize} per sample), " +
                $"but they hold {targets.Length}.", nameof(targets));
        }
        Inputs = inputs;
        Targets = targets;
        InputSize = inputSize;
        TargetSize = targetSize;
        Count = count;
    }

    /// <summary>All inputs, row-major.</summary>
    public float[] Inputs { get; }

    /// <summary>All targets, row-major.</summary>
    public float[] Targets { get; }

    /// <summary>Floats per input sample.</summary>
    public int InputSize { get; }

    /// <summary>Floats per target sample.</summary>
    public int TargetSize { get; }

    /// <summary>The number of samples.</summary>
    public int Count { get; }

    /// <summary>The input of sample <paramref name="index"/>.</summary>
    /// <param name="index">The sample index, in [0, <see cref="Count"/>).</param>
    public ReadOnlySpan<float> GetInput(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return Inputs.AsSpan(index * InputSize, InputSize);
    }

    /// <summary>The target of sample <paramref name="index"/>.</summary>
    /// <param name="index">The sample index, in [0, <see cref="Count"/>).</param>
    public ReadOnlySpan<float> GetTarget(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return Targets.AsSpan(index * TargetSize, TargetSize);
    }

    /// <summary>A copy of the samples <c>[start, start + count)</c>, e.g. to split off a validation set.</summary>
    /// <param name="start">The first sample.</param>
    /// <param name="count">The number of samples.</param>
    public Dataset Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count - start, nameof(count));
        return new Dataset(
            Inputs.AsSpan(start * InputSize, count * InputSize).ToArray(),
            Targets.AsSpan(start * TargetSize, count * TargetSize).ToArray(),
            InputSize,
            TargetSize);
    }

    /// <summary>
    /// Splits the samples at random into a training and a validation set (copies), for measuring over-fitting on data the
    /// model does not train on. The validation set gets <c>ceil(Count * validationFraction)</c> samples; the order within
    /// each part is the shuffled order. The same seed always gives the same split.
    /// </summary>
    /// <param name="validationFraction">The share of samples for validation, in (0, 1).</param>
    /// <param name="seed">The seed of the shuffle.</param>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is outside (0, 1), or leaves one part empty.</exception>
    public DatasetSplit Split(double validationFraction, long seed)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be between 0 and 1 (exclusive), e.g. 0.2.");
        }
        int validationCount = (int)Math.Ceiling(Count * validationFraction);
        if (validationCount >= Count)
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction,
                $"A validation fraction of {validationFraction} of {Count} samples leaves no training samples.");
        }
        int[] order = new int[Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        new SeededRandom(seed).Shuffle(order.AsSpan());
        return new DatasetSplit(Subset(order.AsSpan(validationCount)), Subset(order.AsSpan(0, validationCount)));
    }

    /// <summary>A copy of the samples at <paramref name="indices"/>, in that order (indices may repeat).</summary>
    /// <param name="indices">Sample indices, each in [0, <see cref="Count"/>).</param>
    public Dataset Subset(ReadOnlySpan<int> indices)
    {
        var inputs = new float[indices.Length * InputSize];
        var targets = new float[indices.Length * TargetSize];
        CopyBatch(indices, 0, indices.Length, inputs, targets);
        return new Dataset(inputs, targets, InputSize, TargetSize);
    }

    /// <summary>
    /// Copies the samples <c>order[start .. start + count)</c> into the first <c>count</c> rows of
    /// <paramref name="inputs"/> and <paramref name="targets"/>: the gather step of shuffled mini-batches.
    /// </summary>
    /// <param name="order">Sample indices, each in [0, <see cref="Count"/>).</param>
    /// <param name="start">The first position in <paramref name="order"/> to copy.</param>
    /// <param name="count">The number of samples to copy.</param>
    /// <param name="inputs">Receives <c>count * InputSize</c> floats; may be longer.</param>
    /// <param name="targets">Receives <c>count * TargetSize</c> floats; may be longer.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range exceeds <paramref name="order"/>, or an index is not a sample of this set.</exception>
    /// <exception cref="ArgumentException">A destination is too short.</exception>
    public void CopyBatch(ReadOnlySpan<int> order, int start, int count, Span<float> inputs, Span<float> targets)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, order.Length - start, nameof(count));
        if (inputs.Length < (long)count * InputSize)
        {
            throw new ArgumentException($"The inputs span holds {inputs.Length} floats; {count} samples need {(long)count * InputSize}.", nameof(inputs));
        }
        if (targets.Length < (long)count * TargetSize)
        {
            throw new ArgumentException($"The targets span holds {targets.Length} floats; {count} samples need {(long)count * TargetSize}.", nameof(targets));
        }

        ReadOnlySpan<float> allInputs = Inputs, allTargets = Targets;
        for (int b = 0; b < count; b++)
        {
            int index = order[start + b];
            if ((uint)index >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(order), index, $"Sample index {index} at position {start + b} is outside [0, {Count}).");
            }
            allInputs.Slice(index * InputSize, InputSize).CopyTo(inputs.Slice(b * InputSize));
            allTargets.Slice(index * TargetSize, TargetSize).CopyTo(targets.Slice(b * TargetSize));
        }
    }
}

/// <summary>A dataset split into a training and a validation part (see <see cref="Dataset.Split"/>).</summary>
/// <param name="Train">The samples to train on.</param>
/// <param name="Validation">The held-out samples.</param>
public sealed record DatasetSplit(Dataset Train, Dataset Validation);
