using System;

namespace NetGen;

/// <summary>
/// Weight initializations called by generated <c>InitializeParameters</c>. Zero weights would make every unit of a layer
/// compute the same function forever (no symmetry breaking), so weights are random with a variance that keeps activations
/// and gradients at a stable scale from layer to layer.
/// </summary>
public static class Initializers
{
    /// <summary>
    /// Xavier/Glorot uniform (Glorot and Bengio 2010): U(-a, a) with a = sqrt(6 / (fanIn + fanOut)), for variance
    /// 2 / (fanIn + fanOut). Suited to symmetric, saturating activations (identity, sigmoid, tanh, softplus).
    /// </summary>
    public static void XavierUniform(Span<float> weights, int fanIn, int fanOut, ref SeededRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanOut);
        float limit = MathF.Sqrt(6f / (fanIn + fanOut));
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (2f * random.NextSingle() - 1f) * limit;
        }
    }

    /// <summary>
    /// He/Kaiming normal (He et al. 2015): N(0, 2 / fanIn). A rectifier zeroes half of its inputs on average, so the
    /// variance is doubled relative to Xavier. Suited to ReLU, leaky ReLU, ELU and maxout.
    /// </summary>
    public static void HeNormal(Span<float> weights, int fanIn, ref SeededRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
        double std = Math.Sqrt(2.0 / fanIn);
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)(random.NextGaussian() * std);
        }
    }
}
