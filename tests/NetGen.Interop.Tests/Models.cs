using NetGen;

namespace NetGen.Interop.Tests;

// Networks that together use every layer kind, activation and loss form the ONNX export writes. Sizes are small and
// odd, so that an index or layout mistake cannot hide behind symmetry (square weights, equal sizes).

// Every activation once, in a dense stack (Gemm + each activation operator), with explicit parameters.
[Network, Input(13)]
[Dense(11, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Sigmoid)]
[Dense(9, Activation = Activation.Tanh)]
[Dense(8, Activation = Activation.LeakyReLU, Alpha = 0.2f)]
[Dense(7, Activation = Activation.ELU, Alpha = 0.7f)]
[Dense(6, Activation = Activation.Softplus)]
[Dense(5)]
[Loss(LossKind.MeanSquaredError)]
public partial class DenseActivations { }

// Leaky ReLU and ELU without Alpha: the export must write NetGen's defaults (slope 0.01, alpha 1), not ONNX's.
[Network, Input(6), Dense(5, Activation = Activation.LeakyReLU), Dense(4, Activation = Activation.ELU), Dense(3), Loss(LossKind.L1)]
public partial class DefaultAlphas { }

// Maxout (Gemm + Reshape + ReduceMax) between dense layers; softmax cross-entropy, so the output is the logits.
[Network, Input(10), Maxout(6, 3), Dense(9, Activation = Activation.Tanh), Maxout(4, 2), Dense(4), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class MaxoutNet { }

// Convolutions with stride and padding, with a non-square dilated kernel and no bias, then max pooling and Flatten.
[Network, Input(2, 11, 11)]
[Conv2D(4, 3, Stride = 2, Padding = 1, Activation = Activation.ReLU)]   // 4x6x6
[Conv2D(3, 3, 2, Dilation = 2, Bias = false, Activation = Activation.Tanh)] // 3x2x4
[MaxPool2D(2)]                                                          // 3x1x2
[Flatten]
[Dense(5, Activation = Activation.Softplus)]
[Dense(3)]
[Loss(LossKind.SoftmaxCrossEntropy)]
public partial class ConvNet { }

// Average pooling, "same" padding, overlapping max pooling windows, a 1x1 convolution and global average pooling;
// binary cross-entropy, so the output layer's sigmoid is part of the graph.
[Network, Input(3, 12, 12)]
[AvgPool2D(2)]                                                                  // 3x6x6
[Conv2D(4, 3, Padding = ConvPadding.Same, Activation = Activation.ELU, Alpha = 0.5f)] // 4x6x6
[MaxPool2D(2, Stride = 1)]                                                       // 4x5x5
[Conv2D(5, 1, Activation = Activation.LeakyReLU, Alpha = 0.1f)]                  // 5x5x5
[AvgPool2D(3, Stride = 2)]                                                       // 5x2x2
[GlobalAvgPool]                                                                  // 5
[Dense(3, Activation = Activation.Sigmoid)]
[Loss(LossKind.BinaryCrossEntropy)]
public partial class PoolNet { }

// An image output: the graph's output keeps the channels x height x width shape.
[Network, Input(1, 7, 6), Conv2D(2, 3, Activation = Activation.Sigmoid), Loss(LossKind.MeanSquaredError)]
public partial class ImageOutput { }

// Global average pooling as the output layer (GlobalAveragePool, then Flatten to NetGen's vector of channels).
[Network, Input(3, 5, 4), Conv2D(4, 2, Activation = Activation.Softplus), GlobalAvgPool, Loss(LossKind.MeanSquaredError)]
public partial class GlobalPoolOutput { }

// Dropout: the identity in inference (ONNX's Dropout without training mode).
[Network, Input(8), Dropout(0.2), Dense(6, Activation = Activation.ReLU), Dropout(0.5), Dense(3), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class DropoutNet { }

// Batch normalization of features (after a dense layer), with an activation of its own and NetGen's default epsilon.
[Network, Input(6), Dense(5), BatchNorm(Activation = Activation.ReLU), Dense(3), Loss(LossKind.MeanSquaredError)]
public partial class BatchNormNet { }

// Batch normalization of channels (after convolutions without bias), with an epsilon of its own.
[Network, Input(2, 7, 7)]
[Conv2D(4, 3, Bias = false), BatchNorm(Epsilon = 0.01f, Activation = Activation.Tanh)] // 4x5x5
[Conv2D(3, 3, Stride = 2), BatchNorm]                                                   // 3x2x2
[Flatten, Dense(3)]
[Loss(LossKind.MeanSquaredError)]
public partial class ConvBatchNormNet { }

// A residual block with the identity as its shortcut, on vectors.
[Network, Input(6), Dense(5, Activation = Activation.ReLU), ResidualStart, Dense(5, Activation = Activation.ReLU), ResidualEnd, Dense(2), Loss(LossKind.MeanSquaredError)]
public partial class ResidualNet { }

// Vector blocks: one from the input with a linear projection (6 -> 4) and batch norm inside, and one that starts where
// the first ends (the Add's output, read by the next block and its shortcut) and applies an activation after the sum.
[Network, Input(6)]
[ResidualStart, Dense(4, Activation = Activation.Tanh), BatchNorm, ResidualEnd]
[ResidualStart, Dense(4, Activation = Activation.Softplus), ResidualEnd(Activation = Activation.ReLU)]
[Dense(3)]
[Loss(LossKind.SoftmaxCrossEntropy)]
public partial class LinearProjectionNet { }

// Image blocks: a strided block whose shortcut is a 1x1 convolution of stride 2 (3x9x9 -> 5x5x5), then an identity block.
[Network, Input(3, 9, 9)]
[ResidualStart]
[Conv2D(5, 3, Stride = 2, Padding = 1, Bias = false), BatchNorm(Activation = Activation.ReLU)]
[Conv2D(5, 3, Padding = ConvPadding.Same, Bias = false), BatchNorm]
[ResidualEnd(Activation = Activation.LeakyReLU, Alpha = 0.1f)]
[ResidualStart, Conv2D(5, 3, Padding = ConvPadding.Same, Activation = Activation.ELU), ResidualEnd]
[GlobalAvgPool, Dense(3)]
[Loss(LossKind.SoftmaxCrossEntropy)]
public partial class StridedProjectionNet { }

// LeNet-5, the convolutional network of the benchmarks.
[Network, Input(1, 28, 28)]
[Conv2D(6, 5, Padding = 2, Activation = Activation.ReLU)]
[MaxPool2D(2)]
[Conv2D(16, 5, Activation = Activation.ReLU)]
[MaxPool2D(2)]
[Flatten]
[Dense(120, Activation = Activation.ReLU)]
[Dense(84, Activation = Activation.ReLU)]
[Dense(10)]
[Loss(LossKind.SoftmaxCrossEntropy)]
public partial class LeNet5 { }
