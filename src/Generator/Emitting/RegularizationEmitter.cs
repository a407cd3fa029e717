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
        int c = norm.Channels, plane = norm.Plane, stride = c * plane;
        string m = ActivationEmitter.Literal(norm.Momentum), eps = ActivationEmitter.Literal(norm.Epsilon);
        string activation = ActivationEmitter.Describe(layer.Activation, layer.Alpha);
        w.WriteLine(LayerEmitter.Header(layer));
        w.WriteLine(Invariant($"// y = {activation}(gamma[c] (x - mean[c]) / sqrt(var[c] + {Planner.Format(norm.Epsilon)}) + beta[c]) over {c} channel(s) of {plane} value(s) per sample."));
        w.WriteLine("// Training: mean and (biased) variance of the batch, kept in stats for backward; running statistics move by momentum");
        w.WriteLine(Invariant($"// {Planner.Format(norm.Momentum)} towards them (unbiased variance, as PyTorch). Inference: the running statistics."));
        using (w.Block(Invariant($"private static void {layer.Name}Forward(ref float x, ref float gamma, ref float beta, ref float running, ref float stats, ref float y, int batch, bool training, bool updateStatistics)")))
        {
            w.WriteLine(Invariant($"int count = batch * {plane};"));
            using (w.Block(Invariant($"for (int c = 0; c < {c}; c++)")))
            {
                w.WriteLine("float mean, invStd;");
                using (w.Block("if (training)"))
                {
                    w.WriteLine("double sum = 0;");
                    EmitChannelLoop(w, c, plane, "sum += Unsafe.Add(ref x, at);");
                    w.WriteLine("mean = (float)(sum / count);");
                    w.WriteLine("double squares = 0;");
                    EmitChannelLoop(w, c, plane, "float d = Unsafe.Add(ref x, at) - mean; squares += d * d;");
                    w.WriteLine("float variance = (float)(squares / count);");
                    w.WriteLine(Invariant($"invStd = 1f / MathF.Sqrt(variance + {eps});"));
                    w.WriteLine("Unsafe.Add(ref stats, c) = mean;");
                    w.WriteLine(Invariant($"Unsafe.Add(ref stats, {c} + c) = invStd;"));
                    using (w.Block("if (updateStatistics)"))
                    {
                        w.WriteLine(Invariant($"Unsafe.Add(ref running, c) = (1f - {m}) * Unsafe.Add(ref running, c) + {m} * mean;"));
                        w.WriteLine(Invariant($"Unsafe.Add(ref running, {c} + c) = (1f - {m}) * Unsafe.Add(ref running, {c} + c) + {m} * variance * count / (count - 1);"));
                    }
                }
                using (w.Block("else"))
                {
                    w.WriteLine("mean = Unsafe.Add(ref running, c);");
                    w.WriteLine(Invariant($"invStd = 1f / MathF.Sqrt(Unsafe.Add(ref running, {c} + c) + {eps});"));
                }
                w.WriteLine("float scale = Unsafe.Add(ref gamma, c) * invStd, shift = Unsafe.Add(ref beta, c) - mean * scale;");
                EmitChannelLoop(w, c, plane, Invariant($"float v = Unsafe.Add(ref x, at) * scale + shift; Unsafe.Add(ref y, at) = {ActivationEmitter.Scalar(layer.Activation, layer.Alpha, "v")};"));
            }
        }
        w.WriteLine();
        w.WriteLine("// With xhat = (x - mean) invStd over the batch's count values of a channel:");
        w.WriteLine("// dbeta = sum dz, dgamma = sum dz xhat, dx = gamma invStd / count (count dz - dbeta - xhat dgamma).");
        using (w.Block(Invariant($"private static void {layer.Name}Backward(ref float x, ref float gamma, ref float stats, ref float dz, ref float dgamma, ref float dbeta, ref float dx, int batch, bool wantInputGradient)")))
        {
            w.WriteLine(Invariant($"int count = batch * {plane};"));
            using (w.Block(Invariant($"for (int c = 0; c < {c}; c++)")))
            {
                w.WriteLine(Invariant($"float mean = Unsafe.Add(ref stats, c), invStd = Unsafe.Add(ref stats, {c} + c);"));
                w.WriteLine("double sumDz = 0, sumDzXhat = 0;");
                EmitChannelLoop(w, c, plane, "float g = Unsafe.Add(ref dz, at); sumDz += g; sumDzXhat += g * (Unsafe.Add(ref x, at) - mean) * invStd;");
                w.WriteLine("Unsafe.Add(ref dbeta, c) = (float)sumDz;");
                w.WriteLine("Unsafe.Add(ref dgamma, c) = (float)sumDzXhat;");
                w.WriteLine("if (!wantInputGradient) continue;");
                w.WriteLine("float k = Unsafe.Add(ref gamma, c) * invStd / count, b = (float)sumDz, a = (float)sumDzXhat;");
                EmitChannelLoop(w, c, plane, "Unsafe.Add(ref dx, at) = k * (count * Unsafe.Add(ref dz, at) - b - (Unsafe.Add(ref x, at) - mean) * invStd * a);");
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
