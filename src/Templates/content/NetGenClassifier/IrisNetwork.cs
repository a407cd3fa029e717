using NetGen;

namespace NetGenClassifier;

/// <summary>
/// 4 flower measurements in, a score per species out: one hidden layer of 16 ReLU units. The NetGen source generator
/// checks these shapes while you build and writes the forward pass, backward pass and training step of this class.
/// </summary>
[Network]
[Input(4)]
[Dense(16, Activation = Activation.ReLU)]
[Dense(3)]
[Loss(LossKind.SoftmaxCrossEntropy)]
public partial class IrisNetwork { }
