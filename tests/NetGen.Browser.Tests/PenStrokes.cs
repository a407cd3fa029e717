using System;
using System.Collections.Generic;

namespace NetGen.Browser.Tests;

/// <summary>A straight pen stroke on the 280x280 digit pad, from (X0, Y) to (X1, Y), in canvas pixels.</summary>
public readonly record struct PenStroke(int X0, int X1, int Y);

/// <summary>Turns a 28x28 MNIST image into the pen strokes that draw it on the pad, ten canvas pixels per image pixel.</summary>
public static class PenStrokes
{
    /// <summary>Canvas pixels per image pixel: the pad is 280x280.</summary>
    public const int Scale = 10;

    /// <summary>
    /// One horizontal stroke per run of inked pixels (at least half intensity) in each row, through the pixels' centres;
    /// the pad's 18-pixel brush makes neighbouring rows' strokes overlap into the digit's shape.
    /// </summary>
    public static IReadOnlyList<PenStroke> FromImage(ReadOnlySpan<float> pixels)
    {
        const int side = 28;
        if (pixels.Length != side * side)
        {
            throw new ArgumentException($"expected {side * side} pixels, got {pixels.Length}.", nameof(pixels));
        }
        var strokes = new List<PenStroke>();
        for (int y = 0; y < side; y++)
        {
            int x = 0;
            while (x < side)
            {
                if (pixels[y * side + x] < 0.5f)
                {
                    x++;
                    continue;
                }
                int start = x;
                while (x + 1 < side && pixels[y * side + x + 1] >= 0.5f)
                {
                    x++;
                }
                strokes.Add(new PenStroke(Centre(start), Centre(x), Centre(y)));
                x++;
            }
        }
        return strokes;
    }

    private static int Centre(int pixel) => pixel * Scale + Scale / 2;
}
