using System;
using System.CommandLine;
using System.Diagnostics;
using NetGen;
using NetGen.Samples;
using NetGen.Samples.Mnist;
using Spectre.Console;

// Trains the MNIST multilayer perceptron on the 60,000 training images and reports its accuracy on the 10,000 test images.
var arguments = new TrainingArguments(epochs: 12, batchSize: 64, learningRate: 1e-3f, "Adam's initial step size (halved every 4 epochs).");
var root = new RootCommand("Train a NetGen multilayer perceptron on MNIST.");
arguments.AddTo(root);
root.SetAction(result => Run(arguments.Read(result)));
return root.Parse(args).Invoke();

static int Run(TrainingSettings settings)
{
    var clock = Stopwatch.StartNew();
    AnsiConsole.MarkupLine("[bold]NetGen MNIST[/]: " + Markup.Escape($"{MnistMlp.ParameterCount:N0} parameters, {MnistMlp.ForwardFlopsPerSample:N0} FLOPs per sample"));

    (Dataset train, Dataset test, string folder) = MnistData.Load(settings.DataFolder);
    Console.WriteLine($"data: {train.Count:N0} training and {test.Count:N0} test images from {folder} ({clock.Elapsed.TotalSeconds:F1} s)");

    var model = new MnistMlp();
    model.InitializeParameters(settings.Seed);
    var options = new TrainerOptions { Epochs = settings.Epochs, BatchSize = settings.BatchSize, Seed = settings.Seed };
    options = options with
    {
        // Step decay: a large step finds the basin quickly, smaller ones settle into it.
        LearningRateSchedule = new PerEpochSchedule(new StepDecaySchedule(settings.LearningRate, stepSize: 4, gamma: 0.5f), options.StepsPerEpoch(train.Count)),
    };
    EpochConsole.Fit(model, new Adam(settings.LearningRate), train, test, options);

    EvaluationResult final = Evaluation.Evaluate(model, test);
    Console.WriteLine($"wall time: {clock.Elapsed.TotalSeconds:F1} s (data included)");
    Console.WriteLine($"test accuracy: {final.Accuracy:F4}");
    return 0;
}
