using System.Linq;
using BenchmarkDotNet.Running;
using NetGen.Benchmarks;

// The whole suite, one job per vector width and thread count (see benchmarks/RESULTS.md):
//   dotnet run -c Release --project benchmarks/NetGen.Benchmarks -- --filter '*'
// One workload alone, per vector width, for perf stat and % of peak on a busy machine: --focus (see FocusedRun).
if (args.Length > 0 && args[0] == "--focus")
{
    return FocusedRun.Run(args);
}
// --smoke: the same jobs, filters and tables with tiny iterations, to check the suite's plumbing, not to measure.
bool smoke = args.Contains("--smoke");
BenchmarkSwitcher.FromAssembly(typeof(SuiteConfig).Assembly).Run(args.Where(a => a != "--smoke").ToArray(), new SuiteConfig(smoke));
return 0;
