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

    public static void EmitForwardCall(SourceWriter w, LayerPlan layer, string source, string output) =>
        w.WriteLine(Invariant($"{layer.Name}Forward({source}, {output}, batch);"));

    public static void EmitBackwardCall(SourceWriter w, LayerPlan layer, string source, string output, string dy, string inputGradient, bool isFirst)
    {
        string guard = isFirst ? "if (wantInputGradient) " : "";
        w.WriteLine(layer.Kind == LayerKind.MaxPool2D
            ? Invariant($"{guard}{layer.Name}Backward({source}, {output}, ref {dy}, {inputGradient}, batch);")
            : Invariant($"{guard}{layer.Name}Backward(ref {dy}, {inputGradient}, batch);"));
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
                    string vector = taps <= 4 ? "Vector128" : "Vector256";
                    int lanes = taps <= 4 ? 4 : 8;
                    var lanesValues = new System.Collections.Generic.List<string>();
                    for (int t = 0; t < lanes; t++)
                    {
                        lanesValues.Add(t < taps ? tapValues[t] : "float.NaN"); // NaN never equals: padding lanes never win
                    }
                    w.WriteLine(Invariant($"uint equal = {vector}.Equals({vector}.Create({string.Join(", ", lanesValues)}), {vector}.Create(max)).ExtractMostSignificantBits();"));
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
        w.WriteLine("// 256-bit vector (Vector256.Max follows MathF.Max on NaN and signed zeros). The last vector overlaps the one before.");
        using (w.Block(Invariant($"private static void {layer.Name}Forward(ref float x, ref float y, int batch)")))
        {
            w.WriteLine("Vector256<int> swapPairs = Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6), evenLanes = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);");
            using (w.Block(Invariant($"for (int s = 0; s < batch * {g.InChannels}; s++)")))
            {
                w.WriteLine(Invariant($"ref float xc = ref Unsafe.Add(ref x, s * {g.InputPlane});"));
                w.WriteLine(Invariant($"ref float yc = ref Unsafe.Add(ref y, s * {g.OutputPlane});"));
                using (w.Block(Invariant($"for (int oy = 0; oy < {g.OutHeight}; oy++)")))
                {
                    w.WriteLine(Invariant($"ref float top = ref Unsafe.Add(ref xc, oy * {2 * g.InWidth});"));
                    w.WriteLine(Invariant($"ref float bottom = ref Unsafe.Add(ref top, {g.InWidth});"));
                    w.WriteLine(Invariant($"ref float row = ref Unsafe.Add(ref yc, oy * {g.OutWidth});"));
                    foreach (int ox in GemmEmitter.OverlappingStarts(g.OutWidth, 4)) // the last overlaps: same values, stored again
                    {
                        using (w.OpenBlock())
                        {
                            w.WriteLine(Invariant($"Vector256<float> rows = Vector256.Max(Vector256.LoadUnsafe(ref top, {2 * ox}), Vector256.LoadUnsafe(ref bottom, {2 * ox}));"));
                            w.WriteLine("Vector256<float> pairs = Vector256.Max(rows, Vector256.Shuffle(rows, swapPairs));");
                            w.WriteLine(Invariant($"Vector256.Shuffle(pairs, evenLanes).GetLower().StoreUnsafe(ref row, {ox});"));
                        }
                    }
                }
            }
        }
    }

    private static void EmitMaxPool2x2Backward(SourceWriter w, LayerPlan layer, ConvGeometry g)
    {
        bool tiled = g.InHeight == 2 * g.OutHeight && g.InWidth == 2 * g.OutWidth;
        w.WriteLine("// 2x2 windows, stride 2, 4 windows per 256-bit vector: lanes alternate the window's left and right taps; a tap wins");
        w.WriteLine("// when it equals the max and no tap before it (top-left, top-right, bottom-left) did. Windows do not overlap, so");
        w.WriteLine(tiled ? "// every input is written once (no clearing, no adds)." : "// every covered input is written once; the uncovered edge is cleared first.");
        using (w.Block(Invariant($"private static void {layer.Name}Backward(ref float x, ref float y, ref float dy, ref float dx, int batch)")))
        {
            if (!tiled)
            {
                w.WriteLine(Invariant($"MemoryMarshal.CreateSpan(ref dx, batch * {layer.InputSize}).Clear();"));
            }
            w.WriteLine("Vector256<int> duplicate = Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3), left = Vector256.Create(0, 0, 2, 2, 4, 4, 6, 6), swapPairs = Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6);");
            w.WriteLine("Vector256<float> right = Vector256.Create(0, -1, 0, -1, 0, -1, 0, -1).AsSingle(); // all bits set on the right taps");
            using (w.Block(Invariant($"for (int s = 0; s < batch * {g.InChannels}; s++)")))
            {
                w.WriteLine(Invariant($"ref float xc = ref Unsafe.Add(ref x, s * {g.InputPlane});"));
                w.WriteLine(Invariant($"ref float dxc = ref Unsafe.Add(ref dx, s * {g.InputPlane});"));
                w.WriteLine(Invariant($"ref float yc = ref Unsafe.Add(ref y, s * {g.OutputPlane});"));
                w.WriteLine(Invariant($"ref float dyc = ref Unsafe.Add(ref dy, s * {g.OutputPlane});"));
                using (w.Block(Invariant($"for (int oy = 0; oy < {g.OutHeight}; oy++)")))
                {
                    w.WriteLine(Invariant($"int top = oy * {2 * g.InWidth}, bottom = top + {g.InWidth}, o = oy * {g.OutWidth};"));
                    foreach (int ox in GemmEmitter.OverlappingStarts(g.OutWidth, 4)) // the last overlaps: same values, stored again
                    {
                        using (w.OpenBlock())
                        {
                            w.WriteLine(Invariant($"Vector256<float> max = Vector256.Shuffle(Vector128.LoadUnsafe(ref yc, (nuint)(o + {ox})).ToVector256(), duplicate);"));
                            w.WriteLine(Invariant($"Vector256<float> gradient = Vector256.Shuffle(Vector128.LoadUnsafe(ref dyc, (nuint)(o + {ox})).ToVector256(), duplicate);"));
                            w.WriteLine(Invariant($"Vector256<float> upper = Vector256.Equals(Vector256.LoadUnsafe(ref xc, (nuint)(top + {2 * ox})), max);"));
                            w.WriteLine(Invariant($"Vector256<float> lower = Vector256.Equals(Vector256.LoadUnsafe(ref xc, (nuint)(bottom + {2 * ox})), max);"));
                            w.WriteLine("Vector256<float> upperWins = Vector256.AndNot(upper, Vector256.Shuffle(upper, left) & right);");
                            w.WriteLine("Vector256<float> lowerWins = Vector256.AndNot(Vector256.AndNot(lower, upper | Vector256.Shuffle(upper, swapPairs)), Vector256.Shuffle(lower, left) & right);");
                            w.WriteLine(Invariant($"(upperWins & gradient).StoreUnsafe(ref dxc, (nuint)(top + {2 * ox}));"));
                            w.WriteLine(Invariant($"(lowerWins & gradient).StoreUnsafe(ref dxc, (nuint)(bottom + {2 * ox}));"));
                        }
                    }
                }
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
        int vectorEnd = n / 8 * 8;
        w.WriteLine("Vector256<float> acc = Vector256<float>.Zero;");
        if (vectorEnd > 0)
        {
            w.WriteLine(Invariant($"for (int i = 0; i < {vectorEnd}; i += 8) acc += Vector256.LoadUnsafe(ref plane, (nuint)i);"));
        }
        w.WriteLine("float sum = Vector256.Sum(acc);");
        if (vectorEnd < n)
        {
            w.WriteLine(Invariant($"for (int i = {vectorEnd}; i < {n}; i++) sum += Unsafe.Add(ref plane, i);"));
        }
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
