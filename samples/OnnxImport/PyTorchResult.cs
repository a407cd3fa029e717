using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace NetGen.Samples.OnnxImport;

/// <summary>
/// What PyTorch measured on the MNIST test set before exporting models/lenet5.onnx, as train_lenet5.py recorded it in
/// models/lenet5.json (the count of correct predictions and the predicted class of every test image) and
/// models/lenet5.test-logits.bin (the outputs for the first test images).
/// </summary>
/// <param name="Framework">The PyTorch build that trained and measured the model.</param>
/// <param name="Training">How the model was trained.</param>
/// <param name="TestImages">The test images measured (MNIST's 10,000).</param>
/// <param name="Correct">How many of them PyTorch classified as labelled.</param>
/// <param name="Predictions">PyTorch's predicted class of each test image, in test set order.</param>
/// <param name="Logits">PyTorch's 10 outputs for each of the first <see cref="LogitImages"/> test images, row-major.</param>
public sealed record PyTorchResult(string Framework, string Training, int TestImages, int Correct, byte[] Predictions, float[] Logits)
{
    /// <summary>The classes, and so the outputs per image.</summary>
    public const int Classes = 10;

    /// <summary>The test images whose outputs <see cref="Logits"/> holds: the first ones of the test set.</summary>
    public int LogitImages => Logits.Length / Classes;

    /// <summary>Where the sample's build puts the record: models/lenet5.json beside the executable.</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "models", "lenet5.json");

    /// <summary>PyTorch's test accuracy.</summary>
    public double Accuracy => (double)Correct / TestImages;

    /// <summary>Reads and checks the record, and the outputs file beside it.</summary>
    /// <exception cref="InvalidDataException">The file is not a record as train_lenet5.py writes it.</exception>
    public static PyTorchResult Load(string path)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement root = document.RootElement;
            int testImages = root.GetProperty("test_images").GetInt32();
            int correct = root.GetProperty("correct").GetInt32();
            string predictions = root.GetProperty("test_predictions").GetString() ?? "";
            if (testImages < 1 || correct < 0 || correct > testImages)
            {
                throw Invalid(path, $"{correct} correct of {testImages} test images is not a count");
            }
            if (predictions.Length != testImages)
            {
                throw Invalid(path, $"\"test_predictions\" holds {predictions.Length} classes for {testImages} test images");
            }
            var classes = new byte[testImages];
            for (int i = 0; i < classes.Length; i++)
            {
                if (predictions[i] is < '0' or > '9')
                {
                    throw Invalid(path, $"prediction {i} is '{predictions[i]}', not a digit");
                }
                classes[i] = (byte)(predictions[i] - '0');
            }
            int logitImages = root.GetProperty("logit_images").GetInt32();
            string logitsPath = Path.Combine(Path.GetDirectoryName(path) ?? "", "lenet5.test-logits.bin");
            byte[] logitBytes = File.ReadAllBytes(logitsPath);
            if (logitImages < 1 || logitImages > testImages || logitBytes.Length != logitImages * Classes * sizeof(float))
            {
                throw Invalid(path, $"'{logitsPath}' holds {logitBytes.Length} bytes, not the outputs of {logitImages} test images ({Classes} float32 values each)");
            }
            var logits = new float[logitImages * Classes];
            for (int i = 0; i < logits.Length; i++)
            {
                logits[i] = BinaryPrimitives.ReadSingleLittleEndian(logitBytes.AsSpan(i * sizeof(float)));
            }
            return new PyTorchResult(
                root.GetProperty("framework").GetString() ?? "", root.GetProperty("training").GetString() ?? "", testImages, correct, classes, logits);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw Invalid(path, e.Message);
        }
    }

    private static InvalidDataException Invalid(string path, string problem) =>
        new($"'{path}' is not the record train_lenet5.py writes beside lenet5.onnx: {problem}. Run train_lenet5.py again to write the model and its records.");
}
