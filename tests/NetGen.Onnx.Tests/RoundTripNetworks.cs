using NetGen;

namespace NetGen.Onnx.Tests;

// Declared networks that together use every layer kind and activation NetGen has, and, beside each, the same network
// compiled from its ONNX export (RoundTrip/NAME.onnx, written by OnnxExporter from the declared network with the
// parameters of RoundTripTests.Randomize; RoundTripTests checks that the committed file is exactly what the exporter
// writes today). Sizes are small and odd, so that a layout mistake cannot hide behind symmetry.

// Every activation, with and without an explicit parameter, in a dense stack.
[Network, Input(9)]
[Dense(8, Activation = Activation.ReLU)]
[Dense(7, Activation = Activation.Sigmoid)]
[Dense(8, Activation = Activation.Tanh)]
[Dense(7, Activation = Activation.LeakyReLU, Alpha = 0.2f)]
[Dense(6, Activation = Activation.LeakyReLU)]
[Dense(7, Activation = Activation.ELU, Alpha = 0.7f)]
[Dense(6, Activation = Activation.ELU)]
[Dense(5, Activation = Activation.Softplus)]
[Dense(4)]
[Loss(LossKind.MeanSquaredError)]
public partial class DeclaredActivations { }

[Network(Onnx = "RoundTrip/activations.onnx")]
[Loss(LossKind.MeanSquaredError)]
public partial class ImportedActivations { }

// Vector layers: dropout (also as the first layer), batch norm after a dense layer, maxout, a residual block with the
// identity as its shortcut and dropout inside, and one whose shortcut is a linear projection (8 -> 4) with batch norm.
[Network, Input(7)]
[Dropout(0.1)]
[Dense(9), BatchNorm(Activation = Activation.ReLU)]
[Maxout(8, 3)]
[ResidualStart, Dense(8, Activation = Activation.Tanh), Dropout(0.25), Dense(8), ResidualEnd(Activation = Activation.ReLU)]
[ResidualStart, Dense(4, Activation = Activation.ELU), BatchNorm(Epsilon = 0.001f), ResidualEnd]
[Dense(3)]
[Loss(LossKind.SoftmaxCrossEntropy)]
public partial class DeclaredVectorLayers { }

[Network(Onnx = "RoundTrip/vector_layers.onnx")]
[Loss(LossKind.SoftmaxCrossEntropy)]
public partial class ImportedVectorLayers { }

// Image layers: convolutions with stride and padding, with dilation and no bias (then batch norm), 1x1; max pooling
// with overlapping windows, average pooling, flatten, dropout.
[Network, Input(2, 13, 13)]
[Conv2D(4, 3, Stride = 2, Padding = 1, Activation = Activation.ReLU)]       // 4x7x7
[Conv2D(5, 3, Padding = 2, Dilation = 2, Bias = false)]                     // 5x7x7
[BatchNorm(Epsilon = 0.01f, Activation = Activation.Tanh)]
[Conv2D(5, 1, Activation = Activation.Softplus)]                           // 5x7x7
[MaxPool2D(2, Stride = 1)]                                                 // 5x6x6
[AvgPool2D(2)]                                                             // 5x3x3
[Flatten, Dropout(0.3), Dense(4, Activation = Activation.Sigmoid)]
[Loss(LossKind.BinaryCrossEntropy)]
public partial class DeclaredImageLayers { }

[Network(Onnx = "RoundTrip/image_layers.onnx")]
[Loss(LossKind.BinaryCrossEntropy)]
public partial class ImportedImageLayers { }

// Residual image blocks: from the input with a strided 1x1 projection (3x9x9 -> 6x5x5) and batch norms, an identity
// block that starts where the first ends, a block whose 1x1 projection only widens the channels, and a
// global-average-pool head.
[Network, Input(3, 9, 9)]
[ResidualStart]
[Conv2D(6, 3, Stride = 2, Padding = 1, Bias = false), BatchNorm(Activation = Activation.ReLU)]
[Conv2D(6, 3, Padding = ConvPadding.Same, Bias = false), BatchNorm]
[ResidualEnd(Activation = Activation.ReLU)]
[ResidualStart, Conv2D(6, 3, Padding = ConvPadding.Same, Activation = Activation.LeakyReLU, Alpha = 0.1f), ResidualEnd]
[ResidualStart, Conv2D(8, 3, Padding = ConvPadding.Same, Activation = Activation.ReLU), ResidualEnd(Activation = Activation.Sigmoid)]
[GlobalAvgPool, Dropout(0.2), Dense(3)]
[Loss(LossKind.SoftmaxCrossEntropy)]
public partial class DeclaredResidualImages { }

[Network(Onnx = "RoundTrip/residual_images.onnx")]
[Loss(LossKind.SoftmaxCrossEntropy)]
public partial class ImportedResidualImages { }
