using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace NetGen.Docs.Tests;

/// <summary>docs/training.md: the hand-written loop learns XOR; the trainer's options, log, early stopping and resuming work as the guide says.</summary>
public sealed class TrainingGuideTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-docs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_step_by_hand_learns_xor()
    {
        GuideProgram program = GuideProgram.Build("training-loop", _folder);
        GuideProgram.AssertMatchesGuideOutput("training-loop", program.Run(_folder));
    }

    [Fact]
    public void The_trainer_program_logs_every_epoch_and_resumes_to_the_same_weights()
    {
        GuideProgram program = GuideProgram.Build("training", _folder);
        string output = program.Run(_folder);
        GuideProgram.AssertMatchesGuideOutput("training", output);

        int epochs = Regex.Matches(output, "^epoch +[0-9]+/60: ", RegexOptions.Multiline).Count;
        Assert.InRange(epochs, 1, 60);
        string[] log = File.ReadAllLines(Path.Combine(_folder, "rings.log.jsonl"));
        Assert.Equal(epochs, log.Length);
        Assert.Contains($"log lines: {epochs}", output, StringComparison.Ordinal);
        foreach (string line in log)
        {
            using JsonDocument entry = JsonDocument.Parse(line);
            string[] fields = entry.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
            Assert.Equal(new[] { "epoch", "step", "train_loss", "validation_loss", "validation_accuracy", "learning_rate", "elapsed_seconds" }, fields);
        }
        // The rings are not linearly separable; a trained network separates nearly all held-out points (the noise makes a few overlap).
        Match accuracy = Regex.Match(output, @"validation: loss \S+, accuracy ([0-9.]+)% of 100");
        Assert.InRange(double.Parse(accuracy.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 90, 100);
    }
}
