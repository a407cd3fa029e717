using BenchmarkDotNet.Running;
using NetGen.Benchmarks;

// The whole suite (about 15 minutes on two cores; see benchmarks/RESULTS.md):
//   dotnet run -c Release --project benchmarks/NetGen.Benchmarks -- --filter '*'
// One workload alone, per vector width, for perf stat and % of peak on a busy machine: --focus (see FocusedRun).
if (args.Length > 0 && args[0] == "--focus")
{
    return FocusedRun.Run(args);
}
BenchmarkSwitcher.FromAssembly(typeof(SuiteConfig).Assembly).Run(args, new SuiteConfig());
return 0;
