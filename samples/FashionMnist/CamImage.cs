using System;
using System.IO;
using SkiaSharp;

namespace NetGen.Samples.FashionMnist;

/// <summary>
/// Draws a class activation map over its input image with SkiaSharp: two panels side by side, the grayscale input on the
/// left and on the right the same image blended half and half with the map in the "jet" color map (blue: no evidence for
/// the predicted class, red: the most), both enlarged <c>scale</c> times (input pixels as blocks, the map interpolated).
/// </summary>
internal static class CamImage
{
    /// <summary>Renders one image of <c>side</c> x <c>side</c> pixels in [0, 1] and its map.</summary>
    public static SKBitmap Render(ReadOnlySpan<float> image, int side, ClassActivationMap map, int scale)
    {
        int panel = side * scale, gap = scale;
        var bitmap = new SKBitmap(new SKImageInfo(2 * panel + gap, panel, SKColorType.Rgba8888, SKAlphaType.Opaque));
        Span<byte> pixels = bitmap.GetPixelSpan();
        int stride = bitmap.RowBytes;
        pixels.Fill(255);   // the white gap between the panels
        for (int y = 0; y < panel; y++)
        {
            for (int x = 0; x < panel; x++)
            {
                float gray = image[y / scale * side + x / scale];
                float heat = map.Sample((x + 0.5f) / scale, (y + 0.5f) / scale, side, side);
                (float r, float g, float b) = Jet(heat);
                Put(pixels, y * stride + x * 4, gray, gray, gray);
                Put(pixels, y * stride + (panel + gap + x) * 4, 0.5f * gray + 0.5f * r, 0.5f * gray + 0.5f * g, 0.5f * gray + 0.5f * b);
            }
        }
        return bitmap;
    }

    /// <summary>Stacks bitmaps of equal size into one column with <paramref name="gap"/> white pixels between them.</summary>
    public static SKBitmap Stack(SKBitmap[] parts, int gap)
    {
        int width = parts[0].Width, height = parts[0].Height;
        var sheet = new SKBitmap(new SKImageInfo(width, parts.Length * height + (parts.Length - 1) * gap, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(sheet);
        canvas.Clear(SKColors.White);
        for (int i = 0; i < parts.Length; i++)
        {
            canvas.DrawBitmap(parts[i], 0, i * (height + gap));
        }
        return sheet;
    }

    /// <summary>Writes <paramref name="bitmap"/> as a PNG file.</summary>
    public static void SavePng(SKBitmap bitmap, string path)
    {
        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode a {bitmap.Width}x{bitmap.Height} PNG for '{path}'.");
        using FileStream file = File.Create(path);
        png.SaveTo(file);
    }

    // The "jet" color map (dark blue, blue, cyan, yellow, red, dark red) of the CAM paper's figures, as piecewise-linear ramps.
    private static (float R, float G, float B) Jet(float t) =>
        (Ramp(1.5f - MathF.Abs(4f * t - 3f)), Ramp(1.5f - MathF.Abs(4f * t - 2f)), Ramp(1.5f - MathF.Abs(4f * t - 1f)));

    private static float Ramp(float value) => Math.Clamp(value, 0f, 1f);

    private static void Put(Span<byte> pixels, int offset, float r, float g, float b)
    {
        pixels[offset] = (byte)MathF.Round(255f * Ramp(r));
        pixels[offset + 1] = (byte)MathF.Round(255f * Ramp(g));
        pixels[offset + 2] = (byte)MathF.Round(255f * Ramp(b));
        pixels[offset + 3] = 255;
    }
}
