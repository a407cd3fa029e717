namespace NetGen.Generator;

/// <summary>What the user declared, as plain equatable values (no symbols, syntax or compilations).</summary>
internal sealed record NetworkSpec(
    string? Namespace,
    string ClassName,
    string Accessibility,
    LocationInfo? Location,
    InputSpec? Input,
    EquatableArray<LayerSpec> Layers,
    LossSpec? Loss,
    string? Onnx = null,
    ImportedWeights? Imported = null)
{
    /// <summary>Names the generated members must not take (see <see cref="TakenName"/>); empty when nothing is known.</summary>
    public EquatableArray<TakenName> TakenNames { get; init; } = EquatableArray<TakenName>.Empty;

    /// <summary>[Network(Weights = "...")]: the checkpoint to build in, as the project lists it.</summary>
    public string? Weights { get; init; }
}

/// <summary>
/// A name the generated class must not declare: the class's own, one the user declared in it, or one it inherits.
/// A method is only an overload of a generated method of the same name, so <see cref="IsMethod"/> names clash only
/// with generated non-methods.
/// </summary>
internal sealed record TakenName(string Name, string Owner, LocationInfo? Location, bool IsMethod);

/// <summary>
/// What an ONNX import adds to a spec: the file, and the parameters and batch-norm buffers it starts from, in the
/// layout the planner gives the imported layers; <see cref="Declaration"/> is the equivalent attribute declaration.
/// </summary>
internal sealed record ImportedWeights(
    string Source,
    long Opset,
    string Producer,
    EquatableArray<float> Parameters,
    EquatableArray<float> Buffers,
    string? FinalSoftmax,
    EquatableArray<string> Declaration);

internal sealed record InputSpec(EquatableArray<int> Shape, LocationInfo? Location);

internal enum LayerKind
{
    Dense,
    Maxout,
    Flatten,
    Conv2D,
    MaxPool2D,
    AvgPool2D,
    GlobalAvgPool,
    Dropout,
    BatchNorm,
    ResidualStart,
    ResidualEnd,
}

/// <summary>
/// One layer attribute. <see cref="Units"/> is also a convolution's filter count; <see cref="KernelHeight"/> and
/// <see cref="KernelWidth"/> are a pooling window's size; a pooling layer's <see cref="Stride"/> is its window size unless given.
/// <see cref="Alpha"/> is NaN when not given. Locations point at the arguments where possible.
/// </summary>
internal sealed record LayerSpec(
    LayerKind Kind,
    int Units,
    int Pieces,
    int Activation,
    float Alpha,
    LocationInfo? Location,
    LocationInfo? UnitsLocation,
    LocationInfo? PiecesLocation,
    LocationInfo? ActivationLocation,
    LocationInfo? AlphaLocation,
    int KernelHeight = 0,
    int KernelWidth = 0,
    int Stride = 1,
    int Padding = 0,
    int Dilation = 1,
    bool Bias = true,
    LocationInfo? KernelLocation = null,
    LocationInfo? StrideLocation = null,
    LocationInfo? PaddingLocation = null,
    LocationInfo? DilationLocation = null,
    double Rate = 0,
    float Momentum = 0.1f,
    float Epsilon = 1e-5f,
    LocationInfo? KernelWidthLocation = null);

internal sealed record LossSpec(int Kind, LocationInfo? Location);

/// <summary>The parser's output: a spec (null when the declaration cannot be read) and the diagnostics found while reading it.</summary>
internal sealed record ParseResult(NetworkSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);
