using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using Xunit;

namespace NetGen.Docs.Tests;

/// <summary>docs/data.md: its program reads MNIST IDX files (plain and gzip), CSV files and text, splits, standardizes and augments.</summary>
public sealed class DataGuideTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-docs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_data_program_reads_every_format_and_trains_with_augmentation()
    {
        WriteMnist(Path.Combine(_folder, "train-images-idx3-ubyte"), Path.Combine(_folder, "train-labels-idx1-ubyte"), count: 64, seed: 1, gzip: false);
        WriteMnist(Path.Combine(_folder, "t10k-images-idx3-ubyte.gz"), Path.Combine(_folder, "t10k-labels-idx1-ubyte.gz"), count: 64, seed: 2, gzip: true);
        File.Copy(GettingStartedTests.IrisCsv, Path.Combine(_folder, "iris.csv"));

        GuideProgram program = GuideProgram.Build("data", _folder);
        GuideProgram.AssertMatchesGuideOutput("data", program.Run(_folder));
    }

    /// <summary>
    /// An images file and a labels file in MNIST's IDX format: image i shows a bright square whose place depends on its
    /// label i % 10, over faint noise, so that the classes differ as digits do.
    /// </summary>
    internal static void WriteMnist(string imagesPath, string labelsPath, int count, int seed, bool gzip)
    {
        var random = new Random(seed);
        byte[] images = new byte[16 + count * 784];
        BinaryPrimitives.WriteInt32BigEndian(images, MnistIdx.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), 28);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), 28);
        byte[] labels = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(labels, MnistIdx.LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), count);
        for (int i = 0; i < count; i++)
        {
            int label = i % 10;
            labels[8 + i] = (byte)label;
            Span<byte> image = images.AsSpan(16 + i * 784, 784);
            for (int p = 0; p < 784; p++)
            {
                image[p] = (byte)random.Next(0, 40);
            }
            for (int y = 4 + 2 * (label / 5); y < 12 + 2 * (label / 5); y++)
            {
                for (int x = 2 + 4 * (label % 5); x < 8 + 4 * (label % 5); x++)
                {
                    image[y * 28 + x] = 250;
                }
            }
        }
        Write(imagesPath, images, gzip);
        Write(labelsPath, labels, gzip);
    }

    private static void Write(string path, byte[] bytes, bool gzip)
    {
        using FileStream file = File.Create(path);
        if (gzip)
        {
            using var compressed = new GZipStream(file, CompressionLevel.Fastest);
            compressed.Write(bytes);
        }
        else
        {
            file.Write(bytes);
        }
    }
}
