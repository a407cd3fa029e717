using System;
using System.Collections.Generic;
using Xunit;

namespace NetGen.Numerics.Tests;

/// <summary>
/// Batch parallelism (INetwork.Threads): a split batch must give the same outputs and input gradients as one thread,
/// the same loss and weight gradients up to summation order, and bit-identical results from run to run.
/// </summary>
[Collection(nameof(ParallelTests))] // alone: the allocation test counts every thread's allocations
public sealed class ParallelTests
{
    public static IEnumerable<object[]> Models()
    {
        yield return new object[] { "MLP", (Func<ITrainableNetwork>)(() => new MnistMlp()) };
        yield return new object[] { "conv, residual, dropout", (Func<ITrainableNetwork>)(() => new ParallelConvNet()) };
        yield return new object[] { "multi-label, dropout", (Func<ITrainableNetwork>)(() => new ParallelMultiLabelNet()) };
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_split_batch_matches_one_thread(string name, Func<ITrainableNetwork> create)
    {
        foreach (int threads in new[] { 2, 3 })
        {
            const int batch = 37; // uneven parts
            ITrainableNetwork serial = create(), split = create();
            split.Threads = threads;
            var (inputs, targets) = GradientCase.Data(serial, batch, seed: 5);
            var serialInputGradients = new float[inputs.Length];
            var splitInputGradients = new float[inputs.Length];

            // Advance both a few steps first, so that dropout keys depend on the step count too.
            for (int i = 0; i < 2; i++)
            {
                serial.TrainStep(inputs, targets, batch);
                split.TrainStep(inputs, targets, batch);
            }
            float serialLoss = serial.TrainStep(inputs, targets, batch, serialInputGradients);
            float splitLoss = split.TrainStep(inputs, targets, batch, splitInputGradients);

            Assert.True(Math.Abs(serialLoss - splitLoss) <= 1e-6 * Math.Abs(serialLoss), $"{name}, {threads} threads: loss {splitLoss} vs {serialLoss}");
            AssertClose(serial.Gradients, split.Gradients, 1e-5, $"{name}, {threads} threads: weight gradients");
            // The input gradient of a sample only involves that sample: no summation order to differ.
            Assert.Equal(serialInputGradients, splitInputGradients);

            var serialOutputs = new float[batch * serial.OutputSize];
            var splitOutputs = new float[batch * serial.OutputSize];
            serial.Forward(inputs, serialOutputs, batch);
            split.Forward(inputs, splitOutputs, batch);
            Assert.Equal(serialOutputs, splitOutputs);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Split_training_is_bit_identical_from_run_to_run(string name, Func<ITrainableNetwork> create)
    {
        float[] Train()
        {
            ITrainableNetwork model = create();
            model.Threads = 2;
            model.InitializeParameters(11);
            var (inputs, targets) = GradientCase.Data(model, 40, seed: 6);
            var optimizer = new Sgd(0.05f, momentum: 0.9f);
            for (int step = 0; step < 4; step++)
            {
                model.TrainStep(inputs, targets, 40);
                optimizer.Step(model.Parameters, model.Gradients);
            }
            return model.Parameters;
        }

        Assert.True(Train().AsSpan().SequenceEqual(Train()), name);
    }

    public static IEnumerable<object[]> BatchNormModels()
    {
        yield return new object[] { "dense", (Func<ITrainableNetwork>)(() => new ParallelBatchNormNet()), 200 };
        yield return new object[] { "conv", (Func<ITrainableNetwork>)(() => new ParallelConvBatchNormNet()), 37 };
        yield return new object[] { "wide dense", (Func<ITrainableNetwork>)(() => new WideBatchNormNet()), 60 };
    }

    [Theory]
    [MemberData(nameof(BatchNormModels))]
    public void Batch_norm_statistics_are_those_of_the_whole_split_batch(string name, Func<ITrainableNetwork> create, int batch)
    {
        foreach (int threads in new[] { 2, 3 })
        {
            ITrainableNetwork serial = create(), split = create();
            split.Threads = threads;
            var (inputs, targets) = GradientCase.Data(serial, batch, seed: 7);
            var serialInputGradients = new float[inputs.Length];
            var splitInputGradients = new float[inputs.Length];
            for (int step = 0; step < 3; step++)
            {
                float serialLoss = serial.TrainStep(inputs, targets, batch, serialInputGradients);
                float splitLoss = split.TrainStep(inputs, targets, batch, splitInputGradients);
                Assert.True(Math.Abs(serialLoss - splitLoss) <= 1e-6 * Math.Abs(serialLoss), $"{name}, {threads} threads, step {step}: loss {splitLoss} vs {serialLoss}");
                AssertClose(serial.Gradients, split.Gradients, 1e-5, $"{name}, {threads} threads, step {step}: weight gradients");
                AssertClose(serialInputGradients, splitInputGradients, 1e-5, $"{name}, {threads} threads, step {step}: input gradients");
                // The running statistics moved once per step, by the whole batch's mean and variance.
                AssertClose(serial.Buffers, split.Buffers, 1e-6, $"{name}, {threads} threads, step {step}: running statistics");
            }
            var serialOutputs = new float[batch * serial.OutputSize];
            var splitOutputs = new float[batch * serial.OutputSize];
            serial.Forward(inputs, serialOutputs, batch);
            split.Forward(inputs, splitOutputs, batch);
            AssertClose(serialOutputs, splitOutputs, 1e-5, $"{name}, {threads} threads: inference outputs");
        }
    }

    [Fact]
    public void Split_batch_norm_training_is_bit_identical_from_run_to_run()
    {
        float[] Train()
        {
            var model = new ParallelConvBatchNormNet { Threads = 2 };
            var (inputs, targets) = GradientCase.Data(model, 37, seed: 12);
            var optimizer = new Adam(1e-2f);
            for (int step = 0; step < 4; step++)
            {
                model.TrainStep(inputs, targets, 37);
                optimizer.Step(model.Parameters, model.Gradients);
            }
            return [.. model.Parameters, .. model.Buffers];
        }

        Assert.True(Train().AsSpan().SequenceEqual(Train()));
    }

    [Fact]
    public void A_bad_label_in_another_threads_part_is_reported_with_its_index_and_the_model_keeps_working()
    {
        var model = new MnistMlp { Threads = 2 };
        var (inputs, targets) = GradientCase.Data(model, 64, seed: 8);
        targets[50] = 12;
        var error = Assert.Throws<ArgumentException>(() => model.TrainStep(inputs, targets, 64));
        Assert.Contains("targets[50] = 12", error.Message);
        targets[50] = 3;
        Assert.True(float.IsFinite(model.TrainStep(inputs, targets, 64)));
    }

    [Fact]
    public void Thread_counts_outside_1_to_1024_are_refused()
    {
        var model = new MnistMlp();
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Threads = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Threads = 1025);
        Assert.Equal(1, model.Threads);
    }

    [Fact]
    public void Split_steps_and_inference_allocate_nothing_after_warm_up()
    {
        var model = new ParallelConvNet { Threads = 2 };
        var (inputs, targets) = GradientCase.Data(model, 32, seed: 9);
        var outputs = new float[32 * ParallelConvNet.OutputSize];
        void Step()
        {
            model.TrainStep(inputs, targets, 32);
            model.Forward(inputs, outputs, 32);
        }

        // Warm-up: starts the team, grows every part's buffers, and lets the JIT finish tiering up (which allocates).
        for (int i = 0; i < 200; i++)
        {
            Step();
        }
        // The count covers every thread of the process, the JIT's background compilations included, which can still
        // allocate now and then: a step that allocated would show in every window, so one clean window of 10 proves it. On a
        // busy machine, or with a narrower vector body (CI's width runs), tiering goes on for longer: up to 50 windows.
        var windows = new List<long>();
        for (int window = 0; window < 50 && (windows.Count == 0 || windows[^1] != 0); window++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < 10; i++)
            {
                Step();
            }
            windows.Add(GC.GetTotalAllocatedBytes(precise: true) - before);
        }
        Assert.True(windows[^1] == 0, $"bytes allocated per window of 10 split steps: {string.Join(", ", windows)}");
    }

    private static void AssertClose(float[] expected, float[] actual, double tolerance, string what)
    {
        double scale = 0;
        foreach (float e in expected)
        {
            scale = Math.Max(scale, Math.Abs(e));
        }
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale, $"{what}: [{i}] {actual[i]} vs {expected[i]} (scale {scale})");
        }
    }
}

[CollectionDefinition(nameof(ParallelTests), DisableParallelization = true)]
public sealed class ParallelTestsCollection
{
}
