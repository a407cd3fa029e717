using System;
using NetGen;
using Spectre.Console;

namespace NetGen.Samples;

/// <summary>
/// Runs a <see cref="Trainer"/> with the test set as its per-epoch validation set and shows the run: a progress bar per
/// epoch when the console is interactive, one plain line per epoch when output is redirected (CI, logs). Either way each
/// finished epoch reads <c>epoch  3/12: train loss 0.0412, test accuracy 0.9871, learning rate 0.001, 21.3 s</c>.
/// </summary>
public static class EpochConsole
{
    /// <summary>Trains <paramref name="model"/> as <paramref name="options"/> say and returns the run's history.</summary>
    /// <param name="model">The model to train in place.</param>
    /// <param name="optimizer">The optimizer; the options' schedule, if any, sets its learning rate.</param>
    /// <param name="train">The training set.</param>
    /// <param name="test">The test set, evaluated after every epoch (only reported, never used to choose anything).</param>
    /// <param name="options">Epochs, batch size, seed, schedule and the rest.</param>
    public static TrainingHistory Fit(INetwork model, IOptimizer optimizer, Dataset train, Dataset test, TrainerOptions options)
    {
        var trainer = new Trainer(options);
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            return trainer.Fit(model, optimizer, train, test, new SynchronousProgress<TrainingProgress>(report =>
            {
                if (report.CompletedEpoch is { } epoch)
                {
                    Console.WriteLine(Describe(epoch, report.EpochCount));
                }
            }));
        }

        TrainingHistory? history = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask? task = null;
                history = trainer.Fit(model, optimizer, train, test, new SynchronousProgress<TrainingProgress>(report =>
                {
                    task ??= context.AddTask($"epoch {report.Epoch,2}/{report.EpochCount}", maxValue: report.BatchCount);
                    task.Value = report.Batch;
                    if (report.CompletedEpoch is { } epoch)
                    {
                        task.Description = Markup.Escape(Describe(epoch, report.EpochCount));
                        task.StopTask();
                        task = null;
                    }
                }));
            });
        return history!;
    }

    private static string Describe(EpochResult epoch, int epochCount) =>
        $"epoch {epoch.Epoch,2}/{epochCount}: train loss {epoch.TrainLoss:F4}, test accuracy {epoch.Validation?.Accuracy:F4}, " +
        $"learning rate {epoch.LearningRate:G3}, {epoch.Elapsed.TotalSeconds:F1} s";
}
