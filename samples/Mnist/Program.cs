using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using NetGen;
using NetGen.Samples;
using NetGen.Samples.Mnist;
using Spectre.Console;

// Trains the MNIST multilayer perceptron on the 60,000 training images and reports its accuracy on the 10,000 test images.
var arguments = new TrainingArguments(epochs: 12, batchSize: 64, learningRate: 1e-3f, "Adam's initial step size (halved every 4 epochs).");
var root = new RootCommand("Train a NetGen multilayer perceptron on MNIST.");
arguments.AddTo(root);
var checkpoint = new Option<string>("--checkpoint") { Description = "Where to save the trained model (a NetGen checkpoint; samples/Embedded loads it).", DefaultValueFactory = _ => Path.Combine(NpmDataset.DefaultCacheFolder(), "mnist-mlp.ngck") };
var onnx = new Option<string?>("--onnx") { Description = "Also export the trained model as ONNX to this path." };
root.Options.Add(checkpoint);
root.Options.Add(onnx);
root.SetAction(result => Run(arguments.Read(result), result.GetValue(checkpoint)!, result.GetValue(onnx)));
return root.Parse(args).Invoke();

static int Run(TrainingSettings settings, string checkpointPath, string? onnxPath)
{
    var clock = Stopwatch.StartNew();
    AnsiConsole.MarkupLine("[bold]NetGen MNIST[/]: " + Markup.Escape($"{MnistMlp.ParameterCount:N0} parameters, {MnistMlp.ForwardFlopsPerSample:N0} FLOPs per sample"));

    (Dataset train, Dataset test, string folder) = MnistData.Load(settings.DataFolder);
    Console.WriteLine($"data: {train.Count:N0} training and {test.Count:N0} test images from {folder} ({clock.Elapsed.TotalSeconds:F1} s)");

    var model = new MnistMlp();
    model.InitializeParameters(settings.Seed);
    model.Threads = settings.Threads;
    var options = new TrainerOptions { Epochs = settings.Epochs, BatchSize = settings.BatchSize, Seed = settings.Seed, ShowProgress = true };
    options = options with
    {
        // Step decay: a large step finds the basin quickly, smaller ones settle into it.
        LearningRateSchedule = new PerEpochSchedule(new StepDecaySchedule(settings.LearningRate, stepSize: 4, gamma: 0.5f), options.StepsPerEpoch(train.Count)),
    };
    // The test set is each epoch's validation set: reported only, never used to choose anything.
    new Trainer(options).Fit(model, new Adam(settings.LearningRate), train, test);

    EvaluationResult final = Evaluation.Evaluate(model, test);
    SaveModel(model, checkpointPath, onnxPath);
    Console.WriteLine($"wall time: {clock.Elapsed.TotalSeconds:F1} s (data included)");
    Console.WriteLine($"test accuracy: {final.Accuracy:F4}");
    return 0;
}

static void SaveModel(MnistMlp model, string checkpointPath, string? onnxPath)
{
    CreateParentFolder(checkpointPath);
    Checkpoint.Capture(model).Save(checkpointPath);
    Console.WriteLine($"checkpoint: {checkpointPath}");
    if (onnxPath is not null)
    {
        CreateParentFolder(onnxPath);
        OnnxExporter.Save(model, onnxPath);
        Console.WriteLine($"onnx: {onnxPath}");
    }
}

static void CreateParentFolder(string path)
{
    string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
    if (folder is not null)
    {
        Directory.CreateDirectory(folder);
    }
}
