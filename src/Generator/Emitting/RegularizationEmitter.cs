using System.Globalization;
using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>Dropout and batch normalization: layers whose training behaviour differs from inference.</summary>
internal static class RegularizationEmitter
{
    /// <summary>24-bit threshold below which a unit is dropped: keep probability = 1 - threshold / 2^24.</summary>
    private static uint Threshold(float rate) => (uint)System.Math.Round(rate * (1 << 24));

    private static string Salt(LayerPlan layer) =>
        unchecked((ulong)layer.Index * 0xD1B54A32D192ED03UL).ToString(CultureInfo.InvariantCulture) + "UL";

    public static void EmitDropout(SourceWriter w, LayerPlan layer)
    {
        int n = layer.OutputSize;
        string scale = ActivationEmitter.Literal(1f / (1f - layer.Rate));
        uint threshold = Threshold(layer.Rate);
        w.WriteLine(LayerEmitter.Header(layer));
        w.WriteLine(Invariant($"// Training keeps each of the batch x {n} values with probability {Planner.Format(1 - layer.Rate)} and scales it by {scale} (inverted dropout); inference copies."));
        w.WriteLine("// The mask is a hash of (seed, step, layer, element), so backward recomputes it instead of storing it; first is");
        w.WriteLine("// the index of x's first sample in the whole batch, so a split batch draws the same masks as a whole one.");
        using (w.Block(Invariant($"private static void {layer.Name}Forward(ref float x, ref float y, int batch, int first, bool training, ulong noise)")))
        {
            w.WriteLine(Invariant($"int count = batch * {n};"));
            using (w.Block("if (!training)"))
            {
                w.WriteLine("MemoryMarshal.CreateReadOnlySpan(ref x, count).CopyTo(MemoryMarshal.CreateSpan(ref y, count));");
                w.WriteLine("return;");
            }
            w.WriteLine(Invariant($"ulong key = noise + {Salt(layer)};"));
            w.WriteLine(Invariant($"for (int i = 0; i < count; i++) Unsafe.Add(ref y, i) = KeepUnit(key, first * {n} + i, {threshold}u) ? Unsafe.Add(ref x, i) * {scale} : 0f;"));
        }
        w.WriteLine();
        w.WriteLine("// The gradient passes through the kept units only, with the same scale.");
        using (w.Block(Invariant($"private static void {layer.Name}Backward(ref float dy, ref float dx, int batch, int first, ulong noise)")))
        {
            w.WriteLine(Invariant($"ulong key = noise + {Salt(layer)};"));
            w.WriteLine(Invariant($"for (int i = 0; i < batch * {n}; i++) Unsafe.Add(ref dx, i) = KeepUnit(key, first * {n} + i, {threshold}u) ? Unsafe.Add(ref dy, i) * {scale} : 0f;"));
        }
        w.WriteLine();
    }

    public static void EmitDropoutHelpers(SourceWriter w)
    {
        w.WriteLine("// A unit survives when 24 bits of a SplitMix64 hash of (key, index) reach the threshold.");
        w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
        w.WriteLine("private static bool KeepUnit(ulong key, int index, uint threshold) => (uint)(Mix(key + (ulong)index * 0x9E3779B97F4A7C15UL) >> 40) >= threshold;");
        w.WriteLine();
        w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
        using (w.Block("private static ulong Mix(ulong z)"))
        {
            w.WriteLine("z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;");
            w.WriteLine("z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;");
            w.WriteLine("return z ^ (z >> 31);");
        }
        w.WriteLine();
    }

    public static void EmitBatchNorm(SourceWriter w, LayerPlan layer)
    {
        NormPlan norm = layer.Norm!;
        int c = norm.Channels, plane = norm.Plane;
        int slots = 2 * norm.StatsOffset; // this layer's 4 x channels sums per part in normSums (see NormSlots)
        string m = ActivationEmitter.Literal(norm.Momentum), eps = ActivationEmitter.Literal(norm.Epsilon);
        string activation = ActivationEmitter.Describe(layer.Activation, layer.Alpha);
        w.WriteLine(LayerEmitter.Header(layer));
        w.WriteLine(Invariant($"// y = {activation}(gamma[c] (x - mean[c]) / sqrt(var[c] + {Planner.Format(norm.Epsilon)}) + beta[c]) over {c} channel(s) of {plane} value(s) per sample."));
        w.WriteLine("// Training: mean and (biased) variance of the whole batch, kept in stats for backward; running statistics move by");
        w.WriteLine(Invariant($"// momentum {Planner.Format(norm.Momentum)} towards them (unbiased variance, as PyTorch). Inference: the running statistics."));
        w.WriteLine("// A batch split across threads (team.Parts > 1): each part sums its own samples, publishes the sums in normSums,");
        w.WriteLine("// and after a barrier every part adds all parts' sums in part order, so all parts use the same statistics.");
        using (w.Block(Invariant($"private static void {layer.Name}Forward(ref float x, ref float gamma, ref float beta, ref float running, ref float stats, ref float y, int batch, bool training, bool updateStatistics, in global::NetGen.TeamTask team, double[]? normSums)")))
        {
            using (w.Block("if (training)"))
            {
                w.WriteLine(Invariant($"int total = team.Call.Batch * {plane};"));
                EmitSums(w, c, "");
                using (w.Block(Invariant($"for (int c = 0; c < {c}; c++)")))
                {
                    w.WriteLine("double sum = 0;");
                    EmitChannelLoop(w, c, plane, "sum += Unsafe.Add(ref x, at);");
                    w.WriteLine("sums[c] = sum;");
                }
                w.WriteLine(Invariant($"CombineParts(sums, in team, normSums, {slots});"));
                using (w.Block(Invariant($"for (int c = 0; c < {c}; c++)")))
                {
                    w.WriteLine("float mean = (float)(sums[c] / total);");
                    w.WriteLine("Unsafe.Add(ref stats, c) = mean;");
                    w.WriteLine("double squares = 0;");
                    EmitChannelLoop(w, c, plane, "float d = Unsafe.Add(ref x, at) - mean; squares += d * d;");
                    w.WriteLine("sums[c] = squares;");
                }
                w.WriteLine(Invariant($"CombineParts(sums, in team, normSums, {slots + c});"));
                using (w.Block(Invariant($"for (int c = 0; c < {c}; c++)")))
                {
                    w.WriteLine("float mean = Unsafe.Add(ref stats, c);");
                    w.WriteLine("float variance = (float)(sums[c] / total);");
                    w.WriteLine(Invariant($"Unsafe.Add(ref stats, {c} + c) = 1f / MathF.Sqrt(variance + {eps});"));
                    w.WriteLine("// Part 0 alone moves the running statistics (the other parts computed the same values).");
                    using (w.Block("if (updateStatistics && team.Part == 0)"))
                    {
                        w.WriteLine(Invariant($"Unsafe.Add(ref running, c) = (1f - {m}) * Unsafe.Add(ref running, c) + {m} * mean;"));
                        w.WriteLine(Invariant($"Unsafe.Add(ref running, {c} + c) = (1f - {m}) * Unsafe.Add(ref running, {c} + c) + {m} * variance * total / (total - 1);"));
                    }
                }
                EmitReturnSums(w, c);
            }
            using (w.Block(Invariant($"for (int c = 0; c < {c}; c++)")))
            {
                w.WriteLine(Invariant($"float mean = training ? Unsafe.Add(ref stats, c) : Unsafe.Add(ref running, c);"));
                w.WriteLine(Invariant($"float invStd = training ? Unsafe.Add(ref stats, {c} + c) : 1f / MathF.Sqrt(Unsafe.Add(ref running, {c} + c) + {eps});"));
                w.WriteLine("float scale = Unsafe.Add(ref gamma, c) * invStd, shift = Unsafe.Add(ref beta, c) - mean * scale;");
                EmitChannelLoop(w, c, plane, Invariant($"float v = Unsafe.Add(ref x, at) * scale + shift; Unsafe.Add(ref y, at) = {ActivationEmitter.Scalar(layer.Activation, layer.Alpha, "v")};"));
            }
        }
        w.WriteLine();
        w.WriteLine("// With xhat = (x - mean) invStd over the whole batch's N values of a channel:");
        w.WriteLine("// dbeta = sum dz, dgamma = sum dz xhat, dx = gamma invStd / N (N dz - dbeta - xhat dgamma). With a split batch the");
        w.WriteLine("// sums are combined across parts as in forward; part 0 reports dgamma and dbeta, the other parts zeros, since the");
        w.WriteLine("// parts' gradients are added afterwards.");
        using (w.Block(Invariant($"private static void {layer.Name}Backward(ref float x, ref float gamma, ref float stats, ref float dz, ref float dgamma, ref float dbeta, ref float dx, int batch, bool wantInputGradient, in global::NetGen.TeamTask team, double[]? normSums)")))
        {
            w.WriteLine(Invariant($"int total = team.Call.Batch * {plane};"));
            EmitSums(w, 2 * c, " // sum dz, then sum dz xhat");
            using (w.Block(Invariant($"for (int c = 0; c < {c}; c++)")))
            {
                w.WriteLine(Invariant($"float mean = Unsafe.Add(ref stats, c), invStd = Unsafe.Add(ref stats, {c} + c);"));
                w.WriteLine("double sumDz = 0, sumDzXhat = 0;");
                EmitChannelLoop(w, c, plane, "float g = Unsafe.Add(ref dz, at); sumDz += g; sumDzXhat += g * (Unsafe.Add(ref x, at) - mean) * invStd;");
                w.WriteLine("sums[c] = sumDz;");
                w.WriteLine(Invariant($"sums[{c} + c] = sumDzXhat;"));
            }
            w.WriteLine(Invariant($"CombineParts(sums, in team, normSums, {slots + 2 * c});"));
            using (w.Block(Invariant($"for (int c = 0; c < {c}; c++)")))
            {
                w.WriteLine(Invariant($"float mean = Unsafe.Add(ref stats, c), invStd = Unsafe.Add(ref stats, {c} + c);"));
                w.WriteLine(Invariant($"float b = (float)sums[c], a = (float)sums[{c} + c];"));
                w.WriteLine("Unsafe.Add(ref dbeta, c) = team.Part == 0 ? b : 0f;");
                w.WriteLine("Unsafe.Add(ref dgamma, c) = team.Part == 0 ? a : 0f;");
                w.WriteLine("if (!wantInputGradient) continue;");
                w.WriteLine("float k = Unsafe.Add(ref gamma, c) * invStd / total;");
                EmitChannelLoop(w, c, plane, "Unsafe.Add(ref dx, at) = k * (total * Unsafe.Add(ref dz, at) - b - (Unsafe.Add(ref x, at) - mean) * invStd * a);");
            }
            EmitReturnSums(w, 2 * c);
        }
        w.WriteLine();
    }

    // Doubles of per-channel sums kept on the stack; more channels rent a pooled array (no allocation after the first step).
    private const int MaxStackSums = 2048;

    private static void EmitSums(SourceWriter w, int length, string comment)
    {
        w.WriteLine(length <= MaxStackSums
            ? Invariant($"Span<double> sums = stackalloc double[{length}];{comment}")
            : Invariant($"double[] rented = System.Buffers.ArrayPool<double>.Shared.Rent({length}); Span<double> sums = rented.AsSpan(0, {length});{comment}"));
    }

    private static void EmitReturnSums(SourceWriter w, int length)
    {
        if (length > MaxStackSums)
        {
            w.WriteLine("System.Buffers.ArrayPool<double>.Shared.Return(rented);");
        }
    }

    /// <summary>The helper that adds the parts' batch-norm sums, emitted once per network with batch normalization.</summary>
    public static void EmitCombineParts(SourceWriter w)
    {
        w.WriteLine("// Replaces each part's sums with the sums over all parts, added in part order: every part publishes its sums in");
        w.WriteLine("// its row of normSums (at the layer's slot), waits for the others, then reads all rows.");
        using (w.Block("private static void CombineParts(Span<double> sums, in global::NetGen.TeamTask team, double[]? normSums, int slot)"))
        {
            w.WriteLine("if (team.Parts == 1) return;");
            w.WriteLine("sums.CopyTo(normSums.AsSpan(team.Part * NormSlots + slot, sums.Length));");
            w.WriteLine("team.Synchronize();");
            using (w.Block("for (int i = 0; i < sums.Length; i++)"))
            {
                w.WriteLine("double total = 0;");
                w.WriteLine("for (int k = 0; k < team.Parts; k++) total += normSums![k * NormSlots + slot + i];");
                w.WriteLine("sums[i] = total;");
            }
        }
        w.WriteLine();
    }

    /// <summary>Loops over every value of channel c in the batch; <c>at</c> is its index.</summary>
    private static void EmitChannelLoop(SourceWriter w, int channels, int plane, string body)
    {
        using (w.Block("for (int s = 0; s < batch; s++)"))
        {
            if (plane == 1)
            {
                w.WriteLine(Invariant($"int at = s * {channels} + c;"));
                w.WriteLine(body);
            }
            else
            {
                using (w.Block(Invariant($"for (int i = 0, at = s * {channels * plane} + c * {plane}; i < {plane}; i++, at++)")))
                {
                    w.WriteLine(body);
                }
            }
        }
    }
}
