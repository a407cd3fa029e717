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
    LossKindMirror? Loss,
    int TargetSize,
    EquatableArray<LayerPlan> Layers,
    int ParameterCount,
    int WorkspacePerSample,
    int DeltaPerSample,
    int ScratchSize,
    int StatsSize,
    int BufferCount,
    long ForwardFlops,
    string Fingerprint,
    string Canonical,
    ImportedWeights? Imported = null)
{
    /// <summary>[Network(Weights = "...")]: the checkpoint to build in, as the project lists it.</summary>
    public string? WeightsPath { get; init; }

    /// <summary>
    /// Where [Network] is, for the diagnostics of <see cref="BuiltInWeights.Resolve"/>; set only with <see cref="WeightsPath"/>,
    /// so that moving any other declaration keeps its plan, and so its emission, cached.
    /// </summary>
    public LocationInfo? WeightsLocation { get; init; }

    /// <summary>The checkpoint's contents once read and checked against this plan (<see cref="BuiltInWeights.Resolve"/>).</summary>
    public BuiltInWeights? BuiltIn { get; init; }

    /// <summary>Whether the network declares a loss and so gets a training surface; without one it is inference-only.</summary>
    public bool Trainable => Loss is not null;

    /// <summary>
    /// What PredictProbabilities reports: the softmax of the outputs for softmax cross-entropy and for an inference-only
    /// network imported from a model that ends in Softmax or LogSoftmax (its outputs are the logits before it), the outputs
    /// themselves for binary cross-entropy (sigmoid outputs); nothing for other networks, whose outputs are not scores.
    /// </summary>
    public ProbabilityKind Probabilities => Loss switch
    {
        LossKindMirror.SoftmaxCrossEntropy => ProbabilityKind.Softmax,
        LossKindMirror.BinaryCrossEntropy => ProbabilityKind.Outputs,
        null when Imported?.FinalSoftmax is not null && OutputSize > 1 => ProbabilityKind.Softmax,
        _ => ProbabilityKind.None,
    };

    /// <summary>Whether each sample has one class (the largest output), so that PredictClassName can name it.</summary>
    public bool HasClassLabels => Loss is { } loss ? Planner.IsClassLabelLoss(loss, OutputSize) : Probabilities == ProbabilityKind.Softmax;
}

/// <summary>How a network's outputs become probabilities (<see cref="NetworkPlan.Probabilities"/>).</summary>
internal enum ProbabilityKind
{
    None,
    Softmax,
    Outputs,
}

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
    ConvGeometry? Geometry = null,
    float Rate = 0,
    NormPlan? Norm = null,
    ResidualPlan? Residual = null)
{
    /// <summary>Width of the affine part x W + b: units, or units x pieces for maxout; the output size otherwise.</summary>
    public int LinearSize => Kind switch
    {
        LayerKind.Maxout => Units * Pieces,
        LayerKind.Dense => Units,
        _ => OutputSize,
    };

    /// <summary>Whether the layer has weights (dense, maxout, convolution).</summary>
    public bool HasParameters => WeightLength > 0;

    /// <summary>Whether the layer computes anything (flatten and a residual start only name a buffer).</summary>
    public bool HasCode => Kind is not (LayerKind.Flatten or LayerKind.ResidualStart);

    /// <summary>Whether the layer applies an activation to its output (dense, convolution, batch norm, residual end).</summary>
    public bool HasActivation => Kind is LayerKind.Dense or LayerKind.Conv2D or LayerKind.BatchNorm or LayerKind.ResidualEnd;

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

    /// <summary>Whether the input is padded on any side.</summary>
    public bool HasPadding => PaddingHeight > 0 || PaddingWidth > 0;

    /// <summary>Rows of the input a stride-1 convolution reads, padding included: output rows plus the kernel's reach.</summary>
    public int PaddedHeight => OutHeight + (KernelHeight - 1) * Dilation;

    /// <summary>Columns of the input a stride-1 convolution reads, padding included.</summary>
    public int PaddedWidth => OutWidth + (KernelWidth - 1) * Dilation;

    /// <summary>
    /// Whether the forward pass is a direct convolution (each output row a sum of shifted input rows times broadcast
    /// weights) rather than im2col and a product. Both run the same register tiles over the same sums in the same order;
    /// direct skips writing and re-reading the [patch, pixels] matrix, which costs as much as the product itself when
    /// there are few filters per patch element. It needs stride 1 (so a shifted input row is contiguous) and output
    /// rows of whole 16-float vectors with at most one lane in eight computed twice (the last vector of a row overlaps
    /// the one before it): narrower rows waste lanes that the flattened im2col product does not.
    /// </summary>
    public bool DirectForward => Stride == 1 && !IsPointwise && OutWidth >= 16 && (OutWidth + 15) / 16 * 16 * 7 <= OutWidth * 8;

    /// <summary>
    /// Whether the input gradient's col2im gathers each input row in registers from shifted, masked whole-vector loads of
    /// the column gradient (stride 1, input rows of at least one 8-float vector, kernels up to 7 columns, unrolled) rather
    /// than adding each column-gradient row into the input gradient. A row is one accumulator per vector, so rows of at
    /// most 256 floats (64 Vector128 accumulators): wider ones would emit code in proportion to their width.
    /// </summary>
    public bool GatherCol2Im => Stride == 1 && !IsPointwise && InWidth >= 8 && InWidth <= 256 && KernelWidth <= 7 && OutputPlane >= KernelWidth * Dilation;

    /// <summary>
    /// Floats past the column gradient's end that a gathering col2im loads (and masks out): the kernel's reach. The
    /// output plane is at least that long, so loads before a row stay inside the matrix.
    /// </summary>
    public int GatherOverrun => GatherCol2Im ? (KernelWidth - 1) * Dilation : 0;

    /// <summary>The zero-padded copy of one sample's input a direct convolution reads, when it has padding.</summary>
    public long PaddedInputSize => (long)InChannels * PaddedHeight * PaddedWidth;
}

/// <summary>
/// Batch normalization over <see cref="Channels"/> groups of <see cref="Plane"/> values per sample (features: plane 1).
/// Running mean and variance live in Buffers at <see cref="BufferOffset"/>; the training pass keeps each batch's mean
/// and inverse standard deviation in the statistics area at <see cref="StatsOffset"/> for the backward pass.
/// </summary>
internal sealed record NormPlan(int Channels, int Plane, int BufferOffset, int StatsOffset, float Momentum, float Epsilon);

/// <summary>
/// The shortcut of a residual block: the tensor at the block's start (workspace offset, -1 for the network input),
/// and, when the block changes the shape, a projection: a strided 1x1 convolution for images or a linear map for
/// vectors, whose output goes to <see cref="ProjectionOffset"/>.
/// </summary>
internal sealed record ResidualPlan(int ShortcutOffset, EquatableArray<int> ShortcutShape, ConvGeometry? ConvProjection, bool LinearProjection, int ProjectionOffset)
{
    public bool HasProjection => ConvProjection is not null || LinearProjection;
}

internal sealed record PlanResult(NetworkPlan? Plan, EquatableArray<DiagnosticInfo> Diagnostics);
