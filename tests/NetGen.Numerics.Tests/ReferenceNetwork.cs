using System;
using System.Collections.Generic;
using System.Linq;

namespace NetGen.Numerics.Tests;

internal abstract record ReferenceLayer;

internal sealed record ReferenceDense(int Units, Activation Activation = Activation.Identity, double Alpha = double.NaN) : ReferenceLayer;

internal sealed record ReferenceMaxout(int Units, int Pieces) : ReferenceLayer;

internal sealed record ReferenceFlatten : ReferenceLayer;

internal sealed record ReferenceConv(int Filters, int KernelHeight, int KernelWidth, int Stride = 1, int PadHeight = 0, int PadWidth = 0,
    int Dilation = 1, bool Bias = true, Activation Activation = Activation.Identity, double Alpha = double.NaN) : ReferenceLayer;

internal sealed record ReferencePool(bool Max, int Size, int Stride) : ReferenceLayer;

internal sealed record ReferenceGlobalAvgPool : ReferenceLayer;

internal sealed record ReferenceResidualStart : ReferenceLayer;

/// <summary>y = f(block + shortcut); ProjectionStride 0: identity, -1: linear map [in, out], s > 0: 1x1 convolution with stride s.</summary>
internal sealed record ReferenceResidualEnd(Activation Activation = Activation.Identity, double Alpha = double.NaN, int ProjectionStride = 0) : ReferenceLayer;

/// <summary>
/// An independent reference: a naive double-precision network written from the textbook formulas (derivatives
/// taken from the pre-activation z, binary cross-entropy from probabilities rather than logits, convolution as the
/// plain six-fold sum), reading the parameters in the layout NetGen documents: dense weights [inputs, units], maxout
/// weights [inputs, pieces, units], convolution weights [filters, channels, kernel rows, kernel columns].
/// </summary>
internal sealed class ReferenceNetwork(int[] inputShape, LossKind loss, params ReferenceLayer[] layers)
{
    public ReferenceNetwork(int inputSize, LossKind loss, params ReferenceLayer[] layers)
        : this(new[] { inputSize }, loss, layers)
    {
    }

    public sealed record Result(double Loss, double[] Outputs, double[] ParameterGradients, double[] InputGradients);

    private sealed record Step(ReferenceLayer Layer, int Offset, double[] Input, int[] InShape, double[] Z, int[] OutShape);

    public Result Run(float[] parameters, float[] inputs, float[] targets, int batch)
    {
        double[] p = parameters.Select(v => (double)v).ToArray();
        var grad = new double[p.Length];
        var outputs = new List<double>();
        int inputSize = inputShape.Aggregate(1, (a, b) => a * b);
        var inputGradients = new double[inputs.Length];
        double total = 0;
        for (int r = 0; r < batch; r++)
        {
            double[] x = inputs.Skip(r * inputSize).Take(inputSize).Select(v => (double)v).ToArray();
            int[] shape = inputShape;
            var tape = new List<Step>();
            int offset = 0;
            double[] shortcut = x;
            int[] shortcutShape = shape;
            foreach (ReferenceLayer layer in layers)
            {
                switch (layer)
                {
                    case ReferenceDense dense:
                    {
                        double[] z = Affine(p, offset, x, dense.Units);
                        tape.Add(new Step(layer, offset, x, shape, z, new[] { dense.Units }));
                        offset += (x.Length + 1) * dense.Units;
                        x = z.Select(v => Activate(dense.Activation, dense.Alpha, v)).ToArray();
                        shape = new[] { dense.Units };
                        break;
                    }
                    case ReferenceMaxout maxout:
                    {
                        double[] z = Affine(p, offset, x, maxout.Units * maxout.Pieces);
                        tape.Add(new Step(layer, offset, x, shape, z, new[] { maxout.Units }));
                        offset += (x.Length + 1) * maxout.Units * maxout.Pieces;
                        x = Enumerable.Range(0, maxout.Units)
                            .Select(u => Enumerable.Range(0, maxout.Pieces).Max(k => z[k * maxout.Units + u])).ToArray();
                        shape = new[] { maxout.Units };
                        break;
                    }
                    case ReferenceFlatten:
                        shape = new[] { x.Length };
                        break;
                    case ReferenceConv conv:
                    {
                        int[] outShape = ConvShape(conv, shape);
                        double[] z = ConvForward(conv, p, offset, x, shape, outShape);
                        tape.Add(new Step(layer, offset, x, shape, z, outShape));
                        offset += conv.Filters * shape[0] * conv.KernelHeight * conv.KernelWidth + (conv.Bias ? conv.Filters : 0);
                        x = z.Select(v => Activate(conv.Activation, conv.Alpha, v)).ToArray();
                        shape = outShape;
                        break;
                    }
                    case ReferencePool pool:
                    {
                        int[] outShape = { shape[0], (shape[1] - pool.Size) / pool.Stride + 1, (shape[2] - pool.Size) / pool.Stride + 1 };
                        var y = new double[outShape[0] * outShape[1] * outShape[2]];
                        foreach (var (o, window) in Windows(pool, shape, outShape))
                        {
                            y[o] = pool.Max ? window.Max(i => x[i]) : window.Average(i => x[i]);
                        }
                        tape.Add(new Step(layer, offset, x, shape, y, outShape));
                        x = y;
                        shape = outShape;
                        break;
                    }
                    case ReferenceResidualStart:
                        shortcut = x;
                        shortcutShape = shape;
                        tape.Add(new Step(layer, offset, x, shape, x, shape));
                        break;
                    case ReferenceResidualEnd end:
                    {
                        double[] projected = shortcut;
                        if (end.ProjectionStride == -1)
                        {
                            projected = Enumerable.Range(0, x.Length).Select(o => Enumerable.Range(0, shortcut.Length).Sum(i => shortcut[i] * p[offset + i * x.Length + o])).ToArray();
                        }
                        else if (end.ProjectionStride > 0)
                        {
                            projected = ConvForward(new ReferenceConv(shape[0], 1, 1, end.ProjectionStride, Bias: false), p, offset, shortcut, shortcutShape, shape);
                        }
                        double[] z = x.Select((v, i) => v + projected[i]).ToArray();
                        tape.Add(new Step(layer, offset, shortcut, shortcutShape, z, shape));
                        offset += end.ProjectionStride == -1 ? shortcut.Length * x.Length : end.ProjectionStride > 0 ? shape[0] * shortcutShape[0] : 0;
                        x = z.Select(v => Activate(end.Activation, end.Alpha, v)).ToArray();
                        break;
                    }
                    case ReferenceGlobalAvgPool:
                    {
                        int plane = shape[1] * shape[2];
                        double[] y = Enumerable.Range(0, shape[0]).Select(c => x.Skip(c * plane).Take(plane).Average()).ToArray();
                        tape.Add(new Step(layer, offset, x, shape, y, new[] { shape[0] }));
                        x = y;
                        shape = new[] { shape[0] };
                        break;
                    }
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

            double[]? shortcutGradient = null;
            for (int l = tape.Count - 1; l >= 0; l--)
            {
                Step step = tape[l];
                if (step.Layer is ReferenceResidualEnd end)
                {
                    // The sum's gradient goes to the block unchanged and to the shortcut (through the projection).
                    double[] ds = step.Z.Select((v, i) => dy[i] * Derivative(end.Activation, end.Alpha, v)).ToArray();
                    shortcutGradient = new double[step.Input.Length];
                    if (end.ProjectionStride == -1)
                    {
                        for (int i = 0; i < step.Input.Length; i++)
                        {
                            for (int o = 0; o < ds.Length; o++)
                            {
                                grad[step.Offset + i * ds.Length + o] += step.Input[i] * ds[o];
                                shortcutGradient[i] += ds[o] * p[step.Offset + i * ds.Length + o];
                            }
                        }
                    }
                    else if (end.ProjectionStride > 0)
                    {
                        shortcutGradient = Backward(step with { Layer = new ReferenceConv(step.OutShape[0], 1, 1, end.ProjectionStride, Bias: false) }, p, grad, ds);
                    }
                    else
                    {
                        shortcutGradient = ds;
                    }
                    dy = ds;
                }
                else if (step.Layer is ReferenceResidualStart)
                {
                    dy = dy.Select((v, i) => v + shortcutGradient![i]).ToArray();
                }
                else
                {
                    dy = Backward(step, p, grad, dy);
                }
            }
            Array.Copy(dy, 0, inputGradients, r * inputSize, inputSize);
        }
        return new Result(total / batch, outputs.ToArray(), grad, inputGradients);
    }

    private static double[] Backward(Step step, double[] p, double[] grad, double[] dy)
    {
        double[] input = step.Input, z = step.Z;
        var dx = new double[input.Length];
        switch (step.Layer)
        {
            case ReferenceDense or ReferenceMaxout:
            {
                double[] dz;
                if (step.Layer is ReferenceDense dense)
                {
                    dz = z.Select((v, i) => dy[i] * Derivative(dense.Activation, dense.Alpha, v)).ToArray();
                }
                else
                {
                    var maxout = (ReferenceMaxout)step.Layer;
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
                for (int i = 0; i < input.Length; i++)
                {
                    for (int o = 0; o < n; o++)
                    {
                        grad[step.Offset + i * n + o] += input[i] * dz[o];
                        dx[i] += dz[o] * p[step.Offset + i * n + o];
                    }
                }
                for (int o = 0; o < n; o++)
                {
                    grad[step.Offset + input.Length * n + o] += dz[o];
                }
                return dx;
            }
            case ReferenceConv conv:
            {
                double[] dz = z.Select((v, i) => dy[i] * Derivative(conv.Activation, conv.Alpha, v)).ToArray();
                int[] s = step.InShape, o = step.OutShape;
                int weights = conv.Filters * s[0] * conv.KernelHeight * conv.KernelWidth;
                foreach (var (f, c, i, j, oy, ox, iy, ix) in Taps(conv, s, o))
                {
                    int wIndex = step.Offset + ((f * s[0] + c) * conv.KernelHeight + i) * conv.KernelWidth + j;
                    double g = dz[(f * o[1] + oy) * o[2] + ox];
                    grad[wIndex] += g * input[(c * s[1] + iy) * s[2] + ix];
                    dx[(c * s[1] + iy) * s[2] + ix] += g * p[wIndex];
                }
                if (conv.Bias)
                {
                    int plane = o[1] * o[2];
                    for (int f = 0; f < conv.Filters; f++)
                    {
                        grad[step.Offset + weights + f] += dz.Skip(f * plane).Take(plane).Sum();
                    }
                }
                return dx;
            }
            case ReferencePool pool:
                foreach (var (output, window) in Windows(pool, step.InShape, step.OutShape))
                {
                    if (pool.Max)
                    {
                        int winner = window.First(i => input[i] == z[output]);
                        dx[winner] += dy[output];
                    }
                    else
                    {
                        foreach (int i in window)
                        {
                            dx[i] += dy[output] / window.Length;
                        }
                    }
                }
                return dx;
            default: // global average pool
            {
                int plane = step.InShape[1] * step.InShape[2];
                for (int i = 0; i < dx.Length; i++)
                {
                    dx[i] = dy[i / plane] / plane;
                }
                return dx;
            }
        }
    }

    private static int[] ConvShape(ReferenceConv conv, int[] shape) => new[]
    {
        conv.Filters,
        (shape[1] + 2 * conv.PadHeight - conv.Dilation * (conv.KernelHeight - 1) - 1) / conv.Stride + 1,
        (shape[2] + 2 * conv.PadWidth - conv.Dilation * (conv.KernelWidth - 1) - 1) / conv.Stride + 1,
    };

    private static double[] ConvForward(ReferenceConv conv, double[] p, int offset, double[] x, int[] s, int[] o)
    {
        var z = new double[o[0] * o[1] * o[2]];
        int weights = conv.Filters * s[0] * conv.KernelHeight * conv.KernelWidth;
        if (conv.Bias)
        {
            for (int i = 0; i < z.Length; i++)
            {
                z[i] = p[offset + weights + i / (o[1] * o[2])];
            }
        }
        foreach (var (f, c, i, j, oy, ox, iy, ix) in Taps(conv, s, o))
        {
            z[(f * o[1] + oy) * o[2] + ox] += p[offset + ((f * s[0] + c) * conv.KernelHeight + i) * conv.KernelWidth + j] * x[(c * s[1] + iy) * s[2] + ix];
        }
        return z;
    }

    /// <summary>Every (filter, channel, tap, output pixel) whose input position lies inside the (unpadded) input.</summary>
    private static IEnumerable<(int F, int C, int I, int J, int Oy, int Ox, int Iy, int Ix)> Taps(ReferenceConv conv, int[] s, int[] o)
    {
        for (int f = 0; f < o[0]; f++)
        for (int c = 0; c < s[0]; c++)
        for (int i = 0; i < conv.KernelHeight; i++)
        for (int j = 0; j < conv.KernelWidth; j++)
        for (int oy = 0; oy < o[1]; oy++)
        for (int ox = 0; ox < o[2]; ox++)
        {
            int iy = oy * conv.Stride - conv.PadHeight + i * conv.Dilation, ix = ox * conv.Stride - conv.PadWidth + j * conv.Dilation;
            if (iy >= 0 && iy < s[1] && ix >= 0 && ix < s[2])
            {
                yield return (f, c, i, j, oy, ox, iy, ix);
            }
        }
    }

    /// <summary>Every output of a pooling layer with the input indices of its window, in row-major window order.</summary>
    private static IEnumerable<(int Output, int[] Window)> Windows(ReferencePool pool, int[] s, int[] o)
    {
        for (int c = 0; c < o[0]; c++)
        for (int oy = 0; oy < o[1]; oy++)
        for (int ox = 0; ox < o[2]; ox++)
        {
            var window = new List<int>();
            for (int i = 0; i < pool.Size; i++)
            {
                for (int j = 0; j < pool.Size; j++)
                {
                    window.Add((c * s[1] + oy * pool.Stride + i) * s[2] + ox * pool.Stride + j);
                }
            }
            yield return ((c * o[1] + oy) * o[2] + ox, window.ToArray());
        }
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

    private static double Activate(Activation activation, double alpha, double z) => activation switch
    {
        Activation.Sigmoid => 1 / (1 + Math.Exp(-z)),
        Activation.Tanh => Math.Tanh(z),
        Activation.ReLU => Math.Max(0, z),
        Activation.LeakyReLU => z > 0 ? z : alpha * z,
        Activation.ELU => z > 0 ? z : alpha * (Math.Exp(z) - 1),
        Activation.Softplus => Math.Log(1 + Math.Exp(z)),
        _ => z,
    };

    private static double Derivative(Activation activation, double alpha, double z) => activation switch
    {
        Activation.Sigmoid => Math.Exp(-z) / ((1 + Math.Exp(-z)) * (1 + Math.Exp(-z))),
        Activation.Tanh => 1 / (Math.Cosh(z) * Math.Cosh(z)),
        Activation.ReLU => z > 0 ? 1 : 0,
        Activation.LeakyReLU => z > 0 ? 1 : alpha,
        Activation.ELU => z > 0 ? 1 : alpha * Math.Exp(z),
        Activation.Softplus => 1 / (1 + Math.Exp(-z)),
        _ => 1,
    };
}
