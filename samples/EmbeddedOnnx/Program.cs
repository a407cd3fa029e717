using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NetGen.Samples.Embedded;

// samples/Embedded on ONNX Runtime: classifies digit images with the ONNX export of the MNIST sample's model.
//   EmbeddedOnnx [--model .data/mnist-mlp.onnx] image.pgm [more images]
long mainStart = Stopwatch.GetTimestamp();
try
{
    return Run(args, mainStart);
}
catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException or OnnxRuntimeException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

static int Run(string[] args, long mainStart)
{
    string modelPath = Path.Combine(".data", "mnist-mlp.onnx");
    var images = new List<string>();
    for (int i = 0; i < args.Length; i++)
    {
        if (args[i] == "--model")
        {
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException("--model needs a value.");
            }
            modelPath = args[++i];
        }
        else if (args[i] is "-h" or "--help")
        {
            Console.WriteLine("usage: EmbeddedOnnx [--model <file.onnx>] <image.pgm|image.raw>...");
            return 0;
        }
        else if (args[i].StartsWith("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"unknown option {args[i]} (see --help).");
        }
        else
        {
            images.Add(args[i]);
        }
    }
    if (images.Count == 0)
    {
        throw new ArgumentException("no image given (see --help).");
    }
    if (!File.Exists(modelPath))
    {
        throw new FileNotFoundException($"model '{modelPath}' not found; export one with `dotnet run --project samples/Mnist -c Release -- --onnx {modelPath}` or pass --model.");
    }

    using var options = new SessionOptions { IntraOpNumThreads = 1 };
    using var session = new InferenceSession(modelPath, options);
    using var runOptions = new RunOptions();
    string inputName = session.InputNames[0];
    DigitReport.Run(images, pixels =>
    {
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(pixels, new long[] { 1, DigitImage.PixelCount });
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, new Dictionary<string, OrtValue> { [inputName] = input }, session.OutputNames);
        return Softmax.ArgMax(outputs[0].GetTensorDataAsSpan<float>());
    }, mainStart);
    return 0;
}
