using NetGen;

namespace NetGen.Benchmarks;

/// <summary>The reference MNIST multilayer perceptron of the benchmarks: 784-128-10, ReLU, softmax cross-entropy.</summary>
[Network]
[Input(784)]
[Dense(128, Activation = Activation.ReLU)]
[Dense(10)]
[Loss(LossKind.SoftmaxCrossEntropy)]
public partial class MnistMlp
{
}
