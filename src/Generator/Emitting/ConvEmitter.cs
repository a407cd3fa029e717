using System.Linq;
using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>
/// Convolution kernels. The general algorithm: per sample, im2col copies the receptive fields into a [patch, pixels]
/// matrix (patch = in channels x kernel rows x kernel columns) and one register-blocked product
/// y[filters, pixels] = W[filters, patch] col[patch, pixels] computes every output, vectorized along the output pixels,
/// with 8 independent FMA chains whatever the kernel shape, stride or dilation. The copy moves patch x pixels floats
/// against filters x patch x pixels multiply-adds, cheap when there are many filters; for stride 1 with output rows of
/// whole vectors the forward pass skips it as a direct convolution (<see cref="DirectConvEmitter"/>), and a 1x1
/// convolution with stride 1 and no padding is already a product over the input as stored.
/// </summary>
internal static class ConvEmitter
{
    public static void EmitKernels(SourceWriter w, LayerPlan layer)
    {
        ConvGeometry g = layer.Geometry!;
        int f = layer.Units, k = g.PatchSize, p = g.OutputPlane;
        BiasMode bias = layer.BiasLength > 0 ? BiasMode.PerRow : BiasMode.None;
        w.WriteLine(LayerEmitter.Header(layer));
        bool pixelMajor = PixelMajorBackward(g);
        if (!g.IsPointwise)
        {
            // im2col serves the im2col forward pass and the channel-major weight gradient; a direct, pixel-major layer uses neither.
            if (!g.DirectForward || !pixelMajor)
            {
                EmitIm2Col(w, layer, g);
            }
            EmitCol2Im(w, layer, g);
        }
        if (g.DirectForward)
        {
            DirectConvEmitter.EmitKernels(w, layer, g);
        }
        else
        {
            GemmEmitter.EmitNN(w, layer.Name + "Product", k, p, bias, layer.Activation, layer.Alpha,
                Invariant($"y[{f}, {p}] = {ActivationEmitter.Describe(layer.Activation, layer.Alpha)}(W[{f}, {k}] col[{k}, {p}]{(bias == BiasMode.None ? "" : Invariant($" + b[{f}]"))}) for one sample; rows are filters."), fixedRows: f);
            w.WriteLine();
        }
        if (pixelMajor)
        {
            EmitIm2Row(w, layer, g);
            GemmEmitter.EmitNN(w, layer.Name + "BackwardWeights", p, k, BiasMode.None, ActivationKind.Identity, float.NaN,
                Invariant($"dW[{f}, {k}] += dy[{f}, {p}] rows[{p}, {k}] for one sample."), fixedRows: f, accumulate: true);
        }
        else
        {
            GemmEmitter.EmitNT(w, layer.Name + "BackwardWeights", k, p, accumulate: true,
                Invariant($"dW[{f}, {k}] += dy[{f}, {p}] col^T[{p}, {k}] for one sample."));
        }
        w.WriteLine();
        GemmEmitter.EmitTN(w, layer.Name + "BackwardColumns", k, p,
            Invariant($"dcol[{k}, {p}] = W^T[{k}, {f}] dy[{f}, {p}] for one sample."));
        w.WriteLine();
        if (layer.Activation != ActivationKind.Identity)
        {
            LayerEmitter.EmitActivationBackward(w, layer, layer.OutputSize);
        }

        if (g.DirectForward)
        {
            DirectConvEmitter.EmitForward(w, layer, g);
        }
        else
        {
            EmitIm2ColForward(w, layer, g);
        }

        if (pixelMajor)
        {
            w.WriteLine(Invariant($"// Backward: {p} output pixels are too few for long vector dot products along them (dW = dy col^T), while"));
            w.WriteLine(Invariant($"// the {k} floats of a patch make long vectors: so dW = dy rows runs along the patch, over rows[pixel, patch]"));
            w.WriteLine("// (im2row, the transposed im2col), each sample's product added into dW and db (which the caller clears first: a");
            w.WriteLine("// batch may come in chunks); the input gradient goes through dcol = W^T dy and col2im, which adds each column");
            w.WriteLine("// back to every input position it was copied from.");
        }
        else
        {
            w.WriteLine("// Backward: weight and bias gradients summed over the batch into dw and db (which the caller clears first: a");
            w.WriteLine("// batch may come in chunks); the input gradient goes through col2im, which adds each column back to every input");
            w.WriteLine("// position it was copied from.");
        }
        w.WriteLine("// Kept out of line: inlined into the backward pass's chunk loop, LeNet-5's training step ran 6% slower (Zen 4, Vector256).");
        w.WriteLine("[MethodImpl(MethodImplOptions.NoInlining)]");
        using (w.Block(Invariant($"private static void {layer.Name}Backward(ref float x, ref float w, ref float dy, ref float dw, ref float db, ref float dx, ref float col, int batch, bool wantInputGradient)")))
        {
            string col = g.IsPointwise ? "xs" : "col";
            if (!g.IsPointwise)
            {
                w.WriteLine(Invariant($"ref float dcol = ref Unsafe.Add(ref col, {k * p});"));
            }
            using (w.Block("for (int s = 0; s < batch; s++)"))
            {
                w.WriteLine(Invariant($"ref float xs = ref Unsafe.Add(ref x, s * {layer.InputSize});"));
                w.WriteLine(Invariant($"ref float dys = ref Unsafe.Add(ref dy, s * {layer.OutputSize});"));
                if (pixelMajor)
                {
                    w.WriteLine(Invariant($"{layer.Name}Im2Row(ref xs, ref col);"));
                    w.WriteLine(Invariant($"{layer.Name}BackwardWeights(ref dys, ref col, ref Unsafe.NullRef<float>(), ref dw, {f});"));
                }
                else
                {
                    if (!g.IsPointwise)
                    {
                        w.WriteLine(Invariant($"{layer.Name}Im2Col(ref xs, ref col);"));
                    }
                    w.WriteLine(Invariant($"{layer.Name}BackwardWeights(ref dys, ref {col}, ref dw, {f});"));
                }
                if (bias != BiasMode.None)
                {
                    using (w.Block(Invariant($"for (int o = 0; o < {f}; o++)")))
                    {
                        w.WriteLine(Invariant($"ref float row = ref Unsafe.Add(ref dys, o * {p});"));
                        EmitRowSum(w, p);
                        w.WriteLine("Unsafe.Add(ref db, o) += sum;");
                    }
                }
                using (w.Block("if (wantInputGradient)"))
                {
                    if (g.IsPointwise)
                    {
                        w.WriteLine(Invariant($"{layer.Name}BackwardColumns(ref w, ref dys, ref Unsafe.Add(ref dx, s * {layer.InputSize}), {f});"));
                    }
                    else
                    {
                        w.WriteLine(Invariant($"{layer.Name}BackwardColumns(ref w, ref dys, ref dcol, {f});"));
                        w.WriteLine(Invariant($"{layer.Name}Col2Im(ref dcol, ref Unsafe.Add(ref dx, s * {layer.InputSize}));"));
                    }
                }
            }
        }
        w.WriteLine();
    }

    private static void EmitIm2ColForward(SourceWriter w, LayerPlan layer, ConvGeometry g)
    {
        string col = g.IsPointwise ? "xs" : "col";
        w.WriteLine(Invariant($"// Forward over the batch, one sample at a time{(g.IsPointwise ? " (1x1: the input is the im2col matrix)" : "")}."));
        using (w.Block(Invariant($"private static void {layer.Name}Forward(ref float x, ref float w, ref float b, ref float y, ref float col, int batch)")))
        using (w.Block("for (int s = 0; s < batch; s++)"))
        {
            w.WriteLine(Invariant($"ref float xs = ref Unsafe.Add(ref x, s * {layer.InputSize});"));
            if (!g.IsPointwise)
            {
                w.WriteLine(Invariant($"{layer.Name}Im2Col(ref xs, ref col);"));
            }
            w.WriteLine(Invariant($"{layer.Name}Product(ref w, ref {col}, ref b, ref Unsafe.Add(ref y, s * {layer.OutputSize}), {layer.Units});"));
        }
        w.WriteLine();
    }

    public static void EmitForwardCall(SourceWriter w, LayerPlan layer, string source, string output, string weights, string bias, string count = "batch") =>
        w.WriteLine(Invariant($"{layer.Name}Forward({source}, {weights}, {bias}, {output}, ref scratch, {count});"));

    /// <summary>Zeroes the weight and bias gradients that the backward kernel sums the samples into.</summary>
    public static void EmitClearGradients(SourceWriter w, LayerPlan layer, string weightGradient, string biasGradient)
    {
        w.WriteLine(Invariant($"MemoryMarshal.CreateSpan({weightGradient}, {layer.WeightLength}).Clear();"));
        if (layer.BiasLength > 0)
        {
            w.WriteLine(Invariant($"MemoryMarshal.CreateSpan({biasGradient}, {layer.BiasLength}).Clear();"));
        }
    }

    public static void EmitBackwardCall(SourceWriter w, LayerPlan layer, string source, string dy, string weights, string weightGradient, string biasGradient, string inputGradient, bool isFirst, string count = "batch") =>
        w.WriteLine(Invariant($"{layer.Name}Backward({source}, {weights}, ref {dy}, {weightGradient}, {biasGradient}, {inputGradient}, ref scratch, {count}, {(isFirst ? "wantInputGradient" : "true")});"));

    private static void EmitIm2Col(SourceWriter w, LayerPlan layer, ConvGeometry g)
    {
        int p = g.OutputPlane;
        w.WriteLine(Invariant($"// col[(c, i, j), (oy, ox)] = x[c, oy*{g.Stride} - {g.PaddingHeight} + i*{g.Dilation}, ox*{g.Stride} - {g.PaddingWidth} + j*{g.Dilation}], zero outside the {g.InChannels}x{g.InHeight}x{g.InWidth} input."));
        if (RowBlendPeriod(g, VectorWidth.V256) > 0 && RowBlendPeriod(g, VectorWidth.V128) > 0)
        {
            EmitIm2ColRowBlend(w, layer, g);
            return;
        }
        if (g.Stride == 1 && g.InWidth + 2 * g.PaddingWidth <= MaxLine)
        {
            EmitIm2ColStride1(w, layer, g);
            return;
        }
        using (w.Block(Invariant($"private static void {layer.Name}Im2Col(ref float x, ref float col)")))
        {
            EmitPatchLoops(w, g, () =>
            {
                w.WriteLine(Invariant($"ref float dst = ref Unsafe.Add(ref row, oy * {g.OutWidth});"));
                using (w.Block(Invariant($"if ((uint)iy >= {g.InHeight})")))
                {
                    w.WriteLine(Invariant($"for (int ox = 0; ox < {g.OutWidth}; ox++) Unsafe.Add(ref dst, ox) = 0f;"));
                    w.WriteLine("continue;");
                }
                w.WriteLine(Invariant($"ref float src = ref Unsafe.Add(ref x, (c * {g.InHeight} + iy) * {g.InWidth});"));
                if (g.Stride == 1)
                {
                    w.WriteLine("// Stride 1: a contiguous run of the input row, with zeros where the window hangs over an edge.");
                    EmitValidRange(w, g);
                    w.WriteLine("int o = 0;");
                    w.WriteLine("for (; o < lo; o++) Unsafe.Add(ref dst, o) = 0f;");
                    GemmEmitter.EmitNarrowWidths(w, v =>
                        w.WriteLine(Invariant($"for (; o + {v.Lanes} <= hi; o += {v.Lanes}) {v.Type}.LoadUnsafe(ref src, (nuint)(o + shift)).StoreUnsafe(ref dst, (nuint)o);")));
                    w.WriteLine("for (; o < hi; o++) Unsafe.Add(ref dst, o) = Unsafe.Add(ref src, o + shift);");
                    w.WriteLine(Invariant($"for (; o < {g.OutWidth}; o++) Unsafe.Add(ref dst, o) = 0f;"));
                }
                else
                {
                    using (w.Block(Invariant($"for (int ox = 0; ox < {g.OutWidth}; ox++)")))
                    {
                        w.WriteLine(Invariant($"int ix = ox * {g.Stride} - {g.PaddingWidth} + j * {g.Dilation};"));
                        w.WriteLine(Invariant($"Unsafe.Add(ref dst, ox) = (uint)ix < {g.InWidth} ? Unsafe.Add(ref src, ix) : 0f;"));
                    }
                }
            });
        }
        w.WriteLine();
    }

    /// <summary>
    /// The pixels of one period of the whole-row im2col (<see cref="EmitIm2ColRowBlend"/>): lcm(output width, lanes), 0 when
    /// that im2col does not apply (stride not 1, padding, output rows narrower than a vector) or its period would unroll more
    /// than <see cref="MaxBlendVectors"/> vectors (an output width with few factors of 2), so that the emitted code stays
    /// bounded whatever the layer's size.
    /// </summary>
    private static int RowBlendPeriod(ConvGeometry g, VectorWidth v)
    {
        if (g.Stride != 1 || g.HasPadding || g.OutWidth < v.Lanes)
        {
            return 0;
        }
        int period = g.OutWidth / Gcd(g.OutWidth, v.Lanes) * v.Lanes;
        return period / v.Lanes <= MaxBlendVectors ? period : 0;
    }

    private const int MaxBlendVectors = 8;

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    /// <summary>
    /// im2col for stride 1 without padding, written as whole vectors of each patch row: without padding, patch row (c, i, j)
    /// is input plane c read from (i*dilation, j*dilation) on, output row after output row, so its pixel q is
    /// x[base + q + (inWidth - outWidth) * (q / outWidth)]. A vector of pixels spans at most two output rows (rows of at
    /// least one vector): it is one load, or two loads, the second shifted by the input columns between two output rows, and
    /// a blend. The shapes repeat every lcm(outWidth, lanes) pixels, so one period is unrolled with constant offsets and
    /// blend masks. Against copying each output row's run of outWidth floats (whose last vector overlaps and whose
    /// stores straddle cache lines), it stores each patch row once, in whole vectors.
    /// </summary>
    private static void EmitIm2ColRowBlend(SourceWriter w, LayerPlan layer, ConvGeometry g)
    {
        int p = g.OutputPlane, gap = g.InWidth - g.OutWidth;
        w.WriteLine(Invariant($"// Stride 1, no padding: patch row (c, i, j) is plane c from (i*{g.Dilation}, j*{g.Dilation}) on, {g.OutHeight} runs of {g.OutWidth} floats {g.InWidth} apart: pixel q at"));
        w.WriteLine(Invariant($"// x[c, i*{g.Dilation}, j*{g.Dilation}] + q + {gap} * (q / {g.OutWidth}). Each vector of pixels spans at most two output rows: one load, or two (the"));
        w.WriteLine(Invariant($"// second {gap} floats further on) and a blend. The pattern repeats every lcm({g.OutWidth}, lanes) pixels; the row is stored in whole vectors"));
        w.WriteLine("// (the last one overlapping the one before) instead of a run per output row.");
        using (w.Block(Invariant($"private static void {layer.Name}Im2Col(ref float x, ref float col)")))
        {
            GemmEmitter.EmitNarrowWidths(w, v =>
            {
                int period = RowBlendPeriod(g, v), periods = p / period;
                // The vector starts of a patch row: whole periods (in a loop), then whole vectors, then one ending at the last pixel.
                var tail = new System.Collections.Generic.List<int>();
                for (int q = periods * period; q + v.Lanes <= p; q += v.Lanes)
                {
                    tail.Add(q);
                }
                if (p % v.Lanes != 0)
                {
                    tail.Add(p - v.Lanes);
                }
                var splits = new System.Collections.Generic.SortedSet<int>();
                foreach (int q in System.Linq.Enumerable.Range(0, period / v.Lanes).Select(t => t * v.Lanes).Concat(tail))
                {
                    int split = (q / g.OutWidth + 1) * g.OutWidth - q;
                    if (split < v.Lanes)
                    {
                        splits.Add(split);
                    }
                }
                foreach (int split in splits)
                {
                    string lanes = string.Join(", ", System.Linq.Enumerable.Range(0, v.Lanes).Select(l => l < split ? "0" : "-1"));
                    w.WriteLine(Invariant($"{v.T} nextRow{split} = {v.Type}.Create({lanes}).AsSingle(); // lanes {split} on: the next output row"));
                }
                using (w.Block(Invariant($"for (int c = 0; c < {g.InChannels}; c++)")))
                using (w.Block(Invariant($"for (int i = 0; i < {g.KernelHeight}; i++)")))
                using (w.Block(Invariant($"for (int j = 0; j < {g.KernelWidth}; j++)")))
                {
                    w.WriteLine(Invariant($"ref float src = ref Unsafe.Add(ref x, c * {g.InputPlane} + i * {g.Dilation * g.InWidth} + j * {g.Dilation});"));
                    w.WriteLine(Invariant($"ref float dst = ref Unsafe.Add(ref col, ((c * {g.KernelHeight} + i) * {g.KernelWidth} + j) * {p});"));
                    void Vector(string from, string to, int q)
                    {
                        int row = q / g.OutWidth, split = (row + 1) * g.OutWidth - q, offset = q + gap * row;
                        string value = split >= v.Lanes
                            ? Invariant($"{v.Type}.LoadUnsafe(ref {from}, {offset})")
                            : Invariant($"{v.Type}.ConditionalSelect(nextRow{split}, {v.Type}.LoadUnsafe(ref {from}, {offset + gap}), {v.Type}.LoadUnsafe(ref {from}, {offset}))");
                        w.WriteLine(Invariant($"{value}.StoreUnsafe(ref {to}, {q}); // pixels {q}..{q + v.Lanes - 1}"));
                    }
                    if (periods > 0)
                    {
                        using (w.Block(Invariant($"for (int t = 0; t < {periods}; t++)")))
                        {
                            w.WriteLine(Invariant($"ref float from = ref Unsafe.Add(ref src, t * {period / g.OutWidth * g.InWidth}); // {period / g.OutWidth} output rows per period"));
                            w.WriteLine(Invariant($"ref float to = ref Unsafe.Add(ref dst, t * {period});"));
                            for (int q = 0; q < period; q += v.Lanes)
                            {
                                Vector("from", "to", q);
                            }
                        }
                    }
                    foreach (int q in tail)
                    {
                        Vector("src", "dst", q);
                    }
                }
            });
        }
        w.WriteLine();
    }

    // Widest padded input row the stride-1 im2col keeps on the stack.
    private const int MaxLine = 2048;

    private static void EmitIm2ColStride1(SourceWriter w, LayerPlan layer, ConvGeometry g)
    {
        int p = g.OutputPlane, line = g.InWidth + 2 * g.PaddingWidth;
        w.WriteLine(Invariant($"// Stride 1: in output row oy, patch row (c, i, j) is input row iy = oy - {g.PaddingHeight} + i*{g.Dilation} from column j*{g.Dilation} - {g.PaddingWidth} on, a contiguous"));
        w.WriteLine(Invariant($"// run of {g.OutWidth} floats{(g.PaddingWidth > 0 ? Invariant($" of the row padded with {g.PaddingWidth} zeros each side: one padded copy of the row serves all {g.KernelWidth} kernel columns") : "")}, copied as"));
        w.WriteLine("// whole vectors (the last one overlapping the one before) instead of per-pixel bounds checks.");
        using (w.Block(Invariant($"private static void {layer.Name}Im2Col(ref float x, ref float col)")))
        {
            if (g.PaddingWidth > 0)
            {
                w.WriteLine(Invariant($"Span<float> padded = stackalloc float[{line}];"));
                w.WriteLine("padded.Clear(); // the padding stays zero; only the middle is rewritten per row");
                w.WriteLine("ref float line = ref MemoryMarshal.GetReference(padded);");
            }
            using (w.Block(Invariant($"for (int c = 0; c < {g.InChannels}; c++)")))
            using (w.Block(Invariant($"for (int i = 0; i < {g.KernelHeight}; i++)")))
            {
                w.WriteLine(Invariant($"ref float rows = ref Unsafe.Add(ref col, (c * {g.KernelHeight} + i) * {g.KernelWidth * p});"));
                using (w.Block(Invariant($"for (int oy = 0; oy < {g.OutHeight}; oy++)")))
                {
                    w.WriteLine(Invariant($"int iy = oy - {g.PaddingHeight} + i * {g.Dilation};"));
                    w.WriteLine(Invariant($"ref float dst = ref Unsafe.Add(ref rows, oy * {g.OutWidth});"));
                    using (w.Block(Invariant($"if ((uint)iy >= {g.InHeight})")))
                    {
                        w.WriteLine(Invariant($"for (int j = 0; j < {g.KernelWidth}; j++) MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dst, j * {p}), {g.OutWidth}).Clear();"));
                        w.WriteLine("continue;");
                    }
                    w.WriteLine(Invariant($"ref float src = ref Unsafe.Add(ref x, (c * {g.InHeight} + iy) * {g.InWidth});"));
                    if (g.PaddingWidth > 0)
                    {
                        EmitVectorCopy(w, "src", "0", Invariant($"Unsafe.Add(ref line, {g.PaddingWidth})"), g.InWidth);
                    }
                    using (w.Block(Invariant($"for (int j = 0; j < {g.KernelWidth}; j++)")))
                    {
                        EmitVectorCopy(w, g.PaddingWidth > 0 ? "line" : "src", Invariant($"j * {g.Dilation}"), Invariant($"Unsafe.Add(ref dst, j * {p})"), g.OutWidth);
                    }
                }
            }
        }
        w.WriteLine();
    }

    /// <summary>Copies <paramref name="length"/> floats from source + offset: whole vectors, the last one overlapping.</summary>
    internal static void EmitVectorCopy(SourceWriter w, string source, string offset, string target, int length)
    {
        if (length < 8)
        {
            w.WriteLine(Invariant($"for (int t = 0; t < {length}; t++) Unsafe.Add(ref {target}, t) = Unsafe.Add(ref {source}, {offset} + t);"));
            return;
        }
        using (w.OpenBlock())
        {
            w.WriteLine(Invariant($"ref float from = ref Unsafe.Add(ref {source}, {offset});"));
            w.WriteLine(Invariant($"ref float to = ref {target};"));
            GemmEmitter.EmitNarrowWidths(w, v =>
            {
                var starts = GemmEmitter.OverlappingStarts(length, v.Lanes);
                if (starts.Count <= 8)
                {
                    foreach (int t in starts)
                    {
                        w.WriteLine(Invariant($"{v.Type}.LoadUnsafe(ref from, {t}).StoreUnsafe(ref to, {t});"));
                    }
                }
                else
                {
                    w.WriteLine(Invariant($"for (nuint t = 0; t < {length / v.Lanes * v.Lanes}; t += {v.Lanes}) {v.Type}.LoadUnsafe(ref from, t).StoreUnsafe(ref to, t);"));
                    if (length % v.Lanes != 0)
                    {
                        w.WriteLine(Invariant($"{v.Type}.LoadUnsafe(ref from, {length - v.Lanes}).StoreUnsafe(ref to, {length - v.Lanes});"));
                    }
                }
            });
        }
    }

    private static void EmitCol2Im(SourceWriter w, LayerPlan layer, ConvGeometry g)
    {
        if (g.GatherCol2Im)
        {
            EmitGatherCol2Im(w, layer, g);
            return;
        }
        w.WriteLine("// The adjoint of im2col: dx[c, iy, ix] = sum of dcol over every (patch row, pixel) that copied x[c, iy, ix].");
        using (w.Block(Invariant($"private static void {layer.Name}Col2Im(ref float col, ref float x)")))
        {
            w.WriteLine(Invariant($"MemoryMarshal.CreateSpan(ref x, {layer.InputSize}).Clear();"));
            EmitPatchLoops(w, g, () =>
            {
                w.WriteLine(Invariant($"if ((uint)iy >= {g.InHeight}) continue;"));
                w.WriteLine(Invariant($"ref float src = ref Unsafe.Add(ref row, oy * {g.OutWidth});"));
                w.WriteLine(Invariant($"ref float dst = ref Unsafe.Add(ref x, (c * {g.InHeight} + iy) * {g.InWidth});"));
                if (g.Stride == 1)
                {
                    EmitValidRange(w, g);
                    w.WriteLine("int ox = lo;");
                    GemmEmitter.EmitNarrowWidths(w, v =>
                    {
                        using (w.Block(Invariant($"for (; ox + {v.Lanes} <= hi; ox += {v.Lanes})")))
                        {
                            w.WriteLine("ref float target = ref Unsafe.Add(ref dst, ox + shift);");
                            w.WriteLine(Invariant($"({v.Type}.LoadUnsafe(ref target) + {v.Type}.LoadUnsafe(ref src, (nuint)ox)).StoreUnsafe(ref target);"));
                        }
                    });
                    w.WriteLine("for (; ox < hi; ox++) Unsafe.Add(ref dst, ox + shift) += Unsafe.Add(ref src, ox);");
                }
                else
                {
                    using (w.Block(Invariant($"for (int ox = 0; ox < {g.OutWidth}; ox++)")))
                    {
                        w.WriteLine(Invariant($"int ix = ox * {g.Stride} - {g.PaddingWidth} + j * {g.Dilation};"));
                        w.WriteLine(Invariant($"if ((uint)ix < {g.InWidth}) Unsafe.Add(ref dst, ix) += Unsafe.Add(ref src, ox);"));
                    }
                }
            });
        }
        w.WriteLine();
    }

    /// <summary>
    /// Stride-1 col2im as a gather: each input row's gradient is summed in registers over the taps that read it and
    /// stored once, instead of every dcol row being added into memory. A tap (i, j) reaches input column ix from output
    /// column ix + padding - j*dilation; a whole-vector load of the dcol row shifted by that amount is masked to the
    /// columns inside the output row (the other lanes come from neighbouring rows). The taps run in the scatter's
    /// order, so the sums are the same.
    /// </summary>
    private static void EmitGatherCol2Im(SourceWriter w, LayerPlan layer, ConvGeometry g)
    {
        int p = g.OutputPlane;
        string oy = Shifted("iy", g.PaddingHeight, "i", g.Dilation), ox = Shifted("ix", g.PaddingWidth, "j", g.Dilation);
        w.WriteLine(Invariant($"// The adjoint of im2col: dx[c, iy, ix] = sum over the taps (i, j) of dcol[(c, i, j), {oy}, {ox}] inside the"));
        w.WriteLine(Invariant($"// {g.OutHeight}x{g.OutWidth} output: each dx row summed in registers from masked loads of the shifted dcol rows, stored once."));
        using (w.Block(Invariant($"private static void {layer.Name}Col2Im(ref float col, ref float x)")))
        {
            System.Action<System.Action<VectorWidth>> widths = g.InWidth >= VectorWidth.V512.Lanes ? body => GemmEmitter.EmitWidths(w, body) : body => GemmEmitter.EmitNarrowWidths(w, body);
            widths(v =>
            {
                var starts = GemmEmitter.OverlappingStarts(g.InWidth, v.Lanes);
                // Lanes [lo, hi) of the vector at input column start are inside the output row for kernel column j.
                (int Lo, int Hi) Reach(int start, int j) =>
                    (System.Math.Max(0, j * g.Dilation - g.PaddingWidth - start), System.Math.Min(v.Lanes, g.OutWidth + j * g.Dilation - g.PaddingWidth - start));
                bool declaredLanes = false;
                for (int u = 0; u < starts.Count; u++)
                {
                    for (int j = 0; j < g.KernelWidth; j++)
                    {
                        var (lo, hi) = Reach(starts[u], j);
                        if (lo < hi && (lo > 0 || hi < v.Lanes))
                        {
                            if (!declaredLanes)
                            {
                                w.WriteLine(Invariant($"{v.T} lanes = {v.Indices};"));
                                declaredLanes = true;
                            }
                            string from = Invariant($"{v.Type}.GreaterThanOrEqual(lanes, {v.Type}.Create({lo}f))"), to = Invariant($"{v.Type}.LessThan(lanes, {v.Type}.Create({hi}f))");
                            w.WriteLine(Invariant($"{v.T} mask{u}_{j} = {(lo == 0 ? to : hi == v.Lanes ? from : from + " & " + to)}; // lanes {lo} to {hi - 1}"));
                        }
                    }
                }
                using (w.Block(Invariant($"for (int c = 0; c < {g.InChannels}; c++)")))
                using (w.Block(Invariant($"for (int iy = 0; iy < {g.InHeight}; iy++)")))
                {
                    for (int u = 0; u < starts.Count; u++)
                    {
                        w.WriteLine(Invariant($"{v.T} acc{u} = {v.T}.Zero;"));
                    }
                    using (w.Block(Invariant($"for (int i = 0; i < {g.KernelHeight}; i++)")))
                    {
                        w.WriteLine(Invariant($"int oy = {oy};"));
                        w.WriteLine(Invariant($"if ((uint)oy >= {g.OutHeight}) continue;"));
                        w.WriteLine(Invariant($"ref float rows = ref Unsafe.Add(ref col, (c * {g.KernelHeight} + i) * {g.KernelWidth * p} + oy * {g.OutWidth});"));
                        for (int j = 0; j < g.KernelWidth; j++)
                        {
                            for (int u = 0; u < starts.Count; u++)
                            {
                                var (lo, hi) = Reach(starts[u], j);
                                if (lo >= hi)
                                {
                                    continue; // the tap reaches none of these columns
                                }
                                string load = Invariant($"{v.Type}.LoadUnsafe(ref Unsafe.Add(ref rows, {j * p + starts[u] + g.PaddingWidth - j * g.Dilation}))");
                                w.WriteLine(Invariant($"acc{u} += {load}{(lo > 0 || hi < v.Lanes ? Invariant($" & mask{u}_{j}") : "")};"));
                            }
                        }
                    }
                    w.WriteLine(Invariant($"ref float target = ref Unsafe.Add(ref x, (c * {g.InHeight} + iy) * {g.InWidth});"));
                    for (int u = 0; u < starts.Count; u++)
                    {
                        w.WriteLine(Invariant($"acc{u}.StoreUnsafe(ref target, {starts[u]});"));
                    }
                }
            });
        }
        w.WriteLine();
    }

    /// <summary>"iy + 2 - i * 2", without the terms that are 0 or the factors that are 1.</summary>
    private static string Shifted(string index, int padding, string tap, int dilation) =>
        index + (padding > 0 ? Invariant($" + {padding}") : "") + " - " + tap + (dilation > 1 ? Invariant($" * {dilation}") : "");

    /// <summary>
    /// Whether the backward pass runs pixel-major (products vectorized along the patch) rather than channel-major (dot
    /// products along the output pixels): when the output plane is small, so the dot products would be short, and the
    /// patch holds at least two vectors.
    /// </summary>
    private static bool PixelMajorBackward(ConvGeometry g) =>
        !g.IsPointwise && g.OutputPlane < 256 && g.PatchSize >= 16;

    private static void EmitIm2Row(SourceWriter w, LayerPlan layer, ConvGeometry g)
    {
        if (!g.HasPadding && g.Dilation == 1 && g.KernelWidth >= 4 && g.KernelWidth <= 8)
        {
            EmitInsideIm2Row(w, layer, g);
            return;
        }
        w.WriteLine(Invariant($"// rows[(oy, ox), (c, i, j)] = x[c, oy*{g.Stride} - {g.PaddingHeight} + i*{g.Dilation}, ox*{g.Stride} - {g.PaddingWidth} + j*{g.Dilation}], zero outside the input:"));
        w.WriteLine("// each output pixel's receptive field as one contiguous row (the transpose of im2col).");
        using (w.Block(Invariant($"private static void {layer.Name}Im2Row(ref float x, ref float rows)")))
        {
            EmitPixelLoops(w, g, "rows", () =>
            {
                using (w.Block(Invariant($"if ((uint)iy >= {g.InHeight})")))
                {
                    w.WriteLine(Invariant($"for (int j = 0; j < {g.KernelWidth}; j++) Unsafe.Add(ref segment, j) = 0f;"));
                    w.WriteLine("continue;");
                }
                w.WriteLine(Invariant($"ref float src = ref Unsafe.Add(ref x, (c * {g.InHeight} + iy) * {g.InWidth});"));
                using (w.Block(Invariant($"if (ix0 >= 0 && ix0 + {(g.KernelWidth - 1) * g.Dilation} < {g.InWidth})")))
                {
                    w.WriteLine("// The whole kernel row is inside the input (the common case): straight-line copies, no per-tap check.");
                    if (g.Dilation == 1 && g.KernelWidth >= 4 && g.KernelWidth <= 8)
                    {
                        w.WriteLine(Invariant($"Vector128.LoadUnsafe(ref src, (nuint)ix0).StoreUnsafe(ref segment);{(g.KernelWidth > 4 ? " // and the last 4, overlapping" : "")}"));
                        if (g.KernelWidth > 4)
                        {
                            w.WriteLine(Invariant($"Vector128.LoadUnsafe(ref src, (nuint)(ix0 + {g.KernelWidth - 4})).StoreUnsafe(ref segment, {g.KernelWidth - 4});"));
                        }
                    }
                    else if (g.KernelWidth <= 8)
                    {
                        for (int j = 0; j < g.KernelWidth; j++)
                        {
                            w.WriteLine(Invariant($"Unsafe.Add(ref segment, {j}) = Unsafe.Add(ref src, ix0 + {j * g.Dilation});"));
                        }
                    }
                    else
                    {
                        w.WriteLine(Invariant($"for (int j = 0; j < {g.KernelWidth}; j++) Unsafe.Add(ref segment, j) = Unsafe.Add(ref src, ix0 + j * {g.Dilation});"));
                    }
                    w.WriteLine("continue;");
                }
                using (w.Block(Invariant($"for (int j = 0; j < {g.KernelWidth}; j++)")))
                {
                    w.WriteLine(Invariant($"int ix = ix0 + j * {g.Dilation};"));
                    w.WriteLine(Invariant($"Unsafe.Add(ref segment, j) = (uint)ix < {g.InWidth} ? Unsafe.Add(ref src, ix) : 0f;"));
                }
            });
        }
        w.WriteLine();
    }

    /// <summary>
    /// im2row without padding, dilation 1 and kernel rows of 4 to 8 floats: every window lies inside the input, so each
    /// kernel row is one copy without bounds checks. With Vector256 a row is one 8-float vector whose surplus spills into
    /// the next segment of the pixel's row, which the next copy overwrites; the pixel's last segment is copied exactly (two
    /// overlapping 4-float vectors), so nothing spills past the pixel's row. A spilling load reads at most 8 - kernel width
    /// floats past its kernel row, inside the input: the kernel row below it (or the next channel's) is still to come.
    /// </summary>
    private static void EmitInsideIm2Row(SourceWriter w, LayerPlan layer, ConvGeometry g)
    {
        int kh = g.KernelHeight, kw = g.KernelWidth, plane = g.InputPlane;
        w.WriteLine(Invariant($"// rows[(oy, ox), (c, i, j)] = x[c, oy*{g.Stride} + i, ox*{g.Stride} + j]: each output pixel's receptive field as one contiguous row (the"));
        w.WriteLine(Invariant($"// transpose of im2col). Without padding each {kw}-float kernel row is a plain copy; with Vector256, one 8-float vector whose"));
        w.WriteLine(Invariant($"// last {8 - kw} floats the next copy overwrites (the pixel's last kernel row goes exactly, as two overlapping 4-float vectors)."));
        using (w.Block(Invariant($"private static void {layer.Name}Im2Row(ref float x, ref float rows)")))
        using (w.Block(Invariant($"for (int oy = 0; oy < {g.OutHeight}; oy++)")))
        using (w.Block(Invariant($"for (int ox = 0; ox < {g.OutWidth}; ox++)")))
        {
            w.WriteLine(Invariant($"ref float pixel = ref Unsafe.Add(ref rows, (oy * {g.OutWidth} + ox) * {g.PatchSize});"));
            w.WriteLine(Invariant($"ref float window = ref Unsafe.Add(ref x, oy * {g.Stride * g.InWidth} + ox * {g.Stride});"));
            void Exact(string source, int from, int to)
            {
                w.WriteLine(Invariant($"Vector128.LoadUnsafe(ref {source}, {from}).StoreUnsafe(ref pixel, {to});"));
                if (kw > 4)
                {
                    w.WriteLine(Invariant($"Vector128.LoadUnsafe(ref {source}, {from + kw - 4}).StoreUnsafe(ref pixel, {to + kw - 4});"));
                }
            }
            using (w.Block("if (Vector256.IsHardwareAccelerated)"))
            {
                if (g.InChannels > 1)
                {
                    using (w.Block(Invariant($"for (int c = 0; c < {g.InChannels - 1}; c++)")))
                    {
                        w.WriteLine(Invariant($"ref float src = ref Unsafe.Add(ref window, c * {plane});"));
                        for (int i = 0; i < kh; i++)
                        {
                            w.WriteLine(Invariant($"Vector256.LoadUnsafe(ref src, {i * g.InWidth}).StoreUnsafe(ref pixel, (nuint)(c * {kh * kw} + {i * kw}));"));
                        }
                    }
                }
                w.WriteLine(Invariant($"ref float lastPlane = ref Unsafe.Add(ref window, {(g.InChannels - 1) * plane});"));
                for (int i = 0; i < kh; i++)
                {
                    int to = (g.InChannels - 1) * kh * kw + i * kw;
                    if (i == kh - 1)
                    {
                        Exact("lastPlane", i * g.InWidth, to);
                    }
                    else
                    {
                        w.WriteLine(Invariant($"Vector256.LoadUnsafe(ref lastPlane, {i * g.InWidth}).StoreUnsafe(ref pixel, {to});"));
                    }
                }
            }
            using (w.Block("else"))
            using (w.Block(Invariant($"for (int c = 0; c < {g.InChannels}; c++)")))
            {
                w.WriteLine(Invariant($"ref float src = ref Unsafe.Add(ref window, c * {plane});"));
                w.WriteLine(Invariant($"ref float segments = ref Unsafe.Add(ref pixel, c * {kh * kw});"));
                for (int i = 0; i < kh; i++)
                {
                    w.WriteLine(Invariant($"Vector128.LoadUnsafe(ref src, {i * g.InWidth}).StoreUnsafe(ref segments, {i * kw});"));
                    if (kw > 4)
                    {
                        w.WriteLine(Invariant($"Vector128.LoadUnsafe(ref src, {i * g.InWidth + kw - 4}).StoreUnsafe(ref segments, {i * kw + kw - 4});"));
                    }
                }
            }
        }
        w.WriteLine();
    }

    /// <summary>Loops over output pixels and (channel, kernel row); the body sees iy, ix0 (the kernel row's first column) and segment.</summary>
    private static void EmitPixelLoops(SourceWriter w, ConvGeometry g, string matrix, System.Action emitSegment)
    {
        using (w.Block(Invariant($"for (int oy = 0; oy < {g.OutHeight}; oy++)")))
        using (w.Block(Invariant($"for (int ox = 0; ox < {g.OutWidth}; ox++)")))
        {
            w.WriteLine(Invariant($"ref float pixel = ref Unsafe.Add(ref {matrix}, (oy * {g.OutWidth} + ox) * {g.PatchSize});"));
            w.WriteLine(Invariant($"int ix0 = ox * {g.Stride} - {g.PaddingWidth};"));
            using (w.Block(Invariant($"for (int c = 0; c < {g.InChannels}; c++)")))
            using (w.Block(Invariant($"for (int i = 0; i < {g.KernelHeight}; i++)")))
            {
                w.WriteLine(Invariant($"int iy = oy * {g.Stride} - {g.PaddingHeight} + i * {g.Dilation};"));
                w.WriteLine(Invariant($"ref float segment = ref Unsafe.Add(ref pixel, (c * {g.KernelHeight} + i) * {g.KernelWidth});"));
                emitSegment();
            }
        }
    }

    /// <summary>float sum = the p floats from row; two vector accumulators, as one add chain would wait on its latency.</summary>
    private static void EmitRowSum(SourceWriter w, int p)
    {
        w.WriteLine("float sum;");
        GemmEmitter.EmitNarrowWidths(w, v =>
        {
            int pairs = p / (2 * v.Lanes) * (2 * v.Lanes), vectors = p / v.Lanes * v.Lanes;
            w.WriteLine(Invariant($"{v.T} acc0 = {v.T}.Zero, acc1 = {v.T}.Zero;"));
            if (pairs > 0)
            {
                using (w.Block(Invariant($"for (int i = 0; i < {pairs}; i += {2 * v.Lanes})")))
                {
                    w.WriteLine(Invariant($"acc0 += {v.Type}.LoadUnsafe(ref row, (nuint)i);"));
                    w.WriteLine(Invariant($"acc1 += {v.Type}.LoadUnsafe(ref row, (nuint)(i + {v.Lanes}));"));
                }
            }
            if (vectors > pairs)
            {
                w.WriteLine(Invariant($"acc0 += {v.Type}.LoadUnsafe(ref row, {pairs});"));
            }
            w.WriteLine(Invariant($"sum = {v.Type}.Sum(acc0 + acc1);"));
            if (vectors < p)
            {
                w.WriteLine(Invariant($"for (int i = {vectors}; i < {p}; i++) sum += Unsafe.Add(ref row, i);"));
            }
        });
    }

    /// <summary>Stride 1: output columns [lo, hi) read input column ox + shift; the rest of the window is padding.</summary>
    private static void EmitValidRange(SourceWriter w, ConvGeometry g)
    {
        w.WriteLine(Invariant($"int shift = j * {g.Dilation} - {g.PaddingWidth};"));
        // Both ends clamped to the row: padding can be wider than the output (a 2-wide input padded by 3).
        w.WriteLine(Invariant($"int lo = Math.Min({g.OutWidth}, Math.Max(0, -shift)), hi = Math.Max(lo, Math.Min({g.OutWidth}, {g.InWidth} - shift));"));
    }

    private static void EmitPatchLoops(SourceWriter w, ConvGeometry g, System.Action emitRow)
    {
        using (w.Block(Invariant($"for (int c = 0; c < {g.InChannels}; c++)")))
        using (w.Block(Invariant($"for (int i = 0; i < {g.KernelHeight}; i++)")))
        using (w.Block(Invariant($"for (int j = 0; j < {g.KernelWidth}; j++)")))
        {
            w.WriteLine(Invariant($"ref float row = ref Unsafe.Add(ref col, ((c * {g.KernelHeight} + i) * {g.KernelWidth} + j) * {g.OutputPlane});"));
            using (w.Block(Invariant($"for (int oy = 0; oy < {g.OutHeight}; oy++)")))
            {
                w.WriteLine(Invariant($"int iy = oy * {g.Stride} - {g.PaddingHeight} + i * {g.Dilation};"));
                emitRow();
            }
        }
    }
}
