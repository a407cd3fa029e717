using System;

namespace NetGen.Interop.Tests;

/// <summary>
/// A generated network seen through another <see cref="NetworkDescription"/> (or none), to test how the exporter treats
/// layers and activations it does not support and descriptions that contradict themselves, which no generated network
/// can produce today.
/// </summary>
public sealed class RedescribedNetwork : ITrainableNetwork
{
    private readonly ITrainableNetwork _inner;
    private readonly NetworkDescription? _description;

    public RedescribedNetwork(ITrainableNetwork inner, NetworkDescription? description)
    {
        _inner = inner;
        _description = description;
    }

    public NetworkDescription Description =>
        _description ?? throw new NotSupportedException($"{nameof(RedescribedNetwork)} does not describe its architecture; generated networks do.");

    public int InputSize => _inner.InputSize;

    public int OutputSize => _inner.OutputSize;

    public int TargetSize => _inner.TargetSize;

    public LossKind Loss => _inner.Loss;

    public string Fingerprint => _inner.Fingerprint;

    public float[] Parameters => _inner.Parameters;

    public float[] Gradients => _inner.Gradients;

    public float[] Buffers => _inner.Buffers;

    public void InitializeParameters(int seed) => _inner.InitializeParameters(seed);

    public void Forward(ReadOnlySpan<float> input, Span<float> output) => _inner.Forward(input, output);

    public void Forward(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize) => _inner.Forward(inputs, outputs, batchSize);

    public float EvaluateLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize) =>
        _inner.EvaluateLoss(inputs, targets, batchSize);

    public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize) =>
        _inner.TrainStep(inputs, targets, batchSize);

    public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize, Span<float> inputGradients) =>
        _inner.TrainStep(inputs, targets, batchSize, inputGradients);
}
