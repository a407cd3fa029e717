namespace NetGen.Generator;

/// <summary>
/// The network after shape inference: every size, offset and FLOP count the emitter needs, as constants.
/// Offsets into the training workspace are per sample: a layer's region starts at <c>batch * WorkspaceOffset</c>.
/// </summary>
internal sealed record NetworkPlan(
    string? Namespace,
    string ClassName,
    string Accessibility,
    EquatableArray<int> InputShape,
    int InputSize,
    int OutputSize,
    LossKindMirror Loss,
    int TargetSize,
    EquatableArray<LayerPlan> Layers,
    int ParameterCount,
    int WorkspacePerSample,
    int DeltaPerSample,
    int ScratchSize,
    long ForwardFlops,
    string Fingerprint,
    string Canonical);

internal sealed record LayerPlan(
    int Index,
    LayerKind Kind,
    string Name,
    EquatableArray<int> InputShape,
    EquatableArray<int> OutputShape,
    int InputSize,
    int OutputSize,
    int Units,
    int Pieces,
    ActivationKind Activation,
    float Alpha,
    int WeightOffset,
    int WeightLength,
    int BiasOffset,
    int BiasLength,
    int LinearWorkspaceOffset,
    int OutputWorkspaceOffset,
    long Flops,
    ConvGeometry? Geometry = null)
{
    /// <summary>Width of the affine part x W + b: units, or units x pieces for maxout; the output size otherwise.</summary>
    public int LinearSize => Kind switch
    {
        LayerKind.Maxout => Units * Pieces,
        LayerKind.Dense => Units,
        _ => OutputSize,
    };

    /// <summary>Whether the layer has weights (dense, maxout, convolution).</summary>
    public bool HasParameters => Kind is LayerKind.Dense or LayerKind.Maxout or LayerKind.Conv2D;

    /// <summary>Whether the layer computes anything (all but flatten, which only reinterprets the buffer).</summary>
    public bool HasCode => Kind != LayerKind.Flatten;

    public int ParameterCount => WeightLength + BiasLength;
}

/// <summary>The spatial arithmetic of a convolution or pooling layer (channels x height x width in and out).</summary>
internal sealed record ConvGeometry(
    int InChannels,
    int InHeight,
    int InWidth,
    int OutChannels,
    int OutHeight,
    int OutWidth,
    int KernelHeight,
    int KernelWidth,
    int Stride,
    int PaddingHeight,
    int PaddingWidth,
    int Dilation)
{
    public int InputPlane => InHeight * InWidth;

    public int OutputPlane => OutHeight * OutWidth;

    /// <summary>Rows of the im2col matrix: one per (input channel, kernel row, kernel column).</summary>
    public int PatchSize => InChannels * KernelHeight * KernelWidth;

    /// <summary>A 1x1 convolution with stride 1 and no padding reads its input directly as the im2col matrix.</summary>
    public bool IsPointwise => KernelHeight == 1 && KernelWidth == 1 && Stride == 1 && PaddingHeight == 0 && PaddingWidth == 0;
}

internal sealed record PlanResult(NetworkPlan? Plan, EquatableArray<DiagnosticInfo> Diagnostics);
