using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>
/// The three matrix products of an affine layer y = x W + b, with x [batch, K], W [K, N] row-major and every K and N a
/// literal constant: the forward product (fused bias and activation), the weight and bias gradients, and the input
/// gradient. Dense and maxout layers share them.
/// </summary>
internal static class AffineEmitter
{
    private const int Lanes = 8;        // floats per Vector256
    private const int TileRows = 4;     // rows of x per register tile

    /// <summary>y[r, n] = f(b[n] + sum_k x[r, k] W[k, n]) for r &lt; batch.</summary>
    public static void EmitForward(SourceWriter w, string method, int k, int n, ActivationKind activation, float alpha)
    {
        w.WriteLine(Invariant($"// y[batch, {n}] = {ActivationEmitter.Describe(activation, alpha)}(x[batch, {k}] W[{k}, {n}] + b[{n}])."));
        w.WriteLine(Invariant($"// Register tiles of {TileRows} samples x 16 outputs (8 accumulators; 1 x 64 for the remaining samples): each weight vector loaded once serves {TileRows} samples."));
        using (w.Block(Invariant($"private static void {method}(ref float x, ref float w, ref float b, ref float y, int batch)")))
        {
            w.WriteLine("int r = 0;");
            using (w.Block(Invariant($"for (; r + {TileRows} <= batch; r += {TileRows})")))
            {
                EmitForwardRows(w, TileRows, k, n, activation, alpha);
            }
            using (w.Block("for (; r < batch; r++)"))
            {
                EmitForwardRows(w, 1, k, n, activation, alpha);
            }
        }
    }

    private static void EmitForwardRows(SourceWriter w, int rows, int k, int n, ActivationKind activation, float alpha)
    {
        for (int i = 0; i < rows; i++)
        {
            w.WriteLine(Invariant($"ref float x{i} = ref Unsafe.Add(ref x, (r + {i}) * {k});"));
            w.WriteLine(Invariant($"ref float y{i} = ref Unsafe.Add(ref y, (r + {i}) * {n});"));
        }
        ForEachColumnTile(w, n, rows, vectors => EmitForwardTile(w, rows, vectors, k, n, activation, alpha));
        int vectorEnd = n / Lanes * Lanes;
        if (vectorEnd < n)
        {
            using (w.Block(Invariant($"for (int c = {vectorEnd}; c < {n}; c++)")))
            {
                for (int i = 0; i < rows; i++)
                {
                    w.WriteLine(Invariant($"float s{i} = Unsafe.Add(ref b, c);"));
                }
                using (w.Block(Invariant($"for (int i = 0; i < {k}; i++)")))
                {
                    w.WriteLine(Invariant($"float wi = Unsafe.Add(ref w, i * {n} + c);"));
                    for (int i = 0; i < rows; i++)
                    {
                        w.WriteLine(Invariant($"s{i} += Unsafe.Add(ref x{i}, i) * wi;"));
                    }
                }
                for (int i = 0; i < rows; i++)
                {
                    w.WriteLine(Invariant($"Unsafe.Add(ref y{i}, c) = {ActivationEmitter.Scalar(activation, alpha, "s" + i)};"));
                }
            }
        }
    }

    private static void EmitForwardTile(SourceWriter w, int rows, int vectors, int k, int n, ActivationKind activation, float alpha)
    {
        for (int j = 0; j < vectors; j++)
        {
            string bias = Invariant($"Vector256.LoadUnsafe(ref b, (nuint)(c + {j * Lanes}))");
            w.WriteLine(Invariant($"Vector256<float> b{j} = {bias};"));
        }
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < vectors; j++)
            {
                w.WriteLine(Invariant($"Vector256<float> acc{i}{j} = b{j};"));
            }
        }
        using (w.Block(Invariant($"for (int i = 0; i < {k}; i++)")))
        {
            w.WriteLine(Invariant($"ref float wi = ref Unsafe.Add(ref w, i * {n} + c);"));
            for (int j = 0; j < vectors; j++)
            {
                w.WriteLine(Invariant($"Vector256<float> w{j} = Vector256.LoadUnsafe(ref wi, {j * Lanes});"));
            }
            for (int i = 0; i < rows; i++)
            {
                w.WriteLine(Invariant($"Vector256<float> x{i}i = Vector256.Create(Unsafe.Add(ref x{i}, i));"));
                for (int j = 0; j < vectors; j++)
                {
                    w.WriteLine(Invariant($"acc{i}{j} = Vector256.FusedMultiplyAdd(x{i}i, w{j}, acc{i}{j});"));
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

    /// <summary>dW[k, n] = sum_r x[r, k] dz[r, n] and db[n] = sum_r dz[r, n]: the gradients of the mean loss, overwritten (not accumulated).</summary>
    public static void EmitWeightGradient(SourceWriter w, string method, int k, int n)
    {
        w.WriteLine(Invariant($"// dW[{k}, {n}] = x^T[{k}, batch] dz[batch, {n}]; db[{n}] = column sums of dz."));
        w.WriteLine(Invariant($"// Register tiles of {TileRows} weight rows x 16 columns (8 accumulators), accumulated over the batch."));
        using (w.Block(Invariant($"private static void {method}(ref float x, ref float dz, ref float dw, ref float db, int batch)")))
        {
            ForEachColumnTile(w, n, 1, vectors =>
            {
                for (int j = 0; j < vectors; j++)
                {
                    w.WriteLine(Invariant($"Vector256<float> sum{j} = Vector256<float>.Zero;"));
                }
                using (w.Block("for (int r = 0; r < batch; r++)"))
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
                w.WriteLine(Invariant($"for (int r = 0; r < batch; r++) sum += Unsafe.Add(ref dz, r * {n} + c);"));
                w.WriteLine("Unsafe.Add(ref db, c) = sum;");
            });

            w.WriteLine("int i = 0;");
            if (k >= TileRows)
            {
                using (w.Block(Invariant($"for (; i + {TileRows} <= {k}; i += {TileRows})")))
                {
                    EmitWeightGradientRows(w, TileRows, k, n);
                }
            }
            using (w.Block(Invariant($"for (; i < {k}; i++)")))
            {
                EmitWeightGradientRows(w, 1, k, n);
            }
        }
    }

    private static void EmitWeightGradientRows(SourceWriter w, int rows, int k, int n)
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
            using (w.Block("for (int r = 0; r < batch; r++)"))
            {
                w.WriteLine(Invariant($"ref float dzr = ref Unsafe.Add(ref dz, r * {n} + c);"));
                w.WriteLine(Invariant($"ref float xr = ref Unsafe.Add(ref x, r * {k} + i);"));
                for (int j = 0; j < vectors; j++)
                {
                    w.WriteLine(Invariant($"Vector256<float> d{j} = Vector256.LoadUnsafe(ref dzr, {j * Lanes});"));
                }
                for (int i = 0; i < rows; i++)
                {
                    w.WriteLine(Invariant($"Vector256<float> x{i} = Vector256.Create(Unsafe.Add(ref xr, {i}));"));
                    for (int j = 0; j < vectors; j++)
                    {
                        w.WriteLine(Invariant($"acc{i}{j} = Vector256.FusedMultiplyAdd(x{i}, d{j}, acc{i}{j});"));
                    }
                }
            }
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < vectors; j++)
                {
                    w.WriteLine(Invariant($"acc{i}{j}.StoreUnsafe(ref dw, (nuint)((i + {i}) * {n} + c + {j * Lanes}));"));
                }
            }
        });
        EmitScalarColumns(w, n, () =>
        {
            for (int i = 0; i < rows; i++)
            {
                w.WriteLine(Invariant($"float s{i} = 0f;"));
            }
            using (w.Block("for (int r = 0; r < batch; r++)"))
            {
                w.WriteLine(Invariant($"float d = Unsafe.Add(ref dz, r * {n} + c);"));
                for (int i = 0; i < rows; i++)
                {
                    w.WriteLine(Invariant($"s{i} += Unsafe.Add(ref x, r * {k} + i + {i}) * d;"));
                }
            }
            for (int i = 0; i < rows; i++)
            {
                w.WriteLine(Invariant($"Unsafe.Add(ref dw, (i + {i}) * {n} + c) = s{i};"));
            }
        });
    }

    /// <summary>dx[r, k] = sum_n dz[r, n] W[k, n]: dot products of gradient rows with weight rows, four weight rows at a time.</summary>
    public static void EmitInputGradient(SourceWriter w, string method, int k, int n)
    {
        w.WriteLine(Invariant($"// dx[batch, {k}] = dz[batch, {n}] W^T[{n}, {k}]: each dx element is a dot product of a dz row and a W row."));
        using (w.Block(Invariant($"private static void {method}(ref float dz, ref float w, ref float dx, int batch)")))
        {
            using (w.Block("for (int r = 0; r < batch; r++)"))
            {
                w.WriteLine(Invariant($"ref float dzr = ref Unsafe.Add(ref dz, r * {n});"));
                w.WriteLine(Invariant($"ref float dxr = ref Unsafe.Add(ref dx, r * {k});"));
                w.WriteLine("int i = 0;");
                if (k >= TileRows)
                {
                    using (w.Block(Invariant($"for (; i + {TileRows} <= {k}; i += {TileRows})")))
                    {
                        EmitDotRows(w, TileRows, n);
                    }
                }
                using (w.Block(Invariant($"for (; i < {k}; i++)")))
                {
                    EmitDotRows(w, 1, n);
                }
            }
        }
    }

    private static void EmitDotRows(SourceWriter w, int rows, int n)
    {
        int vectorEnd = n / Lanes * Lanes;
        for (int i = 0; i < rows; i++)
        {
            w.WriteLine(Invariant($"ref float w{i} = ref Unsafe.Add(ref w, (i + {i}) * {n});"));
        }
        if (vectorEnd > 0)
        {
            for (int i = 0; i < rows; i++)
            {
                w.WriteLine(Invariant($"Vector256<float> acc{i} = Vector256<float>.Zero;"));
            }
            using (w.Block(Invariant($"for (int c = 0; c < {vectorEnd}; c += {Lanes})")))
            {
                w.WriteLine("Vector256<float> d = Vector256.LoadUnsafe(ref dzr, (nuint)c);");
                for (int i = 0; i < rows; i++)
                {
                    w.WriteLine(Invariant($"acc{i} = Vector256.FusedMultiplyAdd(d, Vector256.LoadUnsafe(ref w{i}, (nuint)c), acc{i});"));
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
                w.WriteLine("float d = Unsafe.Add(ref dzr, c);");
                for (int i = 0; i < rows; i++)
                {
                    w.WriteLine(Invariant($"s{i} += d * Unsafe.Add(ref w{i}, c);"));
                }
            }
        }
        for (int i = 0; i < rows; i++)
        {
            w.WriteLine(Invariant($"Unsafe.Add(ref dxr, i + {i}) = s{i};"));
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
