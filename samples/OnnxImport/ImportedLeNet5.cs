using NetGen;

namespace NetGen.Samples.OnnxImport;

/// <summary>
/// The LeNet-5 that train_lenet5.py trained in PyTorch, compiled from its ONNX export at build time: the layers, shapes
/// and trained weights come from models/lenet5.onnx. The loss beside the import makes it trainable, for fine-tuning.
/// </summary>
[Network(Onnx = "models/lenet5.onnx")]
[Loss(LossKind.SoftmaxCrossEntropy)]
public partial class ImportedLeNet5
{
}
