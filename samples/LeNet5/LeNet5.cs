using NetGen;

namespace NetGen.Samples.LeNet5;

/// <summary>
/// LeNet-5 (LeCun et al. 1998) as taught in the lecture, with the modern substitutions: ReLU instead of scaled tanh,
/// max instead of subsampling pooling, a plain 10-way softmax instead of the RBF output layer, and full connections
/// between C1 and C3. The 28x28 input is zero-padded by 2 so that C1 sees the original 32x32 field.
/// </summary>
[Network]
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
