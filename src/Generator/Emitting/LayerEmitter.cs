using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>
/// Dispatches per layer kind: the comment that heads a layer's code, its kernels, and its calls in the forward and
/// backward passes. The kernels of each kind live in their own emitter (dense and maxout, convolution, pooling).
/// </summary>
internal static class LayerEmitter
{
    public static string Header(LayerPlan layer)
    {
        ConvGeometry? g = layer.Geometry;
        string parameters = Invariant($"weights {WeightShape(layer)} at {layer.WeightOffset}..{layer.BiasOffset}")
            + (layer.BiasLength > 0 ? Invariant($", bias [{layer.BiasLength}] at {layer.BiasOffset}..{layer.BiasOffset + layer.BiasLength}") : ", no bias");
        string activation = ActivationEmitter.Describe(layer.Activation, layer.Alpha);
        return layer.Kind switch
        {
            LayerKind.Dense => Invariant($"// Layer {layer.Index}: Dense {layer.InputSize} -> {layer.Units}, {activation}; {parameters}"),
            LayerKind.Maxout => Invariant($"// Layer {layer.Index}: Maxout {layer.InputSize} -> {layer.Units}, {layer.Pieces} pieces; {parameters}"),
            LayerKind.Conv2D => Invariant($"// Layer {layer.Index}: Conv2D {Shape(layer.InputShape)} -> {Shape(layer.OutputShape)}, kernel {g!.KernelHeight}x{g.KernelWidth}, stride {g.Stride}, padding {Padding(g)}, dilation {g.Dilation}, {activation}; {parameters}"),
            LayerKind.MaxPool2D or LayerKind.AvgPool2D => Invariant($"// Layer {layer.Index}: {layer.Kind} {Shape(layer.InputShape)} -> {Shape(layer.OutputShape)}, window {g!.KernelHeight}x{g.KernelWidth}, stride {g.Stride}"),
            LayerKind.GlobalAvgPool => Invariant($"// Layer {layer.Index}: GlobalAvgPool {Shape(layer.InputShape)} -> {layer.OutputSize}"),
            LayerKind.Dropout => Invariant($"// Layer {layer.Index}: Dropout {Shape(layer.InputShape)}, rate {Planner.Format(layer.Rate)}"),
            LayerKind.BatchNorm => Invariant($"// Layer {layer.Index}: BatchNorm {Shape(layer.InputShape)}, {activation}; gamma [{layer.WeightLength}] at {layer.WeightOffset}, beta at {layer.BiasOffset}, running mean and variance at Buffers[{layer.Norm!.BufferOffset}..{layer.Norm.BufferOffset + 2 * layer.Norm.Channels}]"),
            LayerKind.ResidualStart => Invariant($"// Layer {layer.Index}: ResidualStart {Shape(layer.InputShape)} (the shortcut starts here)"),
            LayerKind.ResidualEnd => Invariant($"// Layer {layer.Index}: ResidualEnd {Shape(layer.InputShape)}, {activation}, shortcut from {Shape(layer.Residual!.ShortcutShape)}") + (layer.Residual.HasProjection ? Invariant($" projected by weights {WeightShape(layer)} at {layer.WeightOffset}..{layer.BiasOffset}") : " (identity)"),
            _ => Invariant($"// Layer {layer.Index}: Flatten {Shape(layer.InputShape)} -> {layer.OutputSize} (a reshape: the same buffer, no code)"),
        };
    }

    public static string WeightShape(LayerPlan layer) => layer.Kind switch
    {
        LayerKind.Maxout => Invariant($"[{layer.InputSize}, {layer.Pieces}, {layer.Units}]"),
        LayerKind.Conv2D => Invariant($"[{layer.Units}, {layer.Geometry!.InChannels}, {layer.Geometry.KernelHeight}, {layer.Geometry.KernelWidth}]"),
        LayerKind.BatchNorm => Invariant($"[{layer.WeightLength}]"),
        LayerKind.ResidualEnd when layer.Residual!.ConvProjection is { } g => Invariant($"[{g.OutChannels}, {g.InChannels}, 1, 1]"),
        LayerKind.ResidualEnd => Invariant($"[{layer.WeightLength / layer.OutputSize}, {layer.OutputSize}]"),
        _ => Invariant($"[{layer.InputSize}, {layer.Units}]"),
    };

    public static string BiasShape(LayerPlan layer) =>
        layer.Kind == LayerKind.Maxout ? Invariant($"[{layer.Pieces}, {layer.Units}]") : Invariant($"[{layer.BiasLength}]");

    public static void EmitKernels(SourceWriter w, LayerPlan layer, bool logitsVariant)
    {
        switch (layer.Kind)
        {
            case LayerKind.Dense:
            case LayerKind.Maxout:
                DenseEmitter.EmitKernels(w, layer, logitsVariant);
                break;
            case LayerKind.Conv2D:
                ConvEmitter.EmitKernels(w, layer);
                break;
            case LayerKind.MaxPool2D:
            case LayerKind.AvgPool2D:
            case LayerKind.GlobalAvgPool:
                PoolEmitter.EmitKernels(w, layer);
                break;
            case LayerKind.Dropout:
                RegularizationEmitter.EmitDropout(w, layer);
                break;
            case LayerKind.BatchNorm:
                RegularizationEmitter.EmitBatchNorm(w, layer);
                if (layer.Activation != ActivationKind.Identity)
                {
                    EmitActivationBackward(w, layer, layer.OutputSize);
                }
                break;
            case LayerKind.ResidualEnd:
                ResidualEmitter.EmitKernels(w, layer);
                break;
        }
    }

    /// <summary>dz = da * f'(z) in place over a batch of <paramref name="size"/>-float outputs, with f' read off the output a = f(z).</summary>
    public static void EmitActivationBackward(SourceWriter w, LayerPlan layer, int size)
    {
        w.WriteLine(Invariant($"// dz = da * f'(z) over [batch, {size}], in place; f' of {ActivationEmitter.Describe(layer.Activation, layer.Alpha)} is computed from the output a = f(z)."));
        using (w.Block(Invariant($"private static void {layer.Name}ActivationBackward(ref float a, ref float d, int batch)")))
        {
            w.WriteLine(Invariant($"int count = batch * {size};"));
            VectorLoops.EmitElementwise(w, "count", v =>
            {
                w.WriteLine(Invariant($"{v.T} av = {v.Type}.LoadUnsafe(ref a, (nuint)i);"));
                w.WriteLine(Invariant($"{v.T} dv = {v.Type}.LoadUnsafe(ref d, (nuint)i);"));
                w.WriteLine(Invariant($"({ActivationEmitter.VectorDerivative(layer.Activation, layer.Alpha, "av", "dv", v)}).StoreUnsafe(ref d, (nuint)i);"));
            }, () =>
            {
                w.WriteLine("float ai = Unsafe.Add(ref a, i);");
                w.WriteLine(Invariant($"Unsafe.Add(ref d, i) = {ActivationEmitter.ScalarDerivative(layer.Activation, layer.Alpha, "ai", "Unsafe.Add(ref d, i)")};"));
            });
        }
        w.WriteLine();
    }

    private static string Shape(EquatableArray<int> shape) => Planner.FormatShape(shape);

    private static string Padding(ConvGeometry g) =>
        g.PaddingHeight == g.PaddingWidth ? Invariant($"{g.PaddingHeight}") : Invariant($"{g.PaddingHeight}x{g.PaddingWidth}");
}
