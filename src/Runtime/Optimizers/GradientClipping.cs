using System;
using System.Runtime.InteropServices;
using System.Numerics;

namespace NetGen;

/// <summary>
/// Gradient clipping, which bounds the size of a step when a batch produces an exploding gradient (common early in
/// training, in recurrent networks, and with high learning rates).
/// </summary>
public static class GradientClipping
{
    /// <summary>
    /// Rescales <paramref name="gradients"/> so that their global L2 norm is at most <paramref name="maxNorm"/>, with the
    /// semantics of PyTorch's <c>torch.nn.utils.clip_grad_norm_</c>: with <c>norm = sqrt(sum g^2)</c>, every gradient is
    /// multiplied by <c>maxNorm / (norm + 1e-6)</c> when that factor is below 1, and left unchanged otherwise. The
    /// direction of the step is kept; only its length shrinks.
    /// </summary>
    /// <param name="gradients">The gradients of all parameters, as one flat buffer (e.g. <see cref="ITrainableNetwork.Gradients"/>).</param>
    /// <param name="maxNorm">The largest allowed norm; positive and finite.</param>
    /// <returns>
    /// The norm before clipping (useful to log). If it is NaN or infinite the gradients are left unchanged, so the caller
    /// can detect the divergence (PyTorch would scale them to NaN or zero).
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not positive and finite.</exception>
    public static float ClipByNorm(Span<float> gradients, float maxNorm)
    {
        if (!float.IsFinite(maxNorm) || maxNorm <= 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "The maximum norm must be a positive, finite number.");
        }
        double norm = Math.Sqrt(SumOfSquares(gradients));
        if (!double.IsFinite(norm))
        {
            return (float)norm;
        }
        double scale = maxNorm / (norm + 1e-6);
        if (scale < 1.0)
        {
            Scale(gradients, (float)scale);
        }
        return (float)norm;
    }

    /// <summary>
    /// Clamps every gradient to <c>[-maxValue, maxValue]</c>, with the semantics of PyTorch's
    /// <c>torch.nn.utils.clip_grad_value_</c>. Unlike <see cref="ClipByNorm"/> this changes the direction of the step.
    /// </summary>
    /// <param name="gradients">The gradients to clamp in place.</param>
    /// <param name="maxValue">The largest allowed magnitude; positive and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxValue"/> is not positive and finite.</exception>
    public static void ClipByValue(Span<float> gradients, float maxValue)
    {
        if (!float.IsFinite(maxValue) || maxValue <= 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(maxValue), maxValue, "The maximum value must be a positive, finite number.");
        }
        ref float g = ref MemoryMarshal.GetReference(gradients);
        int n = gradients.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<float> high = Vector.Create(maxValue), low = Vector.Create(-maxValue);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Min(Vector.Max(Vector.LoadUnsafe(ref g, (nuint)i), low), high).StoreUnsafe(ref g, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            gradients[i] = Math.Clamp(gradients[i], -maxValue, maxValue);
        }
    }

    /// <summary>
    /// The sum of squares, accumulated in double (two vector accumulators): a float sum over millions of gradients would
    /// lose the small terms once the running sum is large.
    /// </summary>
    internal static double SumOfSquares(ReadOnlySpan<float> values)
    {
        ref float x = ref MemoryMarshal.GetReference(values);
        int n = values.Length;
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<double> a0 = Vector<double>.Zero, a1 = Vector<double>.Zero;
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> xi = Vector.LoadUnsafe(ref x, (nuint)i);
                Vector.Widen(xi, out Vector<double> lower, out Vector<double> upper);
                a0 = Vector.MultiplyAddEstimate(lower, lower, a0);
                a1 = Vector.MultiplyAddEstimate(upper, upper, a1);
            }
            sum = Vector.Sum(a0 + a1);
        }
        for (; i < n; i++)
        {
            double xi = values[i];
            sum += xi * xi;
        }
        return sum;
    }

    private static void Scale(Span<float> values, float factor)
    {
        ref float x = ref MemoryMarshal.GetReference(values);
        int n = values.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<float> vFactor = Vector.Create(factor);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                (Vector.LoadUnsafe(ref x, (nuint)i) * vFactor).StoreUnsafe(ref x, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            values[i] *= factor;
        }
    }
}
