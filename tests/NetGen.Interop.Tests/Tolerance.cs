using System;

namespace NetGen.Interop.Tests;

/// <summary>How close ONNX Runtime's float32 outputs of an exported network must be to NetGen's.</summary>
/// <remarks>
/// Both compute in float32 (unit roundoff u = 2^-24 = 6e-8) from the same weights, but ONNX Runtime's MLAS kernels sum
/// the products of Gemm and Conv in their own blocked order, and its exp, tanh and logistic functions are vectorized
/// approximations of their own, a few ulp from NetGen's. The difference of a sum of K products computed in two orders
/// grows like sqrt(K) u |terms| for rounding errors of random sign (K u |terms| is the never-reached worst case); the
/// widest sum here is LeNet-5's first dense layer (K = 400): sqrt(400) u = 1.2e-6 of the terms' magnitude, carried through
/// at most seven layers; FashionResNet's convolutions sum 288 products each, through 15 layers of which 7 are batch
/// normalizations (ONNX Runtime folds the same statistics into a scale and shift in its own order). The error is
/// relative to the magnitude of the terms, not of the result: an output that nearly cancels to zero keeps the absolute
/// error of its larger neighbours. So each output i must satisfy
///     |onnx_i - netgen_i| &lt;= 1e-5 (|netgen_i| + max_j |netgen_j|),
/// a relative error of 1e-5 against the outputs' scale. The tests print the worst difference: at most 5e-7 of the scale
/// (DenseActivations, LeNet-5, FashionResNet), 20 times below the bound; a wrong layout, a transposed weight, a missing
/// bias, a wrong epsilon or running statistic, a missing shortcut, a wrong padding or a wrong activation parameter all
/// give errors of order 1e-2 to 1.
/// </remarks>
public static class Tolerance
{
    /// <summary>The relative tolerance, against each element's and its tensor's largest magnitude (see the remarks).</summary>
    public const double Relative = 1e-5;

    /// <summary>Compares element-wise; returns the description of the first mismatch (or null) and the worst relative-to-scale error.</summary>
    public static (string? Mismatch, double WorstScaled) Compare(float[] expected, float[] actual, double relative = Relative)
    {
        if (expected.Length != actual.Length)
        {
            return ($"NetGen has {expected.Length} outputs, ONNX Runtime {actual.Length}", double.PositiveInfinity);
        }
        double scale = 0;
        foreach (float e in expected)
        {
            scale = Math.Max(scale, Math.Abs(e));
        }
        string? mismatch = null;
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs((double)expected[i] - actual[i]);
            worst = Math.Max(worst, difference / Math.Max(scale, 1e-30));
            if (!(difference <= relative * (Math.Abs(expected[i]) + scale)) && mismatch is null)
            {
                mismatch = $"output [{i}]: NetGen {expected[i]:G9}, ONNX Runtime {actual[i]:G9} (scale {scale:G3})";
            }
        }
        return (mismatch, worst);
    }
}
