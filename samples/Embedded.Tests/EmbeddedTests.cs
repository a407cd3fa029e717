using System;
using System.IO;
using System.Text;
using Xunit;

namespace NetGen.Samples.Embedded.Tests;

public sealed class EmbeddedTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "netgen-embedded-" + Guid.NewGuid().ToString("N"));

    public EmbeddedTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static byte[] Pixels()
    {
        var pixels = new byte[DigitImage.PixelCount];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i * 7);
        }
        return pixels;
    }

    [Fact]
    public void PgmRoundTripsAndRawFilesReadTheSame()
    {
        byte[] pixels = Pixels();
        string pgm = Path.Combine(folder, "test-00000-label-7.pgm");
        string raw = Path.Combine(folder, "digit.raw");
        DigitImage.WritePgm(pgm, pixels, "a comment");
        File.WriteAllBytes(raw, pixels);

        float[] fromPgm = DigitImage.Read(pgm);
        Assert.Equal(DigitImage.PixelCount, fromPgm.Length);
        for (int i = 0; i < pixels.Length; i++)
        {
            Assert.Equal(pixels[i] / 255f, fromPgm[i]);
        }
        Assert.Equal(fromPgm, DigitImage.Read(raw));
        Assert.Equal(7, DigitImage.LabelFromFileName(pgm));
        Assert.Equal(-1, DigitImage.LabelFromFileName(raw));
    }

    [Theory]
    [InlineData("P5\n27 28\n255\n", 784, "27x28")]
    [InlineData("P5\n28 28\n65535\n", 784, "8-bit")]
    [InlineData("P5\n28 28\n255\n", 783, "truncated")]
    [InlineData("P5\n28\n", 0, "expected the height")]
    [InlineData("P2\n28 28\n255\n", 0, "P2")]
    [InlineData("", 100, "784 bytes")]
    public void InvalidFilesGiveClearErrors(string header, int pixelBytes, string expected)
    {
        string path = Path.Combine(folder, "bad.pgm");
        using (FileStream file = File.Create(path))
        {
            file.Write(Encoding.ASCII.GetBytes(header));
            file.Write(new byte[pixelBytes]);
        }
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => DigitImage.Read(path));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => DigitImage.Read(Path.Combine(folder, "missing.pgm")));
    }

    [Fact]
    public void BuiltInModelIsTheCheckpointAsTheMnistSampleLoadsIt()
    {
        // Checkpoint.Load checks the architecture fingerprint: the file the executable carries is one samples/Mnist's
        // own network loads, so the two declarations are the same network.
        var loaded = new Mnist.MnistMlp();
        Checkpoint.Load(Path.Combine(AppContext.BaseDirectory, "Model", "mnist-mlp.ngck"), loaded);
        var builtIn = new MnistMlp();
        Assert.Equal(Mnist.MnistMlp.Fingerprint, MnistMlp.Fingerprint);
        Assert.Equal(Array.ConvertAll(loaded.Parameters, BitConverter.SingleToInt32Bits), Array.ConvertAll(builtIn.Parameters, BitConverter.SingleToInt32Bits));

        float[] pixels = Array.ConvertAll(Pixels(), b => b / 255f);
        var expected = new float[MnistMlp.OutputSize];
        var actual = new float[MnistMlp.OutputSize];
        loaded.Forward(pixels, expected);
        builtIn.Forward(pixels, actual);
        Assert.Equal(expected, actual);
        Assert.Equal(Softmax.ArgMax(expected), Softmax.ArgMax(actual));
    }

    [Fact]
    public void SoftmaxArgMaxGivesTheLargestLogitAndItsProbability()
    {
        (int index, float probability) = Softmax.ArgMax(new[] { 0f, 2f, 0f });
        Assert.Equal(1, index);
        Assert.Equal(MathF.Exp(2) / (MathF.Exp(2) + 2), probability, 5);
    }
}
