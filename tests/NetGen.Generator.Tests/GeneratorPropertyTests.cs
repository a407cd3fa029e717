using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Generator.Tests;

/// <summary>
/// A seeded property test of the whole generator: hundreds of random declarations (<see cref="RandomDeclarations"/>),
/// valid and invalid, of every layer kind. For each one the generator never throws (no CS8785), and the declaration
/// either yields at least one NG error and no code, or its generated code compiles with zero errors and runs: a training
/// step (with input gradients), the loss and a forward pass on random data of the right size, all finite. Declarations
/// built to be valid must be the second kind.
/// </summary>
public sealed class GeneratorPropertyTests(ITestOutputHelper log)
{
    // 10 batches of 24 declarations; a batch shares one compilation, emit and load context. Compiling the generated
    // code is most of the time (the generator itself takes about 0.1 s a batch). NETGEN_PROPERTY_SEED explores others.
    private const int Batches = 10, BatchSize = 24;

    private static readonly int Seed =
        int.TryParse(Environment.GetEnvironmentVariable("NETGEN_PROPERTY_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed) ? seed : 20251125;

    // Documentation comments are the subject of GeneratedDocumentationTests; here they would only cost time.
    private static readonly CSharpParseOptions ParseOptions = GeneratorHarness.ParseOptions.WithDocumentationMode(DocumentationMode.None);

    [Fact]
    [Trait("Category", "Slow")]
    public void Every_random_declaration_either_reports_an_NG_error_or_compiles_and_trains()
    {
        var generator = new RandomDeclarations(Seed);
        var failures = new List<string>();
        int valid = 0, rejected = 0, ran = 0;
        var stopwatch = Stopwatch.StartNew();

        for (int batch = 0; batch < Batches; batch++)
        {
            RandomDeclaration[] declarations = Enumerable.Range(0, BatchSize)
                .Select(i => generator.Next(string.Create(CultureInfo.InvariantCulture, $"Net{batch}_{i}")))
                .ToArray();
            valid += declarations.Count(d => d.IntendedValid);
            BatchOutcome outcome = RunBatch(declarations, new Random(Seed + batch));
            failures.AddRange(outcome.Failures);
            rejected += outcome.Rejected;
            ran += outcome.Ran;
            log.WriteLine($"batch {batch}: {outcome.Rejected} rejected, {outcome.Ran} ran; generator {outcome.Generation.TotalSeconds:F1} s, compilation {outcome.Compilation.TotalSeconds:F1} s, total {outcome.Total.TotalSeconds:F1} s");
        }

        log.WriteLine($"{Batches * BatchSize} declarations ({valid} built valid): {rejected} rejected with an NG error, {ran} compiled and ran, {failures.Count} failures, {stopwatch.Elapsed.TotalSeconds:F1} s");
        Assert.True(failures.Count == 0, $"{failures.Count} of {Batches * BatchSize} declarations failed (seed {Seed}):\n\n" + string.Join("\n\n", failures.Take(8)));
        // The mix is what makes the property worth checking: both outcomes occur often.
        Assert.InRange(rejected, Batches * BatchSize / 10, Batches * BatchSize);
        Assert.InRange(ran, Batches * BatchSize / 3, Batches * BatchSize);
    }

    // ---- The build fuzz: many more declarations, wilder, generated all and compiled in part ----

    // 2,000 declarations by default (NETGEN_FUZZ_COUNT for more or fewer), each in a file and namespace of its own, 100
    // to a generator run; batches run in parallel. Generating is cheap (a few milliseconds a declaration); binding the
    // generated code is not (a network's file is 40-500 KB of vector code), so only a sample is compiled: one in
    // CompileNearNamesEvery of the declarations whose names or neighbours could clash with generated code, one in
    // CompileEvery of the rest. Across runs (a new seed each) the sample covers every name and neighbour.
    private const int FuzzBatch = 100, CompileNearNamesEvery = 4, CompileEvery = 25;

    // Generated code grows with the layers, never with a size: a file stays within FixedGeneratedCharacters plus
    // GeneratedCharactersPerLayer per layer (the most seen is about 130,000 a layer: a dense layer's product tiles in
    // three vector widths, forward and backward, on top of a fixed part of about 40,000). A kernel unrolled over a row,
    // a channel count or a number of pieces passes the bound by far at the fuzz's sizes (65,536 wide rows emitted 40 MB).
    private const int GeneratedCharactersPerLayer = 250_000, FixedGeneratedCharacters = 250_000;

    private static readonly int FuzzDeclarations =
        int.TryParse(Environment.GetEnvironmentVariable("NETGEN_FUZZ_COUNT"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int count) ? count : 2000;

    /// <summary>
    /// A new seed each run unless NETGEN_FUZZ_SEED gives one, printed so that a failure can be replayed with it.
    /// </summary>
    private static readonly int FuzzSeed =
        int.TryParse(Environment.GetEnvironmentVariable("NETGEN_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int fuzzSeed)
            ? fuzzSeed
            : Environment.TickCount & int.MaxValue;

    /// <summary>
    /// A wild declaration the fuzz does not mark as a compiler error must not be one: two extreme-value mutations once
    /// turned "int.MaxValue / 2" into "int.MaxValue / 0" (CS0020), which failed the fuzz for that run's seed only.
    /// </summary>
    [Fact]
    public void Wild_declarations_never_divide_a_constant_by_zero()
    {
        for (int seed = 0; seed < 40; seed++)
        {
            var generator = new RandomDeclarations(seed);
            for (int i = 0; i < 500; i++)
            {
                RandomDeclaration declaration = generator.NextWild(i);
                Assert.False(Regex.IsMatch(declaration.Source, @"/ *0\b") && !declaration.CompilerRejects, $"seed {seed}, declaration {i} ({declaration.Mutation}) divides by zero:\n{declaration.Source}");
            }
        }
    }

    /// <summary>
    /// The declaration fuzz of issue 15: <see cref="FuzzDeclarations"/> random declarations (<see cref="RandomDeclarations.NextWild"/>:
    /// valid ones, bad sizes, strides, rates and shapes, extreme values, names that are keywords, framework types or
    /// generated members, types named like the framework's beside them, twins differing in case, derived networks, a
    /// second [Network], arguments the compiler rejects). Whatever the declaration, the generator never fails (no CS8784,
    /// CS8785 or AD0001), a declaration the compiler rejects gets no NG diagnostic beside the compiler's, one without
    /// errors gets code for each of its networks, of a size bounded by its layer count, and one built valid gets no NG
    /// error. Of the compiled sample, nothing is reported inside generated code (no CSxxxx error or warning there) and
    /// the generated code adds no error to the declaration's file.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void Random_declarations_never_break_the_build()
    {
        log.WriteLine($"declaration fuzz seed {FuzzSeed} (replay with NETGEN_FUZZ_SEED={FuzzSeed})");
        var stopwatch = Stopwatch.StartNew();
        var generator = new RandomDeclarations(FuzzSeed);
        RandomDeclaration[][] batches = Enumerable.Range(0, FuzzDeclarations).Select(generator.NextWild).Chunk(FuzzBatch).ToArray();
        var outcomes = new FuzzOutcome[batches.Length];
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        // One batch per core at a time: more would only hold more generated code in memory at once.
        Parallel.For(0, batches.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, b => outcomes[b] = RunFuzzBatch(batches[b]));
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

        foreach (FuzzOutcome outcome in outcomes)
        {
            log.WriteLine($"declarations {outcome.First}..{outcome.First + FuzzBatch - 1}: generator {outcome.Generation.TotalSeconds:F1} s, "
                + $"{outcome.Compiled} networks compiled in {outcome.Compilation.TotalSeconds:F1} s");
        }
        List<string> failures = outcomes.SelectMany(o => o.Failures).ToList();
        int compiled = outcomes.Sum(o => o.Generated), rejectedByNetGen = outcomes.Sum(o => o.RejectedByNetGen), rejectedByCompiler = outcomes.Sum(o => o.RejectedByCompiler);
        int sampled = outcomes.Sum(o => o.Compiled);
        log.WriteLine($"{FuzzDeclarations} declarations (seed {FuzzSeed}): {compiled} generated ({sampled} networks of them compiled), {rejectedByNetGen} rejected by NetGen, "
            + $"{rejectedByCompiler} by the compiler, {failures.Count} failures, {stopwatch.Elapsed.TotalSeconds:F1} s ({cpu.TotalSeconds:F1} s of CPU time)");
        // One example of each kind of failure (the text up to the first line break of the problem).
        var kinds = failures.GroupBy(f => f.Substring(f.IndexOf("): ", StringComparison.Ordinal) + 3).Split('\n')[0]).ToArray();
        Assert.True(failures.Count == 0, $"{failures.Count} of {FuzzDeclarations} declarations failed (seed {FuzzSeed}; replay with NETGEN_FUZZ_SEED={FuzzSeed}), {kinds.Length} kinds:\n\n"
            + string.Join("\n\n", kinds.Take(12).Select(k => $"[{k.Count()} x] {k.First()}")));
        // Every outcome occurs often, or the fuzz has stopped exploring.
        Assert.InRange(compiled, FuzzDeclarations / 5, FuzzDeclarations);
        Assert.InRange(sampled, FuzzDeclarations / 50, FuzzDeclarations);
        Assert.InRange(rejectedByNetGen, FuzzDeclarations / 10, FuzzDeclarations);
        Assert.InRange(rejectedByCompiler, FuzzDeclarations / 50, FuzzDeclarations);
    }

    /// <summary>The name of the class whose declaration (attributes included) holds the diagnostic; "" outside any.</summary>
    private static string ClassAt(Diagnostic diagnostic) =>
        diagnostic.Location.SourceTree?.GetRoot().FindNode(diagnostic.Location.SourceSpan).AncestorsAndSelf()
            .OfType<Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax>().FirstOrDefault()?.Identifier.ValueText ?? "";

    /// <param name="Generated">Declarations without errors, whose networks got code.</param>
    /// <param name="Compiled">Networks whose generated code was compiled.</param>
    private sealed record FuzzOutcome(int First, List<string> Failures, int Generated, int RejectedByNetGen, int RejectedByCompiler, int Compiled, TimeSpan Generation, TimeSpan Compilation);

    // The declarations alone, with the references and options of the harness's compilations.
    private static CSharpCompilation CompileDeclarations(RandomDeclaration[] declarations, Func<RandomDeclaration, string> path)
    {
        CSharpCompilation harness = GeneratorHarness.Compile();
        return CSharpCompilation.Create(
            "Fuzz",
            declarations.Select(d => CSharpSyntaxTree.ParseText(d.Source, ParseOptions, path(d))),
            harness.References,
            harness.Options);
    }

    private static FuzzOutcome RunFuzzBatch(RandomDeclaration[] declarations)
    {
        int first = int.Parse(declarations[0].Namespace.Substring("Fuzz.D".Length), CultureInfo.InvariantCulture);
        var failures = new List<string>();
        var stopwatch = Stopwatch.StartNew();
        CSharpCompilation input = CompileDeclarations(declarations, d => d.Namespace + ".cs");
        GeneratorOutput output = GeneratorOutput.Run(input, ParseOptions);
        string[] driverProblems = output.DriverDiagnostics.Where(d => d.Id is "CS8784" or "CS8785" or "AD0001").Select(d => d.ToString()).ToArray();
        if (output.Exception is not null || driverProblems.Length > 0)
        {
            failures.Add($"declarations {first}..{first + declarations.Length - 1} (the batch): the generator failed: {output.Exception}\n{string.Join("\n", driverProblems)}");
            return new FuzzOutcome(first, failures, 0, 0, 0, 0, stopwatch.Elapsed, TimeSpan.Zero);
        }
        // The compiler's errors in the declarations themselves, without generated code: cheap, and what decides whether
        // NetGen should have said anything.
        ILookup<string, Diagnostic> ownErrors = input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToLookup(d => d.Location.GetLineSpan().Path);
        TimeSpan generation = stopwatch.Elapsed;

        int generatedCount = 0, rejectedByNetGen = 0, rejectedByCompiler = 0;
        var sample = new List<(RandomDeclaration Declaration, SyntaxTree[] Generated)>();
        void Fail(RandomDeclaration declaration, string problem) =>
            failures.Add($"{declaration.Namespace}.{declaration.ClassName} ({(declaration.Mutation.Length == 0 ? "built valid" : declaration.Mutation)}): {problem}\n{declaration.Source}");
        foreach (RandomDeclaration declaration in declarations)
        {
            string file = declaration.Namespace + ".cs", prefix = declaration.Namespace + ".";
            Diagnostic[] ng = output.GeneratorDiagnostics.Where(d => d.Location.GetLineSpan().Path == file).ToArray();
            Diagnostic[] userErrors = ownErrors[file].ToArray();
            GeneratedSourceResult[] generated = output.GeneratedSources.Where(g => g.HintName.StartsWith(prefix, StringComparison.Ordinal)).ToArray();
            if (userErrors.Length > 0)
            {
                rejectedByCompiler++;
                // A class the compiler rejects gets no NG diagnostic; another network in the file may (one deriving
                // from it gets NG0012 in any case).
                var rejectedClasses = new HashSet<string>(userErrors.Select(ClassAt), StringComparer.Ordinal);
                Diagnostic[] beside = ng.Where(d => rejectedClasses.Contains(ClassAt(d))).ToArray();
                if (beside.Length > 0)
                {
                    Fail(declaration, "NG diagnostics beside the compiler's errors:\n" + GeneratorHarness.Describe(beside.Concat(userErrors).Take(6)));
                }
                else if (!declaration.CompilerRejects)
                {
                    Fail(declaration, "the declaration, not made to be a compiler error, is one:\n" + GeneratorHarness.Describe(userErrors.Take(5)));
                }
            }
            else if (ng.Any(d => d.Severity == DiagnosticSeverity.Error))
            {
                rejectedByNetGen++;
                if (declaration.IntendedValid)
                {
                    Fail(declaration, "built valid, but rejected:\n" + GeneratorHarness.Describe(ng));
                }
            }
            else
            {
                generatedCount++;
                int networks = declaration.Source.Split("[Network").Length - 1;
                if (generated.Length != networks)
                {
                    Fail(declaration, $"no error, but {generated.Length} generated files for {networks} networks");
                }
            }
            // Whatever the outcome, what was generated has a size bounded by the layers (a declaration the compiler
            // rejects may still get code for its networks).
            int layers = Regex.Matches(declaration.Source, @"\b(Dense|Maxout|Conv2D|MaxPool2D|AvgPool2D|GlobalAvgPool|Flatten|Dropout|BatchNorm|ResidualStart|ResidualEnd)\b").Count;
            foreach (GeneratedSourceResult file1 in generated.Where(g => g.SourceText.Length > FixedGeneratedCharacters + layers * GeneratedCharactersPerLayer))
            {
                Fail(declaration, $"{file1.HintName} has {file1.SourceText.Length:N0} characters for {layers} layers (the declaration's, all networks)");
            }
            int index = int.Parse(declaration.Namespace.Substring("Fuzz.D".Length), CultureInfo.InvariantCulture);
            if (generated.Length > 0 && index % (declaration.NearGeneratedNames ? CompileNearNamesEvery : CompileEvery) == 0)
            {
                sample.Add((declaration, generated.Select(g => g.SyntaxTree).ToArray()));
            }
        }

        // The sample with its generated code, in one compilation; the other declarations and their code left out.
        var sampledTrees = new HashSet<SyntaxTree>(sample.SelectMany(s => s.Generated));
        var sampledFiles = new HashSet<string>(sample.Select(s => s.Declaration.Namespace + ".cs"), StringComparer.Ordinal);
        Compilation compilation = output.Compilation.RemoveSyntaxTrees(output.Compilation.SyntaxTrees.Where(t => !sampledTrees.Contains(t) && !sampledFiles.Contains(t.FilePath)));
        var compileTime = Stopwatch.StartNew();
        Diagnostic[] diagnostics = sample.Count == 0 ? Array.Empty<Diagnostic>() : compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        foreach ((RandomDeclaration declaration, SyntaxTree[] generated) in sample)
        {
            string file = declaration.Namespace + ".cs";
            Diagnostic[] inGenerated = diagnostics.Where(d => generated.Contains(d.Location.SourceTree)).ToArray();
            Diagnostic[] added = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.GetLineSpan().Path == file && !ownErrors[file].Any(e => e.Id == d.Id && e.Location == d.Location)).ToArray();
            if (inGenerated.Length > 0)
            {
                Fail(declaration, "the compiler reports in generated code:\n" + GeneratorHarness.Describe(inGenerated.Take(5)));
            }
            else if (added.Length > 0)
            {
                Fail(declaration, "the generated code makes the declaration an error:\n" + GeneratorHarness.Describe(added.Take(5)));
            }
        }
        return new FuzzOutcome(first, failures, generatedCount, rejectedByNetGen, rejectedByCompiler, sample.Sum(s => s.Generated.Length), generation, compileTime.Elapsed);
    }

    private sealed record BatchOutcome(List<string> Failures, int Rejected, int Ran, TimeSpan Total, TimeSpan Generation = default, TimeSpan Compilation = default);

    private static BatchOutcome RunBatch(RandomDeclaration[] declarations, Random data)
    {
        var failures = new List<string>();
        int rejected = 0;
        var stopwatch = Stopwatch.StartNew();
        CSharpCompilation compilation = CompileDeclarations(declarations, d => d.ClassName + ".cs");
        GeneratorOutput output = GeneratorOutput.Run(compilation, ParseOptions);
        if (output.Exception is not null || output.DriverDiagnostics.Any(d => d.Id == "CS8785"))
        {
            failures.Add("The generator threw on this batch: " + output.Exception + "\n" + string.Join("\n\n", declarations.Select(d => d.Source)));
            return new BatchOutcome(failures, 0, 0, stopwatch.Elapsed);
        }
        TimeSpan generation = stopwatch.Elapsed;

        // Which declarations the generator rejected and which it generated.
        var generated = new Dictionary<RandomDeclaration, SyntaxTree>();
        var excluded = new List<SyntaxTree>();
        foreach (RandomDeclaration declaration in declarations)
        {
            Diagnostic[] ngErrors = output.GeneratorDiagnostics
                .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.GetLineSpan().Path == declaration.ClassName + ".cs").ToArray();
            SyntaxTree? tree = output.Compilation.SyntaxTrees.SingleOrDefault(t => t.FilePath.EndsWith("Fuzz." + declaration.ClassName + ".g.cs", StringComparison.Ordinal));
            if (ngErrors.Length > 0)
            {
                rejected++;
                if (declaration.IntendedValid)
                {
                    failures.Add(Describe(declaration, "built valid, but rejected:\n" + GeneratorHarness.Describe(ngErrors)));
                }
                if (tree is not null)
                {
                    failures.Add(Describe(declaration, "rejected with an NG error, but code was generated anyway"));
                    excluded.Add(tree);
                }
            }
            else if (tree is null)
            {
                failures.Add(Describe(declaration, "no NG error, but no code was generated"));
            }
            else
            {
                generated.Add(declaration, tree);
            }
        }

        // Emit all generated networks at once (one compilation is much cheaper than one each); a declaration whose
        // generated code does not compile is a failure, and the rest is emitted again without it.
        EmittedAssembly? assembly = null;
        while (generated.Count > 0 && assembly is null)
        {
            assembly = EmittedAssembly.TryEmit(output.Compilation.RemoveSyntaxTrees(excluded), out var errors);
            if (assembly is not null)
            {
                break;
            }
            var broken = generated.Where(g => errors.Any(e => e.Location.SourceTree == g.Value || e.Location.GetLineSpan().Path == g.Key.ClassName + ".cs")).ToArray();
            if (broken.Length == 0)
            {
                failures.Add("The batch does not compile, outside any generated network:\n" + GeneratorHarness.Describe(errors.Take(5)));
                break;
            }
            foreach (var (declaration, tree) in broken)
            {
                failures.Add(Describe(declaration, "the generated code does not compile:\n"
                    + GeneratorHarness.Describe(errors.Where(e => e.Location.SourceTree == tree).Take(5))));
                generated.Remove(declaration);
                excluded.Add(tree);
                excluded.Add(output.Compilation.SyntaxTrees.Single(t => t.FilePath == declaration.ClassName + ".cs"));
            }
        }
        TimeSpan compilationTime = stopwatch.Elapsed - generation;

        using (assembly)
        {
            foreach (RandomDeclaration declaration in assembly is null ? Enumerable.Empty<RandomDeclaration>() : generated.Keys)
            {
                try
                {
                    // Without a [Loss] (a mutation removes it) the network is inference-only: only its forward pass runs.
                    INetwork network = assembly!.CreateNetwork("Fuzz." + declaration.ClassName);
                    string? problem = declaration.IntendedValid && network.Parameters.Length != declaration.ExpectedParameters
                        ? $"{network.Parameters.Length} parameters, but its layers have {declaration.ExpectedParameters}"
                        : network is ITrainableNetwork trainable
                            ? Exercise(trainable, declaration.Source.Contains("Dropout", StringComparison.Ordinal) || declaration.Source.Contains("BatchNorm", StringComparison.Ordinal), data)
                            : ExerciseForward(network, random: data, batch: data.Next(2, 5), inputs: null);
                    if (problem is not null)
                    {
                        failures.Add(Describe(declaration, problem));
                    }
                }
                catch (Exception e)
                {
                    failures.Add(Describe(declaration, "threw " + e));
                }
            }
        }
        return new BatchOutcome(failures, rejected, assembly is null ? 0 : generated.Count, stopwatch.Elapsed, generation, compilationTime);
    }

    /// <summary>
    /// A training step (with input gradients), the loss and a forward pass on random data; null if all is finite and
    /// consistent: the training step's loss is the one TrainingLoss announced and, for a network that behaves the same in
    /// training and inference, the one EvaluateLoss computes; one sample's forward pass matches its row of a batch's.
    /// </summary>
    private static string? Exercise(ITrainableNetwork network, bool modeDependent, Random random)
    {
        // At least 2 samples: batch normalization refuses to train on one (it needs a variance).
        int batch = random.Next(2, 5);
        float[] inputs = Enumerable.Range(0, batch * network.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] targets = Targets(network, batch, random);
        float[] inputGradients = new float[inputs.Length];

        // TrainingLoss is documented to compute exactly the loss of the next training step, without changing any state.
        float expected = network.TrainingLoss(inputs, targets, batch);
        float loss = network.TrainStep(inputs, targets, batch, inputGradients);
        if (!float.IsFinite(loss)) return $"TrainStep returned {loss}";
        if (!Close(expected, loss)) return $"TrainingLoss said {expected:R}, but the training step's loss is {loss:R}";
        if (network.Gradients.Length != network.Parameters.Length) return "Gradients and Parameters differ in length";
        if (!network.Gradients.All(float.IsFinite)) return "TrainStep left a non-finite gradient";
        if (!inputGradients.All(float.IsFinite)) return "TrainStep wrote a non-finite input gradient";

        float evaluated = network.EvaluateLoss(inputs, targets, batch);
        if (!float.IsFinite(evaluated)) return $"EvaluateLoss returned {evaluated}";
        // Without dropout or batch normalization, training and inference mode compute the same function.
        if (!modeDependent && !Close(evaluated, loss)) return $"EvaluateLoss is {evaluated:R}, but the training step's loss is {loss:R}";

        return ExerciseForward(network, random, batch, inputs);
    }

    /// <summary>A batched and a one-sample forward pass: null if all is finite and sample 0 agrees in both.</summary>
    private static string? ExerciseForward(INetwork network, Random random, int batch, float[]? inputs)
    {
        inputs ??= Enumerable.Range(0, batch * network.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] outputs = new float[batch * network.OutputSize];
        network.Forward(inputs, outputs, batch);
        if (!outputs.All(float.IsFinite)) return "Forward wrote a non-finite output";
        float[] single = new float[network.OutputSize];
        network.Forward(inputs.AsSpan(0, network.InputSize), single);
        if (!single.All(float.IsFinite)) return "Forward of one sample wrote a non-finite output";
        for (int j = 0; j < single.Length; j++)
        {
            if (!Close(single[j], outputs[j])) return $"Forward of sample 0 alone gives output {j} = {single[j]:R}, but {outputs[j]:R} in a batch";
        }
        return null;
    }

    // The same sums in another order (a batch's vectorized loops against one sample's) differ by float32 rounding:
    // a few ulps per term over at most a few hundred terms here, far below 1e-4 relative.
    private static bool Close(float a, float b) => Math.Abs(a - b) <= 1e-4f * Math.Max(1f, Math.Max(Math.Abs(a), Math.Abs(b)));

    private static float[] Targets(ITrainableNetwork network, int batch, Random random)
    {
        var targets = new float[batch * network.TargetSize];
        for (int i = 0; i < targets.Length; i++)
        {
            targets[i] = network.Loss switch
            {
                // Class labels (softmax cross-entropy, multi-class hinge) are indices stored as floats.
                _ when network.TargetSize == 1 && network.OutputSize > 1 => random.Next(network.OutputSize),
                LossKind.Hinge => random.Next(2) == 0 ? -1 : 1,
                LossKind.BinaryCrossEntropy => (float)random.NextDouble(),
                _ => (float)(random.NextDouble() * 2 - 1),
            };
        }
        return targets;
    }

    private static string Describe(RandomDeclaration declaration, string problem) =>
        $"{declaration.ClassName} ({(declaration.IntendedValid ? "built valid" : "mutated: " + declaration.Mutation)}): {problem}\n{declaration.Source}";
}
