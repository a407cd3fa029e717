using System;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen.Benchmarks;

/// <summary>
/// One NetGen workload alone, on the calling thread, for profiling (<c>perf stat</c>) and for per-width efficiency on a
/// shared machine: the workload's FLOPs over the thread's own CPU time (CLOCK_THREAD_CPUTIME_ID: time the thread was not
/// running, while other processes had the core, does not count), against the FMA peak of the vector width the kernels
/// run, measured the same way in the same process. Two figures: the whole run (all calls over all CPU time) and the best
/// window (the fastest of the run's windows of about 50 ms of CPU time, against the peak's fastest window). On a shared
/// machine the run's figure also counts windows slowed by neighbours on the same core (shared caches, the host's other
/// hardware thread); the best window is the minimum of repeated measurements, the nearest to what the code does alone.
/// Select the width with the runtime's switches:
/// <code>
/// dotnet run -c Release --project benchmarks/NetGen.Benchmarks -- --focus mlp-inference [--batch 256] [--seconds 5]
/// DOTNET_EnableAVX512=0 dotnet run ... (Vector256 body)   DOTNET_PreferredVectorBitWidth=128 dotnet run ... (Vector128)
/// </code>
/// Workloads: mlp-inference, mlp-training, lenet-inference, lenet-training (training: TrainStep and an SGD step).
/// <c>--single</c> (inference, batch 1) calls the single-sample <c>Forward(input, output)</c>, as the BenchmarkDotNet suite's
/// batch-1 rows do, instead of the batched <c>Forward(inputs, outputs, 1)</c>.
/// </summary>
public static class FocusedRun
{
    public static int Run(string[] args)
    {
        string workload = args.Length > 1 ? args[1] : throw new ArgumentException("--focus needs a workload: mlp-inference, mlp-training, lenet-inference or lenet-training");
        int batch = 256;
        double seconds = 5;
        bool single = false;
        for (int i = 2; i < args.Length; i += 2)
        {
            if (args[i] == "--single")
            {
                single = true;
                i--;
                continue;
            }
            if (i + 1 == args.Length)
            {
                throw new ArgumentException($"{args[i]} needs a value");
            }
            switch (args[i])
            {
                case "--batch": batch = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = double.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        (Action call, double flops) = workload switch
        {
            "mlp-inference" => Inference<MnistMlp>(batch, single),
            "mlp-training" => Training<MnistMlp>(batch),
            "lenet-inference" => Inference<LeNet5>(batch, single),
            "lenet-training" => Training<LeNet5>(batch),
            _ => throw new ArgumentException($"unknown workload {workload}"),
        };

        int width = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;
        (Func<int, float> peakKernel, double peakFlopsPerCall) = width switch
        {
            512 => ((Func<int, float>)PeakFlops.Fma512, PeakFlops.Vector512Flops),
            256 => (PeakFlops.Fma256, PeakFlops.Vector256Flops),
            _ => (PeakFlops.Fma128, PeakFlops.Vector128Flops),
        };
        Rate peak = Measure(() => peakKernel(PeakFlops.Iterations), peakFlopsPerCall, Math.Min(seconds, 2), out _);
        Rate achieved = Measure(call, flops, seconds, out long calls);
        Rate peakAfter = Measure(() => peakKernel(PeakFlops.Iterations), peakFlopsPerCall, Math.Min(seconds, 2), out _);
        // Ceilings: interference can only lower them.
        double peakRun = Math.Max(peak.Run, peakAfter.Run), peakBest = Math.Max(peak.Best, peakAfter.Best);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{workload}, batch {batch}{(single ? " (single-sample Forward)" : "")}, Vector{width} body: {calls} calls, {flops / 1e6:F2} MFLOP each (thread CPU time, Vector{width} FMA peak)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  whole run:   {1e6 * flops / achieved.Run:F2} us per call, {achieved.Run / 1e9:F1} GFLOP/s of {peakRun / 1e9:F1}: {100 * achieved.Run / peakRun:F1}% of peak"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  best window: {1e6 * flops / achieved.Best:F2} us per call, {achieved.Best / 1e9:F1} GFLOP/s of {peakBest / 1e9:F1}: {100 * achieved.Best / peakBest:F1}% of peak"));
        return 0;
    }

    private static (Action, double) Inference<TModel>(int batch, bool single)
        where TModel : ITrainableNetwork, new()
    {
        if (single && batch != 1)
        {
            throw new ArgumentException("--single runs the single-sample Forward: it needs --batch 1");
        }
        TModel model = BenchmarkData.Model<TModel>();
        model.Threads = 1;
        float[] inputs = BenchmarkData.Inputs(model, batch), outputs = new float[batch * model.OutputSize];
        Action call = single ? () => model.Forward(inputs, outputs) : () => model.Forward(inputs, outputs, batch);
        return (call, batch * FlopsAttribute.Count(typeof(TModel), FlopsAttribute.Workload.Inference));
    }

    private static (Action, double) Training<TModel>(int batch)
        where TModel : ITrainableNetwork, new()
    {
        TModel model = BenchmarkData.Model<TModel>();
        model.Threads = 1;
        float[] inputs = BenchmarkData.Inputs(model, batch), labels = BenchmarkData.Labels(model, batch);
        var optimizer = new Sgd(0.01f);
        return (() =>
        {
            model.TrainStep(inputs, labels, batch);
            optimizer.Step(model.Parameters, model.Gradients);
        }, batch * FlopsAttribute.Count(typeof(TModel), FlopsAttribute.Workload.TrainingStep));
    }

    /// <summary>FLOP/s over the whole run and over its fastest window.</summary>
    private readonly record struct Rate(double Run, double Best);

    /// <summary>
    /// FLOP/s over thread CPU time: calls repeated for about <paramref name="seconds"/> after a warm-up second, in windows of
    /// at least <see cref="WindowSeconds"/> (whole calls each).
    /// </summary>
    private static Rate Measure(Action call, double flopsPerCall, double seconds, out long calls)
    {
        var warmUp = Stopwatch.StartNew();
        long warmUpCalls = 0;
        while (warmUp.Elapsed.TotalSeconds < 1)
        {
            call(); // tiered compilation reaches the optimized code
            warmUpCalls++;
        }
        // The thread CPU clock is a system call (about 0.7 us on a Zen 4 guest): read once per group of calls lasting
        // about ClockSeconds, so that it weighs on microsecond calls no more than on millisecond ones.
        long group = Math.Max(1, (long)(ClockSeconds * warmUpCalls / warmUp.Elapsed.TotalSeconds));
        calls = 0;
        double start = ThreadCpuSeconds();
        double end = start, windowStart = start, best = 0;
        long windowCalls = 0;
        while (end - start < seconds)
        {
            for (long i = 0; i < group; i++)
            {
                call();
            }
            calls += group;
            windowCalls += group;
            end = ThreadCpuSeconds();
            if (end - windowStart >= WindowSeconds)
            {
                best = Math.Max(best, windowCalls * flopsPerCall / (end - windowStart));
                windowStart = end;
                windowCalls = 0;
            }
        }
        double run = calls * flopsPerCall / (end - start);
        return new Rate(run, Math.Max(best, run));
    }

    private const double WindowSeconds = 0.05;
    private const double ClockSeconds = 100e-6;

    private static double ThreadCpuSeconds()
    {
        const int ClockThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID on Linux
        if (ClockGetTime(ClockThreadCpuTime, out TimeSpec time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed: --focus needs Linux");
        }
        return time.Seconds + time.Nanoseconds * 1e-9;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
}
