using NetGen;

namespace NetGen.Reference.Tests;

// Pooling and whole convolutional networks compared with torch (the single-convolution grid is in ConvGridModels.cs).
// Warning NG0019 (a stride leaves input rows or columns uncovered) is expected where noted, and silenced in the project file.

// Pooling straight after the input, flattened into mean squared error: no parameters, so the input gradients carry the
// whole backward pass. 2x2 windows that tile the input, the same leaving the last row and column out (NG0019),
// overlapping windows (3 stride 2 and 3 stride 1), windows with gaps between them (2 stride 3: every third row and
// column is in no window, yet the last window ends on the edge, so no NG0019), and windows of 16 and 25 taps, which
// the generator emits as loops instead of straight-line code.
[Network, Input(5, 12, 10), MaxPool2D(2), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class MaxPool2Tiled { }

// 13 - 2 and 11 - 2 are odd: the last row and column are in no window (NG0019).
[Network, Input(5, 13, 11), MaxPool2D(2), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class MaxPool2Uncovered { }

[Network, Input(5, 13, 11), MaxPool2D(3, Stride = 2), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class MaxPool3Stride2 { }

[Network, Input(3, 9, 7), MaxPool2D(3, Stride = 1), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class MaxPool3Stride1 { }

[Network, Input(3, 14, 11), MaxPool2D(2, Stride = 3), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class MaxPool2Stride3 { }

// The vector edges of 2x2 max pooling: rows of exactly one 256-bit vector of outputs (8), 9 outputs (a second vector
// overlapping the first; the last input column and row uncovered, NG0019), 4 outputs (half a 256-bit vector, one
// 128-bit one), 3 outputs (fewer than a vector: the scalar loops), and 521 outputs (more vectors than are unrolled: a loop).
[Network, Input(3, 6, 16), MaxPool2D(2), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class MaxPool2Row8 { }

[Network, Input(3, 5, 19), MaxPool2D(2), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class MaxPool2Row9 { }

[Network, Input(2, 4, 9), MaxPool2D(2), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class MaxPool2Row4 { }

[Network, Input(2, 6, 7), MaxPool2D(2), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class MaxPool2Row3 { }

[Network, Input(1, 2, 1042), MaxPool2D(2), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class MaxPool2Row521 { }

[Network, Input(3, 12, 8), MaxPool2D(4), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class MaxPool4 { }

[Network, Input(2, 13, 11), MaxPool2D(5, Stride = 2), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class MaxPool5Stride2 { }

[Network, Input(5, 12, 10), AvgPool2D(2), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class AvgPool2Tiled { }

// As MaxPool2Uncovered (NG0019).
[Network, Input(5, 13, 11), AvgPool2D(2), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class AvgPool2Uncovered { }

[Network, Input(5, 13, 11), AvgPool2D(3, Stride = 2), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class AvgPool3Stride2 { }

[Network, Input(3, 9, 7), AvgPool2D(3, Stride = 1), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class AvgPool3Stride1 { }

[Network, Input(3, 13, 10), AvgPool2D(4, Stride = 3), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class AvgPool4Stride3 { }

[Network, Input(2, 13, 11), AvgPool2D(5, Stride = 2), Flatten, Loss(LossKind.MeanSquaredError)]
public partial class AvgPool5Stride2 { }

// Global average pooling: planes of 143 (vector sum and a tail), 24 (no tail) and 6 (tail only) pixels.
[Network, Input(5, 13, 11), GlobalAvgPool, Loss(LossKind.MeanSquaredError)]
public partial class GlobalAvgPool13x11 { }

[Network, Input(4, 4, 6), GlobalAvgPool, Loss(LossKind.MeanSquaredError)]
public partial class GlobalAvgPool4x6 { }

[Network, Input(3, 2, 3), GlobalAvgPool, Loss(LossKind.MeanSquaredError)]
public partial class GlobalAvgPool2x3 { }

// Convolutions and pooling together: the pooling backward feeds the convolution's weight and bias gradients.
// (The shapes of NetGen.Numerics.Tests' conv models, plus a global-average-pool classifier and a conv/avg-pool stack.)
[Network, Input(3, 13, 11), Conv2D(5, 3, Activation = Activation.Tanh), MaxPool2D(3, Stride = 2), Flatten, Dense(4), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class ConvMaxPoolDense { }

[Network, Input(2, 9, 9), Conv2D(4, 3, 2, Stride = 2, Padding = 2, Dilation = 2, Bias = false, Activation = Activation.ELU), AvgPool2D(2, Stride = 1), GlobalAvgPool, Loss(LossKind.MeanSquaredError)]
public partial class StridedDilatedAvgPool { }

[Network, Input(6, 5, 7), Conv2D(3, 1, Activation = Activation.Sigmoid), Conv2D(4, 3, Padding = ConvPadding.Same, Activation = Activation.Tanh), GlobalAvgPool, Loss(LossKind.SoftmaxCrossEntropy)]
public partial class PointwiseSameGap { }

[Network, Input(3, 13, 11), Conv2D(7, 3, Padding = 1, Activation = Activation.LeakyReLU, Alpha = 0.1f), AvgPool2D(3, Stride = 2), Conv2D(5, 3, Activation = Activation.Softplus), GlobalAvgPool, Loss(LossKind.SoftmaxCrossEntropy)]
public partial class ConvAvgPoolConvGap { }

[Network, Input(1, 12, 12), Conv2D(4, 5, Padding = 2, Activation = Activation.ReLU), MaxPool2D(2), Conv2D(6, 3, Activation = Activation.ReLU), MaxPool2D(2), Flatten, Dense(3), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class TinyLeNet { }

// A pooling layer that leaves the last row and column out (NG0019) between a convolution and a dense layer: the layer
// must stay in the network (the dense layer then has 4 x 6 x 5 inputs, not 4 x 13 x 11).
[Network, Input(2, 13, 11), Conv2D(4, 3, Padding = 1, Activation = Activation.ReLU), MaxPool2D(2), Flatten, Dense(3), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class ConvUncoveredPoolDense { }

// LeNet-5 as in the lecture (and samples/LeNet5): 1x28x28 -> 6x28x28 -> 6x14x14 -> 16x10x10 -> 16x5x5 -> 400 -> 120 -> 84 -> 10.
[Network, Input(1, 28, 28), Conv2D(6, 5, Padding = 2, Activation = Activation.ReLU), MaxPool2D(2), Conv2D(16, 5, Activation = Activation.ReLU), MaxPool2D(2),
    Flatten, Dense(120, Activation = Activation.ReLU), Dense(84, Activation = Activation.ReLU), Dense(10), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class LeNet5 { }
