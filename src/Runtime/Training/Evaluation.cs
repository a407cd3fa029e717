using System;

namespace NetGen;

/// <summary>Measures a model's loss and accuracy on a dataset, in inference mode.</summary>
public static class Evaluation
{
    private enum AccuracyRule
    {
        None,
        ClassLabel,
        Threshold,
        Sign,
    }

    /// <summary>
    /// Computes the mean loss per sample (the batch means of <see cref="ITrainableNetwork.EvaluateLoss"/> weighted by batch size)
    /// and the accuracy. What counts as correct depends on the loss: for a class label per sample (<see cref="ITrainableNetwork.TargetSize"/>
    /// 1, several outputs) the output with the largest value (the first on ties) must be the label; for
    /// <see cref="LossKind.BinaryCrossEntropy"/> each output must fall on the same side of 0.5 as its target, counted per
    /// output; for a one-output <see cref="LossKind.Hinge"/> the sign of the output (0 counts as positive) must match the
    /// sign of the target. Any other loss is regression, and the accuracy is <see cref="double.NaN"/>. A NaN or infinite
    /// input or output is never counted as a prediction: it is an exception that names the sample.
    /// </summary>
    /// <param name="model">The model, unchanged by the call.</param>
    /// <param name="data">A non-empty dataset in the model's input and target layout.</param>
    /// <param name="batchSize">Samples per forward pass; at least 1, at most the model's batch capacity.</param>
    /// <exception cref="ArgumentException">The dataset is empty, does not fit the model, or (with an accuracy) holds a NaN or infinite value.</exception>
    /// <exception cref="InvalidOperationException">An output is NaN or infinite for finite inputs: the model's parameters are not finite.</exception>
    public static EvaluationResult Evaluate(ITrainableNetwork model, Dataset data, int batchSize = 256) =>
        Run(model, data, batchSize, computeLoss: true);

    /// <summary>The accuracy part of <see cref="Evaluate"/>, without computing the loss.</summary>
    /// <param name="model">The model, unchanged by the call.</param>
    /// <param name="data">A non-empty dataset in the model's input and target layout.</param>
    /// <param name="batchSize">Samples per forward pass; at least 1, at most the model's batch capacity.</param>
    /// <returns>The fraction of correct predictions, or <see cref="double.NaN"/> for a regression loss.</returns>
    /// <exception cref="ArgumentException">The dataset is empty, does not fit the model, or holds a NaN or infinite value.</exception>
    /// <exception cref="InvalidOperationException">An output is NaN or infinite for finite inputs: the model's parameters are not finite.</exception>
    public static double Accuracy(ITrainableNetwork model, Dataset data, int batchSize = 256) =>
        Run(model, data, batchSize, computeLoss: false).Accuracy;

    /// <summary>Checks that <paramref name="data"/> is non-empty and in the sample layout of <paramref name="model"/>.</summary>
    internal static void EnsureFits(ITrainableNetwork model, Dataset data, string paramName)
    {
        if (data.InputSize != model.InputSize || data.TargetSize != model.TargetSize)
        {
            throw new ArgumentException(
                $"The dataset's samples have {data.InputSize} input and {data.TargetSize} target floats, but the model takes " +
                $"{model.InputSize} and {model.TargetSize}. Check that the dataset belongs to this model (a class-label loss takes one target float, the class index).",
                paramName);
        }
        if (data.Count == 0)
        {
            throw new ArgumentException("The dataset is empty.", paramName);
        }
    }

    private static EvaluationResult Run(ITrainableNetwork model, Dataset data, int batchSize, bool computeLoss)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        EnsureFits(model, data, nameof(data));

        AccuracyRule rule = RuleFor(model);
        if (rule != AccuracyRule.None)
        {
            NonFinite.EnsureFinite(data, nameof(data), "count a prediction");
        }
        batchSize = Math.Min(batchSize, data.Count);
        float[] outputs = rule == AccuracyRule.None ? [] : new float[batchSize * model.OutputSize];
        double lossSum = 0;
        long correct = 0;

        // Samples are contiguous in the dataset, so batches are slices of it: no copying.
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, data.Count - start);
            ReadOnlySpan<float> inputs = data.Inputs.AsSpan(start * data.InputSize, n * data.InputSize);
            ReadOnlySpan<float> targets = data.Targets.AsSpan(start * data.TargetSize, n * data.TargetSize);
            if (computeLoss)
            {
                lossSum += (double)model.EvaluateLoss(inputs, targets, n) * n;
            }
            if (rule != AccuracyRule.None)
            {
                Span<float> batchOutputs = outputs.AsSpan(0, n * model.OutputSize);
                model.Forward(inputs, batchOutputs, n);
                NonFinite.EnsureFiniteOutputs(batchOutputs, model.OutputSize, start);
                correct += CountCorrect(rule, batchOutputs, targets, n, model.OutputSize);
            }
        }

        double accuracy = rule switch
        {
            AccuracyRule.None => double.NaN,
            AccuracyRule.Threshold => (double)correct / ((long)data.Count * model.OutputSize),
            _ => (double)correct / data.Count,
        };
        return new EvaluationResult(computeLoss ? lossSum / data.Count : double.NaN, accuracy, data.Count);
    }

    /// <summary>Whether <see cref="Evaluate"/> measures an accuracy for <paramref name="model"/> (false for a regression loss).</summary>
    internal static bool HasAccuracy(ITrainableNetwork model) => RuleFor(model) != AccuracyRule.None;

    private static AccuracyRule RuleFor(ITrainableNetwork model)
    {
        if (model.TargetSize == 1 && model.OutputSize > 1)
        {
            return AccuracyRule.ClassLabel;
        }
        return model.Loss switch
        {
            LossKind.BinaryCrossEntropy => AccuracyRule.Threshold,
            LossKind.Hinge when model.OutputSize == 1 => AccuracyRule.Sign,
            _ => AccuracyRule.None,
        };
    }

    private static int CountCorrect(AccuracyRule rule, ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int batchSize, int outputSize)
    {
        int correct = 0;
        switch (rule)
        {
            case AccuracyRule.ClassLabel:
                for (int b = 0; b < batchSize; b++)
                {
                    // Compared as floats: a label that is not a whole number in range never matches.
                    if (ArgMax(outputs.Slice(b * outputSize, outputSize)) == targets[b])
                    {
                        correct++;
                    }
                }
                break;
            case AccuracyRule.Threshold:
                for (int i = 0; i < outputs.Length; i++)
                {
                    if ((outputs[i] >= 0.5f) == (targets[i] >= 0.5f))
                    {
                        correct++;
                    }
                }
                break;
            case AccuracyRule.Sign:
                for (int i = 0; i < outputs.Length; i++)
                {
                    if ((outputs[i] >= 0f) == (targets[i] > 0f))
                    {
                        correct++;
                    }
                }
                break;
        }
        return correct;
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }
}
