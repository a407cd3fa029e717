using NetGen;

namespace NetGen.Samples.BrowserDigits;

/// <summary>
/// The LeNet-5 of samples/LeNet5, declared again here because this one carries its trained weights: Model/lenet5.ngck,
/// trained by samples/LeNet5 (see README.md), is built into the class with the digits as class names, so a new instance
/// predicts as the trained model and the app downloads nothing but itself.
/// </summary>
[Network(Weights = "Model/lenet5.ngck")]
[Input(1, 28, 28)]
[Conv2D(6, 5, Padding = 2, Activation = Activation.ReLU)]  // C1: 6x28x28
[MaxPool2D(2)]                                              // S2: 6x14x14
[Conv2D(16, 5, Activation = Activation.ReLU)]               // C3: 16x10x10
[MaxPool2D(2)]                                              // S4: 16x5x5
[Flatten]                                                   // 400
[Dense(120, Activation = Activation.ReLU)]                  // C5
[Dense(84, Activation = Activation.ReLU)]                   // F6
[Dense(10)]                                                 // output logits
[Loss(LossKind.SoftmaxCrossEntropy)]
public partial class LeNet5
{
}
