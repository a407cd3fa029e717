using NetGen;

namespace NetGen.Reference.Tests;

// The convolution grid compared with torch: one generated model per configuration (every NetGen shape is a compile-time
// constant), each a single Conv2D with its fused activation, flattened into a mean squared error against random targets,
// so that TrainStep yields the gradients of the outputs, the weights, the bias and the inputs. Written once by a script
// from these rules, then kept as plain source:
//   1. The Cartesian grid kernel {1, 3, 5} x stride {1, 2} x padding {0, 1, 2} x dilation {1, 2}, 3 -> 5 channels on
//      13 x 11 inputs; the activations Identity, Sigmoid, Tanh, ReLU, LeakyReLU, LeakyReLU 0.2, ELU, ELU 0.7, Softplus
//      in turn; every fourth point without bias. (Odd sizes and odd effective kernels: stride 2 covers every input.)
//   2. Rectangular kernels, odd and even sides, also on a tall 29 x 3 and a one-row 1 x 40 input.
//   3. "Same" padding (stride 1, odd effective kernels), square, rectangular and dilated.
//   4. Strides that leave input rows or columns uncovered (warning NG0019, silenced in the project file): torch never
//      reads those inputs either, so their gradient must be exactly zero in both.
//   5. A 1x1 kernel with padding 2 and no bias, under ReLU, leaky ReLU and ELU: the border outputs are exactly 0, at the
//      kink. ConvolutionReferenceTests also runs these three with quantized weights and inputs, so that interior
//      pre-activations are exactly 0 with nonzero inputs and the derivative at the kink reaches the gradients.
//   6. Channel counts around the product's 4-row and 8-wide tiles: one input channel, 13 and 17 filters, an 8 -> 16
//      layer on 8 x 8 without any tail, the 1x1 path with 16 input channels, and a 17 x 16 plane.
//   7. Direct convolutions (stride 1, output rows of whole vectors): 44-wide rows (a group of vectors and an overlapping
//      tail), 16-wide rows without padding, 28-wide rows under a 3x9 kernel (a loop over the kernel columns), filter
//      counts that split into unequal tiles (7, 13).
//   8. A weight gradient summed pixel-major with more filters than output pixels (20 filters on 4 x 4) and a 45-float
//      patch, so that the accumulating product ends in an overlapping vector.
// Each class's comment gives its output shape.

// 3x13x11 -> 5x13x11
[Network, Input(3, 13, 11), Conv2D(5, 1), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK1S1P0D1 { }

// 3x13x11 -> 5x13x11
[Network, Input(3, 13, 11), Conv2D(5, 1, Dilation = 2, Activation = Activation.Sigmoid), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK1S1P0D2 { }

// 3x13x11 -> 5x15x13
[Network, Input(3, 13, 11), Conv2D(5, 1, Padding = 1, Activation = Activation.Tanh), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK1S1P1D1 { }

// 3x13x11 -> 5x15x13
[Network, Input(3, 13, 11), Conv2D(5, 1, Padding = 1, Dilation = 2, Bias = false, Activation = Activation.ReLU), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK1S1P1D2 { }

// 3x13x11 -> 5x17x15
[Network, Input(3, 13, 11), Conv2D(5, 1, Padding = 2, Activation = Activation.LeakyReLU), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK1S1P2D1 { }

// 3x13x11 -> 5x17x15
[Network, Input(3, 13, 11), Conv2D(5, 1, Padding = 2, Dilation = 2, Activation = Activation.LeakyReLU, Alpha = 0.2f), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK1S1P2D2 { }

// 3x13x11 -> 5x7x6
[Network, Input(3, 13, 11), Conv2D(5, 1, Stride = 2, Activation = Activation.ELU), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK1S2P0D1 { }

// 3x13x11 -> 5x7x6
[Network, Input(3, 13, 11), Conv2D(5, 1, Stride = 2, Dilation = 2, Bias = false, Activation = Activation.ELU, Alpha = 0.7f), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK1S2P0D2 { }

// 3x13x11 -> 5x8x7
[Network, Input(3, 13, 11), Conv2D(5, 1, Stride = 2, Padding = 1, Activation = Activation.Softplus), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK1S2P1D1 { }

// 3x13x11 -> 5x8x7
[Network, Input(3, 13, 11), Conv2D(5, 1, Stride = 2, Padding = 1, Dilation = 2), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK1S2P1D2 { }

// 3x13x11 -> 5x9x8
[Network, Input(3, 13, 11), Conv2D(5, 1, Stride = 2, Padding = 2, Activation = Activation.Sigmoid), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK1S2P2D1 { }

// 3x13x11 -> 5x9x8
[Network, Input(3, 13, 11), Conv2D(5, 1, Stride = 2, Padding = 2, Dilation = 2, Bias = false, Activation = Activation.Tanh), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK1S2P2D2 { }

// 3x13x11 -> 5x11x9
[Network, Input(3, 13, 11), Conv2D(5, 3, Activation = Activation.ReLU), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK3S1P0D1 { }

// 3x13x11 -> 5x9x7
[Network, Input(3, 13, 11), Conv2D(5, 3, Dilation = 2, Activation = Activation.LeakyReLU), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK3S1P0D2 { }

// 3x13x11 -> 5x13x11
[Network, Input(3, 13, 11), Conv2D(5, 3, Padding = 1, Activation = Activation.LeakyReLU, Alpha = 0.2f), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK3S1P1D1 { }

// 3x13x11 -> 5x11x9
[Network, Input(3, 13, 11), Conv2D(5, 3, Padding = 1, Dilation = 2, Bias = false, Activation = Activation.ELU), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK3S1P1D2 { }

// 3x13x11 -> 5x15x13
[Network, Input(3, 13, 11), Conv2D(5, 3, Padding = 2, Activation = Activation.ELU, Alpha = 0.7f), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK3S1P2D1 { }

// 3x13x11 -> 5x13x11
[Network, Input(3, 13, 11), Conv2D(5, 3, Padding = 2, Dilation = 2, Activation = Activation.Softplus), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK3S1P2D2 { }

// 3x13x11 -> 5x6x5
[Network, Input(3, 13, 11), Conv2D(5, 3, Stride = 2), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK3S2P0D1 { }

// 3x13x11 -> 5x5x4
[Network, Input(3, 13, 11), Conv2D(5, 3, Stride = 2, Dilation = 2, Bias = false, Activation = Activation.Sigmoid), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK3S2P0D2 { }

// 3x13x11 -> 5x7x6
[Network, Input(3, 13, 11), Conv2D(5, 3, Stride = 2, Padding = 1, Activation = Activation.Tanh), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK3S2P1D1 { }

// 3x13x11 -> 5x6x5
[Network, Input(3, 13, 11), Conv2D(5, 3, Stride = 2, Padding = 1, Dilation = 2, Activation = Activation.ReLU), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK3S2P1D2 { }

// 3x13x11 -> 5x8x7
[Network, Input(3, 13, 11), Conv2D(5, 3, Stride = 2, Padding = 2, Activation = Activation.LeakyReLU), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK3S2P2D1 { }

// 3x13x11 -> 5x7x6
[Network, Input(3, 13, 11), Conv2D(5, 3, Stride = 2, Padding = 2, Dilation = 2, Bias = false, Activation = Activation.LeakyReLU, Alpha = 0.2f), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK3S2P2D2 { }

// 3x13x11 -> 5x9x7
[Network, Input(3, 13, 11), Conv2D(5, 5, Activation = Activation.ELU), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK5S1P0D1 { }

// 3x13x11 -> 5x5x3
[Network, Input(3, 13, 11), Conv2D(5, 5, Dilation = 2, Activation = Activation.ELU, Alpha = 0.7f), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK5S1P0D2 { }

// 3x13x11 -> 5x11x9
[Network, Input(3, 13, 11), Conv2D(5, 5, Padding = 1, Activation = Activation.Softplus), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK5S1P1D1 { }

// 3x13x11 -> 5x7x5
[Network, Input(3, 13, 11), Conv2D(5, 5, Padding = 1, Dilation = 2, Bias = false), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK5S1P1D2 { }

// 3x13x11 -> 5x13x11
[Network, Input(3, 13, 11), Conv2D(5, 5, Padding = 2, Activation = Activation.Sigmoid), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK5S1P2D1 { }

// 3x13x11 -> 5x9x7
[Network, Input(3, 13, 11), Conv2D(5, 5, Padding = 2, Dilation = 2, Activation = Activation.Tanh), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK5S1P2D2 { }

// 3x13x11 -> 5x5x4
[Network, Input(3, 13, 11), Conv2D(5, 5, Stride = 2, Activation = Activation.ReLU), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK5S2P0D1 { }

// 3x13x11 -> 5x3x2
[Network, Input(3, 13, 11), Conv2D(5, 5, Stride = 2, Dilation = 2, Bias = false, Activation = Activation.LeakyReLU), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK5S2P0D2 { }

// 3x13x11 -> 5x6x5
[Network, Input(3, 13, 11), Conv2D(5, 5, Stride = 2, Padding = 1, Activation = Activation.LeakyReLU, Alpha = 0.2f), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK5S2P1D1 { }

// 3x13x11 -> 5x4x3
[Network, Input(3, 13, 11), Conv2D(5, 5, Stride = 2, Padding = 1, Dilation = 2, Activation = Activation.ELU), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK5S2P1D2 { }

// 3x13x11 -> 5x7x6
[Network, Input(3, 13, 11), Conv2D(5, 5, Stride = 2, Padding = 2, Activation = Activation.ELU, Alpha = 0.7f), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK5S2P2D1 { }

// 3x13x11 -> 5x5x4
[Network, Input(3, 13, 11), Conv2D(5, 5, Stride = 2, Padding = 2, Dilation = 2, Bias = false, Activation = Activation.Softplus), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK5S2P2D2 { }

// 3x13x11 -> 5x13x9
[Network, Input(3, 13, 11), Conv2D(5, 3, 5, Padding = 1, Activation = Activation.Tanh), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvRect3x5 { }

// 3x13x11 -> 5x5x6
[Network, Input(3, 13, 11), Conv2D(5, 5, 3, Stride = 2, Padding = 2, Dilation = 2, Bias = false, Activation = Activation.ELU, Alpha = 0.7f), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvRect5x3Strided { }

// 3x13x11 -> 5x13x9
[Network, Input(3, 13, 11), Conv2D(5, 1, 3, Activation = Activation.ReLU), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvRect1x3 { }

// 3x13x11 -> 5x14x15
[Network, Input(3, 13, 11), Conv2D(5, 4, 1, Padding = 2, Activation = Activation.Sigmoid), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvRect4x1 { }

// 3x13x11 -> 5x7x5 (stride leaves input uncovered: NG0019)
[Network, Input(3, 13, 11), Conv2D(5, 2, 4, Stride = 2, Padding = 1, Activation = Activation.LeakyReLU, Alpha = 0.2f), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvRect2x4Strided { }

// 2x29x3 -> 3x29x5
[Network, Input(2, 29, 3), Conv2D(3, 3, 1, Padding = 1, Activation = Activation.Softplus), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvRect3x1Tall { }

// 2x1x40 -> 3x3x18 (stride leaves input uncovered: NG0019)
[Network, Input(2, 1, 40), Conv2D(3, 1, 5, Stride = 2, Padding = 2, Dilation = 2), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvRect1x5Wide { }

// 3x13x11 -> 5x13x11
[Network, Input(3, 13, 11), Conv2D(5, 3, Padding = ConvPadding.Same, Activation = Activation.Tanh), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvSame3 { }

// 3x13x11 -> 5x13x11
[Network, Input(3, 13, 11), Conv2D(5, 5, Padding = ConvPadding.Same, Bias = false, Activation = Activation.ReLU), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvSame5 { }

// 3x13x11 -> 5x13x11
[Network, Input(3, 13, 11), Conv2D(5, 3, Padding = ConvPadding.Same, Dilation = 2, Activation = Activation.ELU), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvSame3Dilated { }

// 3x13x11 -> 5x13x11
[Network, Input(3, 13, 11), Conv2D(5, 3, 5, Padding = ConvPadding.Same, Activation = Activation.Softplus), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvSame3x5 { }

// 3x13x11 -> 5x13x11
[Network, Input(3, 13, 11), Conv2D(5, 5, 3, Padding = ConvPadding.Same, Dilation = 2, Bias = false, Activation = Activation.LeakyReLU), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvSame5x3Dilated { }

// 3x13x11 -> 5x13x11
[Network, Input(3, 13, 11), Conv2D(5, 1, Padding = ConvPadding.Same, Activation = Activation.Sigmoid), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvSame1 { }

// 3x12x10 -> 5x5x4 (stride leaves input uncovered: NG0019)
[Network, Input(3, 12, 10), Conv2D(5, 3, Stride = 2, Activation = Activation.Tanh), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvUncoveredK3S2 { }

// 3x12x10 -> 5x3x2 (stride leaves input uncovered: NG0019)
[Network, Input(3, 12, 10), Conv2D(5, 5, Stride = 2, Padding = 1, Dilation = 2, Bias = false, Activation = Activation.ReLU), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvUncoveredK5S2D2 { }

// 3x13x11 -> 5x5x4 (stride leaves input uncovered: NG0019)
[Network, Input(3, 13, 11), Conv2D(5, 3, Stride = 3, Padding = 1, Activation = Activation.ELU, Alpha = 0.7f), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvUncoveredK3S3 { }

// 3x13x11 -> 5x5x4 (stride leaves input uncovered: NG0019)
[Network, Input(3, 13, 11), Conv2D(5, 1, Stride = 3, Activation = Activation.Sigmoid), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvUncoveredK1S3 { }

// 3x13x11 -> 5x6x5 (stride leaves input uncovered: NG0019)
[Network, Input(3, 13, 11), Conv2D(5, 2, Stride = 2, Activation = Activation.LeakyReLU), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvUncoveredK2S2 { }

// 3x13x11 -> 5x17x15
[Network, Input(3, 13, 11), Conv2D(5, 1, Padding = 2, Bias = false, Activation = Activation.ReLU), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK1P2ReLU { }

// 3x13x11 -> 5x17x15
[Network, Input(3, 13, 11), Conv2D(5, 1, Padding = 2, Bias = false, Activation = Activation.LeakyReLU, Alpha = 0.2f), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK1P2Leaky { }

// 3x13x11 -> 5x17x15
[Network, Input(3, 13, 11), Conv2D(5, 1, Padding = 2, Bias = false, Activation = Activation.ELU, Alpha = 0.7f), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvK1P2Elu { }

// 1x13x11 -> 3x13x11
[Network, Input(1, 13, 11), Conv2D(3, 3, Padding = 1, Activation = Activation.ReLU), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvOneChannel { }

// 7x9x9 -> 13x9x9
[Network, Input(7, 9, 9), Conv2D(13, 3, Padding = 1, Activation = Activation.Tanh), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvThirteenFilters { }

// 8x8x8 -> 16x8x8
[Network, Input(8, 8, 8), Conv2D(16, 3, Padding = 1, Activation = Activation.ELU), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvExactTiles { }

// 16x7x5 -> 9x7x5
[Network, Input(16, 7, 5), Conv2D(9, 1, Activation = Activation.Softplus), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvPointwiseWide { }

// 5x13x11 -> 17x13x11
[Network, Input(5, 13, 11), Conv2D(17, 1, Bias = false, Activation = Activation.LeakyReLU, Alpha = 0.2f), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvPointwiseMany { }

// 4x17x16 -> 6x17x16
[Network, Input(4, 17, 16), Conv2D(6, 5, Padding = 2, Activation = Activation.Sigmoid), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvLargerPlane { }

// 2x9x44 -> 7x9x44
[Network, Input(2, 9, 44), Conv2D(7, 3, Padding = 2, Dilation = 2, Activation = Activation.LeakyReLU, Alpha = 0.2f), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvDirectWide { }

// 3x6x20 -> 13x2x16
[Network, Input(3, 6, 20), Conv2D(13, 5, Bias = false, Activation = Activation.Sigmoid), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvDirectUnpadded { }

// 1x7x28 -> 4x7x28
[Network, Input(1, 7, 28), Conv2D(4, 3, 9, Padding = ConvPadding.Same, Activation = Activation.ELU, Alpha = 0.7f), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvDirectWideKernel { }

// 2x5x30 -> 3x3x28
[Network, Input(2, 5, 30), Conv2D(3, 3, Activation = Activation.Tanh), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvDirectTanh { }

// 5x4x4 -> 20x4x4
[Network, Input(5, 4, 4), Conv2D(20, 3, Padding = 1, Activation = Activation.ReLU), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class ConvManyFiltersSmallPlane { }

/// <summary>The grid above and each point's torch twin (a <see cref="TorchConv2d"/> and a flatten, under mean squared error).</summary>
public static partial class ConvGrid
{
    private static readonly ReferenceCase[] Cases =
    {
        new("k1 s1 p0 d1, identity", () => new ConvK1S1P0D1(), Conv(3, 13, 11, new TorchConv2d(5, 1, 1))),
        new("k1 s1 p0 d2, sigmoid", () => new ConvK1S1P0D2(), Conv(3, 13, 11, new TorchConv2d(5, 1, 1, Dilation: 2, Activation: Activation.Sigmoid))),
        new("k1 s1 p1 d1, tanh", () => new ConvK1S1P1D1(), Conv(3, 13, 11, new TorchConv2d(5, 1, 1, Padding: 1, Activation: Activation.Tanh))),
        new("k1 s1 p1 d2, relu, no bias", () => new ConvK1S1P1D2(), Conv(3, 13, 11, new TorchConv2d(5, 1, 1, Padding: 1, Dilation: 2, Bias: false, Activation: Activation.ReLU))),
        new("k1 s1 p2 d1, leaky relu", () => new ConvK1S1P2D1(), Conv(3, 13, 11, new TorchConv2d(5, 1, 1, Padding: 2, Activation: Activation.LeakyReLU))),
        new("k1 s1 p2 d2, leaky relu 0.2", () => new ConvK1S1P2D2(), Conv(3, 13, 11, new TorchConv2d(5, 1, 1, Padding: 2, Dilation: 2, Activation: Activation.LeakyReLU, Alpha: 0.2f))),
        new("k1 s2 p0 d1, elu", () => new ConvK1S2P0D1(), Conv(3, 13, 11, new TorchConv2d(5, 1, 1, Stride: 2, Activation: Activation.ELU))),
        new("k1 s2 p0 d2, elu 0.7, no bias", () => new ConvK1S2P0D2(), Conv(3, 13, 11, new TorchConv2d(5, 1, 1, Stride: 2, Dilation: 2, Bias: false, Activation: Activation.ELU, Alpha: 0.7f))),
        new("k1 s2 p1 d1, softplus", () => new ConvK1S2P1D1(), Conv(3, 13, 11, new TorchConv2d(5, 1, 1, Stride: 2, Padding: 1, Activation: Activation.Softplus))),
        new("k1 s2 p1 d2, identity", () => new ConvK1S2P1D2(), Conv(3, 13, 11, new TorchConv2d(5, 1, 1, Stride: 2, Padding: 1, Dilation: 2))),
        new("k1 s2 p2 d1, sigmoid", () => new ConvK1S2P2D1(), Conv(3, 13, 11, new TorchConv2d(5, 1, 1, Stride: 2, Padding: 2, Activation: Activation.Sigmoid))),
        new("k1 s2 p2 d2, tanh, no bias", () => new ConvK1S2P2D2(), Conv(3, 13, 11, new TorchConv2d(5, 1, 1, Stride: 2, Padding: 2, Dilation: 2, Bias: false, Activation: Activation.Tanh))),
        new("k3 s1 p0 d1, relu", () => new ConvK3S1P0D1(), Conv(3, 13, 11, new TorchConv2d(5, 3, 3, Activation: Activation.ReLU))),
        new("k3 s1 p0 d2, leaky relu", () => new ConvK3S1P0D2(), Conv(3, 13, 11, new TorchConv2d(5, 3, 3, Dilation: 2, Activation: Activation.LeakyReLU))),
        new("k3 s1 p1 d1, leaky relu 0.2", () => new ConvK3S1P1D1(), Conv(3, 13, 11, new TorchConv2d(5, 3, 3, Padding: 1, Activation: Activation.LeakyReLU, Alpha: 0.2f))),
        new("k3 s1 p1 d2, elu, no bias", () => new ConvK3S1P1D2(), Conv(3, 13, 11, new TorchConv2d(5, 3, 3, Padding: 1, Dilation: 2, Bias: false, Activation: Activation.ELU))),
        new("k3 s1 p2 d1, elu 0.7", () => new ConvK3S1P2D1(), Conv(3, 13, 11, new TorchConv2d(5, 3, 3, Padding: 2, Activation: Activation.ELU, Alpha: 0.7f))),
        new("k3 s1 p2 d2, softplus", () => new ConvK3S1P2D2(), Conv(3, 13, 11, new TorchConv2d(5, 3, 3, Padding: 2, Dilation: 2, Activation: Activation.Softplus))),
        new("k3 s2 p0 d1, identity", () => new ConvK3S2P0D1(), Conv(3, 13, 11, new TorchConv2d(5, 3, 3, Stride: 2))),
        new("k3 s2 p0 d2, sigmoid, no bias", () => new ConvK3S2P0D2(), Conv(3, 13, 11, new TorchConv2d(5, 3, 3, Stride: 2, Dilation: 2, Bias: false, Activation: Activation.Sigmoid))),
        new("k3 s2 p1 d1, tanh", () => new ConvK3S2P1D1(), Conv(3, 13, 11, new TorchConv2d(5, 3, 3, Stride: 2, Padding: 1, Activation: Activation.Tanh))),
        new("k3 s2 p1 d2, relu", () => new ConvK3S2P1D2(), Conv(3, 13, 11, new TorchConv2d(5, 3, 3, Stride: 2, Padding: 1, Dilation: 2, Activation: Activation.ReLU))),
        new("k3 s2 p2 d1, leaky relu", () => new ConvK3S2P2D1(), Conv(3, 13, 11, new TorchConv2d(5, 3, 3, Stride: 2, Padding: 2, Activation: Activation.LeakyReLU))),
        new("k3 s2 p2 d2, leaky relu 0.2, no bias", () => new ConvK3S2P2D2(), Conv(3, 13, 11, new TorchConv2d(5, 3, 3, Stride: 2, Padding: 2, Dilation: 2, Bias: false, Activation: Activation.LeakyReLU, Alpha: 0.2f))),
        new("k5 s1 p0 d1, elu", () => new ConvK5S1P0D1(), Conv(3, 13, 11, new TorchConv2d(5, 5, 5, Activation: Activation.ELU))),
        new("k5 s1 p0 d2, elu 0.7", () => new ConvK5S1P0D2(), Conv(3, 13, 11, new TorchConv2d(5, 5, 5, Dilation: 2, Activation: Activation.ELU, Alpha: 0.7f))),
        new("k5 s1 p1 d1, softplus", () => new ConvK5S1P1D1(), Conv(3, 13, 11, new TorchConv2d(5, 5, 5, Padding: 1, Activation: Activation.Softplus))),
        new("k5 s1 p1 d2, identity, no bias", () => new ConvK5S1P1D2(), Conv(3, 13, 11, new TorchConv2d(5, 5, 5, Padding: 1, Dilation: 2, Bias: false))),
        new("k5 s1 p2 d1, sigmoid", () => new ConvK5S1P2D1(), Conv(3, 13, 11, new TorchConv2d(5, 5, 5, Padding: 2, Activation: Activation.Sigmoid))),
        new("k5 s1 p2 d2, tanh", () => new ConvK5S1P2D2(), Conv(3, 13, 11, new TorchConv2d(5, 5, 5, Padding: 2, Dilation: 2, Activation: Activation.Tanh))),
        new("k5 s2 p0 d1, relu", () => new ConvK5S2P0D1(), Conv(3, 13, 11, new TorchConv2d(5, 5, 5, Stride: 2, Activation: Activation.ReLU))),
        new("k5 s2 p0 d2, leaky relu, no bias", () => new ConvK5S2P0D2(), Conv(3, 13, 11, new TorchConv2d(5, 5, 5, Stride: 2, Dilation: 2, Bias: false, Activation: Activation.LeakyReLU))),
        new("k5 s2 p1 d1, leaky relu 0.2", () => new ConvK5S2P1D1(), Conv(3, 13, 11, new TorchConv2d(5, 5, 5, Stride: 2, Padding: 1, Activation: Activation.LeakyReLU, Alpha: 0.2f))),
        new("k5 s2 p1 d2, elu", () => new ConvK5S2P1D2(), Conv(3, 13, 11, new TorchConv2d(5, 5, 5, Stride: 2, Padding: 1, Dilation: 2, Activation: Activation.ELU))),
        new("k5 s2 p2 d1, elu 0.7", () => new ConvK5S2P2D1(), Conv(3, 13, 11, new TorchConv2d(5, 5, 5, Stride: 2, Padding: 2, Activation: Activation.ELU, Alpha: 0.7f))),
        new("k5 s2 p2 d2, softplus, no bias", () => new ConvK5S2P2D2(), Conv(3, 13, 11, new TorchConv2d(5, 5, 5, Stride: 2, Padding: 2, Dilation: 2, Bias: false, Activation: Activation.Softplus))),
        new("rect 3x5 s1 p1, tanh", () => new ConvRect3x5(), Conv(3, 13, 11, new TorchConv2d(5, 3, 5, Padding: 1, Activation: Activation.Tanh))),
        new("rect 5x3 s2 p2 d2, elu 0.7, no bias", () => new ConvRect5x3Strided(), Conv(3, 13, 11, new TorchConv2d(5, 5, 3, Stride: 2, Padding: 2, Dilation: 2, Bias: false, Activation: Activation.ELU, Alpha: 0.7f))),
        new("rect 1x3 s1 p0, relu", () => new ConvRect1x3(), Conv(3, 13, 11, new TorchConv2d(5, 1, 3, Activation: Activation.ReLU))),
        new("rect 4x1 s1 p2, sigmoid", () => new ConvRect4x1(), Conv(3, 13, 11, new TorchConv2d(5, 4, 1, Padding: 2, Activation: Activation.Sigmoid))),
        new("rect 2x4 s2 p1, leaky relu 0.2", () => new ConvRect2x4Strided(), Conv(3, 13, 11, new TorchConv2d(5, 2, 4, Stride: 2, Padding: 1, Activation: Activation.LeakyReLU, Alpha: 0.2f))),
        new("rect 3x1 s1 p1 on 2x29x3, softplus", () => new ConvRect3x1Tall(), Conv(2, 29, 3, new TorchConv2d(3, 3, 1, Padding: 1, Activation: Activation.Softplus))),
        new("rect 1x5 s2 p2 d2 on 2x1x40, identity", () => new ConvRect1x5Wide(), Conv(2, 1, 40, new TorchConv2d(3, 1, 5, Stride: 2, Padding: 2, Dilation: 2))),
        new("same 3x3, tanh", () => new ConvSame3(), Conv(3, 13, 11, new TorchConv2d(5, 3, 3, Padding: ConvPadding.Same, Activation: Activation.Tanh))),
        new("same 5x5, relu, no bias", () => new ConvSame5(), Conv(3, 13, 11, new TorchConv2d(5, 5, 5, Padding: ConvPadding.Same, Bias: false, Activation: Activation.ReLU))),
        new("same 3x3 d2, elu", () => new ConvSame3Dilated(), Conv(3, 13, 11, new TorchConv2d(5, 3, 3, Padding: ConvPadding.Same, Dilation: 2, Activation: Activation.ELU))),
        new("same 3x5, softplus", () => new ConvSame3x5(), Conv(3, 13, 11, new TorchConv2d(5, 3, 5, Padding: ConvPadding.Same, Activation: Activation.Softplus))),
        new("same 5x3 d2, leaky relu, no bias", () => new ConvSame5x3Dilated(), Conv(3, 13, 11, new TorchConv2d(5, 5, 3, Padding: ConvPadding.Same, Dilation: 2, Bias: false, Activation: Activation.LeakyReLU))),
        new("same 1x1, sigmoid", () => new ConvSame1(), Conv(3, 13, 11, new TorchConv2d(5, 1, 1, Padding: ConvPadding.Same, Activation: Activation.Sigmoid))),
        new("uncovered k3 s2 p0 on 3x12x10, tanh", () => new ConvUncoveredK3S2(), Conv(3, 12, 10, new TorchConv2d(5, 3, 3, Stride: 2, Activation: Activation.Tanh))),
        new("uncovered k5 s2 p1 d2 on 3x12x10, relu, no bias", () => new ConvUncoveredK5S2D2(), Conv(3, 12, 10, new TorchConv2d(5, 5, 5, Stride: 2, Padding: 1, Dilation: 2, Bias: false, Activation: Activation.ReLU))),
        new("uncovered k3 s3 p1 on 3x13x11, elu 0.7", () => new ConvUncoveredK3S3(), Conv(3, 13, 11, new TorchConv2d(5, 3, 3, Stride: 3, Padding: 1, Activation: Activation.ELU, Alpha: 0.7f))),
        new("uncovered k1 s3 p0 on 3x13x11, sigmoid", () => new ConvUncoveredK1S3(), Conv(3, 13, 11, new TorchConv2d(5, 1, 1, Stride: 3, Activation: Activation.Sigmoid))),
        new("uncovered k2 s2 p0 on 3x13x11, leaky relu", () => new ConvUncoveredK2S2(), Conv(3, 13, 11, new TorchConv2d(5, 2, 2, Stride: 2, Activation: Activation.LeakyReLU))),
        new("k1 p2 no bias, relu at 0", () => new ConvK1P2ReLU(), Conv(3, 13, 11, new TorchConv2d(5, 1, 1, Padding: 2, Bias: false, Activation: Activation.ReLU))),
        new("k1 p2 no bias, leaky relu at 0", () => new ConvK1P2Leaky(), Conv(3, 13, 11, new TorchConv2d(5, 1, 1, Padding: 2, Bias: false, Activation: Activation.LeakyReLU, Alpha: 0.2f))),
        new("k1 p2 no bias, elu at 0", () => new ConvK1P2Elu(), Conv(3, 13, 11, new TorchConv2d(5, 1, 1, Padding: 2, Bias: false, Activation: Activation.ELU, Alpha: 0.7f))),
        new("1 -> 3 k3 p1 on 13x11, relu", () => new ConvOneChannel(), Conv(1, 13, 11, new TorchConv2d(3, 3, 3, Padding: 1, Activation: Activation.ReLU))),
        new("7 -> 13 k3 p1 on 9x9, tanh", () => new ConvThirteenFilters(), Conv(7, 9, 9, new TorchConv2d(13, 3, 3, Padding: 1, Activation: Activation.Tanh))),
        new("8 -> 16 k3 p1 on 8x8, elu", () => new ConvExactTiles(), Conv(8, 8, 8, new TorchConv2d(16, 3, 3, Padding: 1, Activation: Activation.ELU))),
        new("16 -> 9 k1 on 7x5, softplus", () => new ConvPointwiseWide(), Conv(16, 7, 5, new TorchConv2d(9, 1, 1, Activation: Activation.Softplus))),
        new("5 -> 17 k1 on 13x11, leaky relu 0.2, no bias", () => new ConvPointwiseMany(), Conv(5, 13, 11, new TorchConv2d(17, 1, 1, Bias: false, Activation: Activation.LeakyReLU, Alpha: 0.2f))),
        new("4 -> 6 k5 p2 on 17x16, sigmoid", () => new ConvLargerPlane(), Conv(4, 17, 16, new TorchConv2d(6, 5, 5, Padding: 2, Activation: Activation.Sigmoid))),
        new("direct 2 -> 7 k3 p2 d2 on 9x44, leaky relu 0.2", () => new ConvDirectWide(), Conv(2, 9, 44, new TorchConv2d(7, 3, 3, Padding: 2, Dilation: 2, Activation: Activation.LeakyReLU, Alpha: 0.2f))),
        new("direct 3 -> 13 k5 p0 on 6x20, sigmoid, no bias", () => new ConvDirectUnpadded(), Conv(3, 6, 20, new TorchConv2d(13, 5, 5, Bias: false, Activation: Activation.Sigmoid))),
        new("direct 1 -> 4 k3x9 same on 7x28, elu 0.7", () => new ConvDirectWideKernel(), Conv(1, 7, 28, new TorchConv2d(4, 3, 9, Padding: ConvPadding.Same, Activation: Activation.ELU, Alpha: 0.7f))),
        new("direct 2 -> 3 k3 p0 on 5x30, tanh", () => new ConvDirectTanh(), Conv(2, 5, 30, new TorchConv2d(3, 3, 3, Activation: Activation.Tanh))),
        new("5 -> 20 k3 p1 on 4x4, relu (pixel-major, filters > pixels)", () => new ConvManyFiltersSmallPlane(), Conv(5, 4, 4, new TorchConv2d(20, 3, 3, Padding: 1, Activation: Activation.ReLU))),
    };
}
