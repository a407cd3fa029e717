using System;
using System.CommandLine;
using System.Diagnostics;
using NetGen;
using NetGen.Samples;
using NetGen.Samples.OnnxImport;
using Spectre.Console;

// A LeNet-5 trained in PyTorch (train_lenet5.py) and compiled by NetGen from its ONNX file: evaluated on the 10,000 MNIST
// test images beside PyTorch's recorded result, fine-tuned on the 60,000 training images, and evaluated again.
var arguments = new TrainingArguments(epochs: 1, batchSize: 64, learningRate: 0.001f, "Step size of the fine-tuning's SGD (momentum 0.9).");
var root = new RootCommand("Import a PyTorch-trained LeNet-5 from ONNX with NetGen, evaluate it on MNIST and fine-tune it.");
arguments.AddTo(root);
root.SetAction(result => Run(arguments.Read(result)));
return root.Parse(args).Invoke();

static int Run(TrainingSettings settings)
{
    var clock = Stopwatch.StartNew();
    PyTorchResult pytorch = PyTorchResult.Load(PyTorchResult.DefaultPath);
    AnsiConsole.MarkupLine("[bold]NetGen ONNX import[/]: " + Markup.Escape(
        $"LeNet-5 from models/lenet5.onnx, {ImportedLeNet5.ParameterCount:N0} parameters, {ImportedLeNet5.ForwardFlopsPerSample:N0} FLOPs per sample"));
    Console.WriteLine($"trained by {pytorch.Framework}: {pytorch.Training}");

    (Dataset train, Dataset test, string folder) = MnistData.Load(settings.DataFolder);
    Console.WriteLine($"data: {train.Count:N0} training and {test.Count:N0} test images from {folder} ({clock.Elapsed.TotalSeconds:F1} s)");

    // The constructor sets the weights from the ONNX file; InitializeParameters would replace them with random ones.
    var model = new ImportedLeNet5 { Threads = settings.Threads };
    ImportComparison imported = ImportComparison.Measure(model, test, pytorch);
    EvaluationResult before = Evaluation.Evaluate(model, test);
    Console.WriteLine(
        $"imported: test accuracy {before.Accuracy:F4} ({imported.Correct:N0} of {test.Count:N0}), loss {before.Loss:F5}; " +
        $"PyTorch reported {pytorch.Accuracy:F4} ({pytorch.Correct:N0}); same class as PyTorch on {imported.SameAsPyTorch:N0} of {test.Count:N0} images");
    Console.WriteLine($"outputs of the first {pytorch.LogitImages} test images: at most {imported.LargestOutputDifference:G3} from PyTorch's");

    // Fine-tuning: SGD with momentum 0.9 at 0.001, whose steps (about 10x the step size times the gradient) are of the size
    // of Adam's last steps in PyTorch (1.25e-4 per parameter), so that more passes refine the imported weights instead of
    // undoing them; 0.01, a usual step size for training from scratch, costs a quarter point of accuracy in one epoch.
    Console.WriteLine($"fine-tuning: {settings.Epochs} epoch{(settings.Epochs == 1 ? "" : "s")} of SGD (learning rate {settings.LearningRate}, momentum 0.9), batch {settings.BatchSize}, seed {settings.Seed}");
    var options = new TrainerOptions { Epochs = settings.Epochs, BatchSize = settings.BatchSize, Seed = settings.Seed, ShowProgress = true };
    // The test set is each epoch's validation set: reported only, never used to choose anything.
    new Trainer(options).Fit(model, new Sgd(settings.LearningRate, momentum: 0.9f), train, test);

    EvaluationResult after = Evaluation.Evaluate(model, test);
    Console.WriteLine($"fine-tuned: test accuracy {after.Accuracy:F4} ({after.Accuracy - before.Accuracy:+0.0000;-0.0000;0.0000} against the import), loss {after.Loss:F5}");
    Console.WriteLine($"wall time: {clock.Elapsed.TotalSeconds:F1} s (data included)");
    Console.WriteLine($"test accuracy: {after.Accuracy:F4}");
    return 0;
}
