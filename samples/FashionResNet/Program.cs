// Trains a small ResNet (batch normalization, residual blocks, dropout) with data augmentation on Fashion-MNIST, on
// the same fixed split as samples/FashionMnist (per class the first 6,000 images train, the last 1,000 test), so the
// two samples' test accuracies compare directly.
//
// Output: one line per epoch (progress bars when the console is interactive), the wall time, and
// "test accuracy: 0.xxxx" as the last line.
using System;
using System.CommandLine;
using System.Diagnostics;
using NetGen;
using NetGen.Samples;
using NetGen.Samples.FashionResNet;
using Spectre.Console;

var arguments = new TrainingArguments(epochs: 12, batchSize: 64, learningRate: 2e-3f, "AdamW's peak step size (after a one-epoch warm-up, cosine decay to zero).");
var shift = new Option<int>("--shift") { Description = "Largest random shift of training images, in pixels (0 turns augmentation off).", DefaultValueFactory = _ => 1 };
var root = new RootCommand("Train a NetGen ResNet with batch normalization, dropout and augmentation on Fashion-MNIST.");
arguments.AddTo(root);
root.Options.Add(shift);
root.SetAction(result => Run(arguments.Read(result), result.GetValue(shift)));
return root.Parse(args).Invoke();

static int Run(TrainingSettings settings, int shift)
{
    var clock = Stopwatch.StartNew();
    AnsiConsole.MarkupLine("[bold]NetGen Fashion-MNIST ResNet[/]: " + Markup.Escape($"{FashionResNet.ParameterCount:N0} parameters, {FashionResNet.ForwardFlopsPerSample:N0} FLOPs per sample"));

    (Dataset train, Dataset test, string folder) = FashionMnistJson.Load(settings.DataFolder);
    Console.WriteLine($"data: {train.Count:N0} training and {test.Count:N0} test images from {folder} ({clock.Elapsed.TotalSeconds:F1} s)");

    var model = new FashionResNet();
    model.InitializeParameters(settings.Seed);
    model.Threads = settings.Threads;
    var options = new TrainerOptions { Epochs = settings.Epochs, BatchSize = settings.BatchSize, Seed = settings.Seed, ShowProgress = true };
    long stepsPerEpoch = options.StepsPerEpoch(train.Count);
    // One epoch of warm-up, or half of a one-epoch run, so that the cosine always has steps left to decay over.
    long warmup = settings.Epochs > 1 ? stepsPerEpoch : Math.Max(1, stepsPerEpoch / 2);
    long decay = Math.Max(1, settings.Epochs * stepsPerEpoch - warmup);
    options = options with
    {
        // Random shifts and mirror images: clothes stay clothes when moved a little or flipped left to right.
        Augmentation = shift > 0 ? new ImageAugmentation(1, 28, 28, maxShift: shift, horizontalFlip: true) : null,
        LearningRateSchedule = new LinearWarmupSchedule(
            new CosineAnnealingSchedule(settings.LearningRate, period: decay), warmupSteps: warmup),
    };
    // The test set is each epoch's validation set: reported only, never used to choose anything.
    new Trainer(options).Fit(model, new AdamW(settings.LearningRate, weightDecay: 1e-4f), train, test);

    EvaluationResult final = Evaluation.Evaluate(model, test);
    Console.WriteLine($"wall time: {clock.Elapsed.TotalSeconds:F1} s (data included)");
    Console.WriteLine($"test accuracy: {final.Accuracy:F4}");
    return 0;
}
