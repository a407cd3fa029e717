using System;
using Xunit;

namespace NetGen.Runtime.Tests.Optimizers;

/// <summary>
/// Steps an optimizer under test and a double-precision reference side by side on the same random gradient sequence,
/// and compares the parameters after every step.
/// </summary>
internal static class ReferenceRun
{
    /// <summary>
    /// Runs <paramref name="steps"/> steps on <paramref name="length"/> parameters (37: four vector blocks and a tail of 5)
    /// and asserts that every parameter stays within <paramref name="tolerance"/> of the reference, relative to
    /// max(1, |reference|). Returns the largest deviation seen, for tests that want to show it.
    /// </summary>
    /// <param name="reference">Updates the double parameters with the gradient of step t (numbered from 1).</param>
    public static double AssertMatches(
        IOptimizer optimizer, Action<double[], float[], int> reference, double tolerance, int steps = 150, int length = 37,
        float gradientScale = 0.5f, long seed = 1)
    {
        float[] parameters = ReferenceOptimizers.RandomValues(length, seed, scale: 1f);
        double[] expected = ReferenceOptimizers.ToDouble(parameters);
        double worst = 0;
        for (int t = 1; t <= steps; t++)
        {
            // Gradients that depend on the parameters (a quadratic bowl) plus noise, as in training: the optimizer must
            // follow its own trajectory, so errors that feed back through p are exercised too.
            float[] noise = ReferenceOptimizers.RandomValues(length, seed * 1000 + t, gradientScale);
            float[] gradients = new float[length];
            for (int i = 0; i < length; i++)
            {
                gradients[i] = noise[i] + 0.5f * parameters[i];
            }
            optimizer.Step(parameters, gradients);
            reference(expected, gradients, t);
            for (int i = 0; i < length; i++)
            {
                double error = Math.Abs(expected[i] - parameters[i]) / Math.Max(1.0, Math.Abs(expected[i]));
                worst = Math.Max(worst, error);
                if (error > tolerance)
                {
                    Assert.Fail($"step {t}, parameter {i}: expected {expected[i]:R}, got {parameters[i]:R} (relative error {error:E2} > {tolerance:E2})");
                }
            }
        }
        return worst;
    }
}
