using System;
using System.Collections.Generic;
using System.Linq;
using System.Globalization;
using System.Text;

namespace NetGen;

/// <summary>
/// Counts of (actual class, predicted class) pairs: row <c>a</c>, column <c>p</c> holds how many samples of class
/// <c>a</c> were predicted as class <c>p</c>; the diagonal holds the correct predictions. From it follow the accuracy and
/// each class's precision (of the samples predicted as the class, the share that belongs to it) and recall (of the
/// samples of the class, the share predicted as it), which show which classes a model confuses.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[] _counts;

    /// <summary>Creates an empty matrix.</summary>
    /// <param name="classCount">The number of classes; at least 2.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is less than 2.</exception>
    public ConfusionMatrix(int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        ClassCount = classCount;
        _counts = new long[(long)classCount * classCount];
    }

    /// <summary>
    /// The name of each class, by index (e.g. <see cref="CsvData.ClassNames"/>), which <see cref="ToString"/> prints
    /// instead of the indices; <see langword="null"/> (the default) prints indices.
    /// </summary>
    /// <exception cref="ArgumentException">The list does not hold <see cref="ClassCount"/> distinct, non-empty names.</exception>
    public IReadOnlyList<string>? ClassNames
    {
        get;
        set
        {
            if (value is not null)
            {
                if (value.Count != ClassCount)
                {
                    throw new ArgumentException($"{value.Count} class names were given for a matrix of {ClassCount} classes; give one per class.", nameof(ClassNames));
                }
                if (value.Any(string.IsNullOrEmpty) || value.Distinct(StringComparer.Ordinal).Count() != value.Count)
                {
                    throw new ArgumentException("The class names must be non-empty and distinct.", nameof(ClassNames));
                }
                value = [.. value];
            }
            field = value;
        }
    }

    /// <summary>The number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>The number of samples counted.</summary>
    public long Total { get; private set; }

    /// <summary>The number of samples of class <paramref name="actual"/> predicted as class <paramref name="predicted"/>.</summary>
    /// <param name="actual">The true class, in [0, <see cref="ClassCount"/>).</param>
    /// <param name="predicted">The predicted class, in [0, <see cref="ClassCount"/>).</param>
    public long this[int actual, int predicted]
    {
        get
        {
            CheckClass(actual);
            CheckClass(predicted);
            return _counts[actual * ClassCount + predicted];
        }
    }

    /// <summary>The fraction of samples on the diagonal, or NaN if the matrix is empty.</summary>
    public double Accuracy
    {
        get
        {
            long correct = 0;
            for (int c = 0; c < ClassCount; c++)
            {
                correct += _counts[c * ClassCount + c];
            }
            return Total == 0 ? double.NaN : (double)correct / Total;
        }
    }

    /// <summary>
    /// Computes the matrix of a classifier on a dataset, in inference mode. The predicted class is the output with the
    /// largest value (the first on ties) for a model with a class label per sample; for a one-output
    /// <see cref="LossKind.BinaryCrossEntropy"/> model it is 1 when the output is at least 0.5, and for a one-output
    /// <see cref="LossKind.Hinge"/> model 1 when the output is at least 0 (targets: 1 when above 0.5, resp. above 0).
    /// </summary>
    /// <param name="model">A classifier.</param>
    /// <param name="data">A non-empty dataset in the model's layout.</param>
    /// <param name="batchSize">Samples per forward pass; at least 1, at most the model's batch capacity.</param>
    /// <param name="classNames">The class names, by index, for <see cref="ClassNames"/>; or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">
    /// The model is not a single-label classifier, the data does not fit it, a label is not a class index, an input is NaN
    /// or infinite, or the class names are not one distinct name per class.
    /// </exception>
    /// <exception cref="InvalidOperationException">An output is NaN or infinite for finite inputs: the model's parameters are not finite.</exception>
    public static ConfusionMatrix Compute(ITrainableNetwork model, Dataset data, int batchSize = 256, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        Evaluation.EnsureFits(model, data, nameof(data));
        bool classLabels = model.TargetSize == 1 && model.OutputSize > 1;
        bool binary = model.OutputSize == 1 && model.Loss is LossKind.BinaryCrossEntropy or LossKind.Hinge;
        if (!classLabels && !binary)
        {
            throw new ArgumentException(
                $"A confusion matrix needs a single-label classifier (a class index per sample, or one output with binary cross-entropy or hinge loss), " +
                $"but the model has {model.OutputSize} outputs, {model.TargetSize} target floats per sample and loss {model.Loss}.", nameof(model));
        }
        NonFinite.EnsureFinite(data, nameof(data), "count a prediction");
        float threshold = model.Loss == LossKind.Hinge ? 0f : 0.5f;
        var matrix = new ConfusionMatrix(classLabels ? model.OutputSize : 2) { ClassNames = classNames };
        batchSize = Math.Min(batchSize, data.Count);
        float[] outputs = new float[batchSize * model.OutputSize];
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, data.Count - start);
            Span<float> batchOutputs = outputs.AsSpan(0, n * model.OutputSize);
            model.Forward(data.Inputs.AsSpan(start * data.InputSize, n * data.InputSize), batchOutputs, n);
            NonFinite.EnsureFiniteOutputs(batchOutputs, model.OutputSize, start);
            for (int b = 0; b < n; b++)
            {
                float target = data.Targets[start + b];
                int actual, predicted;
                if (classLabels)
                {
                    actual = (int)target;
                    if (actual != target || (uint)actual >= (uint)model.OutputSize)
                    {
                        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                            $"Sample {start + b} has label {target}, which is not a class index in [0, {model.OutputSize})."), nameof(data));
                    }
                    predicted = ArgMax(batchOutputs.Slice(b * model.OutputSize, model.OutputSize));
                }
                else
                {
                    actual = target > (model.Loss == LossKind.Hinge ? 0f : 0.5f) ? 1 : 0;
                    predicted = batchOutputs[b] >= threshold ? 1 : 0;
                }
                matrix.Add(actual, predicted);
            }
        }
        return matrix;
    }

    /// <summary>Counts one sample.</summary>
    /// <param name="actual">The true class.</param>
    /// <param name="predicted">The predicted class.</param>
    /// <exception cref="ArgumentOutOfRangeException">A class is outside [0, <see cref="ClassCount"/>).</exception>
    public void Add(int actual, int predicted)
    {
        CheckClass(actual);
        CheckClass(predicted);
        _counts[actual * ClassCount + predicted]++;
        Total++;
    }

    /// <summary>
    /// Of the samples predicted as class <paramref name="classIndex"/>, the fraction that belong to it:
    /// <c>TP / (TP + FP)</c>; NaN if nothing was predicted as the class.
    /// </summary>
    /// <param name="classIndex">The class.</param>
    public double Precision(int classIndex)
    {
        CheckClass(classIndex);
        long predicted = 0;
        for (int a = 0; a < ClassCount; a++)
        {
            predicted += _counts[a * ClassCount + classIndex];
        }
        return predicted == 0 ? double.NaN : (double)_counts[classIndex * ClassCount + classIndex] / predicted;
    }

    /// <summary>
    /// Of the samples of class <paramref name="classIndex"/>, the fraction predicted as it: <c>TP / (TP + FN)</c>; NaN if
    /// the class has no samples.
    /// </summary>
    /// <param name="classIndex">The class.</param>
    public double Recall(int classIndex)
    {
        CheckClass(classIndex);
        long actual = 0;
        for (int p = 0; p < ClassCount; p++)
        {
            actual += _counts[classIndex * ClassCount + p];
        }
        return actual == 0 ? double.NaN : (double)_counts[classIndex * ClassCount + classIndex] / actual;
    }

    /// <summary>The harmonic mean of <see cref="Precision"/> and <see cref="Recall"/>; NaN if either is NaN, 0 if both are 0.</summary>
    /// <param name="classIndex">The class.</param>
    public double F1(int classIndex)
    {
        double precision = Precision(classIndex), recall = Recall(classIndex);
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    /// <summary>
    /// A table of the counts (rows: actual class, columns: predicted class) with each class's precision and recall, the
    /// classes named by <see cref="ClassNames"/> when it is set.
    /// </summary>
    public override string ToString()
    {
        int longestName = ClassNames?.Max(name => name.Length) ?? 0;
        int width = Math.Max(Math.Max(7, MaxDigits() + 1), longestName + 2);
        int labelWidth = Math.Max(18, longestName + 2);
        var text = new StringBuilder();
        text.Append("actual\\predicted".PadRight(labelWidth));
        for (int p = 0; p < ClassCount; p++)
        {
            text.Append(Label(p).PadLeft(width));
        }
        text.Append("   recall\n");
        for (int a = 0; a < ClassCount; a++)
        {
            text.Append(Label(a).PadRight(labelWidth));
            for (int p = 0; p < ClassCount; p++)
            {
                text.Append(_counts[a * ClassCount + p].ToString(CultureInfo.InvariantCulture).PadLeft(width));
            }
            text.Append(Recall(a).ToString("F4", CultureInfo.InvariantCulture).PadLeft(9)).Append('\n');
        }
        text.Append("precision".PadRight(labelWidth));
        for (int p = 0; p < ClassCount; p++)
        {
            text.Append(Precision(p).ToString("F3", CultureInfo.InvariantCulture).PadLeft(width));
        }
        text.Append('\n');
        return text.ToString();
    }

    private string Label(int classIndex) => ClassNames?[classIndex] ?? classIndex.ToString(CultureInfo.InvariantCulture);

    private int MaxDigits()
    {
        long max = 0;
        foreach (long count in _counts)
        {
            max = Math.Max(max, count);
        }
        return max.ToString(CultureInfo.InvariantCulture).Length;
    }

    private void CheckClass(int classIndex, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(classIndex))] string? paramName = null)
    {
        if ((uint)classIndex >= (uint)ClassCount)
        {
            throw new ArgumentOutOfRangeException(paramName, classIndex, $"The class must be in [0, {ClassCount}).");
        }
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }
}
