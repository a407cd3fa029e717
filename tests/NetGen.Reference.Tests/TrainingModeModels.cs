using NetGen;

namespace NetGen.Reference.Tests;

// The networks whose training and inference modes differ (batch normalization, dropout) and the residual blocks,
// compared with TorchSharp by TrainingModeReferenceTests. Sizes are odd where the generated code tiles (7, 9, 11, 13
// leave tails after 8-wide vectors and 4-row register tiles), and every conv model's strides cover the whole input
// (no NG0019, see the project file).

// Batch normalization per feature after dense layers: the defaults (momentum 0.1, epsilon 1e-5) with tanh, then other
// settings with a leaky ReLU of slope 0.1.
[Network, Input(7), Dense(11), BatchNorm(Activation = Activation.Tanh), Dense(9),
    BatchNorm(Momentum = 0.3f, Epsilon = 1e-3f, Activation = Activation.LeakyReLU, Alpha = 0.1f), Dense(5), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class DenseBatchNormReference { }

// Batch normalization per channel after convolutions: one without bias (as in ResNet) followed by ELU, one after a
// strided convolution with bias followed by ReLU, then a dense head.
[Network, Input(2, 7, 7), Conv2D(3, 3, Padding = 1, Bias = false), BatchNorm(Momentum = 0.2f, Activation = Activation.ELU),
    Conv2D(5, 3, Stride = 2), BatchNorm(Activation = Activation.ReLU), Flatten, Dense(4), Loss(LossKind.MeanSquaredError)]
public partial class ConvBatchNormReference { }

// Identity shortcut around two dense layers (the block keeps 9 features).
[Network, Input(7), Dense(9, Activation = Activation.Tanh), ResidualStart, Dense(9, Activation = Activation.ReLU), Dense(9),
    ResidualEnd(Activation = Activation.ReLU), Dense(4), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class IdentityResidualReference { }

// Linear projection shortcut (7 -> 13 features, weights [7, 13], no bias) from the network input.
[Network, Input(7), ResidualStart, Dense(11, Activation = Activation.Tanh), Dense(13), ResidualEnd(Activation = Activation.ELU),
    Dense(3), Loss(LossKind.MeanSquaredError)]
public partial class LinearProjectionResidualReference { }

// Strided 1x1-convolution shortcut (2x7x7 -> 4x4x4: weights [4, 2, 1, 1], stride 2, no bias), without batch norm.
[Network, Input(2, 7, 7), ResidualStart, Conv2D(4, 3, Stride = 2, Padding = 1, Activation = Activation.ELU), Conv2D(4, 3, Padding = 1),
    ResidualEnd(Activation = Activation.Softplus), GlobalAvgPool, Loss(LossKind.SoftmaxCrossEntropy)]
public partial class ConvProjectionResidualReference { }

// 1x1-convolution shortcut at stride 1 (3 -> 6 channels).
[Network, Input(3, 5, 5), ResidualStart, Conv2D(6, 3, Padding = 1, Activation = Activation.Tanh), ResidualEnd(Activation = Activation.Tanh),
    Flatten, Dense(3), Loss(LossKind.MeanSquaredError)]
public partial class ChannelProjectionResidualReference { }

// ResNet's basic block with an identity shortcut: conv, batch norm + ReLU, conv, batch norm, add, ReLU.
[Network, Input(3, 6, 6), Conv2D(4, 3, Padding = 1, Activation = Activation.ReLU), ResidualStart,
    Conv2D(4, 3, Padding = 1, Bias = false), BatchNorm(Activation = Activation.ReLU), Conv2D(4, 3, Padding = 1, Bias = false), BatchNorm,
    ResidualEnd(Activation = Activation.ReLU), GlobalAvgPool, Dense(3), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class BasicBlockReference { }

// ResNet's downsampling block: the same with a stride-2 first convolution and a strided 1x1 projection shortcut.
[Network, Input(2, 7, 7), ResidualStart, Conv2D(5, 3, Stride = 2, Padding = 1, Bias = false), BatchNorm(Activation = Activation.ReLU),
    Conv2D(5, 3, Padding = 1, Bias = false), BatchNorm(Momentum = 0.05f), ResidualEnd(Activation = Activation.ReLU), GlobalAvgPool,
    Loss(LossKind.SoftmaxCrossEntropy)]
public partial class DownsamplingBlockReference { }

// Dropout on the input (20%) and on a hidden layer (50%).
[Network, Input(9), Dropout(0.2), Dense(11, Activation = Activation.Tanh), Dropout(0.5), Dense(4), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class DropoutReference { }

// Dropout (30%, a scale 1 / 0.7 that is not a power of two) on a channels x height x width input before a convolution.
// Tanh, whose derivative never vanishes, so that every kept input receives a non-zero gradient.
[Network, Input(2, 5, 5), Dropout(0.3), Conv2D(3, 3, Activation = Activation.Tanh), Flatten, Dense(3), Loss(LossKind.MeanSquaredError)]
public partial class ConvDropoutReference { }
