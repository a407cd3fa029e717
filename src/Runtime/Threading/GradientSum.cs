using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetGen;

/// <summary>Sums the gradients that the parts of a split batch computed separately, in a fixed order.</summary>
public static class GradientSum
{
    /// <summary>
    /// Adds <paramref name="partials"/>' floats [start, end) into <paramref name="total"/>, in the order of the array:
    /// total = ((total + partials[0]) + partials[1]) + ..., so the result depends only on the number of parts.
    /// </summary>
    public static void AddRange(float[] total, float[][] partials, int count, int start, int end)
    {
        ArgumentNullException.ThrowIfNull(total);
        ArgumentNullException.ThrowIfNull(partials);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end, total.Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, partials.Length);
        if (start >= end)
        {
            return;
        }
        for (int k = 0; k < count; k++)
        {
            if (partials[k].Length < end)
            {
                throw new ArgumentException($"Partial gradient {k} holds {partials[k].Length} floats; the range ends at {end}.", nameof(partials));
            }
        }
        ref float t = ref MemoryMarshal.GetArrayDataReference(total);
        int i = start;
        for (; i + Vector<float>.Count <= end; i += Vector<float>.Count)
        {
            Vector<float> sum = Vector.LoadUnsafe(ref t, (nuint)i);
            for (int k = 0; k < count; k++)
            {
                sum += Vector.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(partials[k]), (nuint)i);
            }
            sum.StoreUnsafe(ref t, (nuint)i);
        }
        for (; i < end; i++)
        {
            float sum = Unsafe.Add(ref t, i);
            for (int k = 0; k < count; k++)
            {
                sum += partials[k][i];
            }
            Unsafe.Add(ref t, i) = sum;
        }
    }
}
