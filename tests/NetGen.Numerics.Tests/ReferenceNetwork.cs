using System;
using System.Collections.Generic;
using System.Linq;

namespace NetGen.Numerics.Tests;

internal abstract record ReferenceLayer;

internal sealed record ReferenceDense(int Units, Activation Activation = Activation.Identity, double Alpha = double.NaN) : ReferenceLayer;

internal sealed record ReferenceMaxout(int Units, int Pieces) : ReferenceLayer;

internal sealed record ReferenceFlatten : ReferenceLayer;

/// <summary>
/// An independent reference: a naive double-precision network written from the textbook formulas (derivatives
/// taken from the pre-activation z, binary cross-entropy from probabilities rather than logits), reading the
/// parameters in the layout NetGen documents: dense weights [inputs, units], maxout weights [inputs, pieces, units].
/// </summary>
internal sealed class ReferenceNetwork(int inputSize, LossKind loss, params ReferenceLayer[] layers)
{
    public sealed record Result(double Loss, double[] Outputs, double[] ParameterGradients, double[] InputGradients);

    public Result Run(float[] parameters, float[] inputs, float[] targets, int batch)
    {
        double[] p = parameters.Select(v => (double)v).ToArray();
        var grad = new double[p.Length];
        var outputs = new List<double>();
        var inputGradients = new double[inputs.Length];
        double total = 0;
        for (int r = 0; r < batch; r++)
        {
            double[] x = inputs.Skip(r * inputSize).Take(inputSize).Select(v => (double)v).ToArray();
            var tape = new List<(ReferenceLayer Layer, int Offset, double[] Input, double[] Z)>();
            int offset = 0;
            foreach (ReferenceLayer layer in layers)
            {
                switch (layer)
                {
                    case ReferenceDense dense:
                        double[] z = Affine(p, offset, x, dense.Units);
                        tape.Add((layer, offset, x, z));
                        offset += (x.Length + 1) * dense.Units;
                        x = z.Select(v => Activate(dense, v)).ToArray();
                        break;
                    case ReferenceMaxout maxout:
                        double[] zm = Affine(p, offset, x, maxout.Units * maxout.Pieces);
                        tape.Add((layer, offset, x, zm));
                        offset += (x.Length + 1) * maxout.Units * maxout.Pieces;
                        x = Enumerable.Range(0, maxout.Units)
                            .Select(u => Enumerable.Range(0, maxout.Pieces).Max(k => zm[k * maxout.Units + u])).ToArray();
                        break;
                }
            }
            outputs.AddRange(x);

            double[] t = loss is LossKind.SoftmaxCrossEntropy || (loss == LossKind.Hinge && x.Length > 1)
                ? new double[] { targets[r] }
                : targets.Skip(r * x.Length).Take(x.Length).Select(v => (double)v).ToArray();
            total += LossAndGradient(x, t, out double[] dy);
            for (int i = 0; i < dy.Length; i++)
            {
                dy[i] /= batch;
            }

            for (int l = tape.Count - 1; l >= 0; l--)
            {
                var (layer, layerOffset, input, z) = tape[l];
                double[] dz;
                if (layer is ReferenceDense dense)
                {
                    dz = z.Select((v, i) => dy[i] * Derivative(dense, v)).ToArray();
                }
                else
                {
                    var maxout = (ReferenceMaxout)layer;
                    dz = new double[z.Length];
                    for (int u = 0; u < maxout.Units; u++)
                    {
                        int best = 0;
                        for (int k = 1; k < maxout.Pieces; k++)
                        {
                            if (z[k * maxout.Units + u] > z[best * maxout.Units + u])
                            {
                                best = k;
                            }
                        }
                        dz[best * maxout.Units + u] = dy[u];
                    }
                }
                int n = z.Length;
                var dx = new double[input.Length];
                for (int i = 0; i < input.Length; i++)
                {
                    for (int o = 0; o < n; o++)
                    {
                        grad[layerOffset + i * n + o] += input[i] * dz[o];
                        dx[i] += dz[o] * p[layerOffset + i * n + o];
                    }
                }
                for (int o = 0; o < n; o++)
                {
                    grad[layerOffset + input.Length * n + o] += dz[o];
                }
                dy = dx;
            }
            Array.Copy(dy, 0, inputGradients, r * inputSize, inputSize);
        }
        return new Result(total / batch, outputs.ToArray(), grad, inputGradients);
    }

    /// <summary>The loss of one sample (summed or averaged over outputs as the runtime documents) and its gradient.</summary>
    private double LossAndGradient(double[] y, double[] t, out double[] dy)
    {
        int c = y.Length;
        dy = new double[c];
        switch (loss)
        {
            case LossKind.MeanSquaredError:
                for (int j = 0; j < c; j++)
                {
                    dy[j] = 2 * (y[j] - t[j]) / c;
                }
                return y.Select((v, j) => (v - t[j]) * (v - t[j])).Sum() / c;
            case LossKind.L1:
                for (int j = 0; j < c; j++)
                {
                    dy[j] = Math.Sign(y[j] - t[j]) / (double)c;
                }
                return y.Select((v, j) => Math.Abs(v - t[j])).Sum() / c;
            case LossKind.Hinge when c == 1:
                dy[0] = 1 - t[0] * y[0] > 0 ? -t[0] : 0;
                return Math.Max(0, 1 - t[0] * y[0]);
            case LossKind.Hinge:
            {
                int label = (int)t[0];
                double sum = 0;
                for (int j = 0; j < c; j++)
                {
                    if (j != label && 1 - y[label] + y[j] > 0)
                    {
                        sum += 1 - y[label] + y[j];
                        dy[j] += 1.0 / c;
                        dy[label] -= 1.0 / c;
                    }
                }
                return sum / c;
            }
            case LossKind.SoftmaxCrossEntropy:
            {
                int label = (int)t[0];
                double max = y.Max();
                double[] e = y.Select(v => Math.Exp(v - max)).ToArray();
                double sum = e.Sum();
                for (int j = 0; j < c; j++)
                {
                    dy[j] = e[j] / sum - (j == label ? 1 : 0);
                }
                return -Math.Log(e[label] / sum);
            }
            default:
            {
                // Binary cross-entropy on the probabilities themselves: -[t ln p + (1 - t) ln(1 - p)].
                double sum = 0;
                for (int j = 0; j < c; j++)
                {
                    sum -= t[j] * Math.Log(y[j]) + (1 - t[j]) * Math.Log(1 - y[j]);
                    dy[j] = (-t[j] / y[j] + (1 - t[j]) / (1 - y[j])) / c;
                }
                return sum / c;
            }
        }
    }

    private static double[] Affine(double[] p, int offset, double[] x, int n)
    {
        var z = new double[n];
        for (int o = 0; o < n; o++)
        {
            z[o] = p[offset + x.Length * n + o];
            for (int i = 0; i < x.Length; i++)
            {
                z[o] += x[i] * p[offset + i * n + o];
            }
        }
        return z;
    }

    private static double Activate(ReferenceDense layer, double z) => layer.Activation switch
    {
        Activation.Sigmoid => 1 / (1 + Math.Exp(-z)),
        Activation.Tanh => Math.Tanh(z),
        Activation.ReLU => Math.Max(0, z),
        Activation.LeakyReLU => z > 0 ? z : layer.Alpha * z,
        Activation.ELU => z > 0 ? z : layer.Alpha * (Math.Exp(z) - 1),
        Activation.Softplus => Math.Log(1 + Math.Exp(z)),
        _ => z,
    };

    private static double Derivative(ReferenceDense layer, double z) => layer.Activation switch
    {
        Activation.Sigmoid => Math.Exp(-z) / ((1 + Math.Exp(-z)) * (1 + Math.Exp(-z))),
        Activation.Tanh => 1 / (Math.Cosh(z) * Math.Cosh(z)),
        Activation.ReLU => z > 0 ? 1 : 0,
        Activation.LeakyReLU => z > 0 ? 1 : layer.Alpha,
        Activation.ELU => z > 0 ? 1 : layer.Alpha * Math.Exp(z),
        Activation.Softplus => 1 / (1 + Math.Exp(-z)),
        _ => 1,
    };
}
