using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using NetGen;
using NetGen.Samples;
using NetGen.Samples.LeNet5;
using Spectre.Console;

// Trains LeNet-5 on the 60,000 MNIST training images and reports its accuracy on the 10,000 test images.
// With --benchmark it trains nothing and measures instead: training throughput at the batch size, and batch-1 latency.
var arguments = new TrainingArguments(epochs: 12, batchSize: 64, learningRate: 1e-3f, "Adam's initial step size (halved every 3 epochs).");
var shift = new Option<int>("--shift") { Description = "Largest random shift of a training image, in pixels (0: no augmentation).", DefaultValueFactory = _ => 2 };
shift.Validators.Add(result =>
{
    if (result.GetValueOrDefault<int>() is < 0 or > 8)
    {
        result.AddError("--shift must be between 0 and 8 pixels.");
    }
});
var checkpoint = new Option<string?>("--checkpoint") { Description = "Also save the trained model, with the digits as class names, to this NetGen checkpoint (samples/BrowserDigits builds one in)." };
var benchmark = new Option<bool>("--benchmark") { Description = "Measure training throughput (samples/s) and batch-1 inference latency instead of training." };
var root = new RootCommand("Train LeNet-5, a NetGen convolutional network, on MNIST.");
arguments.AddTo(root);
root.Options.Add(shift);
root.Options.Add(checkpoint);
root.Options.Add(benchmark);
root.SetAction(result => result.GetValue(benchmark) ? Benchmark.Run(arguments.Read(result)) : Train(arguments.Read(result), result.GetValue(shift), result.GetValue(checkpoint)));
return root.Parse(args).Invoke();

static int Train(TrainingSettings settings, int maxShift, string? checkpointPath)
{
    var clock = Stopwatch.StartNew();
    AnsiConsole.MarkupLine("[bold]NetGen LeNet-5[/]: " + Markup.Escape($"{LeNet5.ParameterCount:N0} parameters, {LeNet5.ForwardFlopsPerSample:N0} FLOPs per sample"));

    (Dataset train, Dataset test, string folder) = MnistData.Load(settings.DataFolder);
    Console.WriteLine($"data: {train.Count:N0} training and {test.Count:N0} test images from {folder} ({clock.Elapsed.TotalSeconds:F1} s)");

    var model = new LeNet5();
    model.InitializeParameters(settings.Seed);
    model.Threads = settings.Threads;
    var options = new TrainerOptions { Epochs = settings.Epochs, BatchSize = settings.BatchSize, Seed = settings.Seed, ShowProgress = true };
    options = options with
    {
        // Step decay: a large step finds the basin quickly, smaller ones settle into it.
        LearningRateSchedule = new PerEpochSchedule(new StepDecaySchedule(settings.LearningRate, stepSize: 3, gamma: 0.5f), options.StepsPerEpoch(train.Count)),
        // A digit moved by a pixel or two is the same digit: each epoch sees the training images at new random offsets,
        // which keeps the network from memorizing them (without it, LeNet-5 fits the training set and stops near 98.9%).
        Augmentation = maxShift > 0 ? new ImageAugmentation(channels: 1, height: 28, width: 28, maxShift) : null,
    };
    // The test set is each epoch's validation set: reported only, never used to choose anything.
    new Trainer(options).Fit(model, new Adam(settings.LearningRate), train, test);

    EvaluationResult final = Evaluation.Evaluate(model, test);
    if (checkpointPath is not null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(checkpointPath))!);
        Checkpoint.Capture(model, classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]).Save(checkpointPath);
        Console.WriteLine($"checkpoint: {checkpointPath}");
    }
    Console.WriteLine($"wall time: {clock.Elapsed.TotalSeconds:F1} s (data included)");
    Console.WriteLine($"test accuracy: {final.Accuracy:F4}");
    return 0;
}
