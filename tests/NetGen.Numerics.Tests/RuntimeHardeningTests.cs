using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using Xunit;

namespace NetGen.Numerics.Tests;

/// <summary>The runtime with generated networks: batch-normalization batches (R2) and worker threads (R10).</summary>
[Collection(nameof(RuntimeHardeningTests))] // alone: the thread test counts the process's threads
public sealed class RuntimeHardeningTests
{
    private static Dataset Samples(ITrainableNetwork model, int count)
    {
        (float[] inputs, float[] targets) = GradientCase.Data(model, count, seed: 3);
        return new Dataset(inputs, targets, model.InputSize, model.TargetSize);
    }

    [Fact]
    public void R2_a_batch_norm_network_with_65_samples_in_batches_of_64_is_refused_before_training_and_trains_with_DropLast()
    {
        var model = new DenseBatchNormNet();
        float[] initial = (float[])model.Parameters.Clone();
        Assert.Equal(2, ((ITrainableNetwork)model).MinimumTrainingBatchSize);
        Dataset data = Samples(model, 65);

        var error = Assert.Throws<ArgumentException>(() =>
            new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 64 }).Fit(model, new Sgd(0.1f), data));

        Assert.Contains("65 training samples in batches of 64 leave a last batch of 1. Set TrainerOptions.DropLast = true", error.Message);
        Assert.Equal(0, model.TrainingSteps); // refused up front, not after an epoch's work
        Assert.Equal(initial, model.Parameters);

        TrainingHistory history = new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 64, DropLast = true }).Fit(model, new Sgd(0.1f), data);
        Assert.Equal(2, model.TrainingSteps);
        Assert.True(double.IsFinite(history.Final.TrainLoss));
    }

    [Fact]
    public void A_batch_norm_network_after_a_convolution_trains_a_last_batch_of_one()
    {
        // Each channel's variance comes from the pixels of the sample, so one sample is enough.
        var model = new ConvBatchNormNet();
        Assert.Equal(1, ((ITrainableNetwork)model).MinimumTrainingBatchSize);
        new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 4 }).Fit(model, new Sgd(0.01f), Samples(model, 5));
        Assert.Equal(2, model.TrainingSteps);
    }

    private static int OsThreads()
    {
        using var process = Process.GetCurrentProcess();
        return process.Threads.Count;
    }

    [Fact]
    public void R10_setting_Threads_to_2_3_up_to_40_reuses_a_bounded_set_of_threads()
    {
        var model = new MnistMlp();
        const int Batch = 40; // 40 x 203,264 FLOPs: every thread count up to 40 splits the batch
        (float[] inputs, float[] targets) = GradientCase.Data(model, Batch, seed: 1);
        var outputs = new float[Batch * MnistMlp.OutputSize];
        int before = OsThreads();
        for (int threads = 2; threads <= 40; threads++)
        {
            model.Threads = threads;
            model.TrainStep(inputs, targets, Batch);
            model.Forward(inputs, outputs, Batch);
        }

        // 39 workers serve every count in turn; a team per count grew the process by 2 + 3 + ... + 39 = 780 threads.
        // The margin is for the runtime's own threads (tiered compilation, GC).
        Assert.InRange(OsThreads() - before, 0, 39 + 20);
        Assert.InRange(NetGenWorkerThreads(), 1, 39);

        // Counted by name: the runtime's own threads (thread pool, tiered compilation) come and go with the machine's
        // load and must not decide whether the workers were released. A joined thread's OS thread ends a moment after
        // the join returns, so wait for that (at most 5 s).
        WorkerTeam.ReleaseIdleThreads();
        var clock = Stopwatch.StartNew();
        while (NetGenWorkerThreads() > 0 && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            Thread.Sleep(10);
        }
        Assert.Equal(0, NetGenWorkerThreads());
    }

    // Threads whose OS name (/proc/self/task/*/comm, cut to 15 characters) is a NetGen worker's.
    private static int NetGenWorkerThreads()
    {
        int count = 0;
        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith("NetGen worker", StringComparison.Ordinal))
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // The thread ended while the directory was listed.
            }
        }
        return count;
    }
}

[CollectionDefinition(nameof(RuntimeHardeningTests), DisableParallelization = true)]
public sealed class RuntimeHardeningTestsCollection
{
}
