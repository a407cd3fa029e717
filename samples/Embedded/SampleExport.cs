using System;
using System.Buffers.Binary;
using System.IO;

namespace NetGen.Samples.Embedded;

/// <summary>Writes the first MNIST test images as PGM files named after their labels (<c>test-00000-label-7.pgm</c>).</summary>
public static class SampleExport
{
    /// <summary>Exports <paramref name="count"/> images from the IDX files in <paramref name="idxFolder"/> to <paramref name="folder"/>.</summary>
    public static void Run(string idxFolder, string folder, int count)
    {
        string imagesPath = Path.Combine(idxFolder, "t10k-images-idx3-ubyte");
        string labelsPath = Path.Combine(idxFolder, "t10k-labels-idx1-ubyte");
        if (!File.Exists(imagesPath) || !File.Exists(labelsPath))
        {
            throw new FileNotFoundException($"MNIST test files not found in '{idxFolder}' (run samples/Mnist once to download them, or pass --idx <folder>).");
        }
        byte[] images = File.ReadAllBytes(imagesPath);
        byte[] labels = File.ReadAllBytes(labelsPath);
        if (images.Length < 16 || BinaryPrimitives.ReadInt32BigEndian(images) != 0x803
            || BinaryPrimitives.ReadInt32BigEndian(images.AsSpan(8)) != DigitImage.Side || BinaryPrimitives.ReadInt32BigEndian(images.AsSpan(12)) != DigitImage.Side)
        {
            throw new InvalidDataException($"{imagesPath} is not an IDX file of 28x28 images.");
        }
        if (labels.Length < 8 || BinaryPrimitives.ReadInt32BigEndian(labels) != 0x801)
        {
            throw new InvalidDataException($"{labelsPath} is not an IDX labels file.");
        }
        int available = Math.Min(BinaryPrimitives.ReadInt32BigEndian(images.AsSpan(4)), BinaryPrimitives.ReadInt32BigEndian(labels.AsSpan(4)));
        available = Math.Min(available, Math.Min((images.Length - 16) / DigitImage.PixelCount, labels.Length - 8));
        count = Math.Min(count, available);
        Directory.CreateDirectory(folder);
        for (int i = 0; i < count; i++)
        {
            int label = labels[8 + i];
            string path = Path.Combine(folder, $"test-{i:D5}-label-{label}.pgm");
            DigitImage.WritePgm(path, images.AsSpan(16 + i * DigitImage.PixelCount, DigitImage.PixelCount), $"MNIST test image {i}, label {label}");
        }
        Console.WriteLine($"wrote {count} images to {folder}");
    }
}
