using System.Collections.Generic;
using System.Linq;
using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>
/// Activation functions as expressions over a vector or scalar variable, their derivatives computed from the
/// activation's output (every supported function is invertible where its slope matters, so the backward pass
/// needs only the stored outputs), and the helper methods those expressions call.
/// </summary>
internal static class ActivationEmitter
{
    public static string Vector(ActivationKind activation, float alpha, string x, VectorWidth v) => activation switch
    {
        ActivationKind.Identity => x,
        ActivationKind.ReLU => Invariant($"{v.Type}.Max({x}, {v.T}.Zero)"),
        ActivationKind.LeakyReLU => Invariant($"LeakyReLU({x}, {Literal(alpha)})"),
        ActivationKind.ELU => Invariant($"Elu({x}, {Literal(alpha)})"),
        ActivationKind.Sigmoid => Invariant($"Sigmoid({x})"),
        ActivationKind.Tanh => Invariant($"Tanh({x})"),
        _ => Invariant($"Softplus({x})"),
    };

    public static string Scalar(ActivationKind activation, float alpha, string x) => activation switch
    {
        ActivationKind.Identity => x,
        ActivationKind.ReLU => Invariant($"MathF.Max({x}, 0f)"),
        ActivationKind.LeakyReLU => Invariant($"({x} > 0f ? {x} : {Literal(alpha)} * {x})"),
        ActivationKind.ELU => Invariant($"({x} > 0f ? {x} : MathF.Min({Literal(alpha)} * (MathF.Exp({x}) - 1f), 0f))"),
        ActivationKind.Sigmoid => Invariant($"(1f / (1f + MathF.Exp(-{x})))"),
        ActivationKind.Tanh => Invariant($"MathF.Tanh({x})"),
        _ => Invariant($"(MathF.Max({x}, 0f) + MathF.Log(1f + MathF.Exp(-MathF.Abs({x}))))"),
    };

    /// <summary>The upstream gradient <paramref name="da"/> times f'(x), written in terms of the output <paramref name="a"/> = f(x).</summary>
    public static string VectorDerivative(ActivationKind activation, float alpha, string a, string da, VectorWidth v) => activation switch
    {
        ActivationKind.ReLU => Invariant($"{v.Type}.ConditionalSelect({v.Type}.GreaterThan({a}, {v.T}.Zero), {da}, {v.T}.Zero)"),
        ActivationKind.LeakyReLU => Invariant($"{v.Type}.ConditionalSelect({v.Type}.GreaterThan({a}, {v.T}.Zero), {da}, {da} * {Literal(alpha)})"),
        ActivationKind.ELU => Invariant($"{v.Type}.ConditionalSelect({v.Type}.GreaterThan({a}, {v.T}.Zero), {da}, {da} * ({a} + {v.Type}.Create({Literal(alpha)})))"),
        ActivationKind.Sigmoid => Invariant($"{da} * {a} * ({v.T}.One - {a})"),
        ActivationKind.Tanh => Invariant($"{da} * ({v.T}.One - {a} * {a})"),
        ActivationKind.Softplus => Invariant($"{da} * ({v.T}.One - {v.Type}.Exp(-{a}))"),
        _ => da,
    };

    public static string ScalarDerivative(ActivationKind activation, float alpha, string a, string da) => activation switch
    {
        ActivationKind.ReLU => Invariant($"({a} > 0f ? {da} : 0f)"),
        ActivationKind.LeakyReLU => Invariant($"({a} > 0f ? {da} : {da} * {Literal(alpha)})"),
        ActivationKind.ELU => Invariant($"({a} > 0f ? {da} : {da} * ({a} + {Literal(alpha)}))"),
        ActivationKind.Sigmoid => Invariant($"{da} * {a} * (1f - {a})"),
        ActivationKind.Tanh => Invariant($"{da} * (1f - {a} * {a})"),
        ActivationKind.Softplus => Invariant($"{da} * (1f - MathF.Exp(-{a}))"),
        _ => da,
    };

    public static string Describe(ActivationKind activation, float alpha) => activation switch
    {
        ActivationKind.LeakyReLU => Invariant($"leaky ReLU (slope {Planner.Format(alpha)})"),
        ActivationKind.ELU => Invariant($"ELU (alpha {Planner.Format(alpha)})"),
        _ => activation.ToString(),
    };

    /// <summary>Writes the vector helpers that the used activations call (the others stay out of the generated file).</summary>
    public static void EmitHelpers(SourceWriter writer, IEnumerable<ActivationKind> used)
    {
        var set = new HashSet<ActivationKind>(used);
        foreach (VectorWidth v in new[] { VectorWidth.V128, VectorWidth.V256, VectorWidth.V512 })
        {
            EmitHelpers(writer, set, v);
        }
    }

    private static void EmitHelpers(SourceWriter writer, HashSet<ActivationKind> set, VectorWidth v)
    {
        if (set.Contains(ActivationKind.LeakyReLU))
        {
            Helper(writer, v, "LeakyReLU(" + v.T + " x, float slope)", v.Type + ".ConditionalSelect(" + v.Type + ".GreaterThan(x, " + v.T + ".Zero), x, x * slope)");
        }
        if (set.Contains(ActivationKind.ELU))
        {
            // The negative branch is clamped to <= 0: the vector Exp may round e^0 up to 1.0000001, and the backward pass
            // reads the branch off the output's sign.
            Helper(writer, v, "Elu(" + v.T + " x, float alpha)", v.Type + ".ConditionalSelect(" + v.Type + ".GreaterThan(x, " + v.T + ".Zero), x, " + v.Type + ".Min((" + v.Type + ".Exp(x) - " + v.T + ".One) * alpha, " + v.T + ".Zero))");
        }
        if (set.Contains(ActivationKind.Sigmoid))
        {
            Helper(writer, v, "Sigmoid(" + v.T + " x)", v.T + ".One / (" + v.T + ".One + " + v.Type + ".Exp(-x))");
        }
        if (set.Contains(ActivationKind.Tanh))
        {
            writer.WriteLine("// tanh(x) = 2 / (1 + e^-2x) - 1: saturates to -1 or 1 when e^-2x overflows, never NaN.");
            Helper(writer, v, "Tanh(" + v.T + " x)", v.Type + ".Create(2f) / (" + v.T + ".One + " + v.Type + ".Exp(x * -2f)) - " + v.T + ".One");
        }
        if (set.Contains(ActivationKind.Softplus))
        {
            writer.WriteLine("// softplus(x) = max(x, 0) + ln(1 + e^-|x|): never overflows.");
            Helper(writer, v, "Softplus(" + v.T + " x)", v.Type + ".Max(x, " + v.T + ".Zero) + " + v.Type + ".Log(" + v.T + ".One + " + v.Type + ".Exp(-" + v.Type + ".Abs(x)))");
        }
    }

    private static void Helper(SourceWriter writer, VectorWidth v, string signature, string body)
    {
        writer.WriteLine("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
        writer.WriteLine("private static " + v.T + " " + signature + " =>");
        writer.WriteLine("    " + body + ";");
        writer.WriteLine();
    }

    public static string Literal(float value) => Planner.Format(value) + "f";

    public static IEnumerable<ActivationKind> Used(NetworkPlan plan) =>
        plan.Layers.Where(l => l.HasActivation).Select(l => l.Activation).Distinct().OrderBy(a => a);
}
