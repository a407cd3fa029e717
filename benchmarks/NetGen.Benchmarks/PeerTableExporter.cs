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
/// Writes the run as the two tables of benchmarks/RESULTS.md (<c>*-peers.md</c> next to BenchmarkDotNet's own reports):
/// the measured FMA peaks, and one row per model, workload, batch and thread count with every engine's median time per
/// call, NetGen's speed-up over each peer (peer median / NetGen median: above 1, NetGen is faster), NetGen's throughput,
/// GFLOP/s, percent of peak and allocation per call. Medians, because the suite runs on a shared machine where other
/// processes occasionally take a core; BenchmarkDotNet's own table has the means, errors and its Ratio column.
/// </summary>
public sealed class PeerTableExporter : ExporterBase
{
    protected override string FileExtension => "md";

    protected override string FileCaption => "peers";

    public override void ExportToLog(Summary summary, ILogger logger)
    {
        var rows = summary.Reports.Where(r => r.ResultStatistics is not null).ToList();

        logger.WriteLine("| FMA kernel (12 chains) | threads | GFLOP/s, median | GFLOP/s, fastest iteration |");
        logger.WriteLine("|---|---:|---:|---:|");
        foreach (BenchmarkReport peak in rows.Where(r => r.BenchmarkCase.Descriptor.Type == typeof(PeakFlops))
                     .OrderBy(r => FlopsAttribute.ThreadsOf(r.BenchmarkCase.Job)).ThenBy(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name))
        {
            double best = FlopsAttribute.Of(peak.BenchmarkCase)!.Value / peak.ResultStatistics!.Min;
            logger.WriteLine(Invariant($"| {peak.BenchmarkCase.Descriptor.WorkloadMethod.Name} | {FlopsAttribute.ThreadsOf(peak.BenchmarkCase.Job)} | {FlopsAttribute.Gflops(summary, peak.BenchmarkCase):F1} | {best:F1} |"));
        }
        logger.WriteLine();

        logger.WriteLine("| workload | batch | threads | NetGen | TorchSharp | ONNX Runtime | vs TorchSharp | vs ONNX Runtime | NetGen samples/s | NetGen GFLOP/s | NetGen % of peak | NetGen bytes/call |");
        logger.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var percentOfPeak = new PercentOfPeakColumn();
        var groups = rows
            .Where(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name is "NetGen" or "TorchSharp" or "OnnxRuntime")
            .GroupBy(r => (Workload: r.BenchmarkCase.Descriptor.Categories.FirstOrDefault() ?? r.BenchmarkCase.Descriptor.Type.Name,
                           Batch: Batch(r.BenchmarkCase), Threads: FlopsAttribute.ThreadsOf(r.BenchmarkCase.Job)));
        foreach (var group in groups)
        {
            BenchmarkReport? netgen = group.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == "NetGen");
            BenchmarkReport? torch = group.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == "TorchSharp");
            BenchmarkReport? onnx = group.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == "OnnxRuntime");
            double? median = netgen?.ResultStatistics?.Median;
            string samplesPerSecond = median is { } m ? (group.Key.Batch / (m * 1e-9)).ToString("N0", CultureInfo.InvariantCulture) : "-";
            string gflops = netgen is null ? "-" : Invariant($"{FlopsAttribute.Gflops(summary, netgen.BenchmarkCase):F1}");
            string peak = netgen is null ? "-" : percentOfPeak.GetValue(summary, netgen.BenchmarkCase);
            string bytes = netgen?.GcStats.GetBytesAllocatedPerOperation(netgen.BenchmarkCase) is { } b ? b.ToString(CultureInfo.InvariantCulture) : "-";
            logger.WriteLine(Invariant(
                $"| {group.Key.Workload} | {group.Key.Batch} | {group.Key.Threads} | {Time(netgen)} | {Time(torch)} | {Time(onnx)} | {Speedup(netgen, torch)} | {Speedup(netgen, onnx)} | {samplesPerSecond} | {gflops} | {peak} | {bytes} |"));
        }
    }

    private static int Batch(BenchmarkCase benchmarkCase) =>
        benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Batch")?.Value is int batch ? batch : 1;

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
