using Microsoft.CodeAnalysis;

namespace NetGen.Generator;

/// <summary>Every diagnostic NetGen reports. Ids are stable; messages name the layer, the shapes and the fix. docs/diagnostics.md lists them.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "NetGen";

    public static readonly DiagnosticDescriptor ClassNotPartial = Error(
        "NG0001", "Network class must be partial",
        "Network class '{0}' must be declared 'partial' so that NetGen can add the generated members; add the 'partial' modifier");

    public static readonly DiagnosticDescriptor MissingInput = Error(
        "NG0002", "Network has no [Input]",
        "Network '{0}' declares no input shape; add [Input(features)] or [Input(channels, height, width)]");

    public static readonly DiagnosticDescriptor NoLayers = Error(
        "NG0003", "Network has no layers",
        "Network '{0}' declares no layers; add at least one layer such as [Dense(10)]");

    public static readonly DiagnosticDescriptor InvalidLayerSize = Error(
        "NG0004", "Invalid layer size",
        "Layer {0} ({1}): {2} must be at least {3}, but is {4}");

    public static readonly DiagnosticDescriptor MissingLoss = Info(
        "NG0005", "Network has no [Loss]: inference only",
        "Network '{0}' declares no loss, so it is inference-only: it implements INetwork (Forward, Predict, export, checkpoints) but not ITrainableNetwork, and has no TrainStep; add [Loss(LossKind.SoftmaxCrossEntropy)] or another LossKind to train it");

    public static readonly DiagnosticDescriptor UnknownLoss = Error(
        "NG0006", "Unknown loss",
        "'{0}' is not a LossKind; use one of MeanSquaredError, L1, Hinge, SoftmaxCrossEntropy, BinaryCrossEntropy");

    public static readonly DiagnosticDescriptor LossDoesNotFit = Error(
        "NG0007", "Loss does not fit the output layer",
        "Loss {0} does not fit the output layer {1}: {2}");

    public static readonly DiagnosticDescriptor LayersOnSeveralDeclarations = Error(
        "NG0008", "Layer attributes on more than one partial declaration",
        "Layer attribute [{0}] is on a different partial declaration of '{1}' than [Network]; layer order is only defined within one declaration, so move all layer attributes next to [Network]");

    public static readonly DiagnosticDescriptor InvalidActivationParameter = Error(
        "NG0009", "Invalid activation parameter",
        "Layer {0} ({1}): {2}");

    public static readonly DiagnosticDescriptor UnknownActivation = Error(
        "NG0010", "Unknown activation",
        "Layer {0}: '{1}' is not an Activation; use one of Identity, Sigmoid, Tanh, ReLU, LeakyReLU, ELU, Softplus");

    public static readonly DiagnosticDescriptor InvalidInputShape = Error(
        "NG0011", "Invalid input shape",
        "Network '{0}': every input dimension must be at least 1, but the input is {1}");

    public static readonly DiagnosticDescriptor UnsupportedClass = Error(
        "NG0012", "Unsupported network class",
        "Network class '{0}' {1}; declare it as a non-generic, top-level partial class");

    public static readonly DiagnosticDescriptor DenseNeedsFlatTensor = Error(
        "NG0013", "Dense layer after a 3-D tensor",
        "Layer {0} ({1}) takes a vector, but its input is the {2} tensor; add [Flatten] before it");

    public static readonly DiagnosticDescriptor FlattenHasNoEffect = Warning(
        "NG0014", "Flatten has no effect",
        "Layer {0} (Flatten): its input {1} is already a vector; remove the [Flatten]");

    public static readonly DiagnosticDescriptor KernelTooLarge = Error(
        "NG0015", "Kernel larger than its padded input",
        "Layer {0} ({1}): the effective kernel {2} does not fit the padded input {3} (input {4}, padding {5}); use a smaller kernel or dilation, or more padding");

    public static readonly DiagnosticDescriptor PoolWindowTooLarge = Error(
        "NG0016", "Pooling window larger than its input",
        "Layer {0} ({1}): the {2}x{2} window does not fit the {3} input; use a smaller window");

    public static readonly DiagnosticDescriptor InvalidWindowArgument = Error(
        "NG0017", "Invalid stride, dilation or padding",
        "Layer {0} ({1}): {2} must be {3}, but is {4}");

    public static readonly DiagnosticDescriptor SamePaddingUnsupported = Error(
        "NG0018", "Same padding is not possible here",
        "Layer {0} ({1}): ConvPadding.Same needs stride 1 and an odd effective kernel, but the effective kernel is {2} with stride {3}; give the padding as a number");

    public static readonly DiagnosticDescriptor StrideLeavesInputUncovered = Warning(
        "NG0019", "Stride leaves input uncovered",
        "Layer {0} ({1}): with stride {2} the last {3} row(s) and {4} column(s) of the padded {5} input are never read; adjust the padding or the stride so that the window ends on the input's edge");

    public static readonly DiagnosticDescriptor NeedsImageInput = Error(
        "NG0020", "Layer needs a channels x height x width input",
        "Layer {0} ({1}) slides over a channels x height x width tensor, but its input is {2}; declare [Input(channels, height, width)] or move the layer before any flattening");

    public static readonly DiagnosticDescriptor NetworkTooLarge = Error(
        "NG0021", "Network too large",
        "{0} is too large: {1}; NetGen's buffers hold at most {2} floats each, so use smaller layers");

    public static readonly DiagnosticDescriptor InvalidDropoutRate = Error(
        "NG0022", "Invalid dropout rate",
        "Layer {0} (Dropout): the rate must be in [0, 1) (typically 0.5 for hidden layers, 0.2 for inputs), but is {1}");

    public static readonly DiagnosticDescriptor InvalidBatchNormArgument = Error(
        "NG0023", "Invalid batch-norm argument",
        "Layer {0} (BatchNorm): {1} must be {2}, but is {3}");

    public static readonly DiagnosticDescriptor ResidualBlockMismatch = Error(
        "NG0024", "Unmatched residual block",
        "Layer {0} ({1}): {2}");

    public static readonly DiagnosticDescriptor ResidualProjectionImpossible = Error(
        "NG0025", "Residual shortcut cannot be projected",
        "Layer {0} (ResidualEnd): the shortcut {1} cannot be projected onto the block output {2}: {3}");

    public static readonly DiagnosticDescriptor NameTakenByGeneratedMember = Error(
        "NG0026", "Name taken by a generated member",
        "'{0}' ({1}) is also the name of a member NetGen generates for network '{2}'; rename it");

    public static readonly DiagnosticDescriptor TooManyLayers = Error(
        "NG0027", "Too many layers",
        "Network '{0}' declares {1} layers, more than the {2} NetGen generates code for (the generated file, and the compiler's time, would grow without bound); this is layer {3}: use fewer, wider layers");

    // NG0040-NG0049: importing an ONNX model ([Network(Onnx = "...")]).

    public static readonly DiagnosticDescriptor OnnxFileNotFound = Error(
        "NG0040", "ONNX file not found",
        "[Network(Onnx = \"{0}\")]: no such file reached the generator; list it in the project file as <AdditionalFiles Include=\"{0}\" /> (the NetGen package's build targets then hand its bytes to the generator){1}");

    public static readonly DiagnosticDescriptor OnnxFileUnreadable = Error(
        "NG0041", "ONNX file cannot be read",
        "'{0}' cannot be imported: {1}");

    public static readonly DiagnosticDescriptor OnnxOpsetUnsupported = Error(
        "NG0042", "ONNX operator set not supported",
        "'{0}' uses ONNX operator set {1}; NetGen imports operator sets 11 to 17, so export the model with an opset_version in that range");

    public static readonly DiagnosticDescriptor OnnxInputUnsupported = Error(
        "NG0043", "ONNX graph input not supported",
        "'{0}': the graph input '{1}' {2}; NetGen imports one float input of shape [batch, features] or [batch, channels, height, width] in which only the batch may vary");

    public static readonly DiagnosticDescriptor OnnxNodeUnsupported = Error(
        "NG0044", "ONNX node not supported",
        "'{0}', node '{1}' ({2}): {3}. NetGen imports Gemm, MatMul (+ Add), Conv (group 1, symmetric pads), MaxPool and AveragePool (square, unpadded), GlobalAveragePool, Flatten, Reshape to [batch, features], BatchNormalization, Relu, LeakyRelu, Sigmoid, Tanh, Elu, Softplus, Dropout, Identity, residual Adds, and Softmax or LogSoftmax as the last node");

    public static readonly DiagnosticDescriptor OnnxWithDeclaredLayers = Error(
        "NG0045", "Layers declared beside an ONNX import",
        "Network '{0}' imports its layers from '{1}' but also declares [{2}]; remove the [{2}] attribute (only [Loss] may accompany an import)");

    // NG0050-NG0059: building a checkpoint's weights in ([Network(Weights = "...")]).

    public static readonly DiagnosticDescriptor WeightsFileNotFound = Error(
        "NG0050", "Checkpoint file not found",
        "[Network(Weights = \"{0}\")]: no such file reached the generator; the checkpoint must exist when this project builds (save it first) and be listed in the project file as <AdditionalFiles Include=\"{0}\" /> (the NetGen package's build targets then hand its bytes to the generator){1}");

    public static readonly DiagnosticDescriptor WeightsFileNotCheckpoint = Error(
        "NG0051", "Not a NetGen checkpoint",
        "'{0}' is not a NetGen checkpoint: it {1}; give Weights a file written by Checkpoint.Save or the Trainer");

    public static readonly DiagnosticDescriptor WeightsFileUnreadable = Error(
        "NG0052", "Checkpoint cannot be read",
        "Checkpoint '{0}' cannot be built in: it {1}; save it again, or use an earlier copy");

    public static readonly DiagnosticDescriptor WeightsArchitectureMismatch = Error(
        "NG0053", "Checkpoint of another architecture",
        "Checkpoint '{0}' was saved from architecture '{1}', but network '{2}' is '{3}'; build in a checkpoint of this network, or declare the layers of the network it was saved from");

    public static readonly DiagnosticDescriptor WeightsShapeMismatch = Error(
        "NG0054", "Checkpoint does not fit the network",
        "Checkpoint '{0}' does not fit network '{1}': {2}; save the checkpoint again from this network");

    // No help link: the project has no published address for docs/diagnostics.md, and a repository-relative path
    // resolves nowhere in an IDE. The ids are listed there.
    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static DiagnosticDescriptor Info(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Info, isEnabledByDefault: true);

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
}
