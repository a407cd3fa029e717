using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Numerics.Tests;

/// <summary>
/// One model under load for a minute: eight threads run batched Forward (split across two threads each) while one
/// thread trains it and saves checkpoints. What is comparable with a serial run, and so checked bit for bit:
/// <list type="bullet">
/// <item>inference on a frozen model of the same class (same generated code, same thread-static workspaces, the same
/// worker pool): every output equals the one computed before the soak on one thread;</item>
/// <item>training: the trained model's parameters and running statistics equal a serial replay of the same steps (same
/// batches, same thread count) without any concurrent inference, and every checkpoint loads back as saved.</item>
/// </list>
/// Inference on the model being trained reads parameters while the optimizer writes them, so only its shape and
/// finiteness are checked. The process's OS thread count and managed memory are sampled and must stay flat.
/// </summary>
[Collection(nameof(RuntimeHardeningTests))] // alone: it counts threads and memory
[Trait("Category", "Slow")]
public sealed class SoakTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("NETGEN_SOAK_SECONDS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int seconds) ? seconds : 60);

    private const int ForwardThreads = 8, TrainBatch = 32, TrainBatches = 8, CheckpointEvery = 25;
    private static readonly int[] s_forwardBatches = [1, 11, 16, 33, 64];

    private static int OsThreads()
    {
        using var process = Process.GetCurrentProcess();
        return process.Threads.Count;
    }

    [Fact]
    public void Soak_eight_forward_threads_and_a_training_thread_with_checkpoint_saves_match_serial_runs_with_flat_threads_and_memory()
    {
        // The frozen model and what it answers on one thread, before anything runs concurrently.
        var frozen = new ParallelConvBatchNormNet();
        frozen.InitializeParameters(seed: 2);
        (float[] inputs, _) = GradientCase.Data(frozen, 64, seed: 11);
        var expected = new Dictionary<int, float[]>();
        foreach (int batch in s_forwardBatches)
        {
            expected[batch] = new float[batch * ParallelConvBatchNormNet.OutputSize];
            frozen.Forward(inputs.AsSpan(0, batch * ParallelConvBatchNormNet.InputSize), expected[batch], batch);
        }
        frozen.Threads = 2;

        var trained = new ParallelConvBatchNormNet { Threads = 2 };
        trained.InitializeParameters(seed: 1);
        (float[] trainInputs, float[] trainTargets) = GradientCase.Data(trained, TrainBatch * TrainBatches, seed: 12);
        var adam = new Adam(1e-3f);
        string folder = Directory.CreateTempSubdirectory("netgen-soak-").FullName;
        string checkpointPath = Path.Combine(folder, "soak.ckpt");

        var failures = new ConcurrentQueue<string>();
        long forwardCalls = 0, liveForwardCalls = 0;
        int steps = 0, saves = 0;
        int threadsBefore = OsThreads();
        var deadline = Stopwatch.StartNew();

        var trainer = new Thread(() =>
        {
            try
            {
                while (deadline.Elapsed < Duration)
                {
                    Step(trained, adam, trainInputs, trainTargets, steps);
                    steps++;
                    if (steps % CheckpointEvery == 0)
                    {
                        Checkpoint.Capture(trained, adam).Save(checkpointPath);
                        Checkpoint loaded = Checkpoint.Load(checkpointPath);
                        if (!Bits(loaded.Parameters).SequenceEqual(Bits(trained.Parameters)) || !Bits(loaded.Buffers).SequenceEqual(Bits(trained.Buffers)))
                        {
                            failures.Enqueue($"the checkpoint saved at step {steps} loads other values than were saved");
                        }
                        saves++;
                    }
                }
            }
            catch (Exception e)
            {
                failures.Enqueue($"training thread, step {steps}: {e}");
            }
        })
        { Name = "soak training", IsBackground = true };

        Thread[] forwards = Enumerable.Range(0, ForwardThreads).Select(id => new Thread(() =>
        {
            var outputs = new float[64 * ParallelConvBatchNormNet.OutputSize];
            try
            {
                for (int i = 0; deadline.Elapsed < Duration; i++)
                {
                    int batch = s_forwardBatches[(id + i) % s_forwardBatches.Length];
                    Span<float> batchOutputs = outputs.AsSpan(0, batch * ParallelConvBatchNormNet.OutputSize);
                    ReadOnlySpan<float> batchInputs = inputs.AsSpan(0, batch * ParallelConvBatchNormNet.InputSize);
                    if (i % 4 == 3)
                    {
                        trained.Forward(batchInputs, batchOutputs, batch);
                        if (!batchOutputs.ToArray().All(float.IsFinite))
                        {
                            failures.Enqueue($"forward thread {id}: the model in training gave a non-finite output for a batch of {batch}");
                        }
                        Interlocked.Increment(ref liveForwardCalls);
                        continue;
                    }
                    frozen.Forward(batchInputs, batchOutputs, batch);
                    if (!Bits(batchOutputs.ToArray()).SequenceEqual(Bits(expected[batch])))
                    {
                        failures.Enqueue($"forward thread {id}, call {i}: a batch of {batch} gave other outputs than on one thread before the soak");
                    }
                    Interlocked.Increment(ref forwardCalls);
                }
            }
            catch (Exception e)
            {
                failures.Enqueue($"forward thread {id}: {e}");
            }
        })
        { Name = $"soak forward {id}", IsBackground = true }).ToArray();

        foreach (Thread thread in forwards.Append(trainer))
        {
            thread.Start();
        }
        // Samples once a second: OS threads, and managed memory after a full collection.
        var threadSamples = new List<int>();
        var memorySamples = new List<long>();
        while (forwards.Append(trainer).Any(t => t.IsAlive) && deadline.Elapsed < Duration + TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(1000);
            threadSamples.Add(OsThreads());
            memorySamples.Add(GC.GetTotalMemory(forceFullCollection: true));
        }
        foreach (Thread thread in forwards.Append(trainer))
        {
            // A call that never returns (a lost wake-up, a barrier nobody leaves) fails here instead of hanging the run.
            Assert.True(thread.Join(Duration + TimeSpan.FromMinutes(5)), $"{thread.Name} did not finish: {steps} steps, {forwardCalls} Forward calls");
        }
        TimeSpan soaked = deadline.Elapsed;

        // The serial replay: the same steps on a fresh model, nothing else running.
        var replayed = new ParallelConvBatchNormNet { Threads = 2 };
        replayed.InitializeParameters(seed: 1);
        var replayAdam = new Adam(1e-3f);
        var replayTime = Stopwatch.StartNew();
        for (int step = 0; step < steps; step++)
        {
            Step(replayed, replayAdam, trainInputs, trainTargets, step);
        }
        replayTime.Stop();
        Directory.Delete(folder, recursive: true);

        // Warm-up: the first samples see the workers and workspaces being created.
        int[] steadyThreads = threadSamples.Skip(5).ToArray();
        long[] steadyMemory = memorySamples.Skip(5).ToArray();
        string report = string.Create(CultureInfo.InvariantCulture,
            $"soak {soaked.TotalSeconds:F1} s: {forwardCalls} checked Forward calls, {liveForwardCalls} on the model in training, {steps} training steps, " +
            $"{saves} checkpoints; serial replay {replayTime.Elapsed.TotalSeconds:F1} s; OS threads {threadsBefore} before, " +
            $"{(steadyThreads.Length > 0 ? $"{steadyThreads.Min()}..{steadyThreads.Max()}" : "-")} after warm-up; managed memory " +
            $"{(steadyMemory.Length > 0 ? $"{steadyMemory.Min() / 1e6:F1}..{steadyMemory.Max() / 1e6:F1}" : "-")} MB after warm-up");
        output.WriteLine(report);
        Console.WriteLine(report);

        Assert.True(failures.IsEmpty, report + "\n" + string.Join("\n", failures.Take(5)));
        Assert.True(forwardCalls > 0 && liveForwardCalls > 0 && steps >= CheckpointEvery, report);
        Assert.Equal(Bits(replayed.Parameters), Bits(trained.Parameters));
        Assert.Equal(Bits(replayed.Buffers), Bits(trained.Buffers));
        // Flat: the workers the calls need (at most one per caller with Threads = 2) exist from the start; idle ones end
        // and come back as the mix of calls changes, but the count never climbs: the second half of the run peaks no
        // higher than the first. The margin is for the runtime's own threads. Memory is the models, their workspaces and
        // pooled buffers; a leak of a batch's buffers per call would add megabytes a second.
        Assert.InRange(steadyThreads.Max() - threadsBefore, int.MinValue, ForwardThreads + 1 + ForwardThreads + 1 + 10);
        (int[] earlyThreads, int[] lateThreads) = Halves(steadyThreads);
        Assert.InRange(lateThreads.Max(), 0, earlyThreads.Max() + 2);
        (long[] earlyMemory, long[] lateMemory) = Halves(steadyMemory);
        Assert.InRange(lateMemory.Max(), 0, earlyMemory.Max() + 8_000_000);
    }

    // One training step on batch (step mod 8), then the optimizer.
    private static void Step(ParallelConvBatchNormNet model, Adam adam, float[] inputs, float[] targets, int step)
    {
        int batch = step % TrainBatches;
        model.TrainStep(
            inputs.AsSpan(batch * TrainBatch * ParallelConvBatchNormNet.InputSize, TrainBatch * ParallelConvBatchNormNet.InputSize),
            targets.AsSpan(batch * TrainBatch * ParallelConvBatchNormNet.TargetSize, TrainBatch * ParallelConvBatchNormNet.TargetSize),
            TrainBatch);
        adam.Step(model.Parameters, model.Gradients);
    }

    private static (T[] First, T[] Second) Halves<T>(T[] samples)
    {
        Assert.True(samples.Length >= 2, $"{samples.Length} samples after warm-up: the soak is too short to judge");
        return (samples[..(samples.Length / 2)], samples[(samples.Length / 2)..]);
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
