using NetGen;

namespace NetGen.Samples.FashionResNet;

/// <summary>
/// A small ResNet for 28x28 grayscale images: a batch-normalized stem, three residual blocks of two 3x3 convolutions
/// (the second block widens 16 to 32 channels through a learned 1x1 projection shortcut), max pooling between blocks,
/// and a global-average-pool head with dropout. Convolutions before a batch norm need no bias (the norm's shift is one).
/// </summary>
[Network]
[Input(1, 28, 28)]
[Conv2D(16, 3, Padding = ConvPadding.Same, Bias = false), BatchNorm(Activation = Activation.ReLU)]
[ResidualStart]
[Conv2D(16, 3, Padding = ConvPadding.Same, Bias = false), BatchNorm(Activation = Activation.ReLU)]
[Conv2D(16, 3, Padding = ConvPadding.Same, Bias = false), BatchNorm]
[ResidualEnd(Activation = Activation.ReLU)]
[MaxPool2D(2)]
[ResidualStart]
[Conv2D(32, 3, Padding = ConvPadding.Same, Bias = false), BatchNorm(Activation = Activation.ReLU)]
[Conv2D(32, 3, Padding = ConvPadding.Same, Bias = false), BatchNorm]
[ResidualEnd(Activation = Activation.ReLU)]
[MaxPool2D(2)]
[ResidualStart]
[Conv2D(32, 3, Padding = ConvPadding.Same, Bias = false), BatchNorm(Activation = Activation.ReLU)]
[Conv2D(32, 3, Padding = ConvPadding.Same, Bias = false), BatchNorm]
[ResidualEnd(Activation = Activation.ReLU)]
[GlobalAvgPool]
[Dropout(0.3)]
[Dense(10)]
[Loss(LossKind.SoftmaxCrossEntropy)]
public partial class FashionResNet
{
}
