using NetGen;

namespace NetGen.Onnx.Tests;

// Each fixture compiled into a NetGen class at build time. Only [Loss] may stand beside an import.
[Network(Onnx = "Fixtures/mlp_gemm.onnx")]
public partial class MlpGemm { }

[Network(Onnx = "Fixtures/mlp_matmul.onnx")]
public partial class MlpMatMul { }

[Network(Onnx = "Fixtures/mlp_activations.onnx")]
public partial class MlpActivations { }

[Network(Onnx = "Fixtures/mlp_opset11.onnx")]
public partial class MlpOpset11 { }

[Network(Onnx = "Fixtures/mlp_opset12.onnx")]
public partial class MlpOpset12 { }

[Network(Onnx = "Fixtures/mlp_opset13.onnx")]
public partial class MlpOpset13 { }

[Network(Onnx = "Fixtures/mlp_opset14.onnx")]
public partial class MlpOpset14 { }

[Network(Onnx = "Fixtures/mlp_opset15.onnx")]
public partial class MlpOpset15 { }

[Network(Onnx = "Fixtures/mlp_opset16.onnx")]
public partial class MlpOpset16 { }

[Network(Onnx = "Fixtures/mlp_opset17.onnx")]
public partial class MlpOpset17 { }

[Network(Onnx = "Fixtures/lenet5.onnx")]
[Loss(LossKind.SoftmaxCrossEntropy)]
public partial class LeNet5 { }

[Network(Onnx = "Fixtures/cnn_view_flatten.onnx")]
public partial class CnnViewFlatten { }

[Network(Onnx = "Fixtures/conv_variants.onnx")]
public partial class ConvVariants { }

[Network(Onnx = "Fixtures/avgpool_include_pad.onnx")]
public partial class AvgPoolIncludePad { }

[Network(Onnx = "Fixtures/avgpool_exclude_pad.onnx")]
public partial class AvgPoolExcludePad { }

[Network(Onnx = "Fixtures/pool_ceil_exact.onnx")]
public partial class PoolCeilExact { }

[Network(Onnx = "Fixtures/resnet_bn.onnx")]
public partial class ResNetBatchNorm { }

[Network(Onnx = "Fixtures/resnet_bn_unfused.onnx")]
[Loss(LossKind.SoftmaxCrossEntropy)]
public partial class ResNetBatchNormUnfused { }

[Network(Onnx = "Fixtures/mlp_batchnorm.onnx")]
public partial class MlpBatchNorm { }
