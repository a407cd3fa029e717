using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Filters;
using Perfolizer.Horology;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NetGen.Benchmarks;

/// <summary>
/// The suite's configuration: one job per vector width the machine can run and thread count, short enough that the whole
/// suite runs in about half an hour on two cores, memory diagnoser on, GFLOP/s and percent-of-peak columns, and one joined
/// table in which each model, workload, batch, thread count and width is a group with NetGen as its baseline.
/// </summary>
/// <remarks>
/// Widths: the native one (the widest the machine accelerates), Vector256 where the machine has AVX-512
/// (<c>DOTNET_EnableAVX512=0</c>) and Vector128 (<c>DOTNET_PreferredVectorBitWidth=128</c>: Vector256 is then not
/// accelerated and FMA stays on), so that each of the generated kernels' bodies is measured on the machine at hand. Each
/// width job runs the FMA peak of its own width and every NetGen benchmark; TorchSharp, ONNX Runtime, the generator's and
/// the weight-layout benchmarks run in the native jobs only (native code, or code these switches do not concern), and the
/// peer columns of a narrower width's rows are the native job's peers (<see cref="PeerTableExporter"/>).
/// </remarks>
public sealed class SuiteConfig : ManualConfig
{
    /// <summary>
    /// glibc malloc tunables of every benchmark process. libtorch allocates its large temporaries (activations, im2col
    /// buffers, gradients) with malloc; above the default dynamic mmap threshold (128 KiB, growing up to 32 MiB only after
    /// frees) each one is a fresh mmap, page faults on first touch and a munmap, and a freed heap top is trimmed back to
    /// the system. Raising the mmap threshold to its maximum (32 MiB = HEAP_MAX_SIZE / 2 on 64-bit) and the trim
    /// threshold to 512 MiB keeps those buffers in the heap for reuse, so TorchSharp is measured at its best. NetGen and
    /// ONNX Runtime allocate nothing per call, so the setting does not change them; it is set for every job so that all
    /// engines run in the same environment.
    /// </summary>
    public const string MallocTunables = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=536870912";

    /// <param name="smoke">
    /// A check of the suite's plumbing (jobs, filters, tables, CSV), not a measurement: 1 warm-up and 2 iterations of
    /// 20 ms per case.
    /// </param>
    public SuiteConfig(bool smoke = false)
    {
        // BenchmarkDotNet's defaults (console logger, standard columns, markdown/CSV/HTML exporters, analysers), then ours.
        Add(DefaultConfig.Instance);
        int native = BenchmarkWidth.Running;
        foreach (int width in new[] { 512, 256, 128 }.Where(width => width <= native))
        {
            foreach (int threads in new[] { 1, 2 })
            {
                AddJob(WidthJob(width, native, threads, smoke));
            }
        }
        AddFilter(new SimpleFilter(RunsInItsJob));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(new GflopsColumn(), new PercentOfPeakColumn());
        AddExporter(new PeerTableExporter(), new PeerCsvExporter());
        // The job's settings are in the Job name and the legend; NetGen allocates nothing, so the allocation ratio is NA.
        HideColumns(Column.EnvironmentVariables, Column.IterationCount, Column.IterationTime, Column.LaunchCount, Column.WarmupCount, Column.AllocRatio);
        AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory);
        WithOrderer(new SuiteOrderer());
        WithOptions(ConfigOptions.JoinSummary);
        // The generated benchmark project builds the runtime, generator and protoc step in Release: minutes on a busy machine.
        WithBuildTimeout(TimeSpan.FromMinutes(15));
    }

    /// <summary>The job of one width and thread count; its id, e.g. "V256 1 thread", names both (no comma: the id becomes an MSBuild path).</summary>
    private static Job WidthJob(int width, int native, int threads, bool smoke)
    {
        var variables = new List<EnvironmentVariable>
        {
            new(BenchmarkThreads.Variable, threads.ToString(CultureInfo.InvariantCulture)),
            new(BenchmarkWidth.Variable, width.ToString(CultureInfo.InvariantCulture)),
            new("GLIBC_TUNABLES", MallocTunables),
        };
        if (width < native)
        {
            variables.Add(width == 256 ? new("DOTNET_EnableAVX512", "0") : new("DOTNET_PreferredVectorBitWidth", "128"));
        }
        Job job = Job.Default
            .WithId($"V{width} {threads} thread{(threads == 1 ? "" : "s")}")
            .WithLaunchCount(1)
            .WithEnvironmentVariables(variables.ToArray());
        return smoke
            ? job.WithWarmupCount(1).WithIterationCount(2).WithIterationTime(TimeInterval.FromMilliseconds(20))
            : job.WithWarmupCount(3).WithIterationCount(12).WithIterationTime(TimeInterval.FromMilliseconds(250));
    }

    /// <summary>
    /// Whether a case runs in its job: the FMA kernel of the job's width only; peers, the generator and the weight-layout
    /// experiment in the native width's jobs only; NetGen everywhere.
    /// </summary>
    private static bool RunsInItsJob(BenchmarkCase benchmarkCase)
    {
        int width = FlopsAttribute.WidthOf(benchmarkCase.Job);
        Type type = benchmarkCase.Descriptor.Type;
        if (type == typeof(PeakFlops))
        {
            return benchmarkCase.Descriptor.WorkloadMethod.Name == $"Vector{width}Fma";
        }
        bool netgen = benchmarkCase.Descriptor.WorkloadMethod.Name == "NetGen";
        return netgen || width == BenchmarkWidth.Running;
    }

    /// <summary>Rows by workload (peak first), then batch, then thread count, then width (widest first), then engine in declared order.</summary>
    private sealed class SuiteOrderer : DefaultOrderer
    {
        private static readonly string[] Categories =
        {
            "Peak", "MLP inference", "LeNet-5 inference", "MLP training", "LeNet-5 training",
        };

        public override IEnumerable<BenchmarkCase> GetSummaryOrder(ImmutableArray<BenchmarkCase> benchmarksCases, Summary summary) =>
            benchmarksCases
                .OrderBy(c => CategoryIndex(c))
                .ThenBy(c => c.Parameters.Items.FirstOrDefault(p => p.Name == "Batch")?.Value is int batch ? batch : 0)
                .ThenBy(c => FlopsAttribute.ThreadsOf(c.Job))
                .ThenByDescending(c => FlopsAttribute.WidthOf(c.Job))
                .ThenBy(c => Array.IndexOf(c.Descriptor.Type.GetMethods(), c.Descriptor.WorkloadMethod));

        private static int CategoryIndex(BenchmarkCase benchmarkCase)
        {
            int index = Array.IndexOf(Categories, benchmarkCase.Descriptor.Categories.FirstOrDefault());
            return index < 0 ? Categories.Length : index;
        }
    }
}
