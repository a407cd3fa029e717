using System;

namespace NetGen.Samples.Embedded;

/// <summary>The predicted class of a logit vector and its softmax probability (ONNX Runtime returns the logits; NetGen's generated class has PredictProbabilities).</summary>
public static class Softmax
{
    /// <summary>The index of the largest logit and its probability.</summary>
    public static (int Index, float Probability) ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            sum += Math.Exp(logits[i] - logits[best]);
        }
        return (best, (float)(1 / sum));
    }
}
