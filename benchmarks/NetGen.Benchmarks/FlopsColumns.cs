using System;
using System.Globalization;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using NetGen;

namespace NetGen.Benchmarks;

/// <summary>
/// The floating-point operations of one benchmark call, per sample (multiplied by the case's <c>Batch</c> parameter) or,
/// without a <c>Batch</c> parameter, per call. Model FLOPs come from the generated constant <c>ForwardFlopsPerSample</c>
/// (multiply-adds times two) and the model's <c>Description</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, Inherited = true)]
public sealed class FlopsAttribute : Attribute
{
    private readonly double _perSample;

    /// <summary>A fixed count per sample (or per call).</summary>
    public FlopsAttribute(double perSample) => _perSample = perSample;

    /// <summary>The FLOPs of <paramref name="workload"/> on one sample of the generated network <paramref name="model"/>.</summary>
    public FlopsAttribute(Type model, Workload workload) => _perSample = Count(model, workload);

    /// <summary>What a model benchmark computes.</summary>
    public enum Workload
    {
        /// <summary>The forward pass: <c>ForwardFlopsPerSample</c>.</summary>
        Inference,

        /// <summary>
        /// A training step: the forward pass, the weight-gradient product of every layer with weights (as many FLOPs as its
        /// forward product) and the input-gradient product of every such layer but the first, whose input gradient no engine
        /// computes (the input needs none): 3 x forward - the first layer's product. The SGD update (2 FLOPs per
        /// parameter) and the backward of activations and pooling are left out, as the forward count leaves out nothing
        /// comparable. The MLP's first layer holds 99% of its FLOPs, so its step is 2.01 x forward, LeNet-5's 2.72 x.
        /// </summary>
        TrainingStep,
    }

    /// <summary>FLOPs per sample (or per call).</summary>
    public double PerSample => _perSample;

    /// <summary>The call runs one copy per job thread (the peak kernels), so its FLOPs scale with the thread count.</summary>
    public bool PerThread { get; init; }

    internal static double Count(Type model, Workload workload)
    {
        double forward = Convert.ToDouble(model.GetField("ForwardFlopsPerSample")!.GetRawConstantValue(), CultureInfo.InvariantCulture);
        if (workload == Workload.Inference)
        {
            return forward;
        }
        var network = (ITrainableNetwork)Activator.CreateInstance(model)!;
        LayerDescription? first = network.Description.Layers.FirstOrDefault(l => l.WeightLength > 0);
        double firstProduct = first is null ? 0 : first.Kind switch
        {
            // [inputs, units] or [inputs, pieces, units]: one multiply-add per weight and sample.
            LayerKind.Dense or LayerKind.Maxout => 2.0 * first.WeightLength,
            // [filters, channels, kh, kw]: one multiply-add per weight and output pixel.
            LayerKind.Conv2D => 2.0 * first.WeightLength * first.OutputShape[1] * first.OutputShape[2],
            _ => 0,
        };
        return 3 * forward - firstProduct;
    }

    /// <summary>The FLOPs of one call of <paramref name="benchmarkCase"/>, or null when it declares none.</summary>
    public static double? Of(BenchmarkCase benchmarkCase)
    {
        FlopsAttribute? flops = benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<FlopsAttribute>()
            ?? benchmarkCase.Descriptor.Type.GetCustomAttribute<FlopsAttribute>();
        if (flops is null)
        {
            return null;
        }
        object? batch = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Batch")?.Value;
        return flops.PerSample * (batch is int b ? b : 1) * (flops.PerThread ? ThreadsOf(benchmarkCase.Job) : 1);
    }

    /// <summary>The thread count a job sets for its benchmark processes.</summary>
    public static int ThreadsOf(Job job) =>
        job.Environment.EnvironmentVariables?.FirstOrDefault(v => v.Key == BenchmarkThreads.Variable) is { } variable
            ? int.Parse(variable.Value, CultureInfo.InvariantCulture)
            : 1;

    /// <summary>The vector width a job runs (see <see cref="BenchmarkWidth"/>); this process's own outside a job.</summary>
    public static int WidthOf(Job job) =>
        job.Environment.EnvironmentVariables?.FirstOrDefault(v => v.Key == BenchmarkWidth.Variable) is { } variable
            ? int.Parse(variable.Value, CultureInfo.InvariantCulture)
            : BenchmarkWidth.Running;

    /// <summary>
    /// GFLOP/s of a measured case: FLOPs per call over the median time per call in ns (the median, because the
    /// suite runs on a shared machine where other processes occasionally take a core), or null.
    /// </summary>
    public static double? Gflops(Summary summary, BenchmarkCase benchmarkCase)
    {
        double? flops = Of(benchmarkCase);
        double? median = summary[benchmarkCase]?.ResultStatistics?.Median;
        return flops is null || median is null or <= 0 ? null : flops / median;
    }

    /// <summary>
    /// The machine's FMA peak with <paramref name="threads"/> threads and vectors of <paramref name="width"/> bits: the
    /// best GFLOP/s of any iteration of the <see cref="PeakFlops"/> row of that job (a ceiling, which interference can only
    /// lower), or null without it.
    /// </summary>
    public static double? PeakGflops(Summary summary, int threads, int width) =>
        summary.BenchmarksCases
            .Where(c => c.Descriptor.Type == typeof(PeakFlops) && ThreadsOf(c.Job) == threads && WidthOf(c.Job) == width)
            .Select(c => Of(c) is { } flops && summary[c]?.ResultStatistics?.Min is { } fastest && fastest > 0 ? flops / fastest : (double?)null)
            .Max();
}

/// <summary>Achieved GFLOP/s of each case.</summary>
public sealed class GflopsColumn : IColumn
{
    public string Id => nameof(GflopsColumn);

    public string ColumnName => "GFLOP/s";

    public string Legend => "Achieved 10^9 floating-point operations per second at the median time (model FLOPs from ForwardFlopsPerSample; a training step is 3x forward minus the first layer's input-gradient product)";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        FlopsAttribute.Gflops(summary, benchmarkCase) is { } gflops ? gflops.ToString("F2", CultureInfo.InvariantCulture) : "-";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}

/// <summary>
/// Each case's GFLOP/s as a percentage of the machine's measured peak at the same thread count and vector width: the
/// fastest iteration of the FMA row of <see cref="PeakFlops"/> in the same job (needs the peak benchmarks in the same run).
/// A narrower body is measured against its own roof (on Zen 4, Vector128's is half of Vector256's), so the column says
/// how well each body uses the instructions it has.
/// </summary>
public sealed class PercentOfPeakColumn : IColumn
{
    public string Id => nameof(PercentOfPeakColumn);

    public string ColumnName => "% of peak";

    public string Legend => "GFLOP/s as a percentage of the machine's FMA peak with the same thread count and vector width (fastest iteration of the job's peak row)";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        Percent(summary, benchmarkCase) is { } percent ? percent.ToString("F1", CultureInfo.InvariantCulture) + "%" : "-";

    /// <summary>The case's percent of its job's peak, or null without FLOPs or a peak row.</summary>
    public static double? Percent(Summary summary, BenchmarkCase benchmarkCase)
    {
        double? gflops = FlopsAttribute.Gflops(summary, benchmarkCase);
        double? peak = FlopsAttribute.PeakGflops(summary, FlopsAttribute.ThreadsOf(benchmarkCase.Job), FlopsAttribute.WidthOf(benchmarkCase.Job));
        return gflops is null || peak is null or <= 0 ? null : 100 * gflops.Value / peak.Value;
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
