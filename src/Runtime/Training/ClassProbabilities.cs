using System;

namespace NetGen;

/// <summary>
/// Class probabilities from a network's outputs: the softmax of the logits of a <see cref="LossKind.SoftmaxCrossEntropy"/>
/// network (whose softmax is part of the loss, so its outputs are not probabilities), or the outputs themselves of a
/// <see cref="LossKind.BinaryCrossEntropy"/> network (sigmoid outputs: each the probability of its label).
/// </summary>
public static class ClassProbabilities
{
    /// <summary>
    /// The softmax of <paramref name="logits"/>: <c>p_j = exp(z_j - max z) / sum_k exp(z_k - max z)</c>. Subtracting the
    /// largest logit keeps every exponential in (0, 1], so no logit is too large; the sum is taken in double.
    /// </summary>
    /// <param name="logits">The logits, at least one, all finite.</param>
    /// <param name="probabilities">Receives as many probabilities, which sum to 1 (up to rounding); may be <paramref name="logits"/> itself.</param>
    /// <exception cref="ArgumentException">The spans differ in length or are empty, or a logit is NaN or infinite.</exception>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        if (logits.IsEmpty || probabilities.Length != logits.Length)
        {
            throw new ArgumentException($"probabilities holds {probabilities.Length} floats for {logits.Length} logits; give one per logit (at least one).", nameof(probabilities));
        }
        float max = float.NegativeInfinity;
        for (int j = 0; j < logits.Length; j++)
        {
            if (!float.IsFinite(logits[j]))
            {
                throw new ArgumentException($"Logit {j} is {logits[j]}; probabilities need finite logits (a non-finite input, or parameters that are not finite).", nameof(logits));
            }
            max = Math.Max(max, logits[j]);
        }
        double sum = 0;
        for (int j = 0; j < logits.Length; j++)
        {
            sum += Math.Exp(logits[j] - max);
        }
        for (int j = 0; j < logits.Length; j++)
        {
            probabilities[j] = (float)(Math.Exp(logits[j] - max) / sum);
        }
    }

    /// <summary>The class probabilities of one sample's <paramref name="outputs"/> from a network trained with <paramref name="loss"/>.</summary>
    /// <param name="loss">The network's loss: <see cref="LossKind.SoftmaxCrossEntropy"/> or <see cref="LossKind.BinaryCrossEntropy"/>.</param>
    /// <param name="outputs">The sample's outputs (<see cref="INetwork.Forward(ReadOnlySpan{float}, Span{float})"/>).</param>
    /// <param name="probabilities">Receives one probability per output; may be <paramref name="outputs"/> itself.</param>
    /// <exception cref="NotSupportedException">The loss does not make the outputs probabilities (a regression or hinge loss).</exception>
    /// <exception cref="ArgumentException">The spans differ in length, or an output is NaN or infinite.</exception>
    public static void FromOutputs(LossKind loss, ReadOnlySpan<float> outputs, Span<float> probabilities)
    {
        switch (loss)
        {
            case LossKind.SoftmaxCrossEntropy:
                Softmax(outputs, probabilities);
                return;
            case LossKind.BinaryCrossEntropy:
                if (probabilities.Length != outputs.Length)
                {
                    throw new ArgumentException($"probabilities holds {probabilities.Length} floats for {outputs.Length} outputs; give one per output.", nameof(probabilities));
                }
                for (int j = 0; j < outputs.Length; j++)
                {
                    // Sigmoid outputs lie in [0, 1]; anything else (NaN) means the input or the parameters are not finite.
                    if (!(outputs[j] is >= 0f and <= 1f))
                    {
                        throw new ArgumentException($"Output {j} is {outputs[j]}, not a probability (a non-finite input, or parameters that are not finite).", nameof(outputs));
                    }
                    probabilities[j] = outputs[j];
                }
                return;
            default:
                throw new NotSupportedException(
                    $"A network trained with {loss} has no class probabilities: only SoftmaxCrossEntropy (softmax of the logits) and BinaryCrossEntropy (sigmoid outputs) give them.");
        }
    }
}
