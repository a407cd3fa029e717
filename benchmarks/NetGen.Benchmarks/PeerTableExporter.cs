using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NetGen.Benchmarks;

/// <summary>
/// One row of the peers tables: a workload, batch, thread count and vector width, with NetGen's measurement in that width's
/// job and the peers' in the native width's job of the same thread count (TorchSharp and ONNX Runtime are native code:
/// the runtime's vector switches do not reach them, so they run once, in the native jobs).
/// </summary>
internal sealed record PeerRow(string Workload, int Batch, int Threads, int Width, BenchmarkReport? NetGen, BenchmarkReport? TorchSharp, BenchmarkReport? OnnxRuntime)
{
    /// <summary>The rows of a run, in the summary's order (workload, batch, threads, widest first).</summary>
    public static List<PeerRow> Of(Summary summary)
    {
        var engines = summary.Reports
            .Where(r => r.ResultStatistics is not null && r.BenchmarkCase.Descriptor.WorkloadMethod.Name is "NetGen" or "TorchSharp" or "OnnxRuntime")
            .ToList();
        BenchmarkReport? Find(string engine, string workload, int batch, int threads, int width) => engines.FirstOrDefault(r =>
            r.BenchmarkCase.Descriptor.WorkloadMethod.Name == engine && WorkloadOf(r.BenchmarkCase) == workload && BatchOf(r.BenchmarkCase) == batch
            && FlopsAttribute.ThreadsOf(r.BenchmarkCase.Job) == threads && FlopsAttribute.WidthOf(r.BenchmarkCase.Job) == width);
        int native = engines.Where(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name != "NetGen")
            .Select(r => FlopsAttribute.WidthOf(r.BenchmarkCase.Job)).DefaultIfEmpty(BenchmarkWidth.Running).Max();
        return engines
            .Where(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == "NetGen")
            .Select(r => (Case: r.BenchmarkCase, Workload: WorkloadOf(r.BenchmarkCase), Batch: BatchOf(r.BenchmarkCase),
                          Threads: FlopsAttribute.ThreadsOf(r.BenchmarkCase.Job), Width: FlopsAttribute.WidthOf(r.BenchmarkCase.Job)))
            .OrderBy(k => Array.IndexOf(summary.BenchmarksCases.ToArray(), k.Case))
            .Select(k => new PeerRow(k.Workload, k.Batch, k.Threads, k.Width,
                Find("NetGen", k.Workload, k.Batch, k.Threads, k.Width),
                Find("TorchSharp", k.Workload, k.Batch, k.Threads, native),
                Find("OnnxRuntime", k.Workload, k.Batch, k.Threads, native)))
            .ToList();
    }

    private static string WorkloadOf(BenchmarkCase benchmarkCase) =>
        benchmarkCase.Descriptor.Categories.FirstOrDefault() ?? benchmarkCase.Descriptor.Type.Name;

    private static int BatchOf(BenchmarkCase benchmarkCase) =>
        benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Batch")?.Value is int batch ? batch : 1;
}

/// <summary>
/// Writes the run as the two tables of benchmarks/RESULTS.md (<c>*-peers.md</c> next to BenchmarkDotNet's own reports):
/// the measured FMA peak of each width and thread count, and one row per workload, batch, thread count and width with
/// every engine's median time per call, NetGen's speed-up over each peer (peer median / NetGen median: above 1, NetGen is
/// faster), NetGen's throughput, GFLOP/s, percent of the peak of its width and allocation per call. Medians, because the
/// suite runs on a shared machine where other processes occasionally take a core; BenchmarkDotNet's own table has the
/// means, errors and its Ratio column.
/// </summary>
public sealed class PeerTableExporter : ExporterBase
{
    protected override string FileExtension => "md";

    protected override string FileCaption => "peers";

    public override void ExportToLog(Summary summary, ILogger logger)
    {
        logger.WriteLine("| FMA kernel (12 chains) | threads | GFLOP/s, median | GFLOP/s, fastest iteration |");
        logger.WriteLine("|---|---:|---:|---:|");
        foreach (BenchmarkReport peak in summary.Reports.Where(r => r.ResultStatistics is not null && r.BenchmarkCase.Descriptor.Type == typeof(PeakFlops))
                     .OrderBy(r => FlopsAttribute.ThreadsOf(r.BenchmarkCase.Job)).ThenByDescending(r => FlopsAttribute.WidthOf(r.BenchmarkCase.Job)))
        {
            double best = FlopsAttribute.Of(peak.BenchmarkCase)!.Value / peak.ResultStatistics!.Min;
            logger.WriteLine(Invariant($"| {peak.BenchmarkCase.Descriptor.WorkloadMethod.Name} | {FlopsAttribute.ThreadsOf(peak.BenchmarkCase.Job)} | {FlopsAttribute.Gflops(summary, peak.BenchmarkCase):F1} | {best:F1} |"));
        }
        logger.WriteLine();

        logger.WriteLine("| workload | batch | threads | width | NetGen | TorchSharp | ONNX Runtime | vs TorchSharp | vs ONNX Runtime | NetGen samples/s | NetGen GFLOP/s | NetGen % of its width's peak | NetGen bytes/call |");
        logger.WriteLine("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var percentOfPeak = new PercentOfPeakColumn();
        foreach (PeerRow row in PeerRow.Of(summary))
        {
            BenchmarkReport? netgen = row.NetGen;
            double? median = netgen?.ResultStatistics?.Median;
            string samplesPerSecond = median is { } m ? (row.Batch / (m * 1e-9)).ToString("N0", CultureInfo.InvariantCulture) : "-";
            string gflops = netgen is null ? "-" : Invariant($"{FlopsAttribute.Gflops(summary, netgen.BenchmarkCase):F1}");
            string peak = netgen is null ? "-" : percentOfPeak.GetValue(summary, netgen.BenchmarkCase);
            string bytes = netgen?.GcStats.GetBytesAllocatedPerOperation(netgen.BenchmarkCase) is { } b ? b.ToString(CultureInfo.InvariantCulture) : "-";
            logger.WriteLine(Invariant(
                $"| {row.Workload} | {row.Batch} | {row.Threads} | Vector{row.Width} | {Time(netgen)} | {Time(row.TorchSharp)} | {Time(row.OnnxRuntime)} | {Speedup(netgen, row.TorchSharp)} | {Speedup(netgen, row.OnnxRuntime)} | {samplesPerSecond} | {gflops} | {peak} | {bytes} |"));
        }
    }

    private static string Time(BenchmarkReport? report)
    {
        if (report?.ResultStatistics?.Median is not { } ns)
        {
            return "-";
        }
        return ns switch
        {
            < 1e3 => Invariant($"{ns:F0} ns"),
            < 1e6 => Invariant($"{ns / 1e3:G3} us"),
            _ => Invariant($"{ns / 1e6:G4} ms"),
        };
    }

    private static string Speedup(BenchmarkReport? netgen, BenchmarkReport? peer) =>
        netgen?.ResultStatistics?.Median is { } ours && peer?.ResultStatistics?.Median is { } theirs
            ? Invariant($"{theirs / ours:F2}x")
            : "-";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The peers table as CSV (<c>*-peers.csv</c>), for scripts: one row per workload, batch, thread count and width;
/// median microseconds per call (empty where an engine has no such row: ONNX Runtime does not train) and NetGen's percent
/// of the FMA peak of its width and thread count.
/// </summary>
public sealed class PeerCsvExporter : ExporterBase
{
    protected override string FileExtension => "csv";

    protected override string FileCaption => "peers";

    public override void ExportToLog(Summary summary, ILogger logger)
    {
        logger.WriteLine("workload,batch,threads,width,netgen_us,torchsharp_us,onnxruntime_us,pct_peak");
        foreach (PeerRow row in PeerRow.Of(summary))
        {
            string percent = row.NetGen is null ? "" : PercentOfPeakColumn.Percent(summary, row.NetGen.BenchmarkCase) is { } p ? p.ToString("F1", CultureInfo.InvariantCulture) : "";
            logger.WriteLine(string.Join(",",
                Quote(row.Workload), row.Batch.ToString(CultureInfo.InvariantCulture), row.Threads.ToString(CultureInfo.InvariantCulture),
                row.Width.ToString(CultureInfo.InvariantCulture), Microseconds(row.NetGen), Microseconds(row.TorchSharp), Microseconds(row.OnnxRuntime), percent));
        }
    }

    private static string Microseconds(BenchmarkReport? report) =>
        report?.ResultStatistics?.Median is { } ns ? (ns / 1e3).ToString("F3", CultureInfo.InvariantCulture) : "";

    private static string Quote(string field) =>
        field.IndexOfAny(new[] { ',', '"', '\n' }) < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
