using System;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;

namespace NetGen;

/// <summary>
/// Refuses NaN and infinity where they would turn into an answer: a NaN output compares false with everything, so an
/// argmax or a threshold would silently read it as class 0, and a NaN input can come out of a ReLU as a finite output.
/// </summary>
internal static class NonFinite
{
    private const int ExponentMask = 0x7F80_0000;

    /// <summary>The index of the first NaN or infinite value, or -1 when every value is finite.</summary>
    public static int IndexOf(ReadOnlySpan<float> values)
    {
        // A float is NaN or infinite exactly when its exponent bits are all ones.
        ReadOnlySpan<int> bits = MemoryMarshal.Cast<float, int>(values);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var mask = new Vector<int>(ExponentMask);
            for (; i <= bits.Length - Vector<int>.Count; i += Vector<int>.Count)
            {
                if (Vector.EqualsAny(new Vector<int>(bits.Slice(i)) & mask, mask))
                {
                    break;
                }
            }
        }
        for (; i < bits.Length; i++)
        {
            if ((bits[i] & ExponentMask) == ExponentMask)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Throws when an input or target of <paramref name="data"/> is NaN or infinite, naming the sample.</summary>
    /// <param name="data">The dataset.</param>
    /// <param name="paramName">The parameter the dataset was passed as.</param>
    /// <param name="use">What the data is for, e.g. "evaluate the model".</param>
    public static void EnsureFinite(Dataset data, string paramName, string use)
    {
        int at = IndexOf(data.Inputs);
        if (at >= 0)
        {
            throw new ArgumentException(
                Format($"Sample {at / data.InputSize} of the dataset has input {at % data.InputSize} = {data.Inputs[at]}; there is no way to {use} on an input ") +
                "that is not finite. Fill in or drop that sample (missing values are often read as NaN).", paramName);
        }
        at = IndexOf(data.Targets);
        if (at >= 0)
        {
            throw new ArgumentException(
                Format($"Sample {at / data.TargetSize} of the dataset has target {at % data.TargetSize} = {data.Targets[at]}; there is no way to {use} on a ") +
                "target that is not finite. Fill in or drop that sample.", paramName);
        }
    }

    /// <summary>
    /// Throws when one of a batch's outputs is NaN or infinite although its inputs were finite: the model's parameters
    /// (or buffers) are not finite, and no prediction may be read from them.
    /// </summary>
    /// <param name="outputs">The batch's outputs, <paramref name="outputSize"/> per sample.</param>
    /// <param name="outputSize">Outputs per sample.</param>
    /// <param name="firstSample">The dataset index of the batch's first sample.</param>
    public static void EnsureFiniteOutputs(ReadOnlySpan<float> outputs, int outputSize, int firstSample)
    {
        int at = IndexOf(outputs);
        if (at >= 0)
        {
            throw new InvalidOperationException(
                Format($"The model's output {at % outputSize} for sample {firstSample + at / outputSize} is {outputs[at]}, although the sample's inputs are finite: ") +
                "the model's parameters are not finite, so there is no prediction to count. A training run diverged (lower the learning rate, " +
                "or clip the gradients with TrainerOptions.MaxGradientNorm) or the parameters were loaded from a bad source; restore an earlier checkpoint.");
        }
    }

    private static string Format(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);
}
