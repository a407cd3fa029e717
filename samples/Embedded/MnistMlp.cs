using NetGen;

namespace NetGen.Samples.Embedded;

/// <summary>
/// The multilayer perceptron of samples/Mnist (784 pixels, two ReLU hidden layers, 10 class logits) with its trained
/// weights built in: Model/mnist-mlp.ngck, written by samples/Mnist (see the README's "Embedding"), is compiled into the
/// class, so a new instance is the trained model and the executable needs no file beside it. The layers must be those of
/// samples/Mnist/MnistMlp.cs: a checkpoint of another architecture is build error NG0053.
/// </summary>
[Network(Weights = "Model/mnist-mlp.ngck")]
[Input(784)]
[Dense(256, Activation = Activation.ReLU)]
[Dense(128, Activation = Activation.ReLU)]
[Dense(10)]
[Loss(LossKind.SoftmaxCrossEntropy)]
public partial class MnistMlp
{
}
