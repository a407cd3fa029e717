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
    long Flops)
{
    /// <summary>Width of the affine part x W + b: units, or units x pieces for maxout.</summary>
    public int LinearSize => Kind == LayerKind.Maxout ? Units * Pieces : Units;

    public bool HasParameters => Kind != LayerKind.Flatten;

    public int ParameterCount => WeightLength + BiasLength;
}

internal sealed record PlanResult(NetworkPlan? Plan, EquatableArray<DiagnosticInfo> Diagnostics);
