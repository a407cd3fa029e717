using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>Per-layer kernels: the affine products of dense and maxout layers, the maxout reduction, and activation backward passes.</summary>
internal static class LayerEmitter
{
    public static string Header(LayerPlan layer) => layer.Kind switch
    {
        LayerKind.Dense => Invariant($"// Layer {layer.Index}: Dense {layer.InputSize} -> {layer.Units}, {ActivationEmitter.Describe(layer.Activation, layer.Alpha)}; weights [{layer.InputSize}, {layer.Units}] at {layer.WeightOffset}..{layer.BiasOffset}, bias [{layer.Units}] at {layer.BiasOffset}..{layer.BiasOffset + layer.BiasLength}"),
        LayerKind.Maxout => Invariant($"// Layer {layer.Index}: Maxout {layer.InputSize} -> {layer.Units}, {layer.Pieces} pieces; weights [{layer.InputSize}, {layer.Pieces}, {layer.Units}] at {layer.WeightOffset}..{layer.BiasOffset}, bias [{layer.Pieces}, {layer.Units}] at {layer.BiasOffset}..{layer.BiasOffset + layer.BiasLength}"),
        _ => Invariant($"// Layer {layer.Index}: Flatten {Planner.FormatShape(layer.InputShape)} -> {layer.OutputSize} (a reshape: the same buffer, no code)"),
    };

    public static void EmitKernels(SourceWriter w, LayerPlan layer, bool logitsVariant)
    {
        if (layer.Kind == LayerKind.Flatten)
        {
            return;
        }
        w.WriteLine(Header(layer));
        if (layer.Kind == LayerKind.Dense)
        {
            AffineEmitter.EmitForward(w, layer.Name + "Forward", layer.InputSize, layer.Units, layer.Activation, layer.Alpha);
            w.WriteLine();
            if (logitsVariant)
            {
                w.WriteLine("// The same product without the sigmoid: training feeds the logits to the fused sigmoid cross-entropy.");
                AffineEmitter.EmitForward(w, layer.Name + "ForwardLogits", layer.InputSize, layer.Units, ActivationKind.Identity, float.NaN);
                w.WriteLine();
            }
            if (layer.Activation != ActivationKind.Identity)
            {
                EmitActivationBackward(w, layer);
                w.WriteLine();
            }
        }
        else
        {
            AffineEmitter.EmitForward(w, layer.Name + "Linear", layer.InputSize, layer.LinearSize, ActivationKind.Identity, float.NaN);
            w.WriteLine();
            EmitMaxoutForward(w, layer);
            w.WriteLine();
            EmitMaxoutBackward(w, layer);
            w.WriteLine();
        }
        AffineEmitter.EmitWeightGradient(w, layer.Name + "WeightGradient", layer.InputSize, layer.LinearSize);
        w.WriteLine();
        AffineEmitter.EmitInputGradient(w, layer.Name + "InputGradient", layer.InputSize, layer.LinearSize);
        w.WriteLine();
    }

    /// <summary>da becomes dz = da * f'(z) in place, with f' read off the stored output a.</summary>
    private static void EmitActivationBackward(SourceWriter w, LayerPlan layer)
    {
        w.WriteLine(Invariant($"// dz = da * f'(z) over [batch, {layer.Units}], in place; f' of {ActivationEmitter.Describe(layer.Activation, layer.Alpha)} is computed from the output a = f(z)."));
        using (w.Block(Invariant($"private static void {layer.Name}ActivationBackward(ref float a, ref float d, int batch)")))
        {
            w.WriteLine(Invariant($"int count = batch * {layer.Units};"));
            w.WriteLine("int i = 0;");
            using (w.Block("for (; i + 8 <= count; i += 8)"))
            {
                w.WriteLine("Vector256<float> av = Vector256.LoadUnsafe(ref a, (nuint)i);");
                w.WriteLine("Vector256<float> dv = Vector256.LoadUnsafe(ref d, (nuint)i);");
                w.WriteLine(Invariant($"({ActivationEmitter.VectorDerivative(layer.Activation, layer.Alpha, "av", "dv")}).StoreUnsafe(ref d, (nuint)i);"));
            }
            using (w.Block("for (; i < count; i++)"))
            {
                w.WriteLine("float ai = Unsafe.Add(ref a, i);");
                w.WriteLine(Invariant($"Unsafe.Add(ref d, i) = {ActivationEmitter.ScalarDerivative(layer.Activation, layer.Alpha, "ai", "Unsafe.Add(ref d, i)")};"));
            }
        }
    }

    private static void EmitMaxoutForward(SourceWriter w, LayerPlan layer)
    {
        int u = layer.Units, p = layer.Pieces;
        w.WriteLine(Invariant($"// y[r, u] = max over the {p} pieces of z[r, piece, u], z = [batch, {p}, {u}]: piece-major, so each max is over whole vectors."));
        using (w.Block(Invariant($"private static void {layer.Name}Forward(ref float z, ref float y, int batch)")))
        {
            using (w.Block("for (int r = 0; r < batch; r++)"))
            {
                w.WriteLine(Invariant($"ref float zr = ref Unsafe.Add(ref z, r * {u * p});"));
                w.WriteLine(Invariant($"ref float yr = ref Unsafe.Add(ref y, r * {u});"));
                w.WriteLine("int c = 0;");
                using (w.Block(Invariant($"for (; c + 8 <= {u}; c += 8)")))
                {
                    w.WriteLine("Vector256<float> max = Vector256.LoadUnsafe(ref zr, (nuint)c);");
                    for (int piece = 1; piece < p; piece++)
                    {
                        w.WriteLine(Invariant($"max = Vector256.Max(max, Vector256.LoadUnsafe(ref zr, (nuint)(c + {piece * u})));"));
                    }
                    w.WriteLine("max.StoreUnsafe(ref yr, (nuint)c);");
                }
                using (w.Block(Invariant($"for (; c < {u}; c++)")))
                {
                    w.WriteLine("float max = Unsafe.Add(ref zr, c);");
                    for (int piece = 1; piece < p; piece++)
                    {
                        w.WriteLine(Invariant($"max = MathF.Max(max, Unsafe.Add(ref zr, c + {piece * u}));"));
                    }
                    w.WriteLine("Unsafe.Add(ref yr, c) = max;");
                }
            }
        }
    }

    private static void EmitMaxoutBackward(SourceWriter w, LayerPlan layer)
    {
        int u = layer.Units, p = layer.Pieces;
        w.WriteLine("// The gradient flows only to the winning piece (the first one on ties): dz[r, piece, u] = dy[r, u] if piece won, else 0.");
        using (w.Block(Invariant($"private static void {layer.Name}Backward(ref float z, ref float dy, ref float dz, int batch)")))
        {
            using (w.Block("for (int r = 0; r < batch; r++)"))
            {
                w.WriteLine(Invariant($"ref float zr = ref Unsafe.Add(ref z, r * {u * p});"));
                w.WriteLine(Invariant($"ref float dzr = ref Unsafe.Add(ref dz, r * {u * p});"));
                using (w.Block(Invariant($"for (int c = 0; c < {u}; c++)")))
                {
                    w.WriteLine("int best = 0;");
                    w.WriteLine("float max = Unsafe.Add(ref zr, c);");
                    using (w.Block(Invariant($"for (int piece = 1; piece < {p}; piece++)")))
                    {
                        w.WriteLine(Invariant($"float v = Unsafe.Add(ref zr, c + piece * {u});"));
                        using (w.Block("if (v > max)"))
                        {
                            w.WriteLine("max = v;");
                            w.WriteLine("best = piece;");
                        }
                    }
                    w.WriteLine(Invariant($"for (int piece = 0; piece < {p}; piece++) Unsafe.Add(ref dzr, c + piece * {u}) = 0f;"));
                    w.WriteLine(Invariant($"Unsafe.Add(ref dzr, c + best * {u}) = Unsafe.Add(ref dy, r * {u} + c);"));
                }
            }
        }
    }
}
