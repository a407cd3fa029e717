using System;
using System.Linq;
using Xunit;

namespace NetGen.Runtime.Tests.Training;

/// <summary>Models that need two samples per training batch (batch normalization), and TrainerOptions.DropLast (issue item R2).</summary>
public sealed class DropLastTests
{
    [Fact]
    public void R2_a_last_batch_too_small_for_the_model_is_refused_before_any_training_step_naming_DropLast()
    {
        var model = new RecordingNetwork(capacity: 8, minimumBatch: 2);
        var trainer = new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 64 });

        var error = Assert.Throws<ArgumentException>(() => trainer.Fit(model, new Sgd(0.1f), RecordingNetwork.Samples(65)));

        Assert.Equal(0, model.Calls);
        Assert.StartsWith(
            "RecordingNetwork needs at least 2 samples per training batch (its batch normalization estimates a variance from each batch), " +
            "but 65 training samples in batches of 64 leave a last batch of 1. Set TrainerOptions.DropLast = true", error.Message);
        Assert.Equal("train", error.ParamName);
    }

    [Fact]
    public void R2_with_DropLast_every_step_gets_a_whole_batch_and_the_leftover_changes_from_epoch_to_epoch()
    {
        var model = new RecordingNetwork(capacity: 8, minimumBatch: 2);
        var options = new TrainerOptions { Epochs = 3, BatchSize = 4, Seed = 3, DropLast = true };

        TrainingHistory history = new Trainer(options).Fit(model, new Sgd(0.1f), RecordingNetwork.Samples(9));

        Assert.Equal([4, 4, 4, 4, 4, 4], model.BatchSizes.ToArray());
        Assert.Equal(2, options.StepsPerEpoch(9));
        Assert.Equal(6, history.Final.Step);
        int[] ids = model.SampleIds.ToArray();
        int[] leftOut = Enumerable.Range(0, 3).Select(epoch => Enumerable.Range(0, 9).Except(ids.Skip(8 * epoch).Take(8)).Single()).ToArray();
        Assert.True(leftOut.Distinct().Count() > 1, $"the sample left out was {string.Join(", ", leftOut)} in every epoch");
    }

    [Fact]
    public void R2_a_batch_size_or_training_set_below_the_minimum_is_refused_whatever_DropLast_says()
    {
        var model = new RecordingNetwork(capacity: 8, minimumBatch: 2);
        var batchOfOne = new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 1, DropLast = true });
        Assert.Contains("but BatchSize is 1. Set TrainerOptions.BatchSize to 2 or more.",
            Assert.Throws<ArgumentException>(() => batchOfOne.Fit(model, new Sgd(0.1f), RecordingNetwork.Samples(10))).Message);
        var oneSample = new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 8, DropLast = true });
        Assert.Contains("but the training set holds only 1.",
            Assert.Throws<ArgumentException>(() => oneSample.Fit(model, new Sgd(0.1f), RecordingNetwork.Samples(1))).Message);
        Assert.Equal(0, model.Calls);
    }

    [Theory]
    [InlineData(64, 65, false, 2)]
    [InlineData(64, 65, true, 1)]
    [InlineData(64, 64, true, 1)]
    [InlineData(64, 10, true, 1)] // smaller than a batch: one batch of all samples
    [InlineData(3, 10, false, 4)]
    [InlineData(3, 10, true, 3)]
    public void Steps_per_epoch_count_the_last_batch_unless_it_is_dropped(int batchSize, int samples, bool dropLast, int steps)
    {
        var options = new TrainerOptions { Epochs = 1, BatchSize = batchSize, DropLast = dropLast };
        Assert.Equal(steps, options.StepsPerEpoch(samples));
        var model = new RecordingNetwork(capacity: 8);
        new Trainer(options).Fit(model, new Sgd(0.1f), RecordingNetwork.Samples(samples));
        Assert.Equal(steps, model.Calls);
    }

    [Fact]
    public void A_model_that_takes_one_sample_trains_a_last_batch_of_one()
    {
        var model = new RecordingNetwork(capacity: 8);
        new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 64 }).Fit(model, new Sgd(0.1f), RecordingNetwork.Samples(65));
        Assert.Equal([64, 1], model.BatchSizes.ToArray());
    }
}
