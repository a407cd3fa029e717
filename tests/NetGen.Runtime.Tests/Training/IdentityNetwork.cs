using System;

namespace NetGen.Runtime.Tests.Training;

/// <summary>
/// A network whose outputs are its inputs, so a test chooses the outputs through the data. Its loss is the batch mean of
/// each sample's first input, which makes the batch weighting of the mean loss checkable by hand.
/// </summary>
internal sealed class IdentityNetwork(int size, int targetSize, LossKind loss) : ITrainableNetwork
{
    public int InputSize => size;
    public int OutputSize => size;
    public int TargetSize => targetSize;
    public LossKind Loss => loss;
    public string Fingerprint => "identity";
    public float[] Parameters { get; } = [];
    public float[] Gradients { get; } = [];
    public System.Collections.Generic.IReadOnlyList<string>? ClassNames { get; set; }

    public void InitializeParameters(int seed)
    {
    }

    public void Forward(ReadOnlySpan<float> input, Span<float> output) => input[..size].CopyTo(output);

    public void Forward(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize) => inputs[..(batchSize * size)].CopyTo(outputs);

    public float EvaluateLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize)
    {
        float sum = 0f;
        for (int b = 0; b < batchSize; b++)
        {
            sum += inputs[b * size];
        }
        return sum / batchSize;
    }

    public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize) =>
        EvaluateLoss(inputs, targets, batchSize);

    public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize, Span<float> inputGradients) =>
        EvaluateLoss(inputs, targets, batchSize);
}
