using Xunit;

namespace NetGen.Generator.Tests;

/// <summary>
/// Generator bugs found by <see cref="GeneratorPropertyTests"/> (with other seeds than its default), each as the
/// smallest declaration that shows it.
/// </summary>
public sealed class RobustnessRegressionTests
{
    // Found by the property test with NETGEN_PROPERTY_SEED=2: im2col's valid range was not clamped to the output width
    // when the padding exceeds it (2x2 input, 7x7 kernel, padding 3).
    [Theory]
    [InlineData("Conv2D(1, 7, Padding = 3)")]
    [InlineData("Conv2D(1, 7, Padding = ConvPadding.Same)")]
    [InlineData("Conv2D(2, 3, 7, Padding = 3)")]
    public void Convolution_padded_wider_than_its_output_runs_forward_and_backward(string convolution)
    {
        // 1x2x2 -> padding 3 -> 8x8 -> 7x7 kernel -> 2x2 (the padding, 3, is wider than the output, 2).
        string source = GeneratorHarness.Usings
            + "[Network, Input(1, 2, 2), " + convolution + ", Flatten, Dense(1), Loss(LossKind.MeanSquaredError)]\npublic partial class Padded { }\n";
        using EmittedAssembly assembly = EmittedAssembly.Load(GeneratorHarness.Compile(source));
        ITrainableNetwork network = assembly.Create("Samples.Padded");
        float[] inputs = { 0.5f, -1f, 0.25f, 2f, 1f, 0f, -0.5f, 0.75f };
        float[] targets = { 1f, -1f };
        float[] outputs = new float[2];

        network.Forward(inputs, outputs, 2);
        float loss = network.TrainStep(inputs, targets, 2);

        Assert.All(outputs, o => Assert.True(float.IsFinite(o)));
        Assert.True(float.IsFinite(loss));
    }
}
