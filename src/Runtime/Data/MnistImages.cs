using System;

namespace NetGen;

/// <summary>The images of an MNIST IDX file, as floats in [0, 1] (pixel byte / 255), one row-major image after the other.</summary>
public sealed class MnistImages
{
    internal MnistImages(float[] pixels, int count, int rows, int columns)
    {
        Pixels = pixels;
        Count = count;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>All pixels: <c>Count * Rows * Columns</c> floats in [0, 1], 0 for the background.</summary>
    public float[] Pixels { get; }

    /// <summary>The number of images.</summary>
    public int Count { get; }

    /// <summary>The image height in pixels (28 for MNIST).</summary>
    public int Rows { get; }

    /// <summary>The image width in pixels (28 for MNIST).</summary>
    public int Columns { get; }

    /// <summary>The pixels of image <paramref name="index"/>, row-major.</summary>
    /// <param name="index">The image index, in [0, <see cref="Count"/>).</param>
    public ReadOnlySpan<float> GetImage(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return Pixels.AsSpan(index * Rows * Columns, Rows * Columns);
    }
}
