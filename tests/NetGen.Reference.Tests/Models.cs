using NetGen;

namespace NetGen.Reference.Tests;

// The networks compared with TorchSharp. Sizes are odd on purpose: 7 inputs and 9 hidden units leave tails after the
// generated code's 8-wide vector columns and 4-row register tiles.

// One model per activation, in the hidden layer of a 7 -> 9 -> 5 network trained with mean squared error.
[Network, Input(7), Dense(9, Activation = Activation.Identity), Dense(5), Loss(LossKind.MeanSquaredError)]
public partial class IdentityMlp { }

[Network, Input(7), Dense(9, Activation = Activation.Sigmoid), Dense(5), Loss(LossKind.MeanSquaredError)]
public partial class SigmoidMlp { }

[Network, Input(7), Dense(9, Activation = Activation.Tanh), Dense(5), Loss(LossKind.MeanSquaredError)]
public partial class TanhMlp { }

[Network, Input(7), Dense(9, Activation = Activation.ReLU), Dense(5), Loss(LossKind.MeanSquaredError)]
public partial class ReluMlp { }

[Network, Input(7), Dense(9, Activation = Activation.LeakyReLU), Dense(5), Loss(LossKind.MeanSquaredError)]
public partial class LeakyReluDefaultSlopeMlp { }

[Network, Input(7), Dense(9, Activation = Activation.LeakyReLU, Alpha = 0.2f), Dense(5), Loss(LossKind.MeanSquaredError)]
public partial class LeakyReluMlp { }

[Network, Input(7), Dense(9, Activation = Activation.ELU), Dense(5), Loss(LossKind.MeanSquaredError)]
public partial class EluDefaultAlphaMlp { }

[Network, Input(7), Dense(9, Activation = Activation.ELU, Alpha = 0.7f), Dense(5), Loss(LossKind.MeanSquaredError)]
public partial class EluMlp { }

[Network, Input(7), Dense(9, Activation = Activation.Softplus), Dense(5), Loss(LossKind.MeanSquaredError)]
public partial class SoftplusMlp { }

// An activation on the output layer itself (its derivative then meets the loss's directly).
[Network, Input(7), Dense(9, Activation = Activation.ReLU), Dense(5, Activation = Activation.Tanh), Loss(LossKind.MeanSquaredError)]
public partial class TanhOutputMlp { }

// One model per loss.
[Network, Input(7), Dense(9, Activation = Activation.Tanh), Dense(5), Loss(LossKind.L1)]
public partial class L1Mlp { }

[Network, Input(7), Dense(9, Activation = Activation.Tanh), Dense(1), Loss(LossKind.Hinge)]
public partial class BinaryHingeMlp { }

[Network, Input(7), Dense(9, Activation = Activation.Tanh), Dense(5), Loss(LossKind.Hinge)]
public partial class MulticlassHingeMlp { }

[Network, Input(7), Dense(9, Activation = Activation.Tanh), Dense(5), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class SoftmaxMlp { }

[Network, Input(7), Dense(9, Activation = Activation.Tanh), Dense(5, Activation = Activation.Sigmoid), Loss(LossKind.BinaryCrossEntropy)]
public partial class MultiLabelMlp { }

// Maxout between dense layers, and a 3-D input flattened into a dense layer.
[Network, Input(7), Maxout(5, 3), Dense(4), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class MaxoutMlp { }

[Network, Input(2, 3, 5), Flatten, Dense(6, Activation = Activation.ELU), Dense(3), Loss(LossKind.MeanSquaredError)]
public partial class FlattenMlp { }

// Larger networks with odd sizes: 37 = 4 * 9 + 1 rows of weight-gradient tiles, 43 = 32 + 8 + 3 and 19 = 16 + 3 columns.
[Network, Input(37), Dense(43, Activation = Activation.Tanh), Dense(19, Activation = Activation.ELU), Dense(10), Loss(LossKind.SoftmaxCrossEntropy)]
public partial class WideMlp { }

[Network, Input(37), Dense(43, Activation = Activation.LeakyReLU, Alpha = 0.05f), Maxout(19, 3), Dense(10, Activation = Activation.Sigmoid), Loss(LossKind.BinaryCrossEntropy)]
public partial class WideMaxoutMlp { }
