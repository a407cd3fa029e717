using System;
using System.IO;
using System.Text;

namespace NetGen.Samples.Embedded;

/// <summary>
/// Reads a 28x28 digit as the MNIST networks expect it (784 pixels in [0, 1], white digit on black): a binary PGM
/// (<c>P5</c>, maximum value up to 255) or a raw file of exactly 784 bytes. Shared by samples/Embedded and samples/EmbeddedOnnx.
/// </summary>
public static class DigitImage
{
    /// <summary>Rows and columns of an image.</summary>
    public const int Side = 28;

    /// <summary>Pixels of an image.</summary>
    public const int PixelCount = Side * Side;

    /// <summary>Reads <paramref name="path"/> into 784 floats in [0, 1].</summary>
    /// <exception cref="InvalidDataException">The file is neither a 28x28 binary PGM nor 784 raw bytes.</exception>
    public static float[] Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"image file '{path}' does not exist.", path);
        }
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length >= 2 && bytes[0] == (byte)'P' && bytes[1] == (byte)'5')
        {
            return ReadPgm(bytes, path);
        }
        if (bytes.Length >= 2 && bytes[0] == (byte)'P' && bytes[1] is >= (byte)'1' and <= (byte)'7')
        {
            throw new InvalidDataException($"{path}: a P{(char)bytes[1]} netpbm file; only binary grayscale PGM (P5) is supported (e.g. `convert in.png -resize 28x28! -depth 8 out.pgm`).");
        }
        if (bytes.Length == PixelCount)
        {
            return Scale(bytes, 0, 255);
        }
        throw new InvalidDataException($"{path}: not a binary PGM (P5) and not a raw image of {PixelCount} bytes ({bytes.Length} bytes).");
    }

    /// <summary>Writes 784 bytes as a binary PGM.</summary>
    public static void WritePgm(string path, ReadOnlySpan<byte> pixels, string? comment = null)
    {
        if (pixels.Length != PixelCount)
        {
            throw new ArgumentException($"expected {PixelCount} pixels, got {pixels.Length}.", nameof(pixels));
        }
        string header = comment is null ? $"P5\n{Side} {Side}\n255\n" : $"P5\n# {comment}\n{Side} {Side}\n255\n";
        using FileStream file = File.Create(path);
        file.Write(Encoding.ASCII.GetBytes(header));
        file.Write(pixels);
    }

    private static float[] ReadPgm(byte[] bytes, string path)
    {
        int position = 2;
        int width = ReadHeaderNumber(bytes, ref position, "width", path);
        int height = ReadHeaderNumber(bytes, ref position, "height", path);
        int maximum = ReadHeaderNumber(bytes, ref position, "maximum value", path);
        if (width != Side || height != Side)
        {
            throw new InvalidDataException($"{path}: the image is {width}x{height}; the model takes {Side}x{Side} (resize it first).");
        }
        if (maximum is < 1 or > 255)
        {
            throw new InvalidDataException($"{path}: maximum value {maximum}; only 8-bit PGM (1 to 255) is supported.");
        }
        // Exactly one whitespace character separates the header from the pixels.
        if (position >= bytes.Length || !IsWhitespace(bytes[position]))
        {
            throw new InvalidDataException($"{path}: no whitespace after the PGM header.");
        }
        position++;
        if (bytes.Length - position < PixelCount)
        {
            throw new InvalidDataException($"{path}: truncated PGM: {bytes.Length - position} pixel bytes, expected {PixelCount}.");
        }
        for (int i = position; i < position + PixelCount; i++)
        {
            if (bytes[i] > maximum)
            {
                throw new InvalidDataException($"{path}: pixel {i - position} is {bytes[i]}, above the maximum value {maximum}.");
            }
        }
        return Scale(bytes, position, maximum);
    }

    private static float[] Scale(byte[] bytes, int offset, int maximum)
    {
        // Division, as MnistIdx does, so that an exported MNIST image gives exactly the training inputs.
        var pixels = new float[PixelCount];
        float divisor = maximum;
        for (int i = 0; i < PixelCount; i++)
        {
            pixels[i] = bytes[offset + i] / divisor;
        }
        return pixels;
    }

    private static int ReadHeaderNumber(byte[] bytes, ref int position, string what, string path)
    {
        // Skip whitespace and comments (from '#' to the end of the line).
        while (position < bytes.Length && (IsWhitespace(bytes[position]) || bytes[position] == (byte)'#'))
        {
            if (bytes[position] == (byte)'#')
            {
                while (position < bytes.Length && bytes[position] != (byte)'\n')
                {
                    position++;
                }
            }
            else
            {
                position++;
            }
        }
        int value = 0;
        int digits = 0;
        while (position < bytes.Length && bytes[position] is >= (byte)'0' and <= (byte)'9')
        {
            if (++digits > 6)
            {
                throw new InvalidDataException($"{path}: PGM {what} is too large.");
            }
            value = value * 10 + (bytes[position] - '0');
            position++;
        }
        if (digits == 0)
        {
            throw new InvalidDataException($"{path}: malformed PGM header: expected the {what}.");
        }
        return value;
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0b or 0x0c;

    /// <summary>The label in a file name written by <c>--export-samples</c> (<c>…-label-7.pgm</c>), or -1.</summary>
    public static int LabelFromFileName(string path)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        int at = name.LastIndexOf("-label-", StringComparison.Ordinal);
        return at >= 0 && at + 8 == name.Length && char.IsAsciiDigit(name[^1]) ? name[^1] - '0' : -1;
    }
}
