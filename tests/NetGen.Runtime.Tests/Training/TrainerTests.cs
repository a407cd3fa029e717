using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Xunit;

namespace NetGen.Runtime.Tests.Training;

public sealed class TrainerTests
{
    [Fact]
    public void Training_a_linear_model_decreases_the_loss_and_recovers_the_true_weights()
    {
        Dataset data = LinearData(count: 100, seed: 1);
        var model = new LinearRegressionNetwork(inputSize: 2);
        model.InitializeParameters(seed: 3);
        var trainer = new Trainer(new TrainerOptions { Epochs = 30, BatchSize = 16, Seed = 5 });

        TrainingHistory history = trainer.Fit(model, new Sgd(0.1f), data);

        Assert.Equal(30, history.Epochs.Count);
        Assert.True(history.Final.TrainLoss < history.Epochs[0].TrainLoss / 100,
            $"loss went from {history.Epochs[0].TrainLoss} to {history.Final.TrainLoss}");
        // The data is noise-free, so gradient descent converges to the generating weights (2, -3, 0.5).
        Assert.Equal(2f, model.Parameters[0], 1e-3f);
        Assert.Equal(-3f, model.Parameters[1], 1e-3f);
        Assert.Equal(0.5f, model.Parameters[2], 1e-3f);
    }

    [Fact]
    public void Two_runs_with_the_same_seed_give_bit_identical_parameters()
    {
        float[] first = TrainLinear(seed: 7, new Adam(0.05f));
        float[] second = TrainLinear(seed: 7, new Adam(0.05f));

        Assert.Equal(first.Select(BitConverter.SingleToInt32Bits), second.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Runs_with_different_seeds_visit_samples_in_different_orders_and_end_differently()
    {
        Assert.NotEqual(TrainLinear(seed: 7, new Sgd(0.05f)), TrainLinear(seed: 8, new Sgd(0.05f)));
    }

    [Fact]
    public void Shuffled_order_is_a_new_permutation_every_epoch_and_depends_only_on_the_seed()
    {
        int[] a = RecordOrder(seed: 1, shuffle: true, epochs: 2, count: 20, batchSize: 6);
        int[] b = RecordOrder(seed: 1, shuffle: true, epochs: 2, count: 20, batchSize: 6);
        int[] c = RecordOrder(seed: 2, shuffle: true, epochs: 2, count: 20, batchSize: 6);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        int[] epoch1 = a[..20], epoch2 = a[20..];
        Assert.Equal(Enumerable.Range(0, 20), epoch1.Order());
        Assert.Equal(Enumerable.Range(0, 20), epoch2.Order());
        Assert.NotEqual(epoch1, epoch2);
        Assert.NotEqual(Enumerable.Range(0, 20), epoch1);
    }

    [Fact]
    public void Without_shuffling_samples_are_visited_in_dataset_order()
    {
        int[] order = RecordOrder(seed: 1, shuffle: false, epochs: 2, count: 10, batchSize: 4);
        Assert.Equal(Enumerable.Range(0, 10).Concat(Enumerable.Range(0, 10)), order);
    }

    [Fact]
    public void The_last_partial_batch_is_trained_too()
    {
        var model = new RecordingNetwork(capacity: 16);
        new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 4 }).Fit(model, new Sgd(0.1f), RecordingNetwork.Samples(10));

        Assert.Equal([4, 4, 2, 4, 4, 2], model.BatchSizes.ToArray());
    }

    [Fact]
    public void A_batch_size_larger_than_the_dataset_trains_one_batch_of_all_samples()
    {
        var model = new RecordingNetwork(capacity: 4);
        new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 100 }).Fit(model, new Sgd(0.1f), RecordingNetwork.Samples(7));

        Assert.Equal([7], model.BatchSizes.ToArray());
    }

    [Fact]
    public void Mean_train_loss_weights_each_batch_by_its_size()
    {
        // Losses are batch means of the sample ids: batches {0..3}, {4..7}, {8, 9} give 1.5, 5.5, 8.5. Weighted by batch
        // size that is the mean id 4.5; an unweighted mean of the three would be 5.17.
        var model = new RecordingNetwork(capacity: 8);
        var progress = new ListProgress();
        TrainingHistory history = new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 4, Shuffle = false })
            .Fit(model, new Sgd(0.1f), RecordingNetwork.Samples(10), progress: progress);

        Assert.Equal(4.5, history.Final.TrainLoss);
        Assert.Equal([1.5, 3.5, 4.5, 4.5], progress.Reports.Select(r => r.MeanLoss));
    }

    [Fact]
    public void Progress_is_reported_after_every_batch_and_at_the_end_of_every_epoch()
    {
        var model = new RecordingNetwork(capacity: 16);
        var progress = new ListProgress();
        TrainingHistory history = new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 4 })
            .Fit(model, new Sgd(0.1f), RecordingNetwork.Samples(10), progress: progress);

        Assert.Equal(
            [(1, 1), (1, 2), (1, 3), (1, 3), (2, 1), (2, 2), (2, 3), (2, 3)],
            progress.Reports.Select(r => (r.Epoch, r.Batch)));
        Assert.All(progress.Reports, r => Assert.Equal((2, 3), (r.EpochCount, r.BatchCount)));
        Assert.Equal([null, null, null, history.Epochs[0], null, null, null, history.Epochs[1]], progress.Reports.Select(r => r.CompletedEpoch));
        Assert.Equal([1, 2], history.Epochs.Select(e => e.Epoch));
        Assert.All(history.Epochs, e => Assert.True(e.Elapsed > TimeSpan.Zero));
    }

    [Fact]
    public void Validation_set_is_evaluated_after_every_epoch()
    {
        Dataset train = LinearData(count: 64, seed: 1);
        Dataset validation = LinearData(count: 20, seed: 2);
        var model = new LinearRegressionNetwork(inputSize: 2);
        model.InitializeParameters(seed: 3);

        TrainingHistory history = new Trainer(new TrainerOptions { Epochs = 3, BatchSize = 8 }).Fit(model, new Sgd(0.05f), train, validation);

        Assert.All(history.Epochs, e => Assert.Equal(20, e.Validation?.Count));
        Assert.Equal(Evaluation.Evaluate(model, validation).Loss, history.Final.Validation!.Value.Loss, 1e-6);
        Assert.True(double.IsNaN(history.Final.Validation.Value.Accuracy), "a regression loss has no accuracy");
        Assert.True(history.Final.Validation.Value.Loss < history.Epochs[0].Validation!.Value.Loss);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    public void A_non_finite_loss_stops_training_naming_the_epoch_and_the_batch(float failureLoss, string shown)
    {
        // 10 samples in batches of 4 make 3 batches per epoch, so call 5 is epoch 2, batch 2.
        var model = new RecordingNetwork(capacity: 16, failAtCall: 5, failureLoss);
        var trainer = new Trainer(new TrainerOptions { Epochs = 3, BatchSize = 4 });

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(model, new Sgd(0.1f), RecordingNetwork.Samples(10)));

        Assert.Equal((2, 2), (error.Epoch, error.Batch));
        Assert.Equal($"Training diverged at epoch 2, batch 2 of 3: the loss is {shown}. Lower the learning rate (by 10x is a good first try), " +
            "and check the data for NaN or infinite values.", error.Message);
        Assert.Equal(5, model.Calls);
    }

    [Fact]
    public void A_diverged_step_does_not_update_the_parameters()
    {
        var model = new RecordingNetwork(capacity: 4, failAtCall: 2);
        var trainer = new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 1 });

        Assert.Throws<TrainingDivergedException>(() => trainer.Fit(model, new Sgd(1f), RecordingNetwork.Samples(3)));

        // Only the first step's update (p -= 1 * [1, 2, 3]) was applied.
        Assert.Equal([-1f, -2f, -3f], model.Parameters);
    }

    [Fact]
    public void Training_steps_after_the_first_do_not_allocate()
    {
        var model = new RecordingNetwork(capacity: 64);
        new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 2 }).Fit(model, new Adam(), RecordingNetwork.Samples(100));

        // Readings are taken at the start of each TrainStep; between the second and the last, the trainer gathered
        // batches and the optimizer stepped 48 times.
        long[] readings = model.AllocatedBytes.ToArray();
        Assert.Equal(50, readings.Length);
        Assert.Equal(readings[1], readings[^1]);
    }

    [Fact]
    public void Canceling_stops_before_the_next_batch()
    {
        var model = new RecordingNetwork(capacity: 16);
        using var cancellation = new CancellationTokenSource();
        var progress = new ListProgress(r =>
        {
            if (r.Batch == 2)
            {
                cancellation.Cancel();
            }
        });
        var trainer = new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 2 });

        Assert.Throws<OperationCanceledException>(() => trainer.Fit(model, new Sgd(0.1f), RecordingNetwork.Samples(10), progress: progress, cancellationToken: cancellation.Token));
        Assert.Equal(2, model.Calls);
    }

    [Fact]
    public void Dataset_of_another_sample_layout_is_rejected()
    {
        var trainer = new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 4 });
        var model = new LinearRegressionNetwork(inputSize: 2);
        var data = new Dataset(new float[9], new float[3], inputSize: 3, targetSize: 1);

        var error = Assert.Throws<ArgumentException>(() => trainer.Fit(model, new Sgd(0.1f), data));

        Assert.Equal("train", error.ParamName);
        Assert.Contains("have 3 input and 1 target floats, but the model takes 2 and 1", error.Message);
    }

    [Fact]
    public void Empty_training_set_is_rejected()
    {
        var trainer = new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 4 });
        var error = Assert.Throws<ArgumentException>(() => trainer.Fit(new RecordingNetwork(1), new Sgd(0.1f), RecordingNetwork.Samples(0)));
        Assert.Contains("empty", error.Message);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-1, 1)]
    [InlineData(1, 0)]
    public void Options_reject_non_positive_epochs_and_batch_sizes(int epochs, int batchSize)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { Epochs = epochs, BatchSize = batchSize });
    }

    private static float[] TrainLinear(long seed, IOptimizer optimizer)
    {
        var model = new LinearRegressionNetwork(inputSize: 2);
        model.InitializeParameters(seed: 3);
        new Trainer(new TrainerOptions { Epochs = 3, BatchSize = 8, Seed = seed }).Fit(model, optimizer, LinearData(count: 50, seed: 1));
        return model.Parameters;
    }

    private static int[] RecordOrder(long seed, bool shuffle, int epochs, int count, int batchSize)
    {
        var model = new RecordingNetwork(capacity: 64);
        var options = new TrainerOptions { Epochs = epochs, BatchSize = batchSize, Seed = seed, Shuffle = shuffle };
        new Trainer(options).Fit(model, new Sgd(0.1f), RecordingNetwork.Samples(count));
        return model.SampleIds.ToArray();
    }

    /// <summary>Samples of t = 2 x0 - 3 x1 + 0.5 with x uniform in [-1, 1).</summary>
    private static Dataset LinearData(int count, long seed)
    {
        var random = new SeededRandom(seed);
        var inputs = new float[count * 2];
        var targets = new float[count];
        for (int i = 0; i < count; i++)
        {
            float x0 = 2f * random.NextSingle() - 1f, x1 = 2f * random.NextSingle() - 1f;
            inputs[2 * i] = x0;
            inputs[2 * i + 1] = x1;
            targets[i] = 2f * x0 - 3f * x1 + 0.5f;
        }
        return new Dataset(inputs, targets, inputSize: 2, targetSize: 1);
    }

    /// <summary>Collects reports synchronously (unlike <see cref="Progress{T}"/>, which posts them to the thread pool).</summary>
    private sealed class ListProgress(Action<TrainingProgress>? onReport = null) : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = [];

        public void Report(TrainingProgress value)
        {
            Reports.Add(value);
            onReport?.Invoke(value);
        }
    }
}
