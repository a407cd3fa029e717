using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>
/// Shape inference and validation: a <see cref="NetworkSpec"/> in, a <see cref="NetworkPlan"/> and diagnostics out.
/// Pure: no Roslyn symbols, so it is unit-tested with plain specs.
/// </summary>
internal static partial class Planner
{
    /// <summary>The largest buffer a plan may ask for: sizes are ints in the generated code and arrays.</summary>
    private const long MaxSize = int.MaxValue / 2;

    public const float DefaultLeakySlope = 0.01f;
    public const float DefaultEluAlpha = 1f;

    /// <summary>
    /// The most layer attributes a network may have. Each layer adds its calls, constants and accessors to the
    /// generated file (a few dozen lines even when it shares its kernels with a layer of the same shape), and the
    /// compiler's time grows faster than the file: 1,000 layers keep the file within a few megabytes, well beyond
    /// any network declared by hand or imported from the common model zoos.
    /// </summary>
    public const int MaxLayers = 1000;

    public static PlanResult Plan(ParseResult parsed)
    {
        var diagnostics = new List<DiagnosticInfo>(parsed.Diagnostics);
        NetworkPlan? plan = parsed.Spec is null ? null : Plan(parsed.Spec, diagnostics);
        if (parsed.Spec?.Imported is not null)
        {
            // NG0019 asks a declaration to reconsider a stride that leaves input unread; an imported model computes
            // exactly what its file says (ResNet's stride-2 3x3 convolutions on even sizes do this by design).
            diagnostics.RemoveAll(d => d.Descriptor == DiagnosticDescriptors.StrideLeavesInputUncovered);
        }
        if (plan?.Imported is { } imported && (imported.Parameters.Count != plan.ParameterCount || imported.Buffers.Count != plan.BufferCount))
        {
            // The importer lays out weights as the planner does; a difference is a bug, reported rather than emitted.
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OnnxFileUnreadable, parsed.Spec!.Location, imported.Source,
                $"the import produced {imported.Parameters.Count} parameters and {imported.Buffers.Count} buffers, but the layers need {plan.ParameterCount} and {plan.BufferCount} (an importer bug; please report it)"));
            plan = null;
        }
        if (plan is not null && parsed.Spec is not null)
        {
            CheckNames(parsed.Spec, plan, diagnostics);
        }
        bool failed = diagnostics.Any(d => d.Descriptor.DefaultSeverity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        return new PlanResult(failed ? null : plan, diagnostics.ToEquatableArray());
    }

    private static NetworkPlan? Plan(NetworkSpec spec, List<DiagnosticInfo> diagnostics)
    {
        if (spec.Input is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingInput, spec.Location, spec.ClassName));
            return null;
        }
        int[] inputShape = spec.Input.Shape.ToArray();
        if (inputShape.Length == 0 || inputShape.Any(d => d < 1))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInputShape, spec.Input.Location, spec.ClassName, FormatShape(inputShape)));
            return null;
        }
        if (Size(inputShape) > MaxSize)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, spec.Input.Location, "Network '" + spec.ClassName + "'",
                Invariant($"its input has {N(Size(inputShape))} floats per sample"), N(MaxSize)));
            return null;
        }
        if (!spec.Layers.Any(l => l.Kind != LayerKind.Flatten))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers, spec.Location, spec.ClassName));
            return null;
        }
        if (spec.Layers.Count > MaxLayers)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TooManyLayers, spec.Layers[MaxLayers].Location, spec.ClassName, N(spec.Layers.Count), N(MaxLayers), MaxLayers + 1));
            return null;
        }

        var layers = new List<LayerPlan>();
        var state = new PlanState(inputShape);
        var counters = new Dictionary<LayerKind, int>();
        int errorsBefore = diagnostics.Count;

        for (int i = 0; i < spec.Layers.Count; i++)
        {
            LayerSpec layer = spec.Layers[i];
            counters[layer.Kind] = counters.TryGetValue(layer.Kind, out int n) ? n + 1 : 1;
            string name = ShortName(layer.Kind) + counters[layer.Kind].ToString(CultureInfo.InvariantCulture);
            LayerPlan? planned = PlanLayer(layer, i + 1, name, state, diagnostics);
            if (planned is null)
            {
                continue;
            }
            layers.Add(planned);
            state.Shape = planned.OutputShape.ToArray();
            if (planned.HasCode)
            {
                state.LastOutputOffset = planned.OutputWorkspaceOffset;
            }
        }
        if (state.ParameterCount > MaxSize || state.WorkspacePerSample > MaxSize || state.ScratchSize > MaxSize || state.DeltaPerSample > MaxSize)
        {
            // Only the quantities that are too large, the scratch named by its use. (A layer's gradient buffer is never
            // larger than its output, which the activations already count.)
            var excess = new List<string>();
            if (state.ParameterCount > MaxSize) excess.Add(Invariant($"{N(state.ParameterCount)} parameters"));
            if (state.WorkspacePerSample > MaxSize) excess.Add(Invariant($"{N(state.WorkspacePerSample)} activation floats per sample"));
            if (state.ScratchSize > MaxSize) excess.Add(Invariant($"{N(state.ScratchSize)} floats of scratch for {state.ScratchUse}"));
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, spec.Location, "Network '" + spec.ClassName + "'",
                "it needs " + string.Join(" and ", excess), N(MaxSize)));
            return null;
        }
        if (state.OpenResidual is { } unclosed)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ResidualBlockMismatch, spec.Layers[unclosed.Index - 1].Location, unclosed.Index, "ResidualStart",
                "this block is never closed; add [ResidualEnd] where the shortcut should be added back"));
            return null;
        }
        int[] shape = state.Shape;

        if (diagnostics.Count > errorsBefore && diagnostics.Skip(errorsBefore).Any(d => d.Descriptor.DefaultSeverity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error))
        {
            return null;
        }

        LayerPlan output = layers.Last(l => l.HasCode);
        int outputSize = (int)Size(shape);
        if (spec.Loss is null)
        {
            // Inference-only: no loss, no training surface (the class implements INetwork, not ITrainableNetwork).
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingLoss, spec.Location, spec.ClassName));
            return Build(spec, inputShape, layers, state, outputSize, loss: null);
        }
        if (spec.Loss.Kind < 0 || spec.Loss.Kind > (int)LossKindMirror.BinaryCrossEntropy)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownLoss, spec.Loss.Location, spec.Loss.Kind));
            return null;
        }
        var loss = (LossKindMirror)spec.Loss.Kind;
        string? misfit = LossMisfit(loss, output, outputSize);
        if (misfit is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LossDoesNotFit, spec.Loss.Location, loss, Describe(output), misfit));
            return null;
        }

        return Build(spec, inputShape, layers, state, outputSize, loss);
    }

    private static NetworkPlan Build(NetworkSpec spec, int[] inputShape, List<LayerPlan> layers, PlanState state, int outputSize, LossKindMirror? loss)
    {
        string canonical = Canonical(inputShape, layers, loss);
        return new NetworkPlan(
            spec.Namespace, spec.ClassName, spec.Accessibility, inputShape.ToEquatableArray(), (int)Size(inputShape), outputSize, loss,
            loss is { } kind && IsClassLabelLoss(kind, outputSize) ? 1 : outputSize, layers.ToEquatableArray(), (int)state.ParameterCount, (int)state.WorkspacePerSample,
            (int)state.DeltaPerSample, (int)state.ScratchSize, (int)state.StatsSize, (int)state.BufferCount, state.Flops, Fingerprint(canonical), canonical,
            spec.Imported)
        {
            WeightsPath = spec.Weights,
            WeightsLocation = spec.Weights is null ? null : spec.Location,
        };
    }

    /// <summary>NG0026 for each name the user took that a generated member needs (CS0542, CS0102 or CS0108 otherwise).</summary>
    private static void CheckNames(NetworkSpec spec, NetworkPlan plan, List<DiagnosticInfo> diagnostics)
    {
        if (spec.TakenNames.Count == 0)
        {
            return;
        }
        var generated = new Dictionary<string, bool>(System.StringComparer.Ordinal);
        foreach ((string name, bool isMethod) in NetworkEmitter.MemberNames(plan))
        {
            generated[name] = isMethod;
        }
        string className = spec.ClassName.TrimStart('@');
        foreach (TakenName taken in spec.TakenNames)
        {
            // The class's own name clashes with any member (it is no method); a method only with a generated non-method.
            if (generated.TryGetValue(taken.Name, out bool generatedIsMethod) && !(taken.IsMethod && generatedIsMethod))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameTakenByGeneratedMember, taken.Location, taken.Name, taken.Owner, className));
            }
        }
    }

    public static bool IsClassLabelLoss(LossKindMirror loss, int outputSize) =>
        loss == LossKindMirror.SoftmaxCrossEntropy || (loss == LossKindMirror.Hinge && outputSize > 1);

    private static string? LossMisfit(LossKindMirror loss, LayerPlan output, int outputSize)
    {
        switch (loss)
        {
            case LossKindMirror.SoftmaxCrossEntropy when outputSize < 2:
                return "softmax cross-entropy needs at least 2 outputs (one per class); for a yes/no target use one Sigmoid output with BinaryCrossEntropy";
            case LossKindMirror.SoftmaxCrossEntropy when output.Activation != ActivationKind.Identity:
                return $"softmax cross-entropy applies the softmax itself and needs linear logits, but the output layer applies {output.Activation}; remove its Activation";
            case LossKindMirror.BinaryCrossEntropy when output.Kind != LayerKind.Dense || output.Activation != ActivationKind.Sigmoid:
                return "binary cross-entropy is defined on probabilities, so the output layer must be Dense with Activation = Activation.Sigmoid";
            default:
                return null;
        }
    }

    private static bool CheckActivation(LayerSpec layer, int index, string description, List<DiagnosticInfo> diagnostics, out ActivationKind activation, out float alpha)
    {
        activation = (ActivationKind)layer.Activation;
        alpha = float.NaN;
        if (layer.Activation < 0 || layer.Activation > (int)ActivationKind.Softplus)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownActivation, layer.ActivationLocation, index, layer.Activation));
            return false;
        }
        bool given = !float.IsNaN(layer.Alpha);
        string? problem = null;
        switch (activation)
        {
            case ActivationKind.LeakyReLU:
                alpha = given ? layer.Alpha : DefaultLeakySlope;
                // The backward pass reads the derivative off the output's sign, which a negative slope would flip.
                if (float.IsInfinity(alpha) || alpha < 0)
                {
                    problem = $"the leaky ReLU slope Alpha must be a finite number >= 0 (typically 0.01), but is {Format(alpha)}";
                }
                break;
            case ActivationKind.ELU:
                alpha = given ? layer.Alpha : DefaultEluAlpha;
                if (float.IsInfinity(alpha) || alpha <= 0)
                {
                    problem = $"the ELU Alpha must be a finite number > 0 (typically 1), but is {Format(alpha)}";
                }
                break;
            default:
                if (given)
                {
                    problem = $"Alpha = {Format(layer.Alpha)} has no meaning for {activation}; only LeakyReLU and ELU take a parameter, so remove it";
                }
                break;
        }
        if (problem is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidActivationParameter, layer.AlphaLocation, index, description, problem));
            return false;
        }
        return true;
    }

    public static string Describe(LayerPlan layer) => layer.Kind switch
    {
        LayerKind.Dense => $"Dense({layer.Units.ToString(CultureInfo.InvariantCulture)}, {layer.Activation})",
        LayerKind.Maxout => $"Maxout({layer.Units.ToString(CultureInfo.InvariantCulture)}, {layer.Pieces.ToString(CultureInfo.InvariantCulture)})",
        LayerKind.Conv2D => Invariant($"Conv2D({layer.Units}, {layer.Geometry!.KernelHeight}x{layer.Geometry.KernelWidth}, {layer.Activation})"),
        LayerKind.MaxPool2D or LayerKind.AvgPool2D => Invariant($"{layer.Kind}({layer.Geometry!.KernelHeight})"),
        LayerKind.Dropout => Invariant($"Dropout({Format(layer.Rate)})"),
        LayerKind.BatchNorm => Invariant($"BatchNorm({layer.Activation})"),
        LayerKind.ResidualEnd => Invariant($"ResidualEnd({layer.Activation}{(layer.Residual!.HasProjection ? ", projection" : "")})"),
        _ => layer.Kind.ToString(),
    };

    private static string Canonical(int[] input, List<LayerPlan> layers, LossKindMirror? loss)
    {
        var text = new StringBuilder("Input(").Append(FormatShape(input)).Append(')');
        foreach (LayerPlan layer in layers)
        {
            text.Append('|').Append(layer.Kind switch
            {
                LayerKind.Dense => $"Dense({layer.Units.ToString(CultureInfo.InvariantCulture)},{layer.Activation}{(float.IsNaN(layer.Alpha) ? "" : ":" + Format(layer.Alpha))})",
                LayerKind.Maxout => $"Maxout({layer.Units.ToString(CultureInfo.InvariantCulture)},{layer.Pieces.ToString(CultureInfo.InvariantCulture)})",
                LayerKind.Conv2D => Invariant($"Conv2D({layer.Units},{layer.Geometry!.KernelHeight}x{layer.Geometry.KernelWidth},s{layer.Geometry.Stride},p{layer.Geometry.PaddingHeight}x{layer.Geometry.PaddingWidth},d{layer.Geometry.Dilation},{(layer.BiasLength > 0 ? "bias" : "nobias")},{layer.Activation}{(float.IsNaN(layer.Alpha) ? "" : ":" + Format(layer.Alpha))})"),
                LayerKind.MaxPool2D or LayerKind.AvgPool2D => Invariant($"{layer.Kind}({layer.Geometry!.KernelHeight},s{layer.Geometry.Stride})"),
                LayerKind.Dropout => Invariant($"Dropout({Format(layer.Rate)})"),
                LayerKind.BatchNorm => Invariant($"BatchNorm(m{Format(layer.Norm!.Momentum)},e{Format(layer.Norm.Epsilon)},{layer.Activation}{(float.IsNaN(layer.Alpha) ? "" : ":" + Format(layer.Alpha))})"),
                LayerKind.ResidualEnd => Invariant($"ResidualEnd({layer.Activation}{(float.IsNaN(layer.Alpha) ? "" : ":" + Format(layer.Alpha))})"),
                _ => layer.Kind.ToString(),
            });
        }
        return (loss is null ? text : text.Append("|Loss(").Append(loss).Append(')')).ToString();
    }

    /// <summary>FNV-1a, 64 bits, over the canonical architecture text: stable across runs, machines and .NET versions.</summary>
    private static string Fingerprint(string canonical)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(canonical))
        {
            hash = unchecked((hash ^ b) * 1099511628211UL);
        }
        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }

    public static string FormatShape(IEnumerable<int> shape) => string.Join("x", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));

    public static string Format(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static long Size(int[] shape) => shape.Aggregate(1L, (a, d) => a * d);

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
