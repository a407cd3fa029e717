using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/NetGen.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(NetGen.Benchmarks.MlpBenchmarks).Assembly).Run(args);
