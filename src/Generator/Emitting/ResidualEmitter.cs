using System.Linq;
using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>
/// Residual blocks: the end adds the shortcut (the block's input, projected when the shape changes) to the block's
/// output; in the backward pass the end hands the shortcut's gradient to a third buffer, which the start adds back.
/// </summary>
internal static class ResidualEmitter
{
    /// <summary>The projection as a convolution layer of its own, so it reuses the convolution kernels.</summary>
    public static LayerPlan ConvProjection(LayerPlan end)
    {
        ConvGeometry g = end.Residual!.ConvProjection!;
        return new LayerPlan(end.Index, LayerKind.Conv2D, end.Name + "Projection", end.Residual.ShortcutShape, end.OutputShape,
            g.InChannels * g.InputPlane, end.OutputSize, g.OutChannels, 1, ActivationKind.Identity, float.NaN,
            end.WeightOffset, end.WeightLength, end.WeightOffset + end.WeightLength, 0, -1, -1, 0, g);
    }

    public static void EmitKernels(SourceWriter w, LayerPlan layer)
    {
        ResidualPlan residual = layer.Residual!;
        int n = layer.OutputSize;
        int shortcut = residual.ShortcutShape.Aggregate(1, (a, d) => a * d);
        w.WriteLine(LayerEmitter.Header(layer));
        if (residual.ConvProjection is not null)
        {
            w.WriteLine("// The shortcut's projection: a 1x1 convolution without bias, striding like the block.");
            ConvEmitter.EmitKernels(w, ConvProjection(layer));
        }
        else if (residual.LinearProjection)
        {
            GemmEmitter.EmitNN(w, layer.Name + "ProjectionForward", shortcut, n, BiasMode.None, ActivationKind.Identity, float.NaN,
                Invariant($"The shortcut's projection: s[batch, {n}] = x[batch, {shortcut}] P[{shortcut}, {n}], no bias."));
            w.WriteLine();
            GemmEmitter.EmitTN(w, layer.Name + "ProjectionBackwardWeights", shortcut, n, Invariant($"dP[{shortcut}, {n}] = x^T dz."));
            w.WriteLine();
            GemmEmitter.EmitNT(w, layer.Name + "ProjectionBackwardInput", shortcut, n, accumulate: false, Invariant($"dx[batch, {shortcut}] = dz P^T."));
            w.WriteLine();
        }
        w.WriteLine(Invariant($"// y = {ActivationEmitter.Describe(layer.Activation, layer.Alpha)}(block + shortcut) over [batch, {n}]."));
        using (w.Block(Invariant($"private static void {layer.Name}Forward(ref float block, ref float shortcut, ref float y, int batch)")))
        {
            w.WriteLine(Invariant($"int count = batch * {n};"));
            VectorLoops.EmitElementwise(w, "count", v =>
            {
                w.WriteLine(Invariant($"{v.T} sum = {v.Type}.LoadUnsafe(ref block, (nuint)i) + {v.Type}.LoadUnsafe(ref shortcut, (nuint)i);"));
                w.WriteLine(Invariant($"{ActivationEmitter.Vector(layer.Activation, layer.Alpha, "sum", v)}.StoreUnsafe(ref y, (nuint)i);"));
            }, () =>
            {
                w.WriteLine("float sum = Unsafe.Add(ref block, i) + Unsafe.Add(ref shortcut, i);");
                w.WriteLine(Invariant($"Unsafe.Add(ref y, i) = {ActivationEmitter.Scalar(layer.Activation, layer.Alpha, "sum")};"));
            });
        }
        w.WriteLine();
        if (layer.Activation != ActivationKind.Identity)
        {
            LayerEmitter.EmitActivationBackward(w, layer, n);
        }
    }

    public static void EmitHelpers(SourceWriter w)
    {
        w.WriteLine("// a[i] += b[i]: where a residual block's start gets its shortcut's gradient back.");
        using (w.Block("private static void AddInPlace(ref float a, ref float b, int count)"))
        {
            VectorLoops.EmitElementwise(w, "count",
                v => w.WriteLine(Invariant($"({v.Type}.LoadUnsafe(ref a, (nuint)i) + {v.Type}.LoadUnsafe(ref b, (nuint)i)).StoreUnsafe(ref a, (nuint)i);")),
                () => w.WriteLine("Unsafe.Add(ref a, i) += Unsafe.Add(ref b, i);"));
        }
        w.WriteLine();
    }

    public static void EmitForwardCall(SourceWriter w, LayerPlan layer, string block, string shortcutSource, string output, string weights)
    {
        ResidualPlan residual = layer.Residual!;
        string shortcut = shortcutSource;
        if (residual.HasProjection)
        {
            shortcut = NetworkEmitter.Workspace("ws", residual.ProjectionOffset);
            w.WriteLine(residual.ConvProjection is not null
                ? Invariant($"{layer.Name}ProjectionForward({shortcutSource}, {weights}, ref Unsafe.NullRef<float>(), {shortcut}, ref scratch, batch);")
                : Invariant($"{layer.Name}ProjectionForward({shortcutSource}, {weights}, ref Unsafe.NullRef<float>(), {shortcut}, batch);"));
        }
        w.WriteLine(Invariant($"{layer.Name}Forward({block}, {shortcut}, {output}, batch);"));
    }

    /// <summary>Puts the shortcut's gradient into dC; the block's gradient stays in <paramref name="current"/>.</summary>
    public static void EmitBackwardCalls(SourceWriter w, LayerPlan layer, string shortcutSource, string current, string weights, string weightGradient)
    {
        ResidualPlan residual = layer.Residual!;
        if (residual.ConvProjection is not null)
        {
            ConvEmitter.EmitClearGradients(w, ConvProjection(layer), weightGradient, "");
            w.WriteLine(Invariant($"{layer.Name}ProjectionBackward({shortcutSource}, {weights}, ref {current}, {weightGradient}, ref Unsafe.NullRef<float>(), ref dC, ref scratch, batch, true);"));
        }
        else if (residual.LinearProjection)
        {
            w.WriteLine(Invariant($"{layer.Name}ProjectionBackwardWeights({shortcutSource}, ref {current}, {weightGradient}, batch);"));
            w.WriteLine(Invariant($"{layer.Name}ProjectionBackwardInput(ref {current}, {weights}, ref dC, batch);"));
        }
        else
        {
            w.WriteLine(Invariant($"MemoryMarshal.CreateReadOnlySpan(ref {current}, batch * {layer.OutputSize}).CopyTo(MemoryMarshal.CreateSpan(ref dC, batch * {layer.OutputSize}));"));
        }
    }
}
