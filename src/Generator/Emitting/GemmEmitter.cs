using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>Where a matrix product's bias comes from.</summary>
internal enum BiasMode
{
    None,
    PerColumn, // dense layers: one bias per output unit
    PerRow,    // convolutions: one bias per filter, output rows are filters
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
/// </summary>
internal static class GemmEmitter
{
    private const int Lanes = 8;     // floats per Vector256
    private const int TileRows = 4;  // rows of a per register tile

    /// <summary>y[rows, n] = f(a[rows, k] b[k, n] + bias).</summary>
    public static void EmitNN(SourceWriter w, string method, int k, int n, BiasMode bias, ActivationKind activation, float alpha, string comment)
    {
        w.WriteLine("// " + comment);
        w.WriteLine(Invariant($"// Register tiles of {TileRows} rows x 16 columns (8 accumulators; 1 row x 64 columns for the remaining rows): each b vector loaded once serves {TileRows} rows."));
        using (w.Block(Invariant($"private static void {method}(ref float a, ref float b, ref float bias, ref float y, int rows)")))
        {
            w.WriteLine("int r = 0;");
            using (w.Block(Invariant($"for (; r + {TileRows} <= rows; r += {TileRows})")))
            {
                EmitNNRows(w, TileRows, k, n, bias, activation, alpha);
            }
            using (w.Block("for (; r < rows; r++)"))
            {
                EmitNNRows(w, 1, k, n, bias, activation, alpha);
            }
        }
    }

    private static void EmitNNRows(SourceWriter w, int rows, int k, int n, BiasMode bias, ActivationKind activation, float alpha)
    {
        for (int i = 0; i < rows; i++)
        {
            w.WriteLine(Invariant($"ref float a{i} = ref Unsafe.Add(ref a, (r + {i}) * {k});"));
            w.WriteLine(Invariant($"ref float y{i} = ref Unsafe.Add(ref y, (r + {i}) * {n});"));
        }
        ForEachColumnTile(w, n, rows, vectors => EmitNNTile(w, rows, vectors, k, n, bias, activation, alpha));
        int vectorEnd = n / Lanes * Lanes;
        if (vectorEnd < n)
        {
            using (w.Block(Invariant($"for (int c = {vectorEnd}; c < {n}; c++)")))
            {
                for (int i = 0; i < rows; i++)
                {
                    string initial = bias switch
                    {
                        BiasMode.PerColumn => "Unsafe.Add(ref bias, c)",
                        BiasMode.PerRow => Invariant($"Unsafe.Add(ref bias, r + {i})"),
                        _ => "0f",
                    };
                    w.WriteLine(Invariant($"float s{i} = {initial};"));
                }
                using (w.Block(Invariant($"for (int i = 0; i < {k}; i++)")))
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

    private static void EmitNNTile(SourceWriter w, int rows, int vectors, int k, int n, BiasMode bias, ActivationKind activation, float alpha)
    {
        if (bias == BiasMode.PerColumn)
        {
            for (int j = 0; j < vectors; j++)
            {
                w.WriteLine(Invariant($"Vector256<float> bias{j} = Vector256.LoadUnsafe(ref bias, (nuint)(c + {j * Lanes}));"));
            }
        }
        for (int i = 0; i < rows; i++)
        {
            if (bias == BiasMode.PerRow)
            {
                w.WriteLine(Invariant($"Vector256<float> rowBias{i} = Vector256.Create(Unsafe.Add(ref bias, r + {i}));"));
            }
            for (int j = 0; j < vectors; j++)
            {
                string initial = bias switch
                {
                    BiasMode.PerColumn => Invariant($"bias{j}"),
                    BiasMode.PerRow => Invariant($"rowBias{i}"),
                    _ => "Vector256<float>.Zero",
                };
                w.WriteLine(Invariant($"Vector256<float> acc{i}{j} = {initial};"));
            }
        }
        using (w.Block(Invariant($"for (int i = 0; i < {k}; i++)")))
        {
            w.WriteLine(Invariant($"ref float bi = ref Unsafe.Add(ref b, i * {n} + c);"));
            for (int j = 0; j < vectors; j++)
            {
                w.WriteLine(Invariant($"Vector256<float> b{j} = Vector256.LoadUnsafe(ref bi, {j * Lanes});"));
            }
            for (int i = 0; i < rows; i++)
            {
                w.WriteLine(Invariant($"Vector256<float> a{i}i = Vector256.Create(Unsafe.Add(ref a{i}, i));"));
                for (int j = 0; j < vectors; j++)
                {
                    w.WriteLine(Invariant($"acc{i}{j} = Vector256.FusedMultiplyAdd(a{i}i, b{j}, acc{i}{j});"));
                }
            }
        }
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < vectors; j++)
            {
                w.WriteLine(Invariant($"{ActivationEmitter.Vector(activation, alpha, $"acc{i}{j}")}.StoreUnsafe(ref y{i}, (nuint)(c + {j * Lanes}));"));
            }
        }
    }

    /// <summary>y[k, n] = a[rows, k]^T b[rows, n], overwritten.</summary>
    public static void EmitTN(SourceWriter w, string method, int k, int n, string comment)
    {
        w.WriteLine("// " + comment);
        w.WriteLine(Invariant($"// Register tiles of {TileRows} rows of y x 16 columns (8 accumulators), accumulated over the rows of a and b."));
        using (w.Block(Invariant($"private static void {method}(ref float a, ref float b, ref float y, int rows)")))
        {
            w.WriteLine("int i = 0;");
            if (k >= TileRows)
            {
                using (w.Block(Invariant($"for (; i + {TileRows} <= {k}; i += {TileRows})")))
                {
                    EmitTNRows(w, TileRows, k, n);
                }
            }
            using (w.Block(Invariant($"for (; i < {k}; i++)")))
            {
                EmitTNRows(w, 1, k, n);
            }
        }
    }

    private static void EmitTNRows(SourceWriter w, int rows, int k, int n)
    {
        ForEachColumnTile(w, n, rows, vectors =>
        {
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < vectors; j++)
                {
                    w.WriteLine(Invariant($"Vector256<float> acc{i}{j} = Vector256<float>.Zero;"));
                }
            }
            using (w.Block("for (int r = 0; r < rows; r++)"))
            {
                w.WriteLine(Invariant($"ref float br = ref Unsafe.Add(ref b, r * {n} + c);"));
                w.WriteLine(Invariant($"ref float ar = ref Unsafe.Add(ref a, r * {k} + i);"));
                for (int j = 0; j < vectors; j++)
                {
                    w.WriteLine(Invariant($"Vector256<float> b{j} = Vector256.LoadUnsafe(ref br, {j * Lanes});"));
                }
                for (int i = 0; i < rows; i++)
                {
                    w.WriteLine(Invariant($"Vector256<float> a{i} = Vector256.Create(Unsafe.Add(ref ar, {i}));"));
                    for (int j = 0; j < vectors; j++)
                    {
                        w.WriteLine(Invariant($"acc{i}{j} = Vector256.FusedMultiplyAdd(a{i}, b{j}, acc{i}{j});"));
                    }
                }
            }
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < vectors; j++)
                {
                    w.WriteLine(Invariant($"acc{i}{j}.StoreUnsafe(ref y, (nuint)((i + {i}) * {n} + c + {j * Lanes}));"));
                }
            }
        });
        EmitScalarColumns(w, n, () =>
        {
            for (int i = 0; i < rows; i++)
            {
                w.WriteLine(Invariant($"float s{i} = 0f;"));
            }
            using (w.Block("for (int r = 0; r < rows; r++)"))
            {
                w.WriteLine(Invariant($"float br = Unsafe.Add(ref b, r * {n} + c);"));
                for (int i = 0; i < rows; i++)
                {
                    w.WriteLine(Invariant($"s{i} += Unsafe.Add(ref a, r * {k} + i + {i}) * br;"));
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
        using (w.Block(Invariant($"private static void {method}(ref float a, ref float b, ref float y, int rows)")))
        {
            using (w.Block("for (int r = 0; r < rows; r++)"))
            {
                w.WriteLine(Invariant($"ref float ar = ref Unsafe.Add(ref a, r * {n});"));
                w.WriteLine(Invariant($"ref float yr = ref Unsafe.Add(ref y, r * {k});"));
                w.WriteLine("int i = 0;");
                if (k >= TileRows)
                {
                    using (w.Block(Invariant($"for (; i + {TileRows} <= {k}; i += {TileRows})")))
                    {
                        EmitDotRows(w, TileRows, n, accumulate);
                    }
                }
                using (w.Block(Invariant($"for (; i < {k}; i++)")))
                {
                    EmitDotRows(w, 1, n, accumulate);
                }
            }
        }
    }

    private static void EmitDotRows(SourceWriter w, int rows, int n, bool accumulate)
    {
        int vectorEnd = n / Lanes * Lanes;
        for (int i = 0; i < rows; i++)
        {
            w.WriteLine(Invariant($"ref float b{i} = ref Unsafe.Add(ref b, (i + {i}) * {n});"));
        }
        if (vectorEnd > 0)
        {
            for (int i = 0; i < rows; i++)
            {
                w.WriteLine(Invariant($"Vector256<float> acc{i} = Vector256<float>.Zero;"));
            }
            using (w.Block(Invariant($"for (int c = 0; c < {vectorEnd}; c += {Lanes})")))
            {
                w.WriteLine("Vector256<float> av = Vector256.LoadUnsafe(ref ar, (nuint)c);");
                for (int i = 0; i < rows; i++)
                {
                    w.WriteLine(Invariant($"acc{i} = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref b{i}, (nuint)c), acc{i});"));
                }
            }
        }
        for (int i = 0; i < rows; i++)
        {
            w.WriteLine(Invariant($"float s{i} = {(vectorEnd > 0 ? $"Vector256.Sum(acc{i})" : "0f")};"));
        }
        if (vectorEnd < n)
        {
            using (w.Block(Invariant($"for (int c = {vectorEnd}; c < {n}; c++)")))
            {
                w.WriteLine("float ac = Unsafe.Add(ref ar, c);");
                for (int i = 0; i < rows; i++)
                {
                    w.WriteLine(Invariant($"s{i} += ac * Unsafe.Add(ref b{i}, c);"));
                }
            }
        }
        for (int i = 0; i < rows; i++)
        {
            w.WriteLine(Invariant($"Unsafe.Add(ref yr, i + {i}) {(accumulate ? "+=" : "=")} s{i};"));
        }
    }

    /// <summary>db[n] = column sums of dz[rows, n], overwritten.</summary>
    public static void EmitColumnSums(SourceWriter w, string method, int n, string comment)
    {
        w.WriteLine("// " + comment);
        using (w.Block(Invariant($"private static void {method}(ref float dz, ref float db, int rows)")))
        {
            ForEachColumnTile(w, n, 1, vectors =>
            {
                for (int j = 0; j < vectors; j++)
                {
                    w.WriteLine(Invariant($"Vector256<float> sum{j} = Vector256<float>.Zero;"));
                }
                using (w.Block("for (int r = 0; r < rows; r++)"))
                {
                    for (int j = 0; j < vectors; j++)
                    {
                        w.WriteLine(Invariant($"sum{j} += Vector256.LoadUnsafe(ref dz, (nuint)(r * {n} + c + {j * Lanes}));"));
                    }
                }
                for (int j = 0; j < vectors; j++)
                {
                    w.WriteLine(Invariant($"sum{j}.StoreUnsafe(ref db, (nuint)(c + {j * Lanes}));"));
                }
            });
            EmitScalarColumns(w, n, () =>
            {
                w.WriteLine("float sum = 0f;");
                w.WriteLine(Invariant($"for (int r = 0; r < rows; r++) sum += Unsafe.Add(ref dz, r * {n} + c);"));
                w.WriteLine("Unsafe.Add(ref db, c) = sum;");
            });
        }
    }

    /// <summary>
    /// Emits the vector column loop: tiles of <paramref name="rows"/> x V vectors, V chosen so that a tile holds 8
    /// independent accumulators (enough to cover the FMA latency of 4 cycles at 2 per cycle), then one narrower
    /// tile for the vectors left over.
    /// </summary>
    private static void ForEachColumnTile(SourceWriter w, int n, int rows, System.Action<int> emitTile)
    {
        int vectorsPerTile = System.Math.Max(1, 8 / rows);
        int wide = vectorsPerTile * Lanes;
        int wideEnd = n / wide * wide;
        if (wideEnd > 0)
        {
            using (w.Block(Invariant($"for (int c = 0; c < {wideEnd}; c += {wide})")))
            {
                emitTile(vectorsPerTile);
            }
        }
        int rest = (n - wideEnd) / Lanes;
        if (rest > 0)
        {
            using (w.OpenBlock())
            {
                w.WriteLine(Invariant($"const int c = {wideEnd};"));
                emitTile(rest);
            }
        }
    }

    private static void EmitScalarColumns(SourceWriter w, int n, System.Action emitColumn)
    {
        int vectorEnd = n / Lanes * Lanes;
        if (vectorEnd < n)
        {
            using (w.Block(Invariant($"for (int c = {vectorEnd}; c < {n}; c++)")))
            {
                emitColumn();
            }
        }
    }
}
