using NetGen;

namespace NetGen.Samples.FashionMnist;

/// <summary>
/// A small all-convolutional classifier for 28x28 Fashion-MNIST images with a global-average-pool head (Lin et al. 2014,
/// "Network in Network"): three 3x3 "same" convolutions with max pooling between them, then the mean of each of the last
/// layer's feature maps, then one dense layer from those means to the 10 class logits. With that head the dense weights
/// say how much each feature map counts for each class, which is what a class activation map needs (Zhou et al. 2016).
/// </summary>
[Network]
[Input(1, 28, 28)]
[Conv2D(32, 3, Padding = ConvPadding.Same, Activation = Activation.ReLU)]   // 32x28x28
[MaxPool2D(2)]                                                               // 32x14x14
[Conv2D(64, 3, Padding = ConvPadding.Same, Activation = Activation.ReLU)]   // 64x14x14
[MaxPool2D(2)]                                                               // 64x7x7
[Conv2D(128, 3, Padding = ConvPadding.Same, Activation = Activation.ReLU)]  // 128x7x7: the maps of the activation maps
[GlobalAvgPool]                                                              // 128
[Dense(10)]                                                                  // class logits
[Loss(LossKind.SoftmaxCrossEntropy)]
public partial class FashionCnn
{
}
