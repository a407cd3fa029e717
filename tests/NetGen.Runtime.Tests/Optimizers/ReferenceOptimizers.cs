using System;

namespace NetGen.Runtime.Tests.Optimizers;

/// <summary>
/// Scalar double-precision re-implementations of the update formulas, written from the PyTorch documentation of
/// torch.optim.SGD and torch.optim.Adam, independent of the vectorized code under test.
/// </summary>
internal static class ReferenceOptimizers
{
    public static void Sgd(double[] p, double[] velocity, float[] g, double lr, double momentum, double weightDecay)
    {
        for (int i = 0; i < p.Length; i++)
        {
            double grad = g[i] + weightDecay * p[i];
            if (momentum != 0)
            {
                velocity[i] = momentum * velocity[i] + grad;
                grad = velocity[i];
            }
            p[i] -= lr * grad;
        }
    }

    public static void Adam(double[] p, double[] m, double[] v, float[] g, int t, double lr, double beta1, double beta2, double eps, double weightDecay)
    {
        for (int i = 0; i < p.Length; i++)
        {
            double grad = g[i] + weightDecay * p[i];
            m[i] = beta1 * m[i] + (1 - beta1) * grad;
            v[i] = beta2 * v[i] + (1 - beta2) * grad * grad;
            double mHat = m[i] / (1 - Math.Pow(beta1, t));
            double vHat = v[i] / (1 - Math.Pow(beta2, t));
            p[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
        }
    }

    /// <summary>Values in [-scale, scale), from the project's seeded generator so that every run sees the same numbers.</summary>
    public static float[] RandomValues(int length, long seed, float scale)
    {
        var random = new SeededRandom(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (2f * random.NextSingle() - 1f) * scale;
        }
        return values;
    }

    public static double[] ToDouble(float[] values) => Array.ConvertAll(values, x => (double)x);
}
