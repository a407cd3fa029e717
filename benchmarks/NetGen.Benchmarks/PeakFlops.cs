using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Threading;
using BenchmarkDotNet.Attributes;

namespace NetGen.Benchmarks;

/// <summary>
/// The machine's float32 FMA throughput, the roof every other result is measured against: 12 independent accumulator
/// chains of fused multiply-adds per vector width, enough to cover the FMA latency (4 cycles) times the FMA ports (2) of
/// current x86 cores, so the loop is throughput-bound, not latency-bound. One copy of the loop runs per job thread (the
/// caller and, for 2 threads, one dedicated worker), so the 2-thread row is the peak of both cores. Each width job of the
/// suite runs the kernel of its own width only (<see cref="SuiteConfig"/>): its peak is the roof of its rows.
/// </summary>
[BenchmarkCategory("Peak")]
public class PeakFlops
{
    /// <summary>Loop trips per thread and call.</summary>
    public const int Iterations = 1 << 20;

    /// <summary>Independent FMA chains.</summary>
    public const int Accumulators = 12;

    /// <summary>FLOPs per thread and call with Vector128 (4 lanes; an FMA is 2 FLOPs).</summary>
    public const double Vector128Flops = 2.0 * Iterations * Accumulators * 4;

    /// <summary>FLOPs per thread and call with Vector256 (8 lanes).</summary>
    public const double Vector256Flops = 2.0 * Iterations * Accumulators * 8;

    /// <summary>FLOPs per thread and call with Vector512 (16 lanes).</summary>
    public const double Vector512Flops = 2.0 * Iterations * Accumulators * 16;

    private Thread[] _workers = Array.Empty<Thread>();
    private Barrier? _barrier;
    private Func<int, float>? _kernel;
    private volatile bool _stopping;
    private float _sink;

    [GlobalSetup(Target = nameof(Vector128Fma))]
    public void SetupVector128() => StartWorkers(Fma128);

    [GlobalSetup(Target = nameof(Vector256Fma))]
    public void SetupVector256()
    {
        if (!Fma.IsSupported || !Vector256.IsHardwareAccelerated)
        {
            throw new NotSupportedException("This machine has no 256-bit FMA instructions.");
        }
        StartWorkers(Fma256);
    }

    [GlobalSetup(Target = nameof(Vector512Fma))]
    public void SetupVector512()
    {
        if (!Avx512F.IsSupported || !Vector512.IsHardwareAccelerated)
        {
            throw new NotSupportedException("This machine (or the JIT's configuration) has no accelerated Vector512.");
        }
        StartWorkers(Fma512);
    }

    [Benchmark]
    [Flops(Vector128Flops, PerThread = true)]
    public float Vector128Fma() => RunOnAllThreads(Fma128);

    [Benchmark]
    [Flops(Vector256Flops, PerThread = true)]
    public float Vector256Fma() => RunOnAllThreads(Fma256);

    [Benchmark]
    [Flops(Vector512Flops, PerThread = true)]
    public float Vector512Fma() => RunOnAllThreads(Fma512);

    [GlobalCleanup]
    public void Cleanup()
    {
        _stopping = true;
        if (_barrier is not null)
        {
            _barrier.SignalAndWait();
            foreach (Thread worker in _workers)
            {
                worker.Join();
            }
            _barrier.Dispose();
        }
    }

    private void StartWorkers(Func<int, float> kernel)
    {
        BenchmarkWidth.Check();
        _kernel = kernel;
        int threads = BenchmarkThreads.Count;
        if (threads == 1)
        {
            return;
        }
        _barrier = new Barrier(threads);
        _workers = new Thread[threads - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"FMA worker {i + 1}" };
            _workers[i].Start();
        }
    }

    private void WorkerLoop()
    {
        while (true)
        {
            _barrier!.SignalAndWait();
            if (_stopping)
            {
                return;
            }
            _sink += _kernel!(Iterations);
            _barrier.SignalAndWait();
        }
    }

    private float RunOnAllThreads(Func<int, float> kernel)
    {
        if (_barrier is null)
        {
            return kernel(Iterations);
        }
        _barrier.SignalAndWait();
        float result = kernel(Iterations);
        _barrier.SignalAndWait();
        return result + _sink;
    }

    // The Vector128 body's multiply-add: one FMA where the machine has it, a multiply and an add where not (counted as
    // the same 2 FLOPs, so that without FMA the peak is that of the instructions the kernels run).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static float Fma128(int iterations)
    {
        Vector128<float> a = Vector128.Create(0.5f), b = Vector128.Create(0.5f);
        Vector128<float> c0 = Vector128.Create(0.01f), c1 = Vector128.Create(0.02f), c2 = Vector128.Create(0.03f);
        Vector128<float> c3 = Vector128.Create(0.04f), c4 = Vector128.Create(0.05f), c5 = Vector128.Create(0.06f);
        Vector128<float> c6 = Vector128.Create(0.07f), c7 = Vector128.Create(0.08f), c8 = Vector128.Create(0.09f);
        Vector128<float> c9 = Vector128.Create(0.10f), c10 = Vector128.Create(0.11f), c11 = Vector128.Create(0.12f);
        for (int i = 0; i < iterations; i++)
        {
            c0 = Vector128.MultiplyAddEstimate(c0, a, b);
            c1 = Vector128.MultiplyAddEstimate(c1, a, b);
            c2 = Vector128.MultiplyAddEstimate(c2, a, b);
            c3 = Vector128.MultiplyAddEstimate(c3, a, b);
            c4 = Vector128.MultiplyAddEstimate(c4, a, b);
            c5 = Vector128.MultiplyAddEstimate(c5, a, b);
            c6 = Vector128.MultiplyAddEstimate(c6, a, b);
            c7 = Vector128.MultiplyAddEstimate(c7, a, b);
            c8 = Vector128.MultiplyAddEstimate(c8, a, b);
            c9 = Vector128.MultiplyAddEstimate(c9, a, b);
            c10 = Vector128.MultiplyAddEstimate(c10, a, b);
            c11 = Vector128.MultiplyAddEstimate(c11, a, b);
        }
        return Vector128.Sum(((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11)));
    }

    // c = c * a + b converges to b / (1 - a) = 1 for a = b = 0.5: the values stay normal, never denormal or infinite.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static float Fma256(int iterations)
    {
        Vector256<float> a = Vector256.Create(0.5f), b = Vector256.Create(0.5f);
        Vector256<float> c0 = Vector256.Create(0.01f), c1 = Vector256.Create(0.02f), c2 = Vector256.Create(0.03f);
        Vector256<float> c3 = Vector256.Create(0.04f), c4 = Vector256.Create(0.05f), c5 = Vector256.Create(0.06f);
        Vector256<float> c6 = Vector256.Create(0.07f), c7 = Vector256.Create(0.08f), c8 = Vector256.Create(0.09f);
        Vector256<float> c9 = Vector256.Create(0.10f), c10 = Vector256.Create(0.11f), c11 = Vector256.Create(0.12f);
        for (int i = 0; i < iterations; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(c0, a, b);
            c1 = Vector256.FusedMultiplyAdd(c1, a, b);
            c2 = Vector256.FusedMultiplyAdd(c2, a, b);
            c3 = Vector256.FusedMultiplyAdd(c3, a, b);
            c4 = Vector256.FusedMultiplyAdd(c4, a, b);
            c5 = Vector256.FusedMultiplyAdd(c5, a, b);
            c6 = Vector256.FusedMultiplyAdd(c6, a, b);
            c7 = Vector256.FusedMultiplyAdd(c7, a, b);
            c8 = Vector256.FusedMultiplyAdd(c8, a, b);
            c9 = Vector256.FusedMultiplyAdd(c9, a, b);
            c10 = Vector256.FusedMultiplyAdd(c10, a, b);
            c11 = Vector256.FusedMultiplyAdd(c11, a, b);
        }
        return Vector256.Sum(((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11)));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static float Fma512(int iterations)
    {
        Vector512<float> a = Vector512.Create(0.5f), b = Vector512.Create(0.5f);
        Vector512<float> c0 = Vector512.Create(0.01f), c1 = Vector512.Create(0.02f), c2 = Vector512.Create(0.03f);
        Vector512<float> c3 = Vector512.Create(0.04f), c4 = Vector512.Create(0.05f), c5 = Vector512.Create(0.06f);
        Vector512<float> c6 = Vector512.Create(0.07f), c7 = Vector512.Create(0.08f), c8 = Vector512.Create(0.09f);
        Vector512<float> c9 = Vector512.Create(0.10f), c10 = Vector512.Create(0.11f), c11 = Vector512.Create(0.12f);
        for (int i = 0; i < iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, a, b);
            c1 = Vector512.FusedMultiplyAdd(c1, a, b);
            c2 = Vector512.FusedMultiplyAdd(c2, a, b);
            c3 = Vector512.FusedMultiplyAdd(c3, a, b);
            c4 = Vector512.FusedMultiplyAdd(c4, a, b);
            c5 = Vector512.FusedMultiplyAdd(c5, a, b);
            c6 = Vector512.FusedMultiplyAdd(c6, a, b);
            c7 = Vector512.FusedMultiplyAdd(c7, a, b);
            c8 = Vector512.FusedMultiplyAdd(c8, a, b);
            c9 = Vector512.FusedMultiplyAdd(c9, a, b);
            c10 = Vector512.FusedMultiplyAdd(c10, a, b);
            c11 = Vector512.FusedMultiplyAdd(c11, a, b);
        }
        return Vector512.Sum(((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11)));
    }
}
