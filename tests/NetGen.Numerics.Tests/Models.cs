using NetGen;

namespace NetGen.Numerics.Tests;

// Small networks whose sizes exercise every code path of the emitted kernels: 4-row register tiles and the 1-row
// tail (batch 7), 16-wide and 8-wide column tiles and scalar column tails (43 = 32 + 8 + 3, 19 = 16 + 3, 10 = 8 + 2),
// and 4-row weight-gradient tiles with a tail (37 = 4 * 9 + 1).

// One model per activation, between two dense layers, trained with mean squared error.
[Network, Input(6), Dense(5, Activation = Activation.Identity), Dense(3), Loss(LossKind.MeanSquaredError)]
public partial class IdentityNet { }

[Network, Input(6), Dense(5, Activation = Activation.Sigmoid), Dense(3), Loss(LossKind.MeanSquaredError)]
public partial class SigmoidNet { }

[Network, Input(6), Dense(5, Activation = Activation.Tanh), Dense(3), Loss(LossKind.MeanSquaredError)]
public partial class TanhNet { }

[Network, Input(6), Dense(5, Activation = Activation.ReLU), Dense(3), Loss(LossKind.MeanSquaredError)]
public partial class ReluNet { }

[Network, Input(6), Dense(5, Activation = Activation.LeakyReLU, Alpha = 0.1f), Dense(3), Loss(LossKind.MeanSquaredError)]
public partial class LeakyReluNet { }

[Network, Input(6), Dense(5, Activation = Activation.ELU, Alpha = 0.7f), Dense(3), Loss(LossKind.MeanSquaredError)]
public partial class EluNet { }

[Network, Input(6), Dense(5, Activation = Activation.Softplus), Dense(3), Loss(LossKind.MeanSquaredError)]
public partial class SoftplusNet { }

// One model per loss.
[Network, Input(6), Dense(9, Activation = Activation.Tanh), Dense(4), Loss(LossKind.L1)]
public partial class L1Net { }

[Network, Input(6), Dense(9, Activation = Activation.Tanh), Dense(1), Loss(LossKind.Hinge)]
public partial class BinaryHingeNet { }

[Network, Input(6), Dense(9, Activation = Activation.Tanh), Dense(4), Loss(LossKind.Hinge)]
public partial class MulticlassHingeNet { }

[Network, Input(6), Dense(9, Activation = Activation.Tanh), Dense(4), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class SoftmaxNet { }

[Network, Input(6), Dense(9, Activation = Activation.Tanh), Dense(3, Activation = Activation.Sigmoid), Loss(LossKind.BinaryCrossEntropy)]
public partial class MultiLabelNet { }

// Maxout, a flattened 3-D input, and odd sizes that cover every tile and tail.
[Network, Input(7), Maxout(5, 3), Dense(4), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class MaxoutNet { }

// Sizes past what the kernels write out one by one, which they loop over instead: a 530-wide convolution input (its
// col2im adds rows rather than gathering them in registers), 265 outputs along a 2x2 max pool's row (more vectors than
// are unrolled, and a last one that overlaps), a maxout of 9 pieces.
[Network, Input(1, 2, 530), Conv2D(1, 3, Padding = 1, Activation = Activation.Tanh), MaxPool2D(2), Flatten, Maxout(2, 9), Dense(2), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class WideRowNet { }

[Network, Input(2, 3, 4), Flatten, Dense(5, Activation = Activation.ELU), Dense(2), Loss(LossKind.MeanSquaredError)]
public partial class FlattenNet { }

[Network, Input(37), Dense(43, Activation = Activation.Tanh), Dense(19, Activation = Activation.ELU), Maxout(10, 2), Dense(10), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class WideNet { }

// The lecture examples.
[Network, Input(2), Dense(4, Activation = Activation.Tanh), Dense(1, Activation = Activation.Sigmoid), Loss(LossKind.BinaryCrossEntropy)]
public partial class Xor { }

[Network, Input(5), Dense(1), Loss(LossKind.MeanSquaredError)]
public partial class LinearRegression { }

[Network, Input(784), Dense(128, Activation = Activation.ReLU), Dense(10), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class MnistMlp { }

// A single sample through weights too large for L1, in k blocks (Vector256 and Vector128 bodies): 301 x 100 (118 KiB)
// is 5 k blocks of 61 rows, the last one 57, over a 64-wide tile, a 32-wide one and an overlapping last vector; 100 x 80
// is 2 blocks of 50 over 80 columns, ending on whole vectors.
[Network, Input(301), Dense(100, Activation = Activation.Tanh), Dense(80, Activation = Activation.ReLU), Dense(10), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class OneRowBlocksNet { }

// Convolutions and pooling: odd channel counts and sizes, rectangular kernels, stride, padding (numeric and same),
// dilation, no bias, the 1x1 path, overlapping max and average windows, global average pooling.
[Network, Input(3, 13, 11), Conv2D(5, 3, Activation = Activation.Tanh), MaxPool2D(3, Stride = 2), Flatten, Dense(4), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class ConvPoolNet { }

[Network, Input(2, 9, 9), Conv2D(4, 3, 2, Stride = 2, Padding = 2, Dilation = 2, Bias = false, Activation = Activation.ELU), AvgPool2D(2, Stride = 1), GlobalAvgPool, Loss(LossKind.MeanSquaredError)]
public partial class StridedDilatedNet { }

[Network, Input(6, 5, 7), Conv2D(3, 1, Activation = Activation.Sigmoid), Conv2D(4, 3, Padding = ConvPadding.Same, Activation = Activation.Tanh), GlobalAvgPool, Loss(LossKind.SoftmaxCrossEntropy)]
public partial class PointwiseNet { }

[Network, Input(1, 12, 12), Conv2D(4, 5, Padding = 2, Activation = Activation.ReLU), MaxPool2D(2), Conv2D(6, 3, Activation = Activation.ReLU), MaxPool2D(2), Flatten, Dense(3), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class TinyLeNet { }

// Direct convolutions (stride 1, output rows of whole vectors): a padded one whose 28-wide rows end in an overlapping
// vector and whose 7 filters split into unequal tiles, and an unpadded, dilated one with a 3x9 kernel (a loop over the
// kernel columns).
[Network, Input(2, 5, 28), Conv2D(7, 3, Padding = 1, Activation = Activation.Softplus), GlobalAvgPool, Dense(3), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class DirectConvNet { }

[Network, Input(1, 9, 32), Conv2D(5, 3, 9, Dilation = 2, Activation = Activation.LeakyReLU, Alpha = 0.2f), Flatten, Dense(2), Loss(LossKind.MeanSquaredError)]
public partial class DirectDilatedConvNet { }

// Stride-1 convolutions without padding on output rows narrower than a direct convolution's: im2col writes each patch
// row in whole vectors, blending two loads where a vector spans two output rows. 12-wide rows (a 24-pixel period of
// three 8-float vectors, then a whole vector and an overlapping one), and a dilated 3x2 kernel on 10-wide rows (a period
// of five vectors, the last pixels in an overlapping vector).
[Network, Input(2, 7, 14), Conv2D(3, 3, Activation = Activation.Tanh), Flatten, Dense(3), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class RowBlendConvNet { }

[Network, Input(1, 9, 12), Conv2D(2, 3, 2, Dilation = 2, Activation = Activation.ELU), Flatten, Dense(2), Loss(LossKind.MeanSquaredError)]
public partial class DilatedRowBlendConvNet { }

// im2row without padding, for the pixel-major weight gradient (fewer than 256 output pixels, patches of 16 floats or
// more): 6-float kernel rows, each copied as one 8-float vector that spills into the next segment, and 4-float rows
// with stride 2.
[Network, Input(3, 9, 12), Conv2D(4, 5, 6, Activation = Activation.Tanh), Flatten, Dense(3), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class InsideIm2RowNet { }

[Network, Input(2, 10, 12), Conv2D(3, 4, Stride = 2, Activation = Activation.ELU), Flatten, Dense(2), Loss(LossKind.MeanSquaredError)]
public partial class StridedIm2RowNet { }

// A weight gradient summed pixel-major into the batch's sum with more filters (11) than output pixels (9) and a
// 45-float patch: the accumulating product's last vector overlaps columns already done.
[Network, Input(5, 3, 3), Conv2D(11, 3, Padding = 1, Activation = Activation.Tanh), Flatten, Dense(3), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class ManyFiltersConvNet { }

// Residual blocks: identity shortcut, linear projection, strided 1x1-convolution projection, and a block that starts
// at the network input.
[Network, Input(8), Dense(8, Activation = Activation.Tanh), ResidualStart, Dense(8, Activation = Activation.ReLU), Dense(8), ResidualEnd(Activation = Activation.ReLU), Dense(3), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class ResidualNet { }

[Network, Input(6), ResidualStart, Dense(9, Activation = Activation.Tanh), ResidualEnd(Activation = Activation.Tanh), Dense(2), Loss(LossKind.MeanSquaredError)]
public partial class ProjectedResidualNet { }

[Network, Input(2, 7, 7), ResidualStart, Conv2D(4, 3, Stride = 2, Padding = 1, Activation = Activation.ELU), Conv2D(4, 3, Padding = 1), ResidualEnd(Activation = Activation.Softplus), GlobalAvgPool, Loss(LossKind.SoftmaxCrossEntropy)]
public partial class ConvResidualNet { }

// Training-mode layers: dropout on the input and a hidden layer; batch normalization after dense and conv layers.
[Network, Input(6), Dropout(0.2), Dense(9, Activation = Activation.Tanh), Dropout(0.5), Dense(4), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class DropoutNet { }

[Network, Input(6), Dense(9), BatchNorm(Activation = Activation.Tanh), Dense(4), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class DenseBatchNormNet { }

[Network, Input(2, 5, 5), Conv2D(3, 3, Padding = 1, Bias = false), BatchNorm(Momentum = 0.2f, Activation = Activation.ELU), Conv2D(2, 3), GlobalAvgPool, Loss(LossKind.MeanSquaredError)]
public partial class ConvBatchNormNet { }

// Batch parallelism: networks with enough work per sample that a batch of a few dozen is split across threads.
[Network, Input(3, 16, 16), Conv2D(8, 3, Padding = 1, Activation = Activation.ReLU), MaxPool2D(2), ResidualStart, Conv2D(8, 3, Padding = 1, Activation = Activation.ReLU), Conv2D(8, 3, Padding = 1), ResidualEnd(Activation = Activation.ReLU), Dropout(0.3), GlobalAvgPool, Dense(5), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class ParallelConvNet { }

[Network, Input(256), Dense(256, Activation = Activation.Tanh), Dropout(0.25), Dense(6, Activation = Activation.Sigmoid), Loss(LossKind.BinaryCrossEntropy)]
public partial class ParallelMultiLabelNet { }

[Network, Input(128), Dense(128), BatchNorm(Activation = Activation.ReLU), Dense(4), Loss(LossKind.MeanSquaredError)]
public partial class ParallelBatchNormNet { }

[Network, Input(3, 16, 16), Conv2D(8, 3, Padding = 1, Bias = false), BatchNorm(Momentum = 0.2f, Activation = Activation.ReLU), MaxPool2D(2), Conv2D(8, 3, Padding = 1), BatchNorm(Activation = Activation.Tanh), GlobalAvgPool, Dense(5), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class ParallelConvBatchNormNet { }

// Wider than the generated code keeps on the stack: the backward sums (2 x 1,100 doubles) come from a pooled array.
[Network, Input(16), Dense(1100), BatchNorm(Activation = Activation.Tanh), Dense(3), Loss(LossKind.MeanSquaredError)]
public partial class WideBatchNormNet { }

// Chunked convolution layers (see ChunkTests): a dropout between a padded direct convolution and the pooling, so that the
// chunk's masks must follow the sample's index in the whole batch; a convolution ending the chunked layers before a
// dense one.
[Network, Input(2, 10, 10), Conv2D(4, 3, Padding = 1, Activation = Activation.ReLU), Dropout(0.3), MaxPool2D(2), Conv2D(5, 3, Activation = Activation.Tanh), Flatten, Dense(4), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class ChunkedDropoutConvNet { }
