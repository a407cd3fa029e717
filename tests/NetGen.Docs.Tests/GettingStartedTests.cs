using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace NetGen.Docs.Tests;

/// <summary>docs/getting-started.md: train on the Iris CSV, save one file, predict a class name and probabilities in a second process.</summary>
public sealed class GettingStartedTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-docs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The Iris data the template ships (150 rows, 3 species).</summary>
    public static string IrisCsv => Path.Combine(Guides.RepositoryRoot(), "src", "Templates", "content", "NetGenClassifier", "data", "iris.csv");

    [Fact]
    public void The_trainer_saves_one_file_from_which_a_second_program_predicts_a_class_name_and_probabilities()
    {
        string work = Directory.CreateDirectory(Path.Combine(_folder, "work")).FullName;
        File.Copy(IrisCsv, Path.Combine(work, "iris.csv"));
        GuideProgram trainer = GuideProgram.Build("iris-train", _folder);
        GuideProgram predictor = GuideProgram.Build("iris-predict", _folder);

        string training = trainer.Run(work);
        GuideProgram.AssertMatchesGuideOutput("iris-train", training);
        Assert.Equal(40, Regex.Matches(training, "^epoch +[0-9]+/40: ", RegexOptions.Multiline).Count);
        // The last epoch's validation accuracy: Iris is nearly separable, so a trained network gets at least 90%.
        Match last = Regex.Match(training, @"^epoch 40/40: .*accuracy ([0-9.]+)%", RegexOptions.Multiline);
        Assert.InRange(double.Parse(last.Groups[1].Value, CultureInfo.InvariantCulture), 90, 100);
        Assert.True(File.Exists(Path.Combine(work, "iris.ngck")));

        // Nothing but the model file is shared: the predictor runs in another process, another folder.
        string elsewhere = Directory.CreateDirectory(Path.Combine(_folder, "elsewhere")).FullName;
        File.Move(Path.Combine(work, "iris.ngck"), Path.Combine(elsewhere, "iris.ngck"));
        File.Delete(Path.Combine(work, "iris.csv"));
        string prediction = predictor.Run(elsewhere, "iris.ngck", "6.3", "2.9", "5.6", "1.8");
        GuideProgram.AssertMatchesGuideOutput("iris-predict", prediction);
        double[] probabilities = Regex.Matches(prediction, @"^  \S+ +([0-9.]+)$", RegexOptions.Multiline)
            .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(3, probabilities.Length);
        // Each printed to 3 decimals: their sum is 1 within 3 roundings.
        Assert.InRange(probabilities.Sum(), 0.9985, 1.0015);

        // A setosa (the first row of the data) is named as such.
        Assert.StartsWith("setosa", predictor.Run(elsewhere, "iris.ngck", "5.1", "3.5", "1.4", "0.2"), StringComparison.Ordinal);
        // Wrong usage is an exit code and a message, not an exception.
        Assert.Contains("usage:", predictor.RunFailing(elsewhere, "iris.ngck").Output, StringComparison.Ordinal);
    }
}
