using System.Collections.Generic;
using System.Linq;

namespace NetGen.Reference.Tests;

/// <summary>The single-convolution grid of ConvGridModels.cs: the torch twin of each point, and the lookup by name.</summary>
public static partial class ConvGrid
{
    /// <summary>A convolution flattened into mean squared error, as every grid model.</summary>
    private static TorchNetwork Conv(int channels, int height, int width, TorchConv2d conv) =>
        new(new[] { channels, height, width }, LossKind.MeanSquaredError, conv, new TorchFlatten());

    public static ReferenceCase Named(string name) => Cases.Single(c => c.Name == name);

    /// <summary>Every grid point, by name (one xunit test case each).</summary>
    public static IEnumerable<object[]> All() => Cases.Select(c => new object[] { c.Name });

    public static int Count => Cases.Length;
}

/// <summary>Pooling and whole convolutional networks (ConvolutionModels.cs) and their torch twins.</summary>
public static class ConvolutionCases
{
    private static TorchNetwork Net(int[] input, LossKind loss, params TorchLayer[] layers) => new(input, loss, layers);

    private static TorchNetwork Pooled(int channels, int height, int width, TorchLayer pool) =>
        new(new[] { channels, height, width }, LossKind.MeanSquaredError, pool, new TorchFlatten());

    private static readonly ReferenceCase[] Pooling =
    {
        new("max 2 on 5x12x10", () => new MaxPool2Tiled(), Pooled(5, 12, 10, new TorchMaxPool2d(2))),
        new("max 2 on 5x13x11, last row and column uncovered", () => new MaxPool2Uncovered(), Pooled(5, 13, 11, new TorchMaxPool2d(2))),
        new("max 3 stride 2", () => new MaxPool3Stride2(), Pooled(5, 13, 11, new TorchMaxPool2d(3, 2))),
        new("max 3 stride 1", () => new MaxPool3Stride1(), Pooled(3, 9, 7, new TorchMaxPool2d(3, 1))),
        new("max 2 stride 3, gaps", () => new MaxPool2Stride3(), Pooled(3, 14, 11, new TorchMaxPool2d(2, 3))),
        new("max 2 on 3x6x16, rows of 8 outputs", () => new MaxPool2Row8(), Pooled(3, 6, 16, new TorchMaxPool2d(2))),
        new("max 2 on 3x5x19, rows of 9 outputs", () => new MaxPool2Row9(), Pooled(3, 5, 19, new TorchMaxPool2d(2))),
        new("max 2 on 2x4x9, rows of 4 outputs", () => new MaxPool2Row4(), Pooled(2, 4, 9, new TorchMaxPool2d(2))),
        new("max 2 on 2x6x7, rows of 3 outputs", () => new MaxPool2Row3(), Pooled(2, 6, 7, new TorchMaxPool2d(2))),
        new("max 2 on 1x2x1042, rows of 521 outputs, loop", () => new MaxPool2Row521(), Pooled(1, 2, 1042, new TorchMaxPool2d(2))),
        new("max 4, loop", () => new MaxPool4(), Pooled(3, 12, 8, new TorchMaxPool2d(4))),
        new("max 5 stride 2, loop", () => new MaxPool5Stride2(), Pooled(2, 13, 11, new TorchMaxPool2d(5, 2))),
        new("avg 2 on 5x12x10", () => new AvgPool2Tiled(), Pooled(5, 12, 10, new TorchAvgPool2d(2))),
        new("avg 2 on 5x13x11, last row and column uncovered", () => new AvgPool2Uncovered(), Pooled(5, 13, 11, new TorchAvgPool2d(2))),
        new("avg 3 stride 2", () => new AvgPool3Stride2(), Pooled(5, 13, 11, new TorchAvgPool2d(3, 2))),
        new("avg 3 stride 1", () => new AvgPool3Stride1(), Pooled(3, 9, 7, new TorchAvgPool2d(3, 1))),
        new("avg 4 stride 3, loop", () => new AvgPool4Stride3(), Pooled(3, 13, 10, new TorchAvgPool2d(4, 3))),
        new("avg 5 stride 2, loop", () => new AvgPool5Stride2(), Pooled(2, 13, 11, new TorchAvgPool2d(5, 2))),
        new("global avg on 5x13x11", () => new GlobalAvgPool13x11(), Net(new[] { 5, 13, 11 }, LossKind.MeanSquaredError, new TorchGlobalAvgPool())),
        new("global avg on 4x4x6", () => new GlobalAvgPool4x6(), Net(new[] { 4, 4, 6 }, LossKind.MeanSquaredError, new TorchGlobalAvgPool())),
        new("global avg on 3x2x3", () => new GlobalAvgPool2x3(), Net(new[] { 3, 2, 3 }, LossKind.MeanSquaredError, new TorchGlobalAvgPool())),
    };

    private static readonly ReferenceCase[] Networks =
    {
        new("conv tanh, max 3 stride 2, dense", () => new ConvMaxPoolDense(), Net(new[] { 3, 13, 11 }, LossKind.SoftmaxCrossEntropy,
            new TorchConv2d(5, 3, 3, Activation: Activation.Tanh), new TorchMaxPool2d(3, 2), new TorchFlatten(), new TorchDense(4))),
        new("strided dilated conv, avg 2 stride 1, global avg", () => new StridedDilatedAvgPool(), Net(new[] { 2, 9, 9 }, LossKind.MeanSquaredError,
            new TorchConv2d(4, 3, 2, Stride: 2, Padding: 2, Dilation: 2, Bias: false, Activation: Activation.ELU), new TorchAvgPool2d(2, 1), new TorchGlobalAvgPool())),
        new("1x1 conv, same conv, global avg, softmax", () => new PointwiseSameGap(), Net(new[] { 6, 5, 7 }, LossKind.SoftmaxCrossEntropy,
            new TorchConv2d(3, 1, 1, Activation: Activation.Sigmoid), new TorchConv2d(4, 3, 3, Padding: ConvPadding.Same, Activation: Activation.Tanh), new TorchGlobalAvgPool())),
        new("conv, avg 3 stride 2, conv, global avg, softmax", () => new ConvAvgPoolConvGap(), Net(new[] { 3, 13, 11 }, LossKind.SoftmaxCrossEntropy,
            new TorchConv2d(7, 3, 3, Padding: 1, Activation: Activation.LeakyReLU, Alpha: 0.1f), new TorchAvgPool2d(3, 2),
            new TorchConv2d(5, 3, 3, Activation: Activation.Softplus), new TorchGlobalAvgPool())),
        new("tiny lenet", () => new TinyLeNet(), Net(new[] { 1, 12, 12 }, LossKind.SoftmaxCrossEntropy,
            new TorchConv2d(4, 5, 5, Padding: 2, Activation: Activation.ReLU), new TorchMaxPool2d(2),
            new TorchConv2d(6, 3, 3, Activation: Activation.ReLU), new TorchMaxPool2d(2), new TorchFlatten(), new TorchDense(3))),
        new("conv, max 2 leaving the last row and column out, dense", () => new ConvUncoveredPoolDense(), Net(new[] { 2, 13, 11 }, LossKind.SoftmaxCrossEntropy,
            new TorchConv2d(4, 3, 3, Padding: 1, Activation: Activation.ReLU), new TorchMaxPool2d(2), new TorchFlatten(), new TorchDense(3))),
        new("lenet-5", () => new LeNet5(), Net(new[] { 1, 28, 28 }, LossKind.SoftmaxCrossEntropy,
            new TorchConv2d(6, 5, 5, Padding: 2, Activation: Activation.ReLU), new TorchMaxPool2d(2),
            new TorchConv2d(16, 5, 5, Activation: Activation.ReLU), new TorchMaxPool2d(2), new TorchFlatten(),
            new TorchDense(120, Activation.ReLU), new TorchDense(84, Activation.ReLU), new TorchDense(10))),
    };

    public static ReferenceCase Named(string name) => Pooling.Concat(Networks).Single(c => c.Name == name);

    public static IEnumerable<object[]> AllPooling() => Pooling.Select(c => new object[] { c.Name });

    /// <summary>The networks other than LeNet-5 (which has its own test, at batch 4).</summary>
    public static IEnumerable<object[]> AllNetworks() => Networks.Where(c => c.Name != "lenet-5").Select(c => new object[] { c.Name });
}
