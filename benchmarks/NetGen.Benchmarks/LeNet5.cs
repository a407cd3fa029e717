using NetGen;

namespace NetGen.Benchmarks;

/// <summary>LeNet-5 of the convolution issue: two 5x5 convolutions with max pooling, three dense layers, softmax cross-entropy.</summary>
[Network]
[Input(1, 28, 28)]
[Conv2D(6, 5, Padding = 2, Activation = Activation.ReLU)]  // 6x28x28
[MaxPool2D(2)]                                              // 6x14x14
[Conv2D(16, 5, Activation = Activation.ReLU)]               // 16x10x10
[MaxPool2D(2)]                                              // 16x5x5
[Flatten]                                                   // 400
[Dense(120, Activation = Activation.ReLU)]
[Dense(84, Activation = Activation.ReLU)]
[Dense(10)]
[Loss(LossKind.SoftmaxCrossEntropy)]
public partial class LeNet5
{
}
