using System.Linq;
using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>Max, average and global average pooling: per channel, per window; no parameters.</summary>
internal static class PoolEmitter
{
    public static void EmitKernels(SourceWriter w, LayerPlan layer)
    {
        ConvGeometry g = layer.Geometry!;
        w.WriteLine(LayerEmitter.Header(layer));
        switch (layer.Kind)
        {
            case LayerKind.MaxPool2D:
                EmitMaxPool(w, layer, g);
                break;
            case LayerKind.AvgPool2D:
                EmitAvgPool(w, layer, g);
                break;
            default:
                EmitGlobalAvgPool(w, layer, g);
                break;
        }
    }

    public static void EmitForwardCall(SourceWriter w, LayerPlan layer, string source, string output, string count) =>
        w.WriteLine(Invariant($"{layer.Name}Forward({source}, {output}, {count});"));

    public static void EmitBackwardCall(SourceWriter w, LayerPlan layer, string source, string output, string dy, string inputGradient, bool isFirst, string count)
    {
        string guard = isFirst ? "if (wantInputGradient) " : "";
        w.WriteLine(layer.Kind == LayerKind.MaxPool2D
            ? Invariant($"{guard}{layer.Name}Backward({source}, {output}, ref {dy}, {inputGradient}, {count});")
            : Invariant($"{guard}{layer.Name}Backward(ref {dy}, {inputGradient}, {count});"));
    }

    private static void EmitMaxPool(SourceWriter w, LayerPlan layer, ConvGeometry g)
    {
        w.WriteLine(Invariant($"// y[c, oy, ox] = max over i, j < {g.KernelHeight} of x[c, oy*{g.Stride} + i, ox*{g.Stride} + j]."));
        if (g.KernelHeight == 2 && g.KernelWidth == 2 && g.Stride == 2 && g.PaddingHeight == 0 && g.PaddingWidth == 0 && g.OutWidth >= 4)
        {
            EmitMaxPool2x2Forward(w, layer, g);
        }
        else
        {
            EmitMaxPoolForward(w, layer, g);
        }
        w.WriteLine();
        w.WriteLine("// The gradient of each output goes to the input that won its window (the first one on ties, as in the forward max).");
        if (g.KernelHeight == 2 && g.KernelWidth == 2 && g.Stride == 2 && g.PaddingHeight == 0 && g.PaddingWidth == 0 && g.OutWidth >= 4)
        {
            EmitMaxPool2x2Backward(w, layer, g);
            w.WriteLine();
            return;
        }
        using (w.Block(Invariant($"private static void {layer.Name}Backward(ref float x, ref float y, ref float dy, ref float dx, int batch)")))
        {
            w.WriteLine(Invariant($"MemoryMarshal.CreateSpan(ref dx, batch * {layer.InputSize}).Clear();"));
            EmitWindowLoops(w, layer, g, () =>
            {
                w.WriteLine(Invariant($"float max = Unsafe.Add(ref yc, oy * {g.OutWidth} + ox);"));
                w.WriteLine(Invariant($"ref float dxc = ref Unsafe.Add(ref dx, s * {layer.InputSize} + c * {g.InputPlane});"));
                int taps = g.KernelHeight * g.KernelWidth;
                if (taps <= 9)
                {
                    w.WriteLine("// One vector compare gives a bit per tap that equals the max, and the lowest set bit is the first winner: no");
                    w.WriteLine("// branch per tap to mispredict (which tap wins is random in real data).");
                    var tapValues = new System.Collections.Generic.List<string>();
                    for (int i = 0; i < g.KernelHeight; i++)
                    {
                        for (int j = 0; j < g.KernelWidth; j++)
                        {
                            tapValues.Add(Invariant($"Unsafe.Add(ref xc, (iy + {i}) * {g.InWidth} + ix + {j})"));
                        }
                    }
                    // 128-bit vectors of 4 taps, which every machine accelerates; NaN never equals, so padding lanes never win.
                    int lanes = taps <= 4 ? 4 : 8;
                    string Taps(int from) => string.Join(", ", System.Linq.Enumerable.Range(from, 4).Select(t => t < taps ? tapValues[t] : "float.NaN"));
                    w.WriteLine(lanes == 4
                        ? Invariant($"uint equal = Vector128.Equals(Vector128.Create({Taps(0)}), Vector128.Create(max)).ExtractMostSignificantBits();")
                        : Invariant($"uint equal = Vector128.Equals(Vector128.Create({Taps(0)}), Vector128.Create(max)).ExtractMostSignificantBits() | Vector128.Equals(Vector128.Create({Taps(4)}), Vector128.Create(max)).ExtractMostSignificantBits() << 4;"));
                    for (int t = lanes; t < taps; t++)
                    {
                        w.WriteLine(Invariant($"if ({tapValues[t]} == max) equal |= {1u << t}u;"));
                    }
                    w.WriteLine("int tap = System.Numerics.BitOperations.TrailingZeroCount(equal); // 32 when nothing equals the max (NaN)");
                    w.WriteLine(Invariant($"if (tap < {taps}) Unsafe.Add(ref dxc, (iy + tap / {g.KernelWidth}) * {g.InWidth} + ix + tap % {g.KernelWidth}) += Unsafe.Add(ref dy, s * {layer.OutputSize} + c * {g.OutputPlane} + oy * {g.OutWidth} + ox);"));
                }
                else
                {
                    w.WriteLine("int winner = -1;");
                    EmitWindow(w, g, Invariant($"if (winner < 0 && Unsafe.Add(ref xc, (iy + i) * {g.InWidth} + ix + j) == max) winner = (iy + i) * {g.InWidth} + ix + j;"));
                    w.WriteLine(Invariant($"if (winner >= 0) Unsafe.Add(ref dxc, winner) += Unsafe.Add(ref dy, s * {layer.OutputSize} + c * {g.OutputPlane} + oy * {g.OutWidth} + ox);"));
                }
            });
        }
        w.WriteLine();
    }

    private static void EmitMaxPoolForward(SourceWriter w, LayerPlan layer, ConvGeometry g)
    {
        using (w.Block(Invariant($"private static void {layer.Name}Forward(ref float x, ref float y, int batch)")))
        {
            EmitWindowLoops(w, layer, g, () =>
            {
                w.WriteLine("float max = float.NegativeInfinity;");
                EmitWindow(w, g, Invariant($"max = MathF.Max(max, Unsafe.Add(ref xc, (iy + i) * {g.InWidth} + ix + j));"));
                w.WriteLine(Invariant($"Unsafe.Add(ref yc, oy * {g.OutWidth} + ox) = max;"));
            });
        }
    }

    private static void EmitMaxPool2x2Forward(SourceWriter w, LayerPlan layer, ConvGeometry g)
    {
        w.WriteLine("// 2x2 windows, stride 2: the max of two input rows, then of each adjacent pair of lanes, gives 4 outputs per");
        w.WriteLine("// 256-bit vector (2 per 128-bit one; Vector256.Max follows MathF.Max on NaN and signed zeros). The last vector");
        w.WriteLine("// overlaps the one before.");
        using (w.Block(Invariant($"private static void {layer.Name}Forward(ref float x, ref float y, int batch)")))
        {
            GemmEmitter.EmitNarrowWidths(w, v =>
            {
                int outputs = v.Lanes / 2;
                w.WriteLine(v == VectorWidth.V256
                    ? "Vector256<int> swapPairs = Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6), evenLanes = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);"
                    : "Vector128<int> swapPairs = Vector128.Create(1, 0, 3, 2), evenLanes = Vector128.Create(0, 2, 0, 2);");
                using (w.Block(Invariant($"for (int s = 0; s < batch * {g.InChannels}; s++)")))
                {
                    w.WriteLine(Invariant($"ref float xc = ref Unsafe.Add(ref x, s * {g.InputPlane});"));
                    w.WriteLine(Invariant($"ref float yc = ref Unsafe.Add(ref y, s * {g.OutputPlane});"));
                    using (w.Block(Invariant($"for (int oy = 0; oy < {g.OutHeight}; oy++)")))
                    {
                        w.WriteLine(Invariant($"ref float top = ref Unsafe.Add(ref xc, oy * {2 * g.InWidth});"));
                        w.WriteLine(Invariant($"ref float bottom = ref Unsafe.Add(ref top, {g.InWidth});"));
                        w.WriteLine(Invariant($"ref float row = ref Unsafe.Add(ref yc, oy * {g.OutWidth});"));
                        EmitRowVectors(w, g.OutWidth, outputs, start =>
                        {
                            string ox = start?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(nuint)ox";
                            string twice = start is int literal ? (2 * literal).ToString(System.Globalization.CultureInfo.InvariantCulture) : "(nuint)(2 * ox)";
                            w.WriteLine(Invariant($"{v.T} rows = {v.Type}.Max({v.Type}.LoadUnsafe(ref top, {twice}), {v.Type}.LoadUnsafe(ref bottom, {twice}));"));
                            w.WriteLine(Invariant($"{v.T} pairs = {v.Type}.Max(rows, {v.Type}.Shuffle(rows, swapPairs));"));
                            w.WriteLine(v == VectorWidth.V256
                                ? Invariant($"Vector256.Shuffle(pairs, evenLanes).GetLower().StoreUnsafe(ref row, {ox});")
                                : Invariant($"Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref row, {ox})), Vector128.Shuffle(pairs, evenLanes).AsUInt64().ToScalar()); // lanes 0 and 1"));
                        });
                    }
                }
            });
        }
    }

    private static void EmitMaxPool2x2Backward(SourceWriter w, LayerPlan layer, ConvGeometry g)
    {
        bool tiled = g.InHeight == 2 * g.OutHeight && g.InWidth == 2 * g.OutWidth;
        w.WriteLine("// 2x2 windows, stride 2, 4 windows per 256-bit vector (2 per 128-bit one): lanes alternate the window's left and");
        w.WriteLine("// right taps; a tap wins when it equals the max and no tap before it (top-left, top-right, bottom-left) did. Windows");
        w.WriteLine(tiled ? "// do not overlap, so every input is written once (no clearing, no adds)." : "// do not overlap, so every covered input is written once; the uncovered edge is cleared first.");
        using (w.Block(Invariant($"private static void {layer.Name}Backward(ref float x, ref float y, ref float dy, ref float dx, int batch)")))
        {
            if (!tiled)
            {
                w.WriteLine(Invariant($"MemoryMarshal.CreateSpan(ref dx, batch * {layer.InputSize}).Clear();"));
            }
            GemmEmitter.EmitNarrowWidths(w, v =>
            {
                int outputs = v.Lanes / 2;
                bool wide = v == VectorWidth.V256;
                w.WriteLine(wide
                    ? "Vector256<int> duplicate = Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3), left = Vector256.Create(0, 0, 2, 2, 4, 4, 6, 6), swapPairs = Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6);"
                    : "Vector128<int> duplicate = Vector128.Create(0, 0, 1, 1), left = Vector128.Create(0, 0, 2, 2), swapPairs = Vector128.Create(1, 0, 3, 2);");
                w.WriteLine(Invariant($"{v.T} right = {v.Type}.Create({string.Join(", ", System.Linq.Enumerable.Range(0, v.Lanes).Select(l => l % 2 == 0 ? "0" : "-1"))}).AsSingle(); // all bits set on the right taps"));
                using (w.Block(Invariant($"for (int s = 0; s < batch * {g.InChannels}; s++)")))
                {
                    w.WriteLine(Invariant($"ref float xc = ref Unsafe.Add(ref x, s * {g.InputPlane});"));
                    w.WriteLine(Invariant($"ref float dxc = ref Unsafe.Add(ref dx, s * {g.InputPlane});"));
                    w.WriteLine(Invariant($"ref float yc = ref Unsafe.Add(ref y, s * {g.OutputPlane});"));
                    w.WriteLine(Invariant($"ref float dyc = ref Unsafe.Add(ref dy, s * {g.OutputPlane});"));
                    using (w.Block(Invariant($"for (int oy = 0; oy < {g.OutHeight}; oy++)")))
                    {
                        w.WriteLine(Invariant($"int top = oy * {2 * g.InWidth}, bottom = top + {g.InWidth}, o = oy * {g.OutWidth};"));
                        EmitRowVectors(w, g.OutWidth, outputs, start =>
                        {
                            string ox = start?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "ox";
                            string twice = start is int literal ? (2 * literal).ToString(System.Globalization.CultureInfo.InvariantCulture) : "2 * ox";
                            // The window's outputs, each in two lanes: 4 outputs widened from 128 bits, or 2 read as one 64-bit scalar.
                            string Outputs(string source) => wide
                                ? Invariant($"Vector256.Shuffle(Vector128.LoadUnsafe(ref {source}, (nuint)(o + {ox})).ToVector256(), duplicate)")
                                : Invariant($"Vector128.Shuffle(Vector128.CreateScalar(Unsafe.ReadUnaligned<double>(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref {source}, o + {ox})))).AsSingle(), duplicate)");
                            w.WriteLine(Invariant($"{v.T} max = {Outputs("yc")};"));
                            w.WriteLine(Invariant($"{v.T} gradient = {Outputs("dyc")};"));
                            w.WriteLine(Invariant($"{v.T} upper = {v.Type}.Equals({v.Type}.LoadUnsafe(ref xc, (nuint)(top + {twice})), max);"));
                            w.WriteLine(Invariant($"{v.T} lower = {v.Type}.Equals({v.Type}.LoadUnsafe(ref xc, (nuint)(bottom + {twice})), max);"));
                            w.WriteLine(Invariant($"{v.T} upperWins = {v.Type}.AndNot(upper, {v.Type}.Shuffle(upper, left) & right);"));
                            w.WriteLine(Invariant($"{v.T} lowerWins = {v.Type}.AndNot({v.Type}.AndNot(lower, upper | {v.Type}.Shuffle(upper, swapPairs)), {v.Type}.Shuffle(lower, left) & right);"));
                            w.WriteLine(Invariant($"(upperWins & gradient).StoreUnsafe(ref dxc, (nuint)(top + {twice}));"));
                            w.WriteLine(Invariant($"(lowerWins & gradient).StoreUnsafe(ref dxc, (nuint)(bottom + {twice}));"));
                        });
                    }
                }
            });
        }
    }

    /// <summary>The most vectors of a 2x2 pooling row written out one block each (a 224-wide input has 56 of 2 outputs).</summary>
    private const int MaxUnrolledRowVectors = 64;

    /// <summary>
    /// A block per vector of <paramref name="outputs"/> outputs along a row, the last overlapping the one before (same
    /// values, stored again). <paramref name="block"/> gets the vector's first output as a literal; beyond
    /// <see cref="MaxUnrolledRowVectors"/> vectors it gets null for a loop variable <c>ox</c> over the whole vectors (then
    /// the overlapping last one as a literal), so that a row of any width emits the same few blocks.
    /// </summary>
    private static void EmitRowVectors(SourceWriter w, int outWidth, int outputs, System.Action<int?> block)
    {
        var starts = GemmEmitter.OverlappingStarts(outWidth, outputs);
        if (starts.Count > MaxUnrolledRowVectors)
        {
            int regularEnd = outWidth / outputs * outputs;
            using (w.Block(Invariant($"for (int ox = 0; ox < {regularEnd}; ox += {outputs})")))
            {
                block(null);
            }
            starts = regularEnd < outWidth ? new System.Collections.Generic.List<int> { outWidth - outputs } : new System.Collections.Generic.List<int>();
        }
        foreach (int start in starts)
        {
            using (w.OpenBlock())
            {
                block(start);
            }
        }
    }

    private static void EmitAvgPool(SourceWriter w, LayerPlan layer, ConvGeometry g)
    {
        string scale = ActivationEmitter.Literal(1f / (g.KernelHeight * g.KernelWidth));
        w.WriteLine(Invariant($"// y[c, oy, ox] = mean over i, j < {g.KernelHeight} of x[c, oy*{g.Stride} + i, ox*{g.Stride} + j]."));
        using (w.Block(Invariant($"private static void {layer.Name}Forward(ref float x, ref float y, int batch)")))
        {
            EmitWindowLoops(w, layer, g, () =>
            {
                w.WriteLine("float sum = 0f;");
                EmitWindow(w, g, Invariant($"sum += Unsafe.Add(ref xc, (iy + i) * {g.InWidth} + ix + j);"));
                w.WriteLine(Invariant($"Unsafe.Add(ref yc, oy * {g.OutWidth} + ox) = sum * {scale};"));
            });
        }
        w.WriteLine();
        w.WriteLine("// Each output spreads its gradient evenly over its window.");
        using (w.Block(Invariant($"private static void {layer.Name}Backward(ref float dy, ref float dx, int batch)")))
        {
            w.WriteLine(Invariant($"MemoryMarshal.CreateSpan(ref dx, batch * {layer.InputSize}).Clear();"));
            using (w.Block("for (int s = 0; s < batch; s++)"))
            using (w.Block(Invariant($"for (int c = 0; c < {g.InChannels}; c++)")))
            {
                w.WriteLine(Invariant($"ref float dxc = ref Unsafe.Add(ref dx, s * {layer.InputSize} + c * {g.InputPlane});"));
                w.WriteLine(Invariant($"ref float dyc = ref Unsafe.Add(ref dy, s * {layer.OutputSize} + c * {g.OutputPlane});"));
                using (w.Block(Invariant($"for (int oy = 0; oy < {g.OutHeight}; oy++)")))
                using (w.Block(Invariant($"for (int ox = 0; ox < {g.OutWidth}; ox++)")))
                {
                    w.WriteLine(Invariant($"float share = Unsafe.Add(ref dyc, oy * {g.OutWidth} + ox) * {scale};"));
                    w.WriteLine(Invariant($"int iy = oy * {g.Stride}, ix = ox * {g.Stride};"));
                    EmitWindow(w, g, Invariant($"Unsafe.Add(ref dxc, (iy + i) * {g.InWidth} + ix + j) += share;"));
                }
            }
        }
        w.WriteLine();
    }

    private static void EmitGlobalAvgPool(SourceWriter w, LayerPlan layer, ConvGeometry g)
    {
        string scale = ActivationEmitter.Literal(1f / g.InputPlane);
        w.WriteLine(Invariant($"// y[c] = mean of x[c, :, :] over {g.InHeight}x{g.InWidth} pixels."));
        using (w.Block(Invariant($"private static void {layer.Name}Forward(ref float x, ref float y, int batch)")))
        {
            using (w.Block(Invariant($"for (int s = 0; s < batch * {g.InChannels}; s++)")))
            {
                w.WriteLine(Invariant($"ref float plane = ref Unsafe.Add(ref x, s * {g.InputPlane});"));
                EmitVectorSum(w, g.InputPlane);
                w.WriteLine(Invariant($"Unsafe.Add(ref y, s) = sum * {scale};"));
            }
        }
        w.WriteLine();
        w.WriteLine("// Every pixel of a channel receives an equal share of that channel's gradient.");
        using (w.Block(Invariant($"private static void {layer.Name}Backward(ref float dy, ref float dx, int batch)")))
        {
            using (w.Block(Invariant($"for (int s = 0; s < batch * {g.InChannels}; s++)")))
            {
                w.WriteLine(Invariant($"MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dx, s * {g.InputPlane}), {g.InputPlane}).Fill(Unsafe.Add(ref dy, s) * {scale});"));
            }
        }
        w.WriteLine();
    }

    private static void EmitVectorSum(SourceWriter w, int n)
    {
        w.WriteLine("float sum;");
        GemmEmitter.EmitNarrowWidths(w, v =>
        {
            int vectorEnd = n / v.Lanes * v.Lanes;
            w.WriteLine(Invariant($"{v.T} acc = {v.T}.Zero;"));
            if (vectorEnd > 0)
            {
                w.WriteLine(Invariant($"for (int i = 0; i < {vectorEnd}; i += {v.Lanes}) acc += {v.Type}.LoadUnsafe(ref plane, (nuint)i);"));
            }
            w.WriteLine(Invariant($"sum = {v.Type}.Sum(acc);"));
            if (vectorEnd < n)
            {
                w.WriteLine(Invariant($"for (int i = {vectorEnd}; i < {n}; i++) sum += Unsafe.Add(ref plane, i);"));
            }
        });
    }

    private static void EmitWindowLoops(SourceWriter w, LayerPlan layer, ConvGeometry g, System.Action body)
    {
        using (w.Block("for (int s = 0; s < batch; s++)"))
        using (w.Block(Invariant($"for (int c = 0; c < {g.InChannels}; c++)")))
        {
            w.WriteLine(Invariant($"ref float xc = ref Unsafe.Add(ref x, s * {layer.InputSize} + c * {g.InputPlane});"));
            w.WriteLine(Invariant($"ref float yc = ref Unsafe.Add(ref y, s * {layer.OutputSize} + c * {g.OutputPlane});"));
            using (w.Block(Invariant($"for (int oy = 0; oy < {g.OutHeight}; oy++)")))
            using (w.Block(Invariant($"for (int ox = 0; ox < {g.OutWidth}; ox++)")))
            {
                w.WriteLine(Invariant($"int iy = oy * {g.Stride}, ix = ox * {g.Stride};"));
                body();
            }
        }
    }

    /// <summary>The window's taps, unrolled when small (the common 2x2 and 3x3 windows become straight-line code).</summary>
    private static void EmitWindow(SourceWriter w, ConvGeometry g, string statement)
    {
        if (g.KernelHeight * g.KernelWidth <= 9)
        {
            for (int i = 0; i < g.KernelHeight; i++)
            {
                for (int j = 0; j < g.KernelWidth; j++)
                {
                    w.WriteLine("{ const int i = " + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + ", j = " + j.ToString(System.Globalization.CultureInfo.InvariantCulture) + "; " + statement + " }");
                }
            }
            return;
        }
        using (w.Block(Invariant($"for (int i = 0; i < {g.KernelHeight}; i++)")))
        using (w.Block(Invariant($"for (int j = 0; j < {g.KernelWidth}; j++)")))
        {
            w.WriteLine(statement);
        }
    }
}
