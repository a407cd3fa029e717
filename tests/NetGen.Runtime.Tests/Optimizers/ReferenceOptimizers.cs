using System;

namespace NetGen.Runtime.Tests.Optimizers;

/// <summary>
/// Scalar double-precision re-implementations of the update formulas, written from the PyTorch documentation (the
/// algorithm boxes of torch.optim.SGD, Adam, AdamW, Adagrad, RMSprop and Adadelta), independent of the vectorized code
/// under test: plain loops, the formulas in the documentation's order, no fused operations.
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

    /// <summary>torch.optim.SGD with momentum, dampening 0, nesterov=True: b = mu*b + g; g = g + mu*b; p -= lr*g.</summary>
    public static void SgdNesterov(double[] p, double[] velocity, float[] g, double lr, double momentum, double weightDecay)
    {
        for (int i = 0; i < p.Length; i++)
        {
            double grad = g[i] + weightDecay * p[i];
            velocity[i] = momentum * velocity[i] + grad;
            grad += momentum * velocity[i];
            p[i] -= lr * grad;
        }
    }

    /// <summary>torch.optim.AdamW: p *= 1 - lr*wd, then Adam without L2 term.</summary>
    public static void AdamW(double[] p, double[] m, double[] v, float[] g, int t, double lr, double beta1, double beta2, double eps, double weightDecay)
    {
        for (int i = 0; i < p.Length; i++)
        {
            p[i] *= 1 - lr * weightDecay;
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            double mHat = m[i] / (1 - Math.Pow(beta1, t));
            double vHat = v[i] / (1 - Math.Pow(beta2, t));
            p[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
        }
    }

    /// <summary>torch.optim.Adagrad; <paramref name="sum"/> starts at initial_accumulator_value.</summary>
    public static void Adagrad(double[] p, double[] sum, float[] g, int t, double lr, double lrDecay, double weightDecay, double eps)
    {
        double clr = lr / (1 + (t - 1) * lrDecay);
        for (int i = 0; i < p.Length; i++)
        {
            double grad = g[i] + weightDecay * p[i];
            sum[i] += grad * grad;
            p[i] -= clr * grad / (Math.Sqrt(sum[i]) + eps);
        }
    }

    /// <summary>torch.optim.RMSprop.</summary>
    public static void RmsProp(
        double[] p, double[] squareAvg, double[] momentumBuffer, double[] gradAvg, float[] g,
        double lr, double alpha, double eps, double weightDecay, double momentum, bool centered)
    {
        for (int i = 0; i < p.Length; i++)
        {
            double grad = g[i] + weightDecay * p[i];
            squareAvg[i] = alpha * squareAvg[i] + (1 - alpha) * grad * grad;
            double avg;
            if (centered)
            {
                gradAvg[i] = alpha * gradAvg[i] + (1 - alpha) * grad;
                avg = Math.Sqrt(squareAvg[i] - gradAvg[i] * gradAvg[i]) + eps;
            }
            else
            {
                avg = Math.Sqrt(squareAvg[i]) + eps;
            }
            if (momentum > 0)
            {
                momentumBuffer[i] = momentum * momentumBuffer[i] + grad / avg;
                p[i] -= lr * momentumBuffer[i];
            }
            else
            {
                p[i] -= lr * grad / avg;
            }
        }
    }

    /// <summary>torch.optim.Adadelta.</summary>
    public static void Adadelta(double[] p, double[] squareAvg, double[] accDelta, float[] g, double lr, double rho, double eps, double weightDecay)
    {
        for (int i = 0; i < p.Length; i++)
        {
            double grad = g[i] + weightDecay * p[i];
            squareAvg[i] = rho * squareAvg[i] + (1 - rho) * grad * grad;
            double std = Math.Sqrt(squareAvg[i] + eps);
            double delta = Math.Sqrt(accDelta[i] + eps) / std * grad;
            accDelta[i] = rho * accDelta[i] + (1 - rho) * delta * delta;
            p[i] -= lr * delta;
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
