using NetGen;

namespace NetGen.Samples.Mnist;

/// <summary>A multilayer perceptron for 28x28 digit images: 784 pixels, two ReLU hidden layers, 10 class logits.</summary>
[Network]
[Input(784)]
[Dense(256, Activation = Activation.ReLU)]
[Dense(128, Activation = Activation.ReLU)]
[Dense(10)]
[Loss(LossKind.SoftmaxCrossEntropy)]
public partial class MnistMlp
{
}
