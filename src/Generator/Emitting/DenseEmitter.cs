using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>Kernels of dense and maxout layers: their affine part is one matrix product over the batch.</summary>
internal static class DenseEmitter
{
    public static void EmitKernels(SourceWriter w, LayerPlan layer, bool logitsVariant)
    {
        int k = layer.InputSize, n = layer.LinearSize;
        w.WriteLine(LayerEmitter.Header(layer));
        if (layer.Kind == LayerKind.Dense)
        {
            GemmEmitter.EmitNN(w, layer.Name + "Forward", k, n, BiasMode.PerColumn, layer.Activation, layer.Alpha,
                Invariant($"y[batch, {n}] = {ActivationEmitter.Describe(layer.Activation, layer.Alpha)}(x[batch, {k}] W[{k}, {n}] + b[{n}])."));
            w.WriteLine();
            if (logitsVariant)
            {
                GemmEmitter.EmitNN(w, layer.Name + "ForwardLogits", k, n, BiasMode.PerColumn, ActivationKind.Identity, float.NaN,
                    Invariant($"The same product without the sigmoid: training feeds the logits z[batch, {n}] to the fused sigmoid cross-entropy."));
                w.WriteLine();
            }
            if (layer.Activation != ActivationKind.Identity)
            {
                LayerEmitter.EmitActivationBackward(w, layer, n);
            }
        }
        else
        {
            GemmEmitter.EmitNN(w, layer.Name + "Linear", k, n, BiasMode.PerColumn, ActivationKind.Identity, float.NaN,
                Invariant($"z[batch, {layer.Pieces}, {layer.Units}] = x[batch, {k}] W[{k}, {n}] + b[{n}]."));
            w.WriteLine();
            EmitMaxoutForward(w, layer);
            w.WriteLine();
            EmitMaxoutBackward(w, layer);
            w.WriteLine();
        }
        GemmEmitter.EmitTN(w, layer.Name + "BackwardWeights", k, n, Invariant($"dW[{k}, {n}] = x^T[{k}, batch] dz[batch, {n}]."));
        w.WriteLine();
        GemmEmitter.EmitColumnSums(w, layer.Name + "BackwardBias", n, Invariant($"db[{n}] = column sums of dz[batch, {n}]."));
        w.WriteLine();
        w.WriteLine(Invariant($"// W^T[{n}, {k}] = W[{k}, {n}] transposed into the scratch, so that the input gradient's product runs its vectors"));
        w.WriteLine(Invariant($"// along the {k} inputs instead of as dot products along the {n} outputs (short ones, with a horizontal sum each)."));
        using (w.Block(Invariant($"private static void {layer.Name}TransposeWeights(ref float w, ref float wt)")))
        {
            using (w.Block(Invariant($"for (int i = 0; i < {k}; i++)")))
            {
                w.WriteLine(Invariant($"ref float row = ref Unsafe.Add(ref w, i * {n});"));
                w.WriteLine(Invariant($"for (int j = 0; j < {n}; j++) Unsafe.Add(ref wt, j * {k} + i) = Unsafe.Add(ref row, j);"));
            }
        }
        w.WriteLine();
        GemmEmitter.EmitNN(w, layer.Name + "BackwardInput", n, k, BiasMode.None, ActivationKind.Identity, float.NaN,
            Invariant($"dx[batch, {k}] = dz[batch, {n}] W^T[{n}, {k}]."));
        w.WriteLine();
    }

    public static void EmitForwardCall(SourceWriter w, LayerPlan layer, string source, string output, string weights, string bias, bool logits)
    {
        if (layer.Kind == LayerKind.Maxout)
        {
            string linear = NetworkEmitter.Workspace("ws", layer.LinearWorkspaceOffset);
            w.WriteLine(Invariant($"{layer.Name}Linear({source}, {weights}, {bias}, {linear}, batch);"));
            w.WriteLine(Invariant($"{layer.Name}Forward({linear}, {output}, batch);"));
        }
        else if (logits)
        {
            w.WriteLine(Invariant($"if (logits) {layer.Name}ForwardLogits({source}, {weights}, {bias}, {output}, batch);"));
            w.WriteLine(Invariant($"else {layer.Name}Forward({source}, {weights}, {bias}, {output}, batch);"));
        }
        else
        {
            w.WriteLine(Invariant($"{layer.Name}Forward({source}, {weights}, {bias}, {output}, batch);"));
        }
    }

    /// <summary>Writes the backward calls; <paramref name="dz"/> holds the gradient of the affine output on entry.</summary>
    public static void EmitBackwardCalls(SourceWriter w, LayerPlan layer, string source, string dz, string weights, string weightGradient, string biasGradient, string inputGradient, bool isFirst)
    {
        w.WriteLine(Invariant($"{layer.Name}BackwardWeights({source}, ref {dz}, {weightGradient}, batch);"));
        w.WriteLine(Invariant($"{layer.Name}BackwardBias(ref {dz}, {biasGradient}, batch);"));
        void Calls()
        {
            w.WriteLine(Invariant($"{layer.Name}TransposeWeights({weights}, ref scratch);"));
            w.WriteLine(Invariant($"{layer.Name}BackwardInput(ref {dz}, ref scratch, ref Unsafe.NullRef<float>(), {inputGradient}, batch);"));
        }
        if (isFirst)
        {
            using (w.Block("if (wantInputGradient)"))
            {
                Calls();
            }
        }
        else
        {
            Calls();
        }
    }

    /// <summary>The most maxout pieces written out one statement each (typical maxout layers have 2 to 5).</summary>
    private const int MaxUnrolledPieces = 8;

    private static void EmitMaxoutForward(SourceWriter w, LayerPlan layer)
    {
        int u = layer.Units, p = layer.Pieces;
        w.WriteLine(Invariant($"// y[r, u] = max over the {p} pieces of z[r, piece, u]: piece-major, so each max is over whole vectors."));
        using (w.Block(Invariant($"private static void {layer.Name}Forward(ref float z, ref float y, int batch)")))
        {
            using (w.Block("for (int r = 0; r < batch; r++)"))
            {
                w.WriteLine(Invariant($"ref float zr = ref Unsafe.Add(ref z, r * {u * p});"));
                w.WriteLine(Invariant($"ref float yr = ref Unsafe.Add(ref y, r * {u});"));
                // The pieces one statement each up to MaxUnrolledPieces, else a loop: the code stays the same size however many.
                VectorLoops.EmitElementwise(w, Invariant($"{u}"), v =>
                {
                    w.WriteLine(Invariant($"{v.T} max = {v.Type}.LoadUnsafe(ref zr, (nuint)i);"));
                    EmitPieces(w, p, u, piece => Invariant($"max = {v.Type}.Max(max, {v.Type}.LoadUnsafe(ref zr, (nuint)(i + {piece})));"));
                    w.WriteLine("max.StoreUnsafe(ref yr, (nuint)i);");
                }, () =>
                {
                    w.WriteLine("float max = Unsafe.Add(ref zr, i);");
                    EmitPieces(w, p, u, piece => Invariant($"max = MathF.Max(max, Unsafe.Add(ref zr, i + {piece}));"));
                    w.WriteLine("Unsafe.Add(ref yr, i) = max;");
                });
            }
        }
    }

    /// <summary>The statement for pieces 1 to <paramref name="pieces"/> - 1, given the piece's offset (a literal, or <c>piece * units</c> in a loop).</summary>
    private static void EmitPieces(SourceWriter w, int pieces, int units, System.Func<string, string> statement)
    {
        if (pieces > MaxUnrolledPieces)
        {
            w.WriteLine(Invariant($"for (int piece = 1; piece < {pieces}; piece++) {statement(Invariant($"piece * {units}"))}"));
            return;
        }
        for (int piece = 1; piece < pieces; piece++)
        {
            w.WriteLine(statement(Invariant($"{piece * units}")));
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
