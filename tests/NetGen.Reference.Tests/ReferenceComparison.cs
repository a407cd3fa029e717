using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Reference.Tests;

/// <summary>Runs a generated network and its torch twin on the same parameters and batch, and compares everything.</summary>
public static class ReferenceComparison
{
    /// <summary>Asserts that every compared tensor is within <paramref name="relative"/> (see <see cref="Tolerance"/>).</summary>
    public static void AssertMatches(ITestOutputHelper output, ReferenceCase test, int batch, int seed, double relative = Tolerance.Relative,
        float scale = 1, Func<float, float>? mapInputs = null, Func<float, float>? mapParameters = null)
    {
        string[] mismatches = Mismatches(output, test, batch, seed, relative, scale, mapInputs, mapParameters);
        Assert.True(mismatches.Length == 0, $"{test.Name}, batch {batch}:\n" + string.Join("\n", mismatches.Take(40)));
    }

    /// <summary>
    /// Runs both libraries on one batch (parameters passed through <paramref name="mapParameters"/> and multiplied by
    /// <paramref name="scale"/>, inputs passed through <paramref name="mapInputs"/>); logs a summary line per tensor and returns one line per element out of tolerance.
    /// Compared: the outputs of <c>Forward</c>, the loss of <c>TrainStep</c> and of <c>EvaluateLoss</c>, every parameter
    /// block's gradient and the input gradients.
    /// </summary>
    public static string[] Mismatches(ITestOutputHelper output, ReferenceCase test, int batch, int seed, double relative = Tolerance.Relative,
        float scale = 1, Func<float, float>? mapInputs = null, Func<float, float>? mapParameters = null)
    {
        ITrainableNetwork model = test.CreateInitialized(seed);
        var (inputs, targets) = ReferenceCase.Data(model, batch, seed + 100);
        if (mapInputs is not null)
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = mapInputs(inputs[i]);
            }
        }
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = (mapParameters is null ? model.Parameters[i] : mapParameters(model.Parameters[i])) * scale;
        }
        TorchNetwork.Result torch = test.Torch.Run(model.Parameters, inputs, targets, batch);

        var outputs = new float[batch * model.OutputSize];
        model.Forward(inputs, outputs, batch);
        float evaluated = model.EvaluateLoss(inputs, targets, batch);
        var inputGradients = new float[inputs.Length];
        float loss = model.TrainStep(inputs, targets, batch, inputGradients);

        var report = new List<string>();
        Tolerance.Check(report, "outputs", torch.Outputs, outputs, relative);
        Tolerance.Check(report, "loss (TrainStep)", new[] { torch.Loss }, new[] { loss }, relative);
        Tolerance.Check(report, "loss (EvaluateLoss)", new[] { torch.Loss }, new[] { evaluated }, relative);
        foreach (ParameterBlock block in torch.Blocks)
        {
            Tolerance.Check(report, $"gradient of {block.Name} {TorchParameters.Shape(block.Shape)}",
                torch.ParameterGradients.AsSpan(block.Offset, block.Length).ToArray(), model.Gradients.AsSpan(block.Offset, block.Length).ToArray(), relative);
        }
        Tolerance.Check(report, "input gradients", torch.InputGradients, inputGradients, relative);
        foreach (string line in report)
        {
            output.WriteLine(line);
        }
        return report.Where(line => line.StartsWith("MISMATCH", StringComparison.Ordinal)).ToArray();
    }
}
