using System;
using System.Diagnostics;
using NetGen;

namespace NetGen.Samples.LeNet5;

/// <summary>
/// A small, plain measurement of LeNet-5's speed on real MNIST images (the parameters are the seeded initial ones; the
/// arithmetic does not depend on their values).
/// <list type="bullet">
/// <item>Training throughput: the time of <see cref="LeNet5.TrainStep(ReadOnlySpan{float}, ReadOnlySpan{float}, int)"/>
/// plus an <see cref="Adam"/> update per batch, over consecutive batches of the training set, after a warm-up that lets
/// the JIT reach its optimized tier. Shuffling and batch gathering (what the <see cref="Trainer"/> adds) are left out.</item>
/// <item>Inference latency: <see cref="LeNet5.Forward(ReadOnlySpan{float}, Span{float})"/> on one image at a time,
/// averaged over rounds of many calls after a warm-up; the median round is reported, with the fastest.</item>
/// </list>
/// Single-threaded, as the generated code is; run it on an otherwise idle machine.
/// </summary>
internal static class Benchmark
{
    private const int WarmupSteps = 200;
    private const int TimedSteps = 1000;
    private const int WarmupCalls = 20_000;
    private const int Rounds = 15;
    private const int CallsPerRound = 5_000;

    public static int Run(TrainingSettings settings)
    {
        (Dataset train, _, _) = MnistData.Load(settings.DataFolder);
        int batch = settings.BatchSize;
        int batchesInSet = train.Count / batch;
        var model = new LeNet5();
        model.InitializeParameters(settings.Seed);
    model.Threads = settings.Threads;
        var optimizer = new Adam(settings.LearningRate);
        Console.WriteLine($"LeNet-5 benchmark: {LeNet5.ForwardFlopsPerSample:N0} forward FLOPs per sample, batch {batch}, {Environment.ProcessorCount} logical processors, .NET {Environment.Version}");

        void Steps(int count, int first)
        {
            for (int i = 0; i < count; i++)
            {
                int b = (first + i) % batchesInSet;
                model.TrainStep(train.Inputs.AsSpan(b * batch * LeNet5.InputSize, batch * LeNet5.InputSize), train.Targets.AsSpan(b * batch, batch), batch);
                optimizer.Step(model.Parameters, model.Gradients);
            }
        }
        Steps(WarmupSteps, 0);
        long start = Stopwatch.GetTimestamp();
        Steps(TimedSteps, WarmupSteps);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        double samplesPerSecond = (double)TimedSteps * batch / seconds;
        Console.WriteLine(
            $"training: {samplesPerSecond:N0} samples/s at batch {batch} ({TimedSteps} steps of TrainStep + Adam in {seconds:F2} s, " +
            $"{seconds / TimedSteps * 1e3:F2} ms per step, {samplesPerSecond * 3 * LeNet5.ForwardFlopsPerSample / 1e9:F1} GFLOP/s counting backward as 2x forward)");

        var output = new float[LeNet5.OutputSize];
        float sink = 0;
        void Calls(int count, int first)
        {
            for (int i = 0; i < count; i++)
            {
                int index = (first + i) % train.Count;
                model.Forward(train.GetInput(index), output);
                sink += output[0];
            }
        }
        Calls(WarmupCalls, 0);
        var perCall = new double[Rounds];
        for (int r = 0; r < Rounds; r++)
        {
            long roundStart = Stopwatch.GetTimestamp();
            Calls(CallsPerRound, r * CallsPerRound);
            perCall[r] = Stopwatch.GetElapsedTime(roundStart).TotalMicroseconds / CallsPerRound;
        }
        Array.Sort(perCall);
        Console.WriteLine(
            $"inference: {perCall[Rounds / 2]:F1} µs per image at batch 1 (median of {Rounds} rounds of {CallsPerRound:N0} Forward calls; fastest round {perCall[0]:F1} µs)" +
            (float.IsFinite(sink) ? "" : " (non-finite outputs)"));
        return 0;
    }
}
