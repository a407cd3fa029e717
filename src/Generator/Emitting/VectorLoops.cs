using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>Loops over a run of floats in whole vectors of the widest width the machine accelerates, then a scalar tail.</summary>
internal static class VectorLoops
{
    /// <summary>
    /// <c>for i in [0, count)</c>: whole Vector256 (or, where 256-bit vectors are not accelerated, Vector128) steps, each
    /// writing the statement <paramref name="vector"/> gives for its width at index <c>i</c>, then one scalar step per
    /// remaining element. An elementwise pass is bound by memory, so the 512-bit width would gain nothing.
    /// </summary>
    public static void EmitElementwise(SourceWriter w, string count, System.Action<VectorWidth> vector, System.Action scalar)
    {
        w.WriteLine("int i = 0;");
        GemmEmitter.EmitNarrowWidths(w, v =>
        {
            using (w.Block(Invariant($"for (; i + {v.Lanes} <= {count}; i += {v.Lanes})")))
            {
                vector(v);
            }
        });
        using (w.Block(Invariant($"for (; i < {count}; i++)")))
        {
            scalar();
        }
    }
}
