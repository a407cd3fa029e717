using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace NetGen.Runtime.Tests.Training;

public sealed class TrainerFeatureTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-trainer-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

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

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);

    [Fact]
    public void The_schedule_sets_the_learning_rate_before_every_update()
    {
        // RecordingNetwork has gradients [1, 2, 3]; plain SGD moves p by -lr * g, so p[0] sums -lr over the updates.
        var model = new RecordingNetwork(capacity: 16);
        var schedule = new InverseSqrtSchedule(1f);
        var options = new TrainerOptions { Epochs = 2, BatchSize = 4, LearningRateSchedule = schedule };

        TrainingHistory history = new Trainer(options).Fit(model, new Sgd(0.5f), RecordingNetwork.Samples(10));

        double expected = -Enumerable.Range(0, 6).Sum(t => (double)schedule.GetLearningRate(t));
        Assert.Equal(expected, model.Parameters[0], 1e-6);
        Assert.Equal([3L, 6L], history.Epochs.Select(e => e.Step));
        Assert.Equal([schedule.GetLearningRate(2), schedule.GetLearningRate(5)], history.Epochs.Select(e => e.LearningRate));
    }

    [Fact]
    public void Gradients_are_clipped_to_the_maximum_norm_before_the_update()
    {
        // Gradients [1, 2, 3] have norm sqrt(14); clipped to norm 1 the first update is -[1, 2, 3] / sqrt(14).
        var model = new RecordingNetwork(capacity: 4);
        new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 10, MaxGradientNorm = 1f }).Fit(model, new Sgd(1f), RecordingNetwork.Samples(10));

        Assert.Equal(-1 / Math.Sqrt(14), model.Parameters[0], 1e-6);
        Assert.Equal(-3 / Math.Sqrt(14), model.Parameters[2], 1e-6);
    }

    [Fact]
    public void A_non_finite_gradient_norm_stops_training_naming_the_batch()
    {
        var model = new ScriptedNetwork(_ => 1f);
        model.Gradients[0] = float.PositiveInfinity;
        var trainer = new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 1, MaxGradientNorm = 1f });

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(model, new Sgd(1f), RecordingNetwork.Samples(3)));

        Assert.Equal((1, 1), (error.Epoch, error.Batch));
        Assert.Equal(float.PositiveInfinity, error.GradientNorm);
        Assert.StartsWith("Training diverged at epoch 1, batch 1 of 3: the gradient norm is Infinity (the loss was 1).", error.Message);
    }

    [Fact]
    public void Augmentation_is_applied_to_every_training_batch_but_not_to_the_dataset()
    {
        Dataset data = LinearData(count: 20, seed: 1);
        float[] original = (float[])data.Inputs.Clone();
        var augmentation = new NoiseAugmentation();
        var model = new LinearRegressionNetwork(2);

        new Trainer(new TrainerOptions { Epochs = 3, BatchSize = 8, Augmentation = augmentation }).Fit(model, new Sgd(0.01f), data);

        Assert.Equal(9, augmentation.Calls);
        Assert.Equal(original, data.Inputs);
    }

    [Fact]
    public void Augmentation_uses_its_own_generator_so_the_sample_order_stays_the_same()
    {
        int[] Order(IAugmentation? augmentation)
        {
            var model = new RecordingNetwork(capacity: 64);
            new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 4, Seed = 3, Augmentation = augmentation }).Fit(model, new Sgd(0.1f), RecordingNetwork.Samples(20));
            return model.SampleIds.ToArray();
        }

        Assert.Equal(Order(null), Order(new ImageAugmentation(1, 1, 1)));
    }

    [Fact]
    public void Early_stopping_stops_after_patience_epochs_and_restores_the_best_weights()
    {
        // After epoch e the parameter is e (one step of +1 per epoch), and the validation loss (p - 3)^2 is best at epoch 3.
        var model = new ScriptedNetwork(p => (p - 3f) * (p - 3f));
        var options = new TrainerOptions
        {
            Epochs = 20,
            BatchSize = 1,
            EarlyStopping = new EarlyStopping { Patience = 2 },
        };

        TrainingHistory history = new Trainer(options).Fit(model, new Sgd(1f), RecordingNetwork.Samples(1), validation: RecordingNetwork.Samples(1));

        Assert.True(history.StoppedEarly);
        Assert.Equal(3, history.BestEpoch);
        Assert.Equal(5, history.Epochs.Count);
        Assert.Equal(3f, model.Parameters[0]);
        Assert.Equal([4.0, 1, 0, 1, 4], history.Epochs.Select(e => e.Validation!.Value.Loss));
    }

    [Fact]
    public void Early_stopping_respects_the_minimum_improvement()
    {
        // Validation loss 1 / p after epoch p: 1, 0.5, 0.333, 0.25, ...; the improvement falls below 0.2 after epoch 2.
        var model = new ScriptedNetwork(p => 1f / MathF.Max(p, 0.5f));
        var options = new TrainerOptions { Epochs = 50, BatchSize = 1, EarlyStopping = new EarlyStopping { Patience = 1, MinDelta = 0.2 } };

        TrainingHistory history = new Trainer(options).Fit(model, new Sgd(1f), RecordingNetwork.Samples(1), RecordingNetwork.Samples(1));

        Assert.Equal(2, history.BestEpoch);
        Assert.Equal(3, history.Epochs.Count);
        Assert.Equal(2f, model.Parameters[0]);
    }

    [Fact]
    public void Early_stopping_can_keep_the_last_weights()
    {
        var model = new ScriptedNetwork(p => (p - 3f) * (p - 3f));
        var options = new TrainerOptions { Epochs = 20, BatchSize = 1, EarlyStopping = new EarlyStopping { Patience = 2, RestoreBestWeights = false } };

        new Trainer(options).Fit(model, new Sgd(1f), RecordingNetwork.Samples(1), RecordingNetwork.Samples(1));

        Assert.Equal(5f, model.Parameters[0]);
    }

    [Fact]
    public void Early_stopping_on_accuracy_maximizes_and_on_train_loss_needs_no_validation_set()
    {
        var model = new ScriptedNetwork(p => (p - 3f) * (p - 3f));
        var options = new TrainerOptions { Epochs = 20, BatchSize = 1, EarlyStopping = new EarlyStopping { Monitor = EarlyStoppingMetric.TrainLoss, Patience = 3 } };

        // The training loss is measured before each step: epoch e sees p = e - 1, so (e - 4)^2 is best at epoch 4.
        TrainingHistory history = new Trainer(options).Fit(model, new Sgd(1f), RecordingNetwork.Samples(1));

        Assert.Equal(4, history.BestEpoch);
        Assert.Equal(7, history.Epochs.Count);
        Assert.Equal(4f, model.Parameters[0]);
    }

    [Fact]
    public void Early_stopping_on_validation_metrics_without_a_validation_set_is_rejected()
    {
        var trainer = new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 1, EarlyStopping = new EarlyStopping() });
        var error = Assert.Throws<ArgumentException>(() => trainer.Fit(new ScriptedNetwork(p => p), new Sgd(1f), RecordingNetwork.Samples(2)));
        Assert.Contains("Early stopping monitors ValidationLoss, which needs a validation set", error.Message);
    }

    [Fact]
    public void Early_stopping_on_accuracy_of_a_regression_model_is_rejected()
    {
        var trainer = new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 1, EarlyStopping = new EarlyStopping { Monitor = EarlyStoppingMetric.ValidationAccuracy } });
        var error = Assert.Throws<ArgumentException>(() =>
            trainer.Fit(new ScriptedNetwork(p => p), new Sgd(1f), RecordingNetwork.Samples(2), RecordingNetwork.Samples(2)));
        Assert.Contains("regression loss, which has no accuracy", error.Message);
    }

    [Fact]
    public void The_training_log_has_one_JSON_object_per_epoch()
    {
        string log = PathOf("train.jsonl");
        Dataset train = LinearData(40, seed: 1), validation = LinearData(10, seed: 2);
        var model = new LinearRegressionNetwork(2);
        var options = new TrainerOptions { Epochs = 3, BatchSize = 16, LogPath = log, LearningRateSchedule = new ConstantSchedule(0.001f) };

        TrainingHistory history = new Trainer(options).Fit(model, new Sgd(0.1f), train, validation);

        string[] lines = File.ReadAllLines(log);
        Assert.Equal(3, lines.Length);
        for (int i = 0; i < 3; i++)
        {
            using JsonDocument json = JsonDocument.Parse(lines[i]);
            JsonElement root = json.RootElement;
            EpochResult epoch = history.Epochs[i];
            Assert.Equal(
                ["epoch", "step", "train_loss", "validation_loss", "validation_accuracy", "learning_rate", "elapsed_seconds"],
                root.EnumerateObject().Select(p => p.Name));
            Assert.Equal(i + 1, root.GetProperty("epoch").GetInt32());
            Assert.Equal(3 * (i + 1), root.GetProperty("step").GetInt64());
            Assert.Equal(epoch.TrainLoss, root.GetProperty("train_loss").GetDouble());
            Assert.Equal(epoch.Validation!.Value.Loss, root.GetProperty("validation_loss").GetDouble());
            Assert.Equal(JsonValueKind.Null, root.GetProperty("validation_accuracy").ValueKind); // a regression has no accuracy
            Assert.Equal("0.001", root.GetProperty("learning_rate").GetRawText());
            Assert.True(root.GetProperty("elapsed_seconds").GetDouble() > 0);
        }

        // A second run appends.
        new Trainer(options with { Epochs = 1 }).Fit(model, new Sgd(0.1f), train);
        string last = File.ReadAllLines(log)[^1];
        Assert.Contains("\"validation_loss\":null", last);
        Assert.Equal(4, File.ReadAllLines(log).Length);
    }

    [Fact]
    public void The_trainer_saves_a_checkpoint_every_interval_and_after_the_last_epoch()
    {
        string path = PathOf("run.ckpt");
        var model = new LinearRegressionNetwork(2);
        var options = new TrainerOptions { Epochs = 5, BatchSize = 8, CheckpointPath = path, CheckpointInterval = 2 };
        var saved = new List<int>();
        var progress = new SynchronousProgress(p =>
        {
            if (p.CompletedEpoch is not null)
            {
                saved.Add(File.Exists(path) ? Checkpoint.Load(path).TrainerState!.CompletedEpochs : 0);
            }
        });

        new Trainer(options).Fit(model, new Adam(0.01f), LinearData(30, seed: 1), progress: progress);

        // Nothing is saved after epoch 1; then epochs 2 and 4 (the interval) and 5 (the last).
        Assert.Equal([0, 2, 2, 4, 5], saved);
        Checkpoint last = Checkpoint.Load(path);
        Assert.Equal(model.Parameters, last.Parameters);
        Assert.Equal(20, last.TrainerState!.Step);
        Assert.Equal("Adam", last.OptimizerState!.Optimizer);
    }

    public static TheoryData<string> ResumableOptimizers => new() { "sgd", "adam", "rmsprop" };

    [Theory]
    [MemberData(nameof(ResumableOptimizers))]
    public void Resuming_from_a_checkpoint_is_bit_identical_to_an_uninterrupted_run(string optimizerName)
    {
        Func<IOptimizer> newOptimizer = optimizerName switch
        {
            "sgd" => () => new Sgd(0.05f, momentum: 0.9f, nesterov: true),
            "adam" => () => new AdamW(0.02f),
            _ => () => new RmsProp(0.01f, momentum: 0.5f, centered: true),
        };
        Dataset train = LinearData(53, seed: 1), validation = LinearData(17, seed: 2);
        TrainerOptions Options(int epochs, string checkpoint) => new()
        {
            Epochs = epochs,
            BatchSize = 8,
            Seed = 11,
            LearningRateSchedule = new LinearWarmupSchedule(new CosineAnnealingSchedule(1f, period: 40, minimumLearningRate: 0.01f), warmupSteps: 5),
            Augmentation = new NoiseAugmentation(),
            MaxGradientNorm = 5f,
            EarlyStopping = new EarlyStopping { Patience = 100 },
            CheckpointPath = checkpoint,
        };

        // Uninterrupted: 7 epochs.
        var straight = new StatefulNetwork(2);
        straight.InitializeParameters(seed: 3);
        new Trainer(Options(7, PathOf("straight.ckpt"))).Fit(straight, newOptimizer(), train, validation);

        // Interrupted: 3 epochs, then a new process (new model, new optimizer) resumes to 7.
        string path = PathOf("resumed.ckpt");
        var first = new StatefulNetwork(2);
        first.InitializeParameters(seed: 3);
        new Trainer(Options(3, path)).Fit(first, newOptimizer(), train, validation);
        var resumed = new StatefulNetwork(2);
        TrainingHistory rest = new Trainer(Options(7, path)).Resume(Checkpoint.Load(path), resumed, newOptimizer(), train, validation);

        Assert.Equal([4, 5, 6, 7], rest.Epochs.Select(e => e.Epoch));
        Assert.Equal(Bits(straight.Parameters), Bits(resumed.Parameters));
        Assert.Equal(Bits(straight.Buffers), Bits(resumed.Buffers));
        Assert.Equal((straight.DropoutSeed, straight.TrainingSteps), (resumed.DropoutSeed, resumed.TrainingSteps));
        Assert.Equal(File.ReadAllBytes(PathOf("straight.ckpt")), File.ReadAllBytes(path));
    }

    [Fact]
    public void Resuming_needs_the_same_data_and_a_checkpoint_with_state()
    {
        string path = PathOf("run.ckpt");
        var model = new LinearRegressionNetwork(2);
        new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 8, CheckpointPath = path }).Fit(model, new Sgd(0.1f), LinearData(30, seed: 1));
        Checkpoint checkpoint = Checkpoint.Load(path);
        var trainer = new Trainer(new TrainerOptions { Epochs = 4, BatchSize = 8 });

        var otherData = Assert.Throws<ArgumentException>(() => trainer.Resume(checkpoint, model, new Sgd(0.1f), LinearData(31, seed: 1)));
        Assert.Contains("trained on 30 samples in batches of 8, but this one has 31 samples in batches of 8", otherData.Message);

        var done = Assert.Throws<ArgumentException>(() => new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 8 })
            .Resume(checkpoint, model, new Sgd(0.1f), LinearData(30, seed: 1)));
        Assert.Contains("has already trained 2 epochs, and Epochs is 2", done.Message);

        var bare = Assert.Throws<ArgumentException>(() => trainer.Resume(Checkpoint.Capture(model), model, new Sgd(0.1f), LinearData(30, seed: 1)));
        Assert.Contains("holds no trainer state", bare.Message);

        var otherOptimizer = Assert.Throws<ArgumentException>(() => trainer.Resume(checkpoint, model, new Adam(), LinearData(30, seed: 1)));
        Assert.Contains("The optimizer state was exported by Sgd, not by Adam.", otherOptimizer.Message);
    }

    [Fact]
    public void Resuming_with_best_weights_restore_needs_a_run_that_kept_them()
    {
        string path = PathOf("run.ckpt");
        var model = new ScriptedNetwork(p => 1f / MathF.Max(p, 0.5f));
        var options = new TrainerOptions
        {
            Epochs = 2,
            BatchSize = 1,
            CheckpointPath = path,
            EarlyStopping = new EarlyStopping { Patience = 5, RestoreBestWeights = false },
        };
        new Trainer(options).Fit(model, new Sgd(1f), RecordingNetwork.Samples(1), RecordingNetwork.Samples(1));
        var restoring = options with { Epochs = 4, EarlyStopping = new EarlyStopping { Patience = 5 } };
        var fresh = new ScriptedNetwork(p => p);

        var error = Assert.Throws<ArgumentException>(() =>
            new Trainer(restoring).Resume(Checkpoint.Load(path), fresh, new Sgd(1f), RecordingNetwork.Samples(1), RecordingNetwork.Samples(1)));

        Assert.Contains("the checkpoint's run did not keep them (RestoreBestWeights was off)", error.Message);
        Assert.Equal(0f, fresh.Parameters[0]); // nothing was restored
    }

    [Fact]
    public void A_run_that_stopped_early_cannot_be_resumed()
    {
        string path = PathOf("run.ckpt");
        var model = new ScriptedNetwork(p => (p - 1f) * (p - 1f));
        var options = new TrainerOptions { Epochs = 10, BatchSize = 1, CheckpointPath = path, EarlyStopping = new EarlyStopping { Patience = 1 } };
        new Trainer(options).Fit(model, new Sgd(1f), RecordingNetwork.Samples(1), RecordingNetwork.Samples(1));

        var error = Assert.Throws<ArgumentException>(() =>
            new Trainer(options).Resume(Checkpoint.Load(path), model, new Sgd(1f), RecordingNetwork.Samples(1), RecordingNetwork.Samples(1)));

        Assert.Contains("stopped early after epoch 2 (no improvement since epoch 1)", error.Message);
    }

    [Fact]
    public void Training_steps_with_every_per_batch_option_do_not_allocate()
    {
        var model = new RecordingNetwork(capacity: 64);
        var options = new TrainerOptions
        {
            Epochs = 1,
            BatchSize = 2,
            LearningRateSchedule = new LinearWarmupSchedule(new CosineAnnealingSchedule(0.1f, 100), 10),
            MaxGradientNorm = 1f,
            Augmentation = new ImageAugmentation(1, 1, 1),
        };
        new Trainer(options).Fit(model, new Adam(), RecordingNetwork.Samples(100));

        long[] readings = model.AllocatedBytes.ToArray();
        Assert.Equal(readings[1], readings[^1]);
    }

    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
