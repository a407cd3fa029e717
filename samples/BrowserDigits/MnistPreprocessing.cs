using System;

namespace NetGen.Samples.BrowserDigits;

/// <summary>
/// Turns a drawing into the input the MNIST networks were trained on, the way MNIST's images were made (LeCun et al.,
/// "The MNIST database"): the digit is scaled, keeping its aspect ratio, to fit a 20x20 box (averaging the pixels each
/// output pixel covers, which anti-aliases it), then placed in a 28x28 field so that its centre of mass is the field's
/// centre. Pixels are light ink on a dark background, as in MNIST, divided by 255 as <see cref="MnistIdx"/> does.
/// Pure arithmetic without platform calls, so that the browser and a desktop test compute the same input.
/// </summary>
public static class MnistPreprocessing
{
    /// <summary>Rows and columns of the network's input.</summary>
    public const int Side = 28;

    /// <summary>Rows and columns of the box that the digit's longer side is scaled to.</summary>
    public const int BoxSide = 20;

    /// <summary>Values of the network's input.</summary>
    public const int PixelCount = Side * Side;

    /// <summary>
    /// Preprocesses <paramref name="ink"/> (<paramref name="width"/> x <paramref name="height"/> values, row by row,
    /// 0 = background, 255 = full ink) into <paramref name="input"/> (784 values in [0, 1]).
    /// </summary>
    /// <returns><see langword="false"/> (and <paramref name="input"/> all zero) when nothing is drawn.</returns>
    public static bool TryPreprocess(ReadOnlySpan<byte> ink, int width, int height, Span<float> input)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (ink.Length != width * height)
        {
            throw new ArgumentException($"expected {width}x{height} = {width * height} ink values, got {ink.Length}.", nameof(ink));
        }
        if (input.Length != PixelCount)
        {
            throw new ArgumentException($"the input holds {PixelCount} values, not {input.Length}.", nameof(input));
        }
        input.Clear();
        if (!TryFindBounds(ink, width, height, out int left, out int top, out int boxWidth, out int boxHeight))
        {
            return false;
        }

        // The longer side becomes 20 pixels; the shorter keeps the ratio (at least one pixel: a stroke drawn as a line).
        double scale = (double)BoxSide / Math.Max(boxWidth, boxHeight);
        int scaledWidth = Math.Clamp((int)Math.Round(boxWidth * scale), 1, BoxSide);
        int scaledHeight = Math.Clamp((int)Math.Round(boxHeight * scale), 1, BoxSide);
        double[] scaled = AreaResample(ink, width, left, top, boxWidth, boxHeight, scaledWidth, scaledHeight);

        // Centre of mass, pixel centres at i + 0.5; it goes to the field's centre (14, 14), shifted by whole pixels.
        double mass = 0, sumX = 0, sumY = 0;
        for (int y = 0; y < scaledHeight; y++)
        {
            for (int x = 0; x < scaledWidth; x++)
            {
                double value = scaled[y * scaledWidth + x];
                mass += value;
                sumX += value * (x + 0.5);
                sumY += value * (y + 0.5);
            }
        }
        int offsetX = (int)Math.Round(Side / 2.0 - sumX / mass, MidpointRounding.AwayFromZero);
        int offsetY = (int)Math.Round(Side / 2.0 - sumY / mass, MidpointRounding.AwayFromZero);
        for (int y = 0; y < scaledHeight; y++)
        {
            int row = y + offsetY;
            if (row is < 0 or >= Side)
            {
                continue;
            }
            for (int x = 0; x < scaledWidth; x++)
            {
                int column = x + offsetX;
                if (column is >= 0 and < Side)
                {
                    input[row * Side + column] = (float)Math.Round(scaled[y * scaledWidth + x]) / 255f;
                }
            }
        }
        return true;
    }

    private static bool TryFindBounds(ReadOnlySpan<byte> ink, int width, int height, out int left, out int top, out int boxWidth, out int boxHeight)
    {
        int minX = width, minY = height, maxX = -1, maxY = -1;
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = ink.Slice(y * width, width);
            int first = row.IndexOfAnyExcept((byte)0);
            if (first < 0)
            {
                continue;
            }
            int last = row.LastIndexOfAnyExcept((byte)0);
            minX = Math.Min(minX, first);
            maxX = Math.Max(maxX, last);
            minY = Math.Min(minY, y);
            maxY = y;
        }
        left = minX;
        top = minY;
        boxWidth = maxX - minX + 1;
        boxHeight = maxY - minY + 1;
        return maxX >= 0;
    }

    /// <summary>
    /// Box-filter resampling of the bounding box to <paramref name="outWidth"/> x <paramref name="outHeight"/>: each
    /// output pixel is the mean of the source area it covers, partly covered source pixels weighted by their share.
    /// Separable: rows first, then columns.
    /// </summary>
    private static double[] AreaResample(ReadOnlySpan<byte> ink, int width, int left, int top, int boxWidth, int boxHeight, int outWidth, int outHeight)
    {
        Coverage[] columns = Coverages(boxWidth, outWidth);
        var rows = new double[boxHeight * outWidth];
        for (int y = 0; y < boxHeight; y++)
        {
            ReadOnlySpan<byte> source = ink.Slice((top + y) * width + left, boxWidth);
            for (int x = 0; x < outWidth; x++)
            {
                double sum = 0;
                for (int k = 0; k < columns[x].Weights.Length; k++)
                {
                    sum += source[columns[x].First + k] * columns[x].Weights[k];
                }
                rows[y * outWidth + x] = sum;
            }
        }
        Coverage[] lines = Coverages(boxHeight, outHeight);
        var result = new double[outHeight * outWidth];
        for (int y = 0; y < outHeight; y++)
        {
            for (int x = 0; x < outWidth; x++)
            {
                double sum = 0;
                for (int k = 0; k < lines[y].Weights.Length; k++)
                {
                    sum += rows[(lines[y].First + k) * outWidth + x] * lines[y].Weights[k];
                }
                result[y * outWidth + x] = sum;
            }
        }
        return result;
    }

    /// <summary>The source pixels output pixel <c>o</c> covers, from <c>First</c> on, with weights that sum to 1.</summary>
    private readonly record struct Coverage(int First, double[] Weights);

    /// <summary>
    /// For each of <paramref name="outputs"/> output pixels over <paramref name="inputs"/> source pixels: output o covers
    /// [o * step, (o + 1) * step) with step = inputs / outputs, source pixel i covers [i, i + 1).
    /// </summary>
    private static Coverage[] Coverages(int inputs, int outputs)
    {
        double step = (double)inputs / outputs;
        var coverages = new Coverage[outputs];
        for (int o = 0; o < outputs; o++)
        {
            double start = o * step, end = Math.Min((o + 1) * step, inputs);
            int first = (int)Math.Floor(start);
            int last = Math.Min((int)Math.Ceiling(end), inputs) - 1;
            var weights = new double[last - first + 1];
            for (int i = first; i <= last; i++)
            {
                weights[i - first] = Math.Max(0, Math.Min(end, i + 1) - Math.Max(start, i)) / step;
            }
            coverages[o] = new Coverage(first, weights);
        }
        return coverages;
    }
}
