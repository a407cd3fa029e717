using System;

namespace NetGen.Runtime.Tests.Training;

/// <summary>
/// A one-parameter network whose gradient is always -1, so SGD with learning rate 1 adds 1 to the parameter per step, and
/// whose loss (training and validation) is a chosen function of the parameter: a test scripts the loss curve epoch by epoch.
/// </summary>
internal sealed class ScriptedNetwork(Func<float, float> lossOfParameter) : ITrainableNetwork
{
    public int InputSize => 1;
    public int OutputSize => 1;
    public int TargetSize => 1;
    public LossKind Loss => LossKind.MeanSquaredError;
    public string Fingerprint => "scripted";
    public float[] Parameters { get; } = new float[1];
    public float[] Gradients { get; } = [-1f];

    public void InitializeParameters(int seed) => Parameters[0] = 0f;

    public void Forward(ReadOnlySpan<float> input, Span<float> output) => output[0] = Parameters[0];

    public void Forward(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize) => outputs[..batchSize].Fill(Parameters[0]);

    public float EvaluateLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize) => lossOfParameter(Parameters[0]);

    public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize) => lossOfParameter(Parameters[0]);

    public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize, Span<float> inputGradients) =>
        TrainStep(inputs, targets, batchSize);
}

/// <summary>Adds seeded noise in [-0.05, 0.05) to every input: an augmentation whose effect depends on every draw.</summary>
internal sealed class NoiseAugmentation : IAugmentation
{
    public int Calls { get; private set; }

    public void Apply(Span<float> inputs, int batchSize, ref SeededRandom random)
    {
        Calls++;
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] += 0.1f * (random.NextSingle() - 0.5f);
        }
    }
}
