using System.Linq;
using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>Where a matrix product's bias comes from.</summary>
internal enum BiasMode
{
    None,
    PerColumn, // dense layers: one bias per output unit
    PerRow,    // convolutions: one bias per filter, output rows are filters
}

/// <summary>A SIMD width the emitted code can use: the vector type's name and its float lanes.</summary>
internal sealed record VectorWidth(string Type, int Lanes)
{
    public static readonly VectorWidth V128 = new("Vector128", 4);
    public static readonly VectorWidth V256 = new("Vector256", 8);
    public static readonly VectorWidth V512 = new("Vector512", 16);

    /// <summary>
    /// a * b + c in one instruction where the machine has FMA. The 256- and 512-bit bodies run only where it has (the
    /// JIT reports them accelerated only with AVX2, which .NET groups with FMA); the 128-bit body also runs on x64
    /// without FMA (<c>DOTNET_EnableAVX2=0</c>, old CPUs), where <c>FusedMultiplyAdd</c> would be emulated one lane at a
    /// time in software and <c>MultiplyAddEstimate</c> is a multiply and an add.
    /// </summary>
    public string MultiplyAdd(string a, string b, string c) => this == V128
        ? Type + ".MultiplyAddEstimate(" + a + ", " + b + ", " + c + ")"
        : Type + ".FusedMultiplyAdd(" + a + ", " + b + ", " + c + ")";

    /// <summary>The width of the overlapping vector that ends a row: 256-bit in the wide bodies, 128-bit in the narrow one.</summary>
    public VectorWidth Overlap => this == V128 ? V128 : V256;

    /// <summary>The vector type, e.g. <c>Vector512&lt;float&gt;</c>.</summary>
    public string T => Type + "<float>";

    /// <summary>An expression for the vector of lane indices, 0f, 1f, ..., for masks built by comparison.</summary>
    public string Indices => Type + ".Create(" + string.Join(", ", System.Linq.Enumerable.Range(0, Lanes).Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture) + "f")) + ")";
}

/// <summary>
/// The three matrix products every layer with weights reduces to, as methods with literal inner dimensions.
/// All matrices are row-major; the row count M is a runtime argument (the batch for dense layers, a constant
/// number of filters for convolutions):
/// <list type="bullet">
/// <item>NN: y[M, N] = f(a[M, K] b[K, N] + bias), the forward product, bias and activation fused into the store;</item>
/// <item>TN: y[K, N] = a[M, K]^T b[M, N], dense weight gradients and convolution input gradients;</item>
/// <item>NT: y[M, K] (+)= a[M, N] b[K, N]^T, dense input gradients and convolution weight gradients.</item>
/// </list>
/// Each method holds a Vector512, a Vector256 and a Vector128 body: <c>VectorN.IsHardwareAccelerated</c> is a constant to
/// the JIT, which keeps only one, so AVX-512 machines run twice the floats per instruction of AVX2 machines, and machines
/// without 256-bit vectors (ARM64 NEON, x64 without AVX2, WebAssembly) run 128-bit vectors instead of an emulated
/// Vector256.
/// </summary>
internal static class GemmEmitter
{
    private const int TileRows = 4; // rows of a per register tile
    private const int WideTileRows = 8; // the same with AVX-512's 32 vector registers (16 accumulators)
    private const int NarrowTileRows = 6; // with 16 registers: 6 x 2 accumulators, 2 b vectors and 1 broadcast (BLIS's 6x16 for AVX2)

    /// <summary>Whether a product's k loop runs as two interleaved partial sums: narrow outputs, whose tiles hold few accumulators.</summary>
    private static bool SplitsK(int k, int n) => n < 32 && k >= 4;

    /// <summary>
    /// The tallest register tile of a product's forward body: 8 rows with AVX-512's 32 registers; 6 with the 16 of AVX2 and
    /// SSE (NEON's 32 get the same body), unless the k loop splits, which doubles the accumulators of a tile.
    /// </summary>
    private static int LargestTile(VectorWidth v, int k, int n) =>
        v.Lanes > VectorWidth.V256.Lanes ? WideTileRows : SplitsK(k, n) ? TileRows : NarrowTileRows;

    /// <summary>Rows of y per tile of the TN product: 6 x 2 vectors in the 16-register bodies (4 x 2 with AVX-512).</summary>
    private static int TransposedTile(VectorWidth v) => v.Lanes > VectorWidth.V256.Lanes ? TileRows : NarrowTileRows;

    /// <summary>
    /// Writes the method's body once per vector width, behind the JIT-constant hardware checks, widest first. Vector128 is
    /// the floor: every 64-bit .NET target accelerates it (SSE2 on x64, AdvSimd on ARM64, SIMD on WebAssembly).
    /// </summary>
    internal static void EmitWidths(SourceWriter w, System.Action<VectorWidth> body)
    {
        using (w.Block("if (Vector512.IsHardwareAccelerated)"))
        {
            body(VectorWidth.V512);
        }
        EmitNarrowWidths(w, body, "else if (Vector256.IsHardwareAccelerated)");
    }

    /// <summary>
    /// The Vector256 and Vector128 bodies only, for kernels that gain nothing from 512-bit vectors (copies, elementwise
    /// passes, rows too short for them).
    /// </summary>
    internal static void EmitNarrowWidths(SourceWriter w, System.Action<VectorWidth> body, string check = "if (Vector256.IsHardwareAccelerated)")
    {
        using (w.Block(check))
        {
            body(VectorWidth.V256);
        }
        using (w.Block("else"))
        {
            body(VectorWidth.V128);
        }
    }

    /// <summary>y[rows, n] = f(a[rows, k] b[k, n] + bias), or y += a b when <paramref name="accumulate"/>.</summary>
    /// <param name="fixedRows">The row count when it is a constant (a convolution's filters), else 0.</param>
    /// <param name="accumulate">Start each sum from y's current value (no bias, no activation) and add the product to it.</param>
    public static void EmitNN(SourceWriter w, string method, int k, int n, BiasMode bias, ActivationKind activation, float alpha, string comment, int fixedRows = 0, bool accumulate = false)
    {
        System.Diagnostics.Debug.Assert(!accumulate || (bias == BiasMode.None && activation == ActivationKind.Identity));
        w.WriteLine("// " + comment);
        w.WriteLine(Invariant($"// Register tiles of up to {WideTileRows} rows x 2 vectors (AVX-512 has 32 registers) or {(SplitsK(k, n) ? TileRows : NarrowTileRows)} rows x 2 vectors (16 registers), then"));
        w.WriteLine("// 1 row x 8 vectors: each b vector loaded once serves every row of its tile. A tile only groups outputs; each");
        w.WriteLine("// output's sum runs over k in the same order whatever its tile, so results do not depend on the tile shape.");
        using (w.Block(Invariant($"private static void {method}(ref float a, ref float b, ref float bias, ref float y, int rows)")))
        {
            EmitWidths(w, v =>
            {
                int largest = LargestTile(v, k, n);
                if (fixedRows > 0 && fixedRows <= largest)
                {
                    using (w.OpenBlock())
                    {
                        w.WriteLine(Invariant($"const int r = 0; // all {fixedRows} rows in one tile: one pass over b"));
                        EmitNNRows(w, v, fixedRows, k, n, bias, activation, alpha, accumulate);
                    }
                    return;
                }
                int blockedEnd = fixedRows > 0 ? 0 : BlockedColumns(v, k, n, largest);
                if (blockedEnd == 0)
                {
                    EmitNNRowLoops(w, v, largest, k, n, bias, activation, alpha, accumulate, start: 0);
                    return;
                }
                // Few rows reuse a packed panel too little to repay packing it: the unblocked loops, same sums.
                using (w.Block(Invariant($"if (rows < {BlockingMinRows})")))
                {
                    EmitNNRowLoops(w, v, largest, k, n, bias, activation, alpha, accumulate, start: 0);
                }
                using (w.Block("else"))
                {
                    EmitBlockedNN(w, v, k, n, blockedEnd, bias, activation, alpha, accumulate);
                    if (blockedEnd < n)
                    {
                        EmitNNRowLoops(w, v, largest, k, n, bias, activation, alpha, accumulate, start: blockedEnd);
                    }
                }
            });
        }
    }

    private static void EmitNNRowLoops(SourceWriter w, VectorWidth v, int largest, int k, int n, BiasMode bias, ActivationKind activation, float alpha, bool accumulate, int start)
    {
        using (w.OpenBlock())
        {
            w.WriteLine("int r = 0;");
            foreach (int tile in largest > TileRows ? new[] { largest, TileRows } : new[] { TileRows })
            {
                using (w.Block(Invariant($"for (; r + {tile} <= rows; r += {tile})")))
                {
                    EmitNNRows(w, v, tile, k, n, bias, activation, alpha, accumulate, start);
                }
            }
            using (w.Block("for (; r < rows; r++)"))
            {
                EmitNNRows(w, v, 1, k, n, bias, activation, alpha, accumulate, start);
            }
        }
    }

    /// <summary>Packed b panels: at most this many bytes, half of a 32 KiB L1, so that the rows of a streaming past keep theirs.</summary>
    private const int PanelBytes = 16 * 1024;

    /// <summary>
    /// Rows of a per block of the blocked product: 43 tiles of 6, 258 rows, so that a batch of 256 is one block and each
    /// call packs every panel once (with blocks of 96 rows a batch of 256 packed the weights three times, 6.6% of the
    /// product's time on Zen 4). A block of a (rows x KC: at most 258 KiB in the Vector256 body, 516 KiB in the Vector128
    /// one, whose panels are half as wide) still fits in L2.
    /// </summary>
    private const int BlockRows = 43 * NarrowTileRows;

    /// <summary>Rows below which the blocked product does not pay: its panels would serve fewer than two row tiles.</summary>
    private const int BlockingMinRows = 2 * NarrowTileRows;

    /// <summary>
    /// The columns [0, end) of an NN product that the 16-register bodies compute with K blocking and packed panels (0: none):
    /// the whole 6 x 2-vector column tiles, when the product's tiles are 6 rows tall (no split k loop) and its k is long
    /// enough that a column tile's b panel (k x 2 vectors, rows of b a weight row apart) would not stay in L1. Products
    /// with a constant row count (a convolution's filters, per sample) are not blocked: their few row tiles would reuse a
    /// packed panel two or three times, and no measurement showed a gain there.
    /// </summary>
    private static int BlockedColumns(VectorWidth v, int k, int n, int largest)
    {
        int panelWidth = 2 * v.Lanes;
        return v.Lanes > VectorWidth.V256.Lanes || largest != NarrowTileRows || k * panelWidth * sizeof(float) <= 4096
            ? 0
            : n / panelWidth * panelWidth;
    }

    /// <summary>
    /// The BLIS (and MLAS) scheme for the 16-register bodies: for each block of rows of a (MC rows, in L2) and each block of
    /// k (KC, so that a KC x 2-vector panel of b fills half of L1), each column tile's panel is copied once into a contiguous
    /// stack buffer and then serves every row tile of the block; a tile's partial sums go to y between k blocks. Without
    /// the copy, a panel's rows lie one row of b apart, all in the same few L1 sets, and stream from L2 for every row tile.
    /// Each output still sums its k terms in order from the same start (bias, 0 or y): the partial sums are stored and
    /// reloaded exactly, so the results are bit-identical to the unblocked loops.
    /// </summary>
    private static void EmitBlockedNN(SourceWriter w, VectorWidth v, int k, int n, int end, BiasMode bias, ActivationKind activation, float alpha, bool accumulate)
    {
        int panelWidth = 2 * v.Lanes;
        int blocks = (k * panelWidth * sizeof(float) + PanelBytes - 1) / PanelBytes;
        int kc = (k + blocks - 1) / blocks;
        w.WriteLine(Invariant($"// K blocks of {kc} (a {kc} x {panelWidth} panel: {kc * panelWidth * sizeof(float) / 1024.0:0.#} KiB), row blocks of {BlockRows}."));
        w.WriteLine(Invariant($"Span<float> panelBuffer = stackalloc float[{kc * panelWidth}];"));
        w.WriteLine("ref float panel = ref MemoryMarshal.GetReference(panelBuffer);");
        using (w.Block(Invariant($"for (int r0 = 0; r0 < rows; r0 += {BlockRows})")))
        {
            w.WriteLine(Invariant($"int rowEnd = Math.Min(r0 + {BlockRows}, rows);"));
            using (w.Block(Invariant($"for (int k0 = 0; k0 < {k}; k0 += {kc})")))
            {
                w.WriteLine(Invariant($"int kc = Math.Min({kc}, {k} - k0);"));
                using (w.Block(Invariant($"for (int c = 0; c < {end}; c += {panelWidth})")))
                {
                    using (w.Block("for (int i = 0; i < kc; i++)"))
                    {
                        w.WriteLine(Invariant($"ref float bi = ref Unsafe.Add(ref b, (k0 + i) * {n} + c);"));
                        w.WriteLine(Invariant($"{v.Type}.LoadUnsafe(ref bi).StoreUnsafe(ref panel, (nuint)(i * {panelWidth}));"));
                        w.WriteLine(Invariant($"{v.Type}.LoadUnsafe(ref bi, {v.Lanes}).StoreUnsafe(ref panel, (nuint)(i * {panelWidth} + {v.Lanes}));"));
                    }
                    w.WriteLine("int r = r0;");
                    foreach (int tile in new[] { NarrowTileRows, TileRows, 1 })
                    {
                        using (w.Block(tile == 1 ? "for (; r < rowEnd; r++)" : Invariant($"for (; r + {tile} <= rowEnd; r += {tile})")))
                        {
                            EmitPanelTile(w, v, tile, k, n, bias, activation, alpha, accumulate);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// A rows x 2-vector tile of the blocked product over the k block [k0, k0 + kc) of the packed panel. The inner loop
    /// walks one pointer along the tile's rows of a (the others at constant offsets) and one along the panel, and y is
    /// addressed only outside it: few general registers stay live, so none spill and the loop is the loads and the FMAs.
    /// </summary>
    private static void EmitPanelTile(SourceWriter w, VectorWidth v, int rows, int k, int n, BiasMode bias, ActivationKind activation, float alpha, bool accumulate)
    {
        int panelWidth = 2 * v.Lanes;
        string Y(int i, int j) => Invariant($"ref y, (nuint)((r + {i}) * {n} + c + {j * v.Lanes})");
        for (int i = 0; i < rows; i++)
        {
            w.WriteLine(Invariant($"{v.T} acc{i}0, acc{i}1;"));
        }
        using (accumulate ? w.OpenBlock() : w.Block("if (k0 == 0)"))
        {
            if (bias == BiasMode.PerColumn)
            {
                for (int j = 0; j < 2; j++)
                {
                    w.WriteLine(Invariant($"{v.T} bias{j} = {v.Type}.LoadUnsafe(ref bias, (nuint)(c + {j * v.Lanes}));"));
                }
            }
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < 2; j++)
                {
                    string initial = accumulate ? Invariant($"{v.Type}.LoadUnsafe({Y(i, j)})") : bias switch
                    {
                        BiasMode.PerColumn => Invariant($"bias{j}"),
                        BiasMode.PerRow => Invariant($"{v.Type}.Create(Unsafe.Add(ref bias, r + {i}))"),
                        _ => v.T + ".Zero",
                    };
                    w.WriteLine(Invariant($"acc{i}{j} = {initial};"));
                }
            }
        }
        if (!accumulate)
        {
            using (w.Block("else"))
            {
                for (int i = 0; i < rows; i++)
                {
                    for (int j = 0; j < 2; j++)
                    {
                        w.WriteLine(Invariant($"acc{i}{j} = {v.Type}.LoadUnsafe({Y(i, j)});"));
                    }
                }
            }
        }
        w.WriteLine(Invariant($"ref float ai = ref Unsafe.Add(ref a, r * {k} + k0);"));
        w.WriteLine("ref float bi = ref panel;");
        using (w.Block("for (int i = 0; i < kc; i++)"))
        {
            w.WriteLine(Invariant($"{v.T} b0 = {v.Type}.LoadUnsafe(ref bi);"));
            w.WriteLine(Invariant($"{v.T} b1 = {v.Type}.LoadUnsafe(ref bi, {v.Lanes});"));
            for (int i = 0; i < rows; i++)
            {
                w.WriteLine(Invariant($"{v.T} a{i}i = {v.Type}.Create({(i == 0 ? "ai" : Invariant($"Unsafe.Add(ref ai, {i * k})"))});"));
                for (int j = 0; j < 2; j++)
                {
                    w.WriteLine(Invariant($"acc{i}{j} = {v.MultiplyAdd(Invariant($"a{i}i"), Invariant($"b{j}"), Invariant($"acc{i}{j}"))};"));
                }
            }
            w.WriteLine("ai = ref Unsafe.Add(ref ai, 1);");
            w.WriteLine(Invariant($"bi = ref Unsafe.Add(ref bi, {panelWidth});"));
        }
        void Store(bool activate)
        {
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < 2; j++)
                {
                    string value = activate ? ActivationEmitter.Vector(activation, alpha, $"acc{i}{j}", v) : Invariant($"acc{i}{j}");
                    w.WriteLine(Invariant($"{value}.StoreUnsafe({Y(i, j)});"));
                }
            }
        }
        if (activation == ActivationKind.Identity)
        {
            Store(activate: false);
            return;
        }
        // The activation applies to the finished sums only, after the last k block.
        using (w.Block(Invariant($"if (k0 + kc == {k})")))
        {
            Store(activate: true);
        }
        using (w.Block("else"))
        {
            Store(activate: false);
        }
    }

    private static void EmitNNRows(SourceWriter w, VectorWidth v, int rows, int k, int n, BiasMode bias, ActivationKind activation, float alpha, bool accumulate, int start = 0)
    {
        for (int i = 0; i < rows; i++)
        {
            w.WriteLine(Invariant($"ref float a{i} = ref Unsafe.Add(ref a, (r + {i}) * {k});"));
            w.WriteLine(Invariant($"ref float y{i} = ref Unsafe.Add(ref y, (r + {i}) * {n});"));
        }
        if (rows == 1)
        {
            int blockedEnd = OneRowBlockedEnd(v, k, n, start);
            if (blockedEnd > start)
            {
                EmitOneRowBlocked(w, v, k, n, start, blockedEnd, bias, activation, alpha, accumulate);
                start = blockedEnd;
            }
        }
        int vectorEnd = ForEachColumnTile(w, n, rows, v, (tile, vectors, overlapped) => EmitNNTile(w, tile, rows, vectors, k, n, bias, activation, alpha, accumulate, overlapped), start);
        if (vectorEnd < n)
        {
            using (w.Block(Invariant($"for (int c = {vectorEnd}; c < {n}; c++)")))
            {
                for (int i = 0; i < rows; i++)
                {
                    string initial = accumulate ? Invariant($"Unsafe.Add(ref y{i}, c)") : bias switch
                    {
                        BiasMode.PerColumn => "Unsafe.Add(ref bias, c)",
                        BiasMode.PerRow => Invariant($"Unsafe.Add(ref bias, r + {i})"),
                        _ => "0f",
                    };
                    w.WriteLine(Invariant($"float s{i} = {initial};"));
                }
                // Four partial sums per row, for the same latency reason as the vector tiles.
                w.WriteLine("int i = 0;");
                if (k >= 8)
                {
                    for (int i = 0; i < rows; i++)
                    {
                        w.WriteLine(Invariant($"float s{i}b = 0f, s{i}c = 0f, s{i}d = 0f;"));
                    }
                    using (w.Block(Invariant($"for (; i + 4 <= {k}; i += 4)")))
                    {
                        for (int i = 0; i < rows; i++)
                        {
                            w.WriteLine(Invariant($"s{i} += Unsafe.Add(ref a{i}, i) * Unsafe.Add(ref b, i * {n} + c);"));
                            w.WriteLine(Invariant($"s{i}b += Unsafe.Add(ref a{i}, i + 1) * Unsafe.Add(ref b, (i + 1) * {n} + c);"));
                            w.WriteLine(Invariant($"s{i}c += Unsafe.Add(ref a{i}, i + 2) * Unsafe.Add(ref b, (i + 2) * {n} + c);"));
                            w.WriteLine(Invariant($"s{i}d += Unsafe.Add(ref a{i}, i + 3) * Unsafe.Add(ref b, (i + 3) * {n} + c);"));
                        }
                    }
                    for (int i = 0; i < rows; i++)
                    {
                        w.WriteLine(Invariant($"s{i} += s{i}b + s{i}c + s{i}d;"));
                    }
                }
                using (w.Block(Invariant($"for (; i < {k}; i++)")))
                {
                    w.WriteLine(Invariant($"float bi = Unsafe.Add(ref b, i * {n} + c);"));
                    for (int i = 0; i < rows; i++)
                    {
                        w.WriteLine(Invariant($"s{i} += Unsafe.Add(ref a{i}, i) * bi;"));
                    }
                }
                for (int i = 0; i < rows; i++)
                {
                    w.WriteLine(Invariant($"Unsafe.Add(ref y{i}, c) = {ActivationEmitter.Scalar(activation, alpha, "s" + i)};"));
                }
            }
        }
    }

    /// <summary>Vectors of a one-row tile: 8 accumulators, as many as the FMA latency times its throughput.</summary>
    private const int OneRowTileVectors = 8;

    /// <summary>Bytes of b that one k block of the one-row product reads: 7/8 of a 32 KiB L1, the rest for a and y.</summary>
    private const int OneRowBlockBytes = 28 * 1024;

    /// <summary>
    /// The columns [start, end) that a one-row product of the 16-register bodies computes k block by k block (end = start:
    /// none): its whole vectors, when they take two or more one-row tiles and b does not stay in L1 from one tile to the
    /// next. The 32-register body's one-row tile spans a 128-wide row, so it reads b once in any case.
    /// </summary>
    private static int OneRowBlockedEnd(VectorWidth v, int k, int n, int start)
    {
        int end = start + (n - start) / v.Lanes * v.Lanes;
        return v.Lanes > VectorWidth.V256.Lanes || SplitsK(k, n) || OneRowBlockRows(k, n) == k || end - start <= OneRowTileVectors * v.Lanes
            ? start
            : end;
    }

    /// <summary>Rows of b per k block of the one-row product: k when b fits in <see cref="OneRowBlockBytes"/> (or k is 1).</summary>
    private static int OneRowBlockRows(int k, int n)
    {
        long bytes = (long)k * n * sizeof(float);
        int blocks = (int)System.Math.Min(k, (bytes + OneRowBlockBytes - 1) / OneRowBlockBytes);
        return (k + blocks - 1) / blocks;
    }

    /// <summary>
    /// One row of y (a batch of one, the last row of a batch) over columns [start, end): for each block of k (its rows of b
    /// about 28 KiB), every column tile in turn. A tile alone reads only its part of each row of b (256 of 512 bytes for
    /// 128 outputs), a strided stream that the prefetchers serve at about three quarters of the L2 bandwidth; the tiles of
    /// one block read the block's rows whole while they are in L1 (Zen 4, 784 x 128: 4.0 instead of 4.8 us). Between
    /// blocks a tile's partial sums wait in y: each output still sums its k terms in order from the same start (bias, 0
    /// or y), the stores and reloads are exact, so the results are bit-identical to one pass over k.
    /// </summary>
    private static void EmitOneRowBlocked(SourceWriter w, VectorWidth v, int k, int n, int start, int end, BiasMode bias, ActivationKind activation, float alpha, bool accumulate)
    {
        int kc = OneRowBlockRows(k, n);
        int wide = OneRowTileVectors * v.Lanes;
        int wideEnd = start + (end - start) / wide * wide;
        w.WriteLine(Invariant($"// k blocks of {kc} rows of b ({kc * n * sizeof(float) / 1024.0:0.#} KiB), each read whole by the column tiles of [{start}, {end}) in turn."));
        using (w.Block(Invariant($"for (int k0 = 0; k0 < {k}; k0 += {kc})")))
        {
            w.WriteLine(k % kc == 0 ? Invariant($"int kEnd = k0 + {kc};") : Invariant($"int kEnd = Math.Min(k0 + {kc}, {k});"));
            if (wideEnd > start)
            {
                using (w.Block(Invariant($"for (int c = {start}; c < {wideEnd}; c += {wide})")))
                {
                    EmitOneRowBlockTile(w, v, OneRowTileVectors, k, n, bias, activation, alpha, accumulate);
                }
            }
            if (end > wideEnd)
            {
                using (w.OpenBlock())
                {
                    w.WriteLine(Invariant($"const int c = {wideEnd};"));
                    EmitOneRowBlockTile(w, v, (end - wideEnd) / v.Lanes, k, n, bias, activation, alpha, accumulate);
                }
            }
        }
    }

    /// <summary>A 1 x <paramref name="vectors"/> tile of the one-row blocked product over the k block [k0, kEnd).</summary>
    private static void EmitOneRowBlockTile(SourceWriter w, VectorWidth v, int vectors, int k, int n, BiasMode bias, ActivationKind activation, float alpha, bool accumulate)
    {
        string Y(int j) => Invariant($"ref y0, (nuint)(c + {j * v.Lanes})");
        for (int j = 0; j < vectors; j++)
        {
            w.WriteLine(Invariant($"{v.T} acc{j};"));
        }
        // The first block starts from the bias (or zero); the later ones, and an accumulating product, from y.
        if (!accumulate)
        {
            using (w.Block("if (k0 == 0)"))
            {
                for (int j = 0; j < vectors; j++)
                {
                    string initial = bias switch
                    {
                        BiasMode.PerColumn => Invariant($"{v.Type}.LoadUnsafe(ref bias, (nuint)(c + {j * v.Lanes}))"),
                        BiasMode.PerRow => Invariant($"{v.Type}.Create(Unsafe.Add(ref bias, r))"),
                        _ => v.T + ".Zero",
                    };
                    w.WriteLine(Invariant($"acc{j} = {initial};"));
                }
            }
        }
        using (accumulate ? w.OpenBlock() : w.Block("else"))
        {
            for (int j = 0; j < vectors; j++)
            {
                w.WriteLine(Invariant($"acc{j} = {v.Type}.LoadUnsafe({Y(j)});"));
            }
        }
        w.WriteLine("ref float ak = ref Unsafe.Add(ref a0, k0);");
        w.WriteLine(Invariant($"ref float bk = ref Unsafe.Add(ref b, k0 * {n} + c);"));
        // Each b vector serves one FMA: loaded inside it (an FMA with a memory operand), so that the accumulators and
        // the broadcast fit in 16 registers.
        using (w.Block("for (int i = k0; i < kEnd; i++)"))
        {
            w.WriteLine(Invariant($"{v.T} ai = {v.Type}.Create(ak);"));
            for (int j = 0; j < vectors; j++)
            {
                w.WriteLine(Invariant($"acc{j} = {v.MultiplyAdd("ai", Invariant($"{v.Type}.LoadUnsafe(ref bk, {j * v.Lanes})"), Invariant($"acc{j}"))};"));
            }
            w.WriteLine("ak = ref Unsafe.Add(ref ak, 1);");
            w.WriteLine(Invariant($"bk = ref Unsafe.Add(ref bk, {n});"));
        }
        void Store(bool activate)
        {
            for (int j = 0; j < vectors; j++)
            {
                string value = activate ? ActivationEmitter.Vector(activation, alpha, $"acc{j}", v) : Invariant($"acc{j}");
                w.WriteLine(Invariant($"{value}.StoreUnsafe({Y(j)});"));
            }
        }
        if (activation == ActivationKind.Identity || accumulate)
        {
            Store(activate: false);
            return;
        }
        // The activation applies to the finished sums only, after the last k block.
        using (w.Block(Invariant($"if (kEnd == {k})")))
        {
            Store(activate: true);
        }
        using (w.Block("else"))
        {
            Store(activate: false);
        }
    }

    private static void EmitNNTile(SourceWriter w, VectorWidth v, int rows, int vectors, int k, int n, BiasMode bias, ActivationKind activation, float alpha, bool accumulate, int overlapped)
    {
        if (bias == BiasMode.PerColumn)
        {
            for (int j = 0; j < vectors; j++)
            {
                w.WriteLine(Invariant($"{v.T} bias{j} = {v.Type}.LoadUnsafe(ref bias, (nuint)(c + {j * v.Lanes}));"));
            }
        }
        for (int i = 0; i < rows; i++)
        {
            if (bias == BiasMode.PerRow)
            {
                w.WriteLine(Invariant($"{v.T} rowBias{i} = {v.Type}.Create(Unsafe.Add(ref bias, r + {i}));"));
            }
            for (int j = 0; j < vectors; j++)
            {
                // An overlapping tile of an accumulating product starts from zero and adds only its new lanes to y below.
                string initial = accumulate && overlapped == 0 ? Invariant($"{v.Type}.LoadUnsafe(ref y{i}, (nuint)(c + {j * v.Lanes}))") : bias switch
                {
                    BiasMode.PerColumn => Invariant($"bias{j}"),
                    BiasMode.PerRow => Invariant($"rowBias{i}"),
                    _ => v.T + ".Zero",
                };
                w.WriteLine(Invariant($"{v.T} acc{i}{j} = {initial};"));
            }
        }
        // A narrow output (10 classes) leaves a tile with few accumulators, waiting on the FMA latency: split the k loop
        // over two independent partial sums, added at the end. The split depends on the layer only, never on the tile,
        // so a sample's outputs are bit-identical whatever its position in the batch.
        int split = SplitsK(k, n) ? 2 : 1;
        for (int u = 1; u < split; u++)
        {
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < vectors; j++)
                {
                    w.WriteLine(Invariant($"{v.T} acc{i}{j}_{u} = {v.T}.Zero;"));
                }
            }
        }
        w.WriteLine("int i = 0;");
        if (split > 1)
        {
            using (w.Block(Invariant($"for (; i + {split} <= {k}; i += {split})")))
            {
                for (int u = 0; u < split; u++)
                {
                    string suffix = u == 0 ? "" : Invariant($"_{u}");
                    w.WriteLine(Invariant($"ref float bi{u} = ref Unsafe.Add(ref b, (i + {u}) * {n} + c);"));
                    for (int i = 0; i < rows; i++)
                    {
                        w.WriteLine(Invariant($"{v.T} a{i}i{u} = {v.Type}.Create(Unsafe.Add(ref a{i}, i + {u}));"));
                        for (int j = 0; j < vectors; j++)
                        {
                            w.WriteLine(Invariant($"acc{i}{j}{suffix} = {v.MultiplyAdd(Invariant($"a{i}i{u}"), Invariant($"{v.Type}.LoadUnsafe(ref bi{u}, {j * v.Lanes})"), Invariant($"acc{i}{j}{suffix}"))};"));
                        }
                    }
                }
            }
        }
        // One pointer steps along the tile's rows of a (row q at a constant offset of q rows), one down b: no index
        // arithmetic and few live registers in the loop.
        w.WriteLine("ref float ak = ref Unsafe.Add(ref a0, i);");
        w.WriteLine(Invariant($"ref float bk = ref Unsafe.Add(ref b, i * {n} + c);"));
        using (w.Block(Invariant($"for (; i < {k}; i++)")))
        {
            for (int j = 0; j < vectors; j++)
            {
                w.WriteLine(Invariant($"{v.T} b{j} = {v.Type}.LoadUnsafe(ref bk, {j * v.Lanes});"));
            }
            for (int i = 0; i < rows; i++)
            {
                w.WriteLine(Invariant($"{v.T} a{i}i = {v.Type}.Create({(i == 0 ? "ak" : Invariant($"Unsafe.Add(ref ak, {i * k})"))});"));
                for (int j = 0; j < vectors; j++)
                {
                    w.WriteLine(Invariant($"acc{i}{j} = {v.MultiplyAdd(Invariant($"a{i}i"), Invariant($"b{j}"), Invariant($"acc{i}{j}"))};"));
                }
            }
            w.WriteLine("ak = ref Unsafe.Add(ref ak, 1);");
            w.WriteLine(Invariant($"bk = ref Unsafe.Add(ref bk, {n});"));
        }
        if (split > 1)
        {
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < vectors; j++)
                {
                    string sum = string.Join(" + ", System.Linq.Enumerable.Range(1, split - 1).Select(u => Invariant($"acc{i}{j}_{u}")));
                    w.WriteLine(Invariant($"acc{i}{j} += {sum};"));
                }
            }
        }
        if (accumulate && overlapped > 0)
        {
            w.WriteLine(Invariant($"{v.T} fresh = {v.Type}.GreaterThanOrEqual({v.Indices}, {v.Type}.Create({overlapped}f)); // lanes {overlapped} on are new columns"));
        }
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < vectors; j++)
            {
                string value = accumulate && overlapped > 0
                    ? Invariant($"({v.Type}.LoadUnsafe(ref y{i}, (nuint)(c + {j * v.Lanes})) + (acc{i}{j} & fresh))")
                    : ActivationEmitter.Vector(activation, alpha, $"acc{i}{j}", v);
                w.WriteLine(Invariant($"{value}.StoreUnsafe(ref y{i}, (nuint)(c + {j * v.Lanes}));"));
            }
        }
    }

    /// <summary>y[k, n] = a[rows, k]^T b[rows, n], overwritten.</summary>
    public static void EmitTN(SourceWriter w, string method, int k, int n, string comment)
    {
        int block = TransposedBlock(n);
        w.WriteLine("// " + comment);
        w.WriteLine(Invariant($"// Register tiles of {TileRows} (AVX-512) or {NarrowTileRows} (16 registers) rows of y x 2 vectors, accumulated over the rows of a and b."));
        w.WriteLine(Invariant($"// The 16-register bodies take the rows in blocks of {block}: a block of b ({block} x {n} floats) stays in L1 while every"));
        w.WriteLine("// tile of y passes over it, instead of all of b streaming from L2 again for each tile. The first block starts each");
        w.WriteLine("// sum at zero and the next ones continue it from y, so each output still sums over the rows in order 0, 1, 2, ...");
        using (w.Block(Invariant($"private static void {method}(ref float a, ref float b, ref float y, int rows)")))
        {
            EmitWidths(w, v =>
            {
                if (v.Lanes > VectorWidth.V256.Lanes)
                {
                    EmitTNTiles(w, v, k, n, blocked: false);
                    return;
                }
                using (w.Block(Invariant($"for (int r0 = 0; r0 < rows; r0 += {block})")))
                {
                    w.WriteLine(Invariant($"int count = Math.Min({block}, rows - r0); // rows in this block"));
                    w.WriteLine("bool first = r0 == 0;");
                    w.WriteLine(Invariant($"ref float ab = ref Unsafe.Add(ref a, r0 * {k});"));
                    w.WriteLine(Invariant($"ref float bb = ref Unsafe.Add(ref b, r0 * {n});"));
                    EmitTNTiles(w, v, k, n, blocked: true);
                }
            });
        }
    }

    /// <summary>
    /// Rows per block of the TN product's 16-register bodies: as many as keep a block of b within 16 KB, half the 32 KB L1
    /// data cache of current x64 cores (the other half holds the lines of a a tile reads and y's tile), at least 16 so
    /// that loading and storing y's tile once per block stays small against the block's FMAs.
    /// </summary>
    private static int TransposedBlock(int n) => System.Math.Max(16, 4096 / n / 8 * 8);

    private static void EmitTNTiles(SourceWriter w, VectorWidth v, int k, int n, bool blocked)
    {
        w.WriteLine("int i = 0;");
        int tile = TransposedTile(v);
        if (k >= tile)
        {
            using (w.Block(Invariant($"for (; i + {tile} <= {k}; i += {tile})")))
            {
                EmitTNRows(w, v, tile, k, n, blocked);
            }
        }
        using (w.Block(Invariant($"for (; i < {k}; i++)")))
        {
            EmitTNRows(w, v, 1, k, n, blocked);
        }
    }

    /// <summary>
    /// One row tile of y over all its columns. Blocked: the rows of a and b are those of the block (ab, bb, count), and
    /// each sum starts at zero in the first block, from y in the others.
    /// </summary>
    private static void EmitTNRows(SourceWriter w, VectorWidth width, int rows, int k, int n, bool blocked)
    {
        string a = blocked ? "ab" : "a", b = blocked ? "bb" : "b", count = blocked ? "count" : "rows";
        int vectorEnd = ForEachColumnTile(w, n, rows, width, (v, vectors, overlapped) =>
        {
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < vectors; j++)
                {
                    string at = Invariant($"(nuint)((i + {i}) * {n} + c + {j * v.Lanes})");
                    if (!blocked)
                    {
                        w.WriteLine(Invariant($"{v.T} acc{i}{j} = {v.T}.Zero;"));
                    }
                    else if (overlapped == 0)
                    {
                        w.WriteLine(Invariant($"{v.T} acc{i}{j} = first ? {v.T}.Zero : {v.Type}.LoadUnsafe(ref y, {at});"));
                    }
                    else
                    {
                        // The overlapped lanes already hold this block's sums (the tile before stored them): keep them.
                        w.WriteLine(Invariant($"{v.T} old{i}{j} = {v.Type}.LoadUnsafe(ref y, {at});"));
                        w.WriteLine(Invariant($"{v.T} acc{i}{j} = first ? {v.T}.Zero : old{i}{j};"));
                    }
                }
            }
            // One pointer steps down the rows of a, one down those of b: no index arithmetic in the loop.
            w.WriteLine(Invariant($"ref float br = ref Unsafe.Add(ref {b}, c);"));
            w.WriteLine(Invariant($"ref float ar = ref Unsafe.Add(ref {a}, i);"));
            using (w.Block(Invariant($"for (int r = 0; r < {count}; r++)")))
            {
                for (int j = 0; j < vectors; j++)
                {
                    w.WriteLine(Invariant($"{v.T} b{j} = {v.Type}.LoadUnsafe(ref br, {j * v.Lanes});"));
                }
                for (int i = 0; i < rows; i++)
                {
                    w.WriteLine(Invariant($"{v.T} a{i} = {v.Type}.Create({(i == 0 ? "ar" : Invariant($"Unsafe.Add(ref ar, {i})"))});"));
                    for (int j = 0; j < vectors; j++)
                    {
                        w.WriteLine(Invariant($"acc{i}{j} = {v.MultiplyAdd(Invariant($"a{i}"), Invariant($"b{j}"), Invariant($"acc{i}{j}"))};"));
                    }
                }
                w.WriteLine(Invariant($"br = ref Unsafe.Add(ref br, {n});"));
                w.WriteLine(Invariant($"ar = ref Unsafe.Add(ref ar, {k});"));
            }
            if (blocked && overlapped > 0)
            {
                w.WriteLine(Invariant($"{v.T} fresh = {v.Type}.GreaterThanOrEqual({v.Indices}, {v.Type}.Create({overlapped}f)); // lanes {overlapped} on are new columns"));
            }
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < vectors; j++)
                {
                    string value = blocked && overlapped > 0 ? Invariant($"{v.Type}.ConditionalSelect(fresh, acc{i}{j}, old{i}{j})") : Invariant($"acc{i}{j}");
                    w.WriteLine(Invariant($"{value}.StoreUnsafe(ref y, (nuint)((i + {i}) * {n} + c + {j * v.Lanes}));"));
                }
            }
        });
        EmitScalarColumns(w, vectorEnd, n, () =>
        {
            for (int i = 0; i < rows; i++)
            {
                w.WriteLine(Invariant($"float s{i} = {(blocked ? Invariant($"first ? 0f : Unsafe.Add(ref y, (i + {i}) * {n} + c)") : "0f")};"));
            }
            using (w.Block(Invariant($"for (int r = 0; r < {count}; r++)")))
            {
                w.WriteLine(Invariant($"float br = Unsafe.Add(ref {b}, r * {n} + c);"));
                for (int i = 0; i < rows; i++)
                {
                    w.WriteLine(Invariant($"s{i} += Unsafe.Add(ref {a}, r * {k} + i + {i}) * br;"));
                }
            }
            for (int i = 0; i < rows; i++)
            {
                w.WriteLine(Invariant($"Unsafe.Add(ref y, (i + {i}) * {n} + c) = s{i};"));
            }
        });
    }

    /// <summary>y[rows, k] = (or +=) a[rows, n] b[k, n]^T: dot products of a rows with b rows, four b rows at a time.</summary>
    public static void EmitNT(SourceWriter w, string method, int k, int n, bool accumulate, string comment)
    {
        w.WriteLine("// " + comment);
        w.WriteLine(Invariant($"// {TileRows} rows of b at a time (outer loop), dotted with every row of a (inner loop): b, the larger matrix, streams"));
        w.WriteLine("// through the cache once while the rows of a stay in L1.");
        using (w.Block(Invariant($"private static void {method}(ref float a, ref float b, ref float y, int rows)")))
        {
            EmitWidths(w, v =>
            {
                w.WriteLine("int i = 0;");
                if (k >= TileRows)
                {
                    using (w.Block(Invariant($"for (; i + {TileRows} <= {k}; i += {TileRows})")))
                    {
                        EmitDotRowsForEachRow(w, v, TileRows, k, n, accumulate);
                    }
                }
                using (w.Block(Invariant($"for (; i < {k}; i++)")))
                {
                    EmitDotRowsForEachRow(w, v, 1, k, n, accumulate);
                }
            });
        }
    }

    private static void EmitDotRowsForEachRow(SourceWriter w, VectorWidth v, int tile, int k, int n, bool accumulate)
    {
        // Two rows of a per step: each b vector loaded then serves two dot products (8 accumulators for a tile of 4).
        w.WriteLine("int r = 0;");
        foreach (int aRows in new[] { 2, 1 })
        {
            using (w.Block(aRows == 2 ? "for (; r + 2 <= rows; r += 2)" : "for (; r < rows; r++)"))
            {
                for (int q = 0; q < aRows; q++)
                {
                    w.WriteLine(Invariant($"ref float ar{q} = ref Unsafe.Add(ref a, (r + {q}) * {n});"));
                    w.WriteLine(Invariant($"ref float yr{q} = ref Unsafe.Add(ref y, (r + {q}) * {k});"));
                }
                EmitDotRows(w, v, tile, aRows, n, accumulate);
            }
        }
    }

    private static void EmitDotRows(SourceWriter w, VectorWidth v, int rows, int aRows, int n, bool accumulate)
    {
        int vectorEnd = n / v.Lanes * v.Lanes;
        for (int i = 0; i < rows; i++)
        {
            w.WriteLine(Invariant($"ref float b{i} = ref Unsafe.Add(ref b, (i + {i}) * {n});"));
        }
        if (vectorEnd > 0)
        {
            for (int q = 0; q < aRows; q++)
            {
                w.WriteLine(string.Join(", ", Enumerable.Range(0, rows).Select(i => Invariant($"acc{q}{i} = {v.T}.Zero"))).Insert(0, v.T + " ") + ";");
            }
            using (w.Block(Invariant($"for (int c = 0; c < {vectorEnd}; c += {v.Lanes})")))
            {
                for (int q = 0; q < aRows; q++)
                {
                    w.WriteLine(Invariant($"{v.T} av{q} = {v.Type}.LoadUnsafe(ref ar{q}, (nuint)c);"));
                }
                for (int i = 0; i < rows; i++)
                {
                    w.WriteLine(Invariant($"{v.T} bv{i} = {v.Type}.LoadUnsafe(ref b{i}, (nuint)c);"));
                    for (int q = 0; q < aRows; q++)
                    {
                        w.WriteLine(Invariant($"acc{q}{i} = {v.MultiplyAdd(Invariant($"av{q}"), Invariant($"bv{i}"), Invariant($"acc{q}{i}"))};"));
                    }
                }
            }
        }
        for (int q = 0; q < aRows; q++)
        {
            for (int i = 0; i < rows; i++)
            {
                w.WriteLine(Invariant($"float s{q}{i} = {(vectorEnd > 0 ? Invariant($"{v.Type}.Sum(acc{q}{i})") : "0f")};"));
            }
        }
        if (vectorEnd < n)
        {
            using (w.Block(Invariant($"for (int c = {vectorEnd}; c < {n}; c++)")))
            {
                for (int q = 0; q < aRows; q++)
                {
                    w.WriteLine(Invariant($"float ac{q} = Unsafe.Add(ref ar{q}, c);"));
                    for (int i = 0; i < rows; i++)
                    {
                        w.WriteLine(Invariant($"s{q}{i} += ac{q} * Unsafe.Add(ref b{i}, c);"));
                    }
                }
            }
        }
        for (int q = 0; q < aRows; q++)
        {
            for (int i = 0; i < rows; i++)
            {
                w.WriteLine(Invariant($"Unsafe.Add(ref yr{q}, i + {i}) {(accumulate ? "+=" : "=")} s{q}{i};"));
            }
        }
    }

    /// <summary>db[n] = column sums of dz[rows, n], overwritten.</summary>
    public static void EmitColumnSums(SourceWriter w, string method, int n, string comment)
    {
        w.WriteLine("// " + comment);
        using (w.Block(Invariant($"private static void {method}(ref float dz, ref float db, int rows)")))
        {
            EmitWidths(w, width =>
            {
                int vectorEnd = ForEachColumnTile(w, n, 1, width, (v, vectors, _) =>
                {
                    for (int j = 0; j < vectors; j++)
                    {
                        w.WriteLine(Invariant($"{v.T} sum{j} = {v.T}.Zero;"));
                    }
                    using (w.Block("for (int r = 0; r < rows; r++)"))
                    {
                        for (int j = 0; j < vectors; j++)
                        {
                            w.WriteLine(Invariant($"sum{j} += {v.Type}.LoadUnsafe(ref dz, (nuint)(r * {n} + c + {j * v.Lanes}));"));
                        }
                    }
                    for (int j = 0; j < vectors; j++)
                    {
                        w.WriteLine(Invariant($"sum{j}.StoreUnsafe(ref db, (nuint)(c + {j * v.Lanes}));"));
                    }
                });
                EmitScalarColumns(w, vectorEnd, n, () =>
                {
                    w.WriteLine("float sum = 0f;");
                    w.WriteLine(Invariant($"for (int r = 0; r < rows; r++) sum += Unsafe.Add(ref dz, r * {n} + c);"));
                    w.WriteLine("Unsafe.Add(ref db, c) = sum;");
                });
            });
        }
    }

    /// <summary>
    /// Emits the vector column loop: tiles of <paramref name="rows"/> x V vectors, V chosen so that a tile holds 8
    /// independent accumulators (enough to cover the FMA latency of 4 cycles at 2 per cycle), up to 12 for taller tiles in
    /// 16 registers and 16 with AVX-512's 32, then one narrower tile for
    /// the vectors left over, then, in the 512-bit body, one 256-bit vector if 8 floats remain, then one overlapping
    /// vector for the rest (256-bit, 128-bit in the Vector128 body). Only outputs narrower than that vector are left to
    /// scalar code. Returns where the
    /// scalar columns start. The callback gets the width, the vectors and how many leading lanes overlap columns already
    /// done (0 but for the last tile): a caller that overwrites y stores those twice with the same values, one that
    /// accumulates into y must add only the other lanes.
    /// </summary>
    private static int ForEachColumnTile(SourceWriter w, int n, int rows, VectorWidth v, System.Action<VectorWidth, int, int> emitTile, int start = 0)
    {
        int accumulators = rows <= TileRows ? 8 : v.Lanes > VectorWidth.V256.Lanes ? 16 : 12; // 12 of 16 registers: 2 b vectors, 1 broadcast
        int vectorsPerTile = System.Math.Max(1, accumulators / rows);
        int wide = vectorsPerTile * v.Lanes;
        int wideEnd = start + (n - start) / wide * wide;
        if (wideEnd > start)
        {
            using (w.Block(Invariant($"for (int c = {start}; c < {wideEnd}; c += {wide})")))
            {
                emitTile(v, vectorsPerTile, 0);
            }
        }
        int rest = (n - wideEnd) / v.Lanes;
        int end = wideEnd + rest * v.Lanes;
        if (rest > 0)
        {
            using (w.OpenBlock())
            {
                w.WriteLine(Invariant($"const int c = {wideEnd};"));
                emitTile(v, rest, 0);
            }
        }
        if (v.Lanes > VectorWidth.V256.Lanes && n - end >= VectorWidth.V256.Lanes)
        {
            using (w.OpenBlock())
            {
                w.WriteLine(Invariant($"const int c = {end};"));
                emitTile(VectorWidth.V256, 1, 0);
            }
            end += VectorWidth.V256.Lanes;
        }
        VectorWidth last = v.Overlap;
        if (end < n && n >= last.Lanes)
        {
            // The last few columns: one vector ending at the last column, overlapping columns already done. They are
            // recomputed with the same arithmetic and stored again with the same values, cheaper than scalar code.
            using (w.OpenBlock())
            {
                w.WriteLine(Invariant($"const int c = {n - last.Lanes}; // overlaps {end - (n - last.Lanes)} columns"));
                emitTile(last, 1, end - (n - last.Lanes));
            }
            end = n;
        }
        return end;
    }

    /// <summary>
    /// Where the vectors of <paramref name="width"/> elements start that cover [0, length): whole vectors, then one ending
    /// at the last element, overlapping the one before (for code that overwrites, so overlapped elements are stored twice
    /// with the same value). Needs length >= width.
    /// </summary>
    public static System.Collections.Generic.List<int> OverlappingStarts(int length, int width)
    {
        var starts = new System.Collections.Generic.List<int>();
        for (int t = 0; t + width <= length; t += width)
        {
            starts.Add(t);
        }
        if (length % width != 0)
        {
            starts.Add(length - width);
        }
        return starts;
    }

    private static void EmitScalarColumns(SourceWriter w, int vectorEnd, int n, System.Action emitColumn)
    {
        if (vectorEnd < n)
        {
            using (w.Block(Invariant($"for (int c = {vectorEnd}; c < {n}; c++)")))
            {
                emitColumn();
            }
        }
    }
}
