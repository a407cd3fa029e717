using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace NetGen.Generator.Tests;

/// <summary>
/// A network without [Loss] is inference-only: it implements <see cref="INetwork"/> but not
/// <see cref="ITrainableNetwork"/>, so it runs, exports and checkpoints, while training it is a compile error.
/// </summary>
public sealed class InferenceOnlyTests
{
    private const string Declaration = """
        [Network, Input(1, 6, 6), Conv2D(2, kernel: 3, Activation = Activation.ReLU), BatchNorm, Dropout(0.5), Flatten, Dense(3)]
        public partial class Scorer { }
        """;

    [Fact]
    public void Inference_only_network_runs_the_same_forward_pass_as_the_same_layers_with_a_loss()
    {
        using EmittedAssembly assembly = EmittedAssembly.Load(GeneratorHarness.Compile(
            GeneratorHarness.Usings + Declaration + "\n[Network, Input(1, 6, 6), Conv2D(2, kernel: 3, Activation = Activation.ReLU), BatchNorm, Dropout(0.5), Flatten, Dense(3), Loss(LossKind.SoftmaxCrossEntropy)]\npublic partial class Trained { }\n"
            + "public static class Probe { public static int Predict(float[] input) => new Scorer().Predict(input); }\n"));
        INetwork scorer = assembly.CreateNetwork("Samples.Scorer");
        ITrainableNetwork trained = assembly.Create("Samples.Trained");

        Assert.False(scorer is ITrainableNetwork);
        Assert.Equal(trained.Parameters, scorer.Parameters); // same layers, same seed-0 initialization
        Assert.Null(scorer.Description.Loss);
        Assert.NotEqual(trained.Fingerprint, scorer.Fingerprint);
        float[] input = Enumerable.Range(0, 36).Select(i => MathF.Sin(i)).ToArray();
        float[] expected = new float[3], actual = new float[3];
        trained.Forward(input, expected);
        scorer.Forward(input, actual);
        Assert.Equal(expected, actual);
        // Predict takes a span, which reflection cannot pass: a probe compiled with the network calls it.
        int predicted = (int)assembly.Assembly.GetType("Samples.Probe")!.GetMethod("Predict")!.Invoke(null, new object[] { input })!;
        Assert.Equal(Array.IndexOf(actual, actual.Max()), predicted);
    }

    [Theory]
    [InlineData("new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 8 }).Fit(model, new Sgd(0.1f), data);", "CS1503")]
    [InlineData("Evaluation.Evaluate(model, data);", "CS1503")]
    [InlineData("model.TrainStep(new float[36], new float[1], 1);", "CS1061")]
    [InlineData("_ = model.Gradients;", "CS1061")]
    public void Training_an_inference_only_network_is_a_compile_error_at_the_call(string use, string expectedId)
    {
        string source = GeneratorHarness.Usings + Declaration + "\n" + "public static class Use\n{\n    public static void Run(Dataset data)\n    {\n        var model = new Scorer();\n        " + use + "\n    }\n}\n";
        GeneratorRun run = GeneratorHarness.Run(source);

        Diagnostic error = Assert.Single(run.OutputDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(expectedId, error.Id);
        int useLine = source.Substring(0, source.IndexOf(use, StringComparison.Ordinal)).Count(c => c == '\n');
        Assert.Equal(useLine, error.Location.GetLineSpan().StartLinePosition.Line);
    }
}
