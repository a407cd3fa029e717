using System;
using System.Runtime.CompilerServices;

namespace NetGen;

/// <summary>Argument checks shared by the optimizers, so that every optimizer reports the same mistakes the same way.</summary>
internal static class OptimizerGuard
{
    public static float LearningRate(float value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!float.IsFinite(value) || value <= 0f)
        {
            throw new ArgumentOutOfRangeException(paramName, value, "The learning rate must be a positive, finite number.");
        }
        return value;
    }

    /// <summary>The check of <see cref="IOptimizer.LearningRate"/>'s setter: zero is allowed, since a schedule may anneal to it.</summary>
    public static float LearningRateSetting(float value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!float.IsFinite(value) || value < 0f)
        {
            throw new ArgumentOutOfRangeException(paramName, value, "The learning rate must be zero or a positive, finite number.");
        }
        return value;
    }

    /// <summary>Checks 0 &lt;= value &lt; 1: a decay factor of 1 would never forget, and would divide by zero in bias correction.</summary>
    public static float DecayFactor(float value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!(value >= 0f && value < 1f))
        {
            throw new ArgumentOutOfRangeException(paramName, value, "The value must be in [0, 1).");
        }
        return value;
    }

    public static float NonNegative(float value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!float.IsFinite(value) || value < 0f)
        {
            throw new ArgumentOutOfRangeException(paramName, value, "The value must be zero or a positive, finite number.");
        }
        return value;
    }

    public static float Positive(float value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!float.IsFinite(value) || value <= 0f)
        {
            throw new ArgumentOutOfRangeException(paramName, value, "The value must be a positive, finite number.");
        }
        return value;
    }

    public static void SameLength(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException(
                $"The gradients ({gradients.Length} values) must have the layout of the parameters ({parameters.Length} values).",
                nameof(gradients));
        }
    }

    /// <summary>
    /// Returns <paramref name="state"/>, allocating it (zeroed) on the first step; later steps must keep the length, because
    /// state of another length belongs to another parameter buffer.
    /// </summary>
    public static float[] State(ref float[]? state, int length, string optimizerName)
    {
        if (state is null)
        {
            state = new float[length];
        }
        else if (state.Length != length)
        {
            throw new ArgumentException(
                $"This {optimizerName} optimizer holds state for {state.Length} parameters but was given {length}. " +
                "Use one optimizer instance per parameter buffer, or call Reset() before stepping a different buffer.",
                "parameters");
        }
        return state;
    }
}
