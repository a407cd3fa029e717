using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>
/// The loss over a batch and, when asked, its gradient with respect to the network output (or, for the fused
/// softmax and sigmoid cross-entropies, with respect to the logits). Sums run in double so that the mean loss
/// of a large batch does not lose the small terms.
/// </summary>
internal static class LossEmitter
{
    public static void Emit(SourceWriter w, NetworkPlan plan)
    {
        int c = plan.OutputSize;
        w.WriteLine(Invariant($"// {Describe(plan)}"));
        w.WriteLine("// Rows [first, first + count) of a batch of `batch` samples (a part of a split batch, or all of it): y and dy point");
        w.WriteLine("// at row `first`, targets holds the whole batch. Returns the rows' summed loss (MeanLoss divides); with gradient,");
        w.WriteLine("// writes d(mean loss over the batch)/d(output) into dy.");
        using (w.Block("private static double LossSum(ref float y, ReadOnlySpan<float> targets, int first, int count, int batch, ref float dy, bool gradient)"))
        {
            w.WriteLine("double total = 0;");
            switch (plan.Loss)
            {
                case LossKindMirror.SoftmaxCrossEntropy:
                    EmitSoftmaxCrossEntropy(w, c);
                    break;
                case LossKindMirror.Hinge when c > 1:
                    EmitMulticlassHinge(w, c);
                    break;
                default:
                    EmitElementwise(w, plan.Loss!.Value, c);
                    break;
            }
            w.WriteLine("return total;");
        }
        w.WriteLine();
        bool perSample = plan.Loss == LossKindMirror.SoftmaxCrossEntropy;
        w.WriteLine(perSample ? "// The mean over the batch's samples." : "// The mean over the batch's samples and outputs (or classes).");
        w.WriteLine(perSample
            ? "internal static float MeanLoss(double total, int batch) => (float)(total / batch);"
            : Invariant($"internal static float MeanLoss(double total, int batch) => (float)(total / ({c}.0 * batch));"));
        w.WriteLine();
        if (plan.Loss is { } loss && Planner.IsClassLabelLoss(loss, c))
        {
            w.WriteLine("[MethodImpl(MethodImplOptions.NoInlining)]");
            using (w.Block("private static void ThrowInvalidLabel(int sample, float label)"))
            {
                w.WriteLine(Invariant($"throw new ArgumentException($\"targets[{{sample}}] = {{label}} is not a class index: labels must be whole numbers in 0..{c - 1}.\", \"targets\");"));
            }
            w.WriteLine();
        }
        else if (plan.Loss is LossKindMirror.Hinge or LossKindMirror.BinaryCrossEntropy)
        {
            string expected = plan.Loss == LossKindMirror.Hinge ? "-1 or +1 (binary hinge)" : "in [0, 1] (binary cross-entropy)";
            w.WriteLine("[MethodImpl(MethodImplOptions.NoInlining)]");
            using (w.Block("private static void ThrowInvalidTarget(int index, float target)"))
            {
                w.WriteLine(Invariant($"throw new ArgumentException($\"targets[{{index}}] = {{target}}: targets must be {expected}.\", \"targets\");"));
            }
            w.WriteLine();
        }
    }

    public static string Describe(NetworkPlan plan) => plan.Loss switch
    {
        null => "none: inference only (no [Loss], so no training step; add one to train the network).",
        LossKindMirror.SoftmaxCrossEntropy => "Softmax cross-entropy: loss = logsumexp(y) - y[label], mean over the batch; d/dy = (softmax(y) - onehot(label)) / batch.",
        LossKindMirror.Hinge when plan.OutputSize > 1 => Invariant($"Multi-class hinge: loss = sum over j != label of max(0, 1 - y[label] + y[j]) / {plan.OutputSize}, mean over the batch."),
        LossKindMirror.Hinge => "Binary hinge: loss = max(0, 1 - t y) with t = -1 or +1, mean over the batch.",
        LossKindMirror.MeanSquaredError => "Mean squared error: loss = mean over batch and outputs of (y - t)^2; d/dy = 2 (y - t) / (batch * outputs).",
        LossKindMirror.L1 => "L1: loss = mean over batch and outputs of |y - t|; d/dy = sign(y - t) / (batch * outputs).",
        _ => "Binary cross-entropy on sigmoid outputs, computed from the logits z for stability: loss = max(z, 0) - z t + ln(1 + e^-|z|); d/dz = (sigmoid(z) - t) / (batch * outputs).",
    };

    private static void EmitSoftmaxCrossEntropy(SourceWriter w, int c)
    {
        w.WriteLine("float scale = 1f / batch;");
        using (w.Block("for (int r = 0; r < count; r++)"))
        {
            w.WriteLine(Invariant($"ref float yr = ref Unsafe.Add(ref y, r * {c});"));
            EmitLabel(w, c);
            w.WriteLine("// Subtracting the maximum keeps every exponent <= 0: no overflow.");
            w.WriteLine("float max = yr;");
            w.WriteLine(Invariant($"for (int j = 1; j < {c}; j++) max = MathF.Max(max, Unsafe.Add(ref yr, j));"));
            w.WriteLine("float sum = 0f;");
            using (w.Block("if (gradient)"))
            {
                w.WriteLine("// The exponentials wait in dy for the gradient, softmax(y) = e / sum: one exponential per class, not two.");
                w.WriteLine(Invariant($"ref float dr = ref Unsafe.Add(ref dy, r * {c});"));
                using (w.Block(Invariant($"for (int j = 0; j < {c}; j++)")))
                {
                    w.WriteLine("float e = MathF.Exp(Unsafe.Add(ref yr, j) - max);");
                    w.WriteLine("Unsafe.Add(ref dr, j) = e;");
                    w.WriteLine("sum += e;");
                }
                w.WriteLine("float norm = scale / sum;");
                w.WriteLine(Invariant($"for (int j = 0; j < {c}; j++) Unsafe.Add(ref dr, j) *= norm;"));
                w.WriteLine("Unsafe.Add(ref dr, label) -= scale;");
            }
            using (w.Block("else"))
            {
                w.WriteLine(Invariant($"for (int j = 0; j < {c}; j++) sum += MathF.Exp(Unsafe.Add(ref yr, j) - max);"));
            }
            w.WriteLine("total += max + MathF.Log(sum) - Unsafe.Add(ref yr, label);");
        }
    }

    private static void EmitMulticlassHinge(SourceWriter w, int c)
    {
        w.WriteLine(Invariant($"float scale = 1f / ({c}f * batch);"));
        using (w.Block("for (int r = 0; r < count; r++)"))
        {
            w.WriteLine(Invariant($"ref float yr = ref Unsafe.Add(ref y, r * {c});"));
            w.WriteLine(Invariant($"ref float dr = ref Unsafe.Add(ref dy, r * {c});"));
            EmitLabel(w, c);
            w.WriteLine("float correct = Unsafe.Add(ref yr, label);");
            w.WriteLine("int violations = 0;");
            using (w.Block(Invariant($"for (int j = 0; j < {c}; j++)")))
            {
                w.WriteLine("float margin = j == label ? 0f : 1f - correct + Unsafe.Add(ref yr, j);");
                using (w.Block("if (margin > 0f)"))
                {
                    w.WriteLine("total += margin;");
                    w.WriteLine("violations++;");
                }
                w.WriteLine("if (gradient) Unsafe.Add(ref dr, j) = margin > 0f ? scale : 0f;");
            }
            w.WriteLine("if (gradient) Unsafe.Add(ref dr, label) = -violations * scale;");
        }
    }

    private static void EmitElementwise(SourceWriter w, LossKindMirror loss, int c)
    {
        w.WriteLine(Invariant($"float scale = {(loss == LossKindMirror.MeanSquaredError ? "2f" : "1f")} / (batch * {c});"));
        w.WriteLine(Invariant($"int offset = first * {c};"));
        using (w.Block(Invariant($"for (int i = 0; i < count * {c}; i++)")))
        {
            w.WriteLine("float yi = Unsafe.Add(ref y, i);");
            w.WriteLine("float t = targets[offset + i];");
            switch (loss)
            {
                case LossKindMirror.MeanSquaredError:
                    w.WriteLine("float d = yi - t;");
                    w.WriteLine("total += d * d;");
                    w.WriteLine("if (gradient) Unsafe.Add(ref dy, i) = scale * d;");
                    break;
                case LossKindMirror.L1:
                    w.WriteLine("float d = yi - t;");
                    w.WriteLine("total += MathF.Abs(d);");
                    w.WriteLine("// The subgradient at d = 0 is taken as 0.");
                    w.WriteLine("if (gradient) Unsafe.Add(ref dy, i) = d > 0f ? scale : d < 0f ? -scale : 0f;");
                    break;
                case LossKindMirror.Hinge:
                    w.WriteLine("if (t != 1f && t != -1f) ThrowInvalidTarget(offset + i, t);");
                    w.WriteLine("float margin = 1f - t * yi;");
                    w.WriteLine("if (margin > 0f) total += margin;");
                    w.WriteLine("if (gradient) Unsafe.Add(ref dy, i) = margin > 0f ? -t * scale : 0f;");
                    break;
                default:
                    w.WriteLine("if (!(t >= 0f && t <= 1f)) ThrowInvalidTarget(offset + i, t);");
                    w.WriteLine("total += MathF.Max(yi, 0f) - yi * t + MathF.Log(1f + MathF.Exp(-MathF.Abs(yi)));");
                    w.WriteLine("if (gradient) Unsafe.Add(ref dy, i) = (1f / (1f + MathF.Exp(-yi)) - t) * scale;");
                    break;
            }
        }
    }

    private static void EmitLabel(SourceWriter w, int c)
    {
        w.WriteLine("float target = targets[first + r];");
        w.WriteLine("int label = (int)target;");
        w.WriteLine(Invariant($"if (!(target >= 0f && target < {c}f) || label != target) ThrowInvalidLabel(first + r, target);"));
    }
}
