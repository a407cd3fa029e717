using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using Perfolizer.Horology;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NetGen.Benchmarks;

/// <summary>
/// The suite's configuration: one job per thread count, short enough that the whole suite runs in well under 30 minutes
/// on two cores, memory diagnoser on, GFLOP/s and percent-of-peak columns, and one joined table in which each model,
/// workload, batch and thread count is a group with NetGen as its baseline.
/// </summary>
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

    public SuiteConfig()
    {
        // BenchmarkDotNet's defaults (console logger, standard columns, markdown/CSV/HTML exporters, analysers), then ours.
        Add(DefaultConfig.Instance);
        AddJob(ThreadsJob(1));
        AddJob(ThreadsJob(2));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(new GflopsColumn(), new PercentOfPeakColumn());
        AddExporter(new PeerTableExporter());
        // The job's settings are in the Job name and the legend; NetGen allocates nothing, so the allocation ratio is NA.
        HideColumns(Column.EnvironmentVariables, Column.IterationCount, Column.IterationTime, Column.LaunchCount, Column.WarmupCount, Column.AllocRatio);
        AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory);
        WithOrderer(new SuiteOrderer());
        WithOptions(ConfigOptions.JoinSummary);
        // The generated benchmark project builds the runtime, generator and protoc step in Release: minutes on a busy machine.
        WithBuildTimeout(TimeSpan.FromMinutes(15));
    }

    private static Job ThreadsJob(int threads) => Job.Default
        .WithId(threads == 1 ? "1 thread" : $"{threads} threads")
        .WithLaunchCount(1)
        .WithWarmupCount(3)
        .WithIterationCount(12)
        .WithIterationTime(TimeInterval.FromMilliseconds(250))
        .WithEnvironmentVariables(
            new EnvironmentVariable(BenchmarkThreads.Variable, threads.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new EnvironmentVariable("GLIBC_TUNABLES", MallocTunables));

    /// <summary>Rows by workload (peak first), then batch, then thread count, then engine in declared order.</summary>
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
                .ThenBy(c => Array.IndexOf(c.Descriptor.Type.GetMethods(), c.Descriptor.WorkloadMethod));

        private static int CategoryIndex(BenchmarkCase benchmarkCase)
        {
            int index = Array.IndexOf(Categories, benchmarkCase.Descriptor.Categories.FirstOrDefault());
            return index < 0 ? Categories.Length : index;
        }
    }
}
