using System.Collections.Generic;
using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>
/// The direct forward convolution (see <see cref="ConvGeometry.DirectForward"/>): for each output row, a register tile of
/// filters x vectors of output pixels sums, over the taps (input channel, kernel row, kernel column), a broadcast weight
/// times the input row shifted by the tap. The taps run in im2col's patch order from the bias on, so each output is the
/// same sum, in the same order, as the im2col product's.
/// </summary>
internal static class DirectConvEmitter
{
    private const int TileVectors = 2; // output vectors per tile: each broadcast weight serves both

    /// <summary>
    /// Filters per tile: 6 x 2 vectors, 12 accumulators, with 2 input vectors and 1 broadcast weight in 16 registers (AVX2,
    /// SSE; NEON and AVX-512 have 32).
    /// </summary>
    private const int MaxTileFilters = 6;

    public static void EmitKernels(SourceWriter w, LayerPlan layer, ConvGeometry g)
    {
        if (g.HasPadding)
        {
            EmitPad(w, layer, g);
        }
        EmitDirect(w, layer, g);
    }

    /// <summary>The batch loop of the forward pass.</summary>
    public static void EmitForward(SourceWriter w, LayerPlan layer, ConvGeometry g)
    {
        bool padded = g.HasPadding;
        w.WriteLine(Invariant($"// Forward over the batch, one sample at a time, as a direct convolution: the {g.OutWidth}-pixel output rows are whole"));
        w.WriteLine(Invariant($"// vectors and a {g.PatchSize}-float patch is short, so copying patches out (im2col, {g.PatchSize} x {g.OutputPlane} floats per sample)"));
        w.WriteLine("// would cost about as much as the product. The backward pass copies the patches itself, for its weight gradient.");
        using (w.Block(Invariant($"private static void {layer.Name}Forward(ref float x, ref float w, ref float b, ref float y, ref float scratch, int batch)")))
        {
            if (padded)
            {
                w.WriteLine(Invariant($"MemoryMarshal.CreateSpan(ref scratch, {g.PaddedInputSize}).Clear(); // the borders stay zero for every sample"));
            }
            using (w.Block("for (int s = 0; s < batch; s++)"))
            {
                if (padded)
                {
                    w.WriteLine(Invariant($"{layer.Name}Pad(ref Unsafe.Add(ref x, s * {layer.InputSize}), ref scratch);"));
                    w.WriteLine(Invariant($"{layer.Name}Direct(ref scratch, ref w, ref b, ref Unsafe.Add(ref y, s * {layer.OutputSize}));"));
                }
                else
                {
                    w.WriteLine(Invariant($"{layer.Name}Direct(ref Unsafe.Add(ref x, s * {layer.InputSize}), ref w, ref b, ref Unsafe.Add(ref y, s * {layer.OutputSize}));"));
                }
            }
        }
        w.WriteLine();
    }

    private static void EmitPad(SourceWriter w, LayerPlan layer, ConvGeometry g)
    {
        int rows = System.Math.Min(g.InHeight, g.PaddedHeight - g.PaddingHeight);
        int columns = System.Math.Min(g.InWidth, g.PaddedWidth - g.PaddingWidth);
        w.WriteLine(Invariant($"// padded[{g.InChannels}, {g.PaddedHeight}, {g.PaddedWidth}]: the input moved {g.PaddingHeight} rows down and {g.PaddingWidth} columns right; the border is zero."));
        using (w.Block(Invariant($"private static void {layer.Name}Pad(ref float x, ref float padded)")))
        using (w.Block(Invariant($"for (int c = 0; c < {g.InChannels}; c++)")))
        using (w.Block(Invariant($"for (int iy = 0; iy < {rows}; iy++)")))
        {
            w.WriteLine(Invariant($"ref float src = ref Unsafe.Add(ref x, (c * {g.InHeight} + iy) * {g.InWidth});"));
            ConvEmitter.EmitVectorCopy(w, "src", "0",
                Invariant($"Unsafe.Add(ref padded, (c * {g.PaddedHeight} + iy + {g.PaddingHeight}) * {g.PaddedWidth} + {g.PaddingWidth})"), columns);
        }
        w.WriteLine();
    }

    private static void EmitDirect(SourceWriter w, LayerPlan layer, ConvGeometry g)
    {
        bool padded = g.HasPadding;
        int f = layer.Units;
        bool bias = layer.BiasLength > 0;
        int rowStride = padded ? g.PaddedWidth : g.InWidth, planeStride = padded ? g.PaddedHeight * g.PaddedWidth : g.InputPlane;
        string source = padded ? "padded" : "x";
        w.WriteLine(Invariant($"// y[f, oy, ox] = {ActivationEmitter.Describe(layer.Activation, layer.Alpha)}({(bias ? "b[f] + " : "")}sum over (c, i, j) of W[f, c, i, j] {source}[c, oy + i*{g.Dilation}, ox + j*{g.Dilation}]), for one sample."));
        w.WriteLine(Invariant($"// Tiles of filters x {TileVectors} vectors of one output row; a row's last vector overlaps the one before it and stores the same values."));
        using (w.Block(Invariant($"private static void {layer.Name}Direct(ref float {source}, ref float w, ref float b, ref float y)")))
        {
            GemmEmitter.EmitWidths(w, v =>
            {
                int blocks = (f + MaxTileFilters - 1) / MaxTileFilters;
                int tileFilters = (f + blocks - 1) / blocks, lastFilters = f - (blocks - 1) * tileFilters;
                int groupWidth = TileVectors * v.Lanes, regularEnd = g.OutWidth / groupWidth * groupWidth;
                var tail = new List<int>();
                int remaining = g.OutWidth - regularEnd;
                if (remaining >= v.Lanes)
                {
                    foreach (int start in GemmEmitter.OverlappingStarts(remaining, v.Lanes))
                    {
                        tail.Add(regularEnd + start);
                    }
                }
                else if (remaining > 0)
                {
                    tail.Add(g.OutWidth - v.Lanes);
                }
                using (w.Block(Invariant($"for (int oy = 0; oy < {g.OutHeight}; oy++)")))
                {
                    void Columns(int filters)
                    {
                        if (regularEnd > 0)
                        {
                            using (regularEnd > groupWidth ? w.Block(Invariant($"for (int ox = 0; ox < {regularEnd}; ox += {groupWidth})")) : w.OpenBlock())
                            {
                                if (regularEnd == groupWidth)
                                {
                                    w.WriteLine("const int ox = 0;");
                                }
                                EmitTile(w, v, layer, g, filters, new[] { 0, v.Lanes }, "ox", rowStride, planeStride, source);
                            }
                        }
                        if (tail.Count > 0)
                        {
                            using (w.OpenBlock())
                            {
                                w.WriteLine("const int ox = 0;");
                                EmitTile(w, v, layer, g, filters, tail, "ox", rowStride, planeStride, source);
                            }
                        }
                    }
                    if (blocks > 2)
                    {
                        using (w.Block(Invariant($"for (int f0 = 0; f0 < {(blocks - 1) * tileFilters}; f0 += {tileFilters})")))
                        {
                            Columns(tileFilters);
                        }
                    }
                    else if (blocks == 2)
                    {
                        using (w.OpenBlock())
                        {
                            w.WriteLine("const int f0 = 0;");
                            Columns(tileFilters);
                        }
                    }
                    using (w.OpenBlock())
                    {
                        w.WriteLine(Invariant($"const int f0 = {(blocks - 1) * tileFilters};"));
                        Columns(lastFilters);
                    }
                }
            });
        }
        w.WriteLine();
    }

    /// <summary>One tile: <paramref name="filters"/> filters from f0 x the output vectors at ox + each start.</summary>
    private static void EmitTile(SourceWriter w, VectorWidth v, LayerPlan layer, ConvGeometry g, int filters, IReadOnlyList<int> starts,
        string ox, int rowStride, int planeStride, string source)
    {
        int k = g.PatchSize;
        for (int t = 0; t < filters; t++)
        {
            string initial = layer.BiasLength > 0 ? Invariant($"{v.Type}.Create(Unsafe.Add(ref b, f0 + {t}))") : v.T + ".Zero";
            for (int u = 0; u < starts.Count; u++)
            {
                w.WriteLine(Invariant($"{v.T} acc{t}{u} = {initial};"));
            }
        }
        using (w.Block(Invariant($"for (int c = 0; c < {g.InChannels}; c++)")))
        using (w.Block(Invariant($"for (int i = 0; i < {g.KernelHeight}; i++)")))
        {
            w.WriteLine(Invariant($"ref float row = ref Unsafe.Add(ref {source}, c * {planeStride} + (oy + i * {g.Dilation}) * {rowStride} + {ox});"));
            w.WriteLine(Invariant($"ref float taps = ref Unsafe.Add(ref w, f0 * {k} + (c * {g.KernelHeight} + i) * {g.KernelWidth});"));
            // One tap: the input row shifted by the kernel column, times each filter's weight for the tap.
            void Tap(int? column)
            {
                string j = column?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "j";
                for (int u = 0; u < starts.Count; u++)
                {
                    string offset = column is int c ? (starts[u] + c * g.Dilation).ToString(System.Globalization.CultureInfo.InvariantCulture)
                        : Invariant($"(nuint)({starts[u]} + j * {g.Dilation})");
                    w.WriteLine(Invariant($"{v.T} x{u} = {v.Type}.LoadUnsafe(ref row, {offset});"));
                }
                for (int t = 0; t < filters; t++)
                {
                    string index = column is int c ? (t * k + c).ToString(System.Globalization.CultureInfo.InvariantCulture) : Invariant($"{t * k} + j");
                    w.WriteLine(Invariant($"{v.T} w{t} = {v.Type}.Create(Unsafe.Add(ref taps, {index}));"));
                    for (int u = 0; u < starts.Count; u++)
                    {
                        w.WriteLine(Invariant($"acc{t}{u} = {v.MultiplyAdd(Invariant($"w{t}"), Invariant($"x{u}"), Invariant($"acc{t}{u}"))};"));
                    }
                }
            }
            if (g.KernelWidth <= 7)
            {
                for (int j = 0; j < g.KernelWidth; j++)
                {
                    using (w.OpenBlock())
                    {
                        Tap(j);
                    }
                }
            }
            else
            {
                using (w.Block(Invariant($"for (int j = 0; j < {g.KernelWidth}; j++)")))
                {
                    Tap(null);
                }
            }
        }
        for (int t = 0; t < filters; t++)
        {
            w.WriteLine(Invariant($"ref float y{t} = ref Unsafe.Add(ref y, (f0 + {t}) * {g.OutputPlane} + oy * {g.OutWidth} + {ox});"));
            for (int u = 0; u < starts.Count; u++)
            {
                w.WriteLine(Invariant($"{ActivationEmitter.Vector(layer.Activation, layer.Alpha, $"acc{t}{u}", v)}.StoreUnsafe(ref y{t}, {starts[u]});"));
            }
        }
    }
}
