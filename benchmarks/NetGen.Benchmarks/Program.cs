using BenchmarkDotNet.Running;
using NetGen.Benchmarks;

// The whole suite (about 15 minutes on two cores; see benchmarks/RESULTS.md):
//   dotnet run -c Release --project benchmarks/NetGen.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(SuiteConfig).Assembly).Run(args, new SuiteConfig());
