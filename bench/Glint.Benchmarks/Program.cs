// Glint's micro-benchmarks: what dominates the hot paths the load benchmarks measure. Run with
// `bench/run.sh --micro` (in process, every benchmark) or `dotnet run -c Release --project bench/Glint.Benchmarks -- --help`.
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Glint.Benchmarks.ScratchDatabase).Assembly)
    .Run(args, DefaultConfig.Instance.AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default));
