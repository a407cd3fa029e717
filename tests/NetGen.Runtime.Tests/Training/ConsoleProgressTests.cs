using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Spectre.Console;
using Xunit;

namespace NetGen.Runtime.Tests.Training;

public sealed class ConsoleProgressTests
{
    private static readonly EpochResult Classification =
        new(3, 0.041234, new EvaluationResult(0.0523449, 0.987123, 10_000), TimeSpan.FromSeconds(21.34)) { LearningRate = 0.001f, Step = 2_814 };

    [Fact]
    public void An_epoch_reads_as_one_rounded_line()
    {
        Assert.Equal("epoch 3: train loss 0.04123, validation loss 0.05234, accuracy 98.71%, learning rate 0.001, 21.3 s", Classification.ToString());
    }

    [Fact]
    public void With_the_run_length_the_epoch_number_is_padded_so_that_lines_align()
    {
        Assert.Equal("epoch  3/12: train loss 0.04123, validation loss 0.05234, accuracy 98.71%, learning rate 0.001, 21.3 s", Classification.ToString(12));
        Assert.StartsWith("epoch 3/9: ", Classification.ToString(9), StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Classification.ToString(0));
    }

    [Fact]
    public void A_regression_has_no_accuracy_and_a_run_without_validation_no_validation_loss()
    {
        var regression = Classification with { Validation = new EvaluationResult(1234.56, double.NaN, 10) };
        Assert.Equal("epoch 3: train loss 0.04123, validation loss 1235, learning rate 0.001, 21.3 s", regression.ToString());
        var trainOnly = Classification with { Validation = null, Elapsed = TimeSpan.FromMilliseconds(850.4), LearningRate = 3e-5f };
        Assert.Equal("epoch 3: train loss 0.04123, learning rate 3e-05, 850 ms", trainOnly.ToString());
    }

    [Theory]
    [InlineData(0.041234, "0.04123")]
    [InlineData(1.23449, "1.234")]
    [InlineData(2.302585, "2.303")]
    [InlineData(12345.6, "12346")]
    [InlineData(0.00012346, "0.0001235")]
    [InlineData(0.0000123456, "1.235e-05")]
    [InlineData(2.5e7, "2.500e+07")]
    [InlineData(0.0, "0")]
    [InlineData(double.NaN, "NaN")]
    public void Losses_keep_four_significant_digits(double value, string expected) =>
        Assert.Equal(expected, ReadableNumbers.Loss(value));

    [Theory]
    [InlineData(0.00032, "0.3 ms")]
    [InlineData(0.0123, "12 ms")]
    [InlineData(0.4, "400 ms")]
    [InlineData(21.34, "21.3 s")]
    [InlineData(59.96, "1 min 00 s")]
    [InlineData(185.2, "3 min 05 s")]
    [InlineData(7_625, "2 h 07 min")]
    public void Durations_use_the_unit_that_fits(double seconds, string expected) =>
        Assert.Equal(expected, ReadableNumbers.Duration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Plain_output_is_one_line_per_epoch_written_on_the_training_thread_before_Fit_returns()
    {
        var writer = new ThreadRecordingWriter();
        var model = new LinearRegressionNetwork(2);
        TrainingHistory history = new Trainer(new TrainerOptions { Epochs = 4, BatchSize = 8, Seed = 1 })
            .Fit(model, new Sgd(0.1f), LinearData(40), LinearData(12), new ConsoleProgress(writer));

        // Read at once: nothing may still be on its way from another thread.
        Assert.Equal(history.Epochs.Select(e => e.ToString(4)), writer.Lines);
        Assert.All(writer.Threads, id => Assert.Equal(Environment.CurrentManagedThreadId, id));
    }

    [Fact]
    public void An_interactive_console_shows_a_live_bar_that_each_epoch_line_replaces()
    {
        var output = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.Yes, Ansi = AnsiSupport.Yes, ColorSystem = ColorSystemSupport.NoColors,
        });
        var progress = new ConsoleProgress(console);
        Assert.True(progress.IsLive);

        EpochResult first = Classification with { Epoch = 1 };
        progress.Report(new TrainingProgress(1, 2, 1, 4, 0.9, null));
        progress.Report(new TrainingProgress(1, 2, 4, 4, 0.5, null)); // the last batch is always drawn
        progress.Report(new TrainingProgress(1, 2, 4, 4, 0.5, first));
        progress.Report(new TrainingProgress(2, 2, 1, 4, 0.3, null));
        progress.Dispose(); // the run stopped within epoch 2: the bar's line is ended

        string text = output.ToString();
        const string Clear = "\r\u001b[2K";
        // Epoch 1's bar at a quarter, then full over it; then epoch 1's line in its place, epoch 2's bar below it.
        string[] draws = text.Split(Clear);
        Assert.Equal(3, draws.Length);
        Assert.StartsWith("epoch 1/2 ━━━━━━━━━━", draws[0], StringComparison.Ordinal);
        Assert.Contains(" 25%  train loss 0.9000", draws[0], StringComparison.Ordinal);
        Assert.Contains("100%  train loss 0.5000", draws[1], StringComparison.Ordinal);
        Assert.DoesNotContain(" left", draws[1], StringComparison.Ordinal);
        Assert.StartsWith(first.ToString(2) + Environment.NewLine + "epoch 2/2 ━", draws[2], StringComparison.Ordinal);
        Assert.EndsWith(Environment.NewLine, draws[2], StringComparison.Ordinal);
        // A bar's line is never wider than the console (80 columns here): a wrapped line could not be redrawn in place.
        string[] bars = [draws[0], draws[1], draws[2][(first.ToString(2).Length + Environment.NewLine.Length)..].TrimEnd()];
        Assert.All(bars, bar => Assert.InRange(bar.Length, 60, 79));
    }

    [Fact]
    public void A_redirected_console_gets_plain_lines_that_are_not_wrapped()
    {
        var output = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No, Ansi = AnsiSupport.No,
        });
        var progress = new ConsoleProgress(console);
        Assert.False(progress.IsLive);

        progress.Report(new TrainingProgress(3, 12, 1, 4, 0.9, null));
        progress.Report(new TrainingProgress(3, 12, 4, 4, 0.5, Classification));

        // Longer than the 80 columns a redirected console assumes, and still one line.
        Assert.Equal(Classification.ToString(12) + Environment.NewLine, output.ToString());
    }

    [Fact]
    public void ShowProgress_prints_the_run_to_the_console_and_still_reports_to_the_callers_handler()
    {
        var output = new StringWriter();
        IAnsiConsole previous = AnsiConsole.Console;
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No, Ansi = AnsiSupport.No });
        try
        {
            var reports = new List<TrainingProgress>();
            TrainingHistory history = new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 8, ShowProgress = true })
                .Fit(new LinearRegressionNetwork(2), new Sgd(0.1f), LinearData(16), progress: new Recorder(reports));

            Assert.Equal(string.Concat(history.Epochs.Select(e => e.ToString(2) + Environment.NewLine)), output.ToString());
            Assert.Equal(2 * 2 + 2, reports.Count);
        }
        finally
        {
            AnsiConsole.Console = previous;
        }
    }

    [Fact]
    public void Without_ShowProgress_the_trainer_prints_nothing()
    {
        var output = new StringWriter();
        IAnsiConsole previous = AnsiConsole.Console;
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No, Ansi = AnsiSupport.No });
        try
        {
            new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 8 }).Fit(new LinearRegressionNetwork(2), new Sgd(0.1f), LinearData(16));
            Assert.Equal("", output.ToString());
        }
        finally
        {
            AnsiConsole.Console = previous;
        }
    }

    /// <summary>Samples of t = x0 - x1 with x in [-1, 1).</summary>
    private static Dataset LinearData(int count)
    {
        var random = new SeededRandom(count);
        var inputs = new float[count * 2];
        var targets = new float[count];
        for (int i = 0; i < count; i++)
        {
            inputs[2 * i] = 2f * random.NextSingle() - 1f;
            inputs[2 * i + 1] = 2f * random.NextSingle() - 1f;
            targets[i] = inputs[2 * i] - inputs[2 * i + 1];
        }
        return new Dataset(inputs, targets, inputSize: 2, targetSize: 1);
    }

    private sealed class Recorder(List<TrainingProgress> reports) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => reports.Add(value);
    }

    /// <summary>Keeps each line written and the thread that wrote it.</summary>
    private sealed class ThreadRecordingWriter : TextWriter
    {
        public List<string> Lines { get; } = [];
        public List<int> Threads { get; } = [];
        public override Encoding Encoding => Encoding.UTF8;

        public override void WriteLine(string? value)
        {
            Lines.Add(value ?? "");
            Threads.Add(Environment.CurrentManagedThreadId);
        }
    }
}
