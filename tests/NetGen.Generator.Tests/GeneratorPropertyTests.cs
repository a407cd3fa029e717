using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
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

    private sealed record BatchOutcome(List<string> Failures, int Rejected, int Ran, TimeSpan Total, TimeSpan Generation = default, TimeSpan Compilation = default);

    private static BatchOutcome RunBatch(RandomDeclaration[] declarations, Random data)
    {
        var failures = new List<string>();
        int rejected = 0;
        var stopwatch = Stopwatch.StartNew();
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Fuzz",
            declarations.Select(d => CSharpSyntaxTree.ParseText(d.Source, ParseOptions, d.ClassName + ".cs")),
            GeneratorHarness.Compile().References,
            GeneratorHarness.Compile().Options);
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
