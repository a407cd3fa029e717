using NetGen;

namespace NetGen.Numerics.Tests;

[Network]
[Input(784)]
[Dense(128, Activation = Activation.ReLU)]
[Dense(10)]
[Loss(LossKind.SoftmaxCrossEntropy)]
public partial class MnistMlp
{
}

[Network]
[Input(5)]
[Maxout(9, 3)]
[Dense(7, Activation = Activation.Sigmoid)]
[Loss(LossKind.BinaryCrossEntropy)]
public partial class MaxoutNet
{
}
