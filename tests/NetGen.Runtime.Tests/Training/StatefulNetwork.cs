using System;

namespace NetGen.Runtime.Tests.Training;

/// <summary>
/// A linear model (y = w . x + b, mean squared error) with the state a generated network with batch norm and dropout
/// has besides its parameters: <see cref="Buffers"/> holds a running mean of the inputs (updated by every training step,
/// like batch norm's running statistics), and every training step scales its gradient by a pseudo-random factor in
/// [0.5, 1.5) drawn from (<see cref="DropoutSeed"/>, <see cref="TrainingSteps"/>), like a dropout mask. A run that loses
/// any of this state on resume diverges from the uninterrupted run in the last bits.
/// </summary>
internal sealed class StatefulNetwork(int inputSize) : ITrainableNetwork
{
    public int InputSize => inputSize;
    public int OutputSize => 1;
    public int TargetSize => 1;
    public LossKind Loss => LossKind.MeanSquaredError;
    public string Fingerprint => $"stateful-{inputSize}";
    public float[] Parameters { get; } = new float[inputSize + 1];
    public float[] Gradients { get; } = new float[inputSize + 1];
    public float[] Buffers { get; } = new float[inputSize];
    public int DropoutSeed { get; set; }
    public long TrainingSteps { get; set; }

    public void InitializeParameters(int seed)
    {
        var random = new SeededRandom(seed);
        for (int i = 0; i < inputSize; i++)
        {
            Parameters[i] = random.NextSingle() - 0.5f;
        }
        Parameters[inputSize] = 0f;
        Array.Clear(Buffers);
        DropoutSeed = seed;
        TrainingSteps = 0;
    }

    public void Forward(ReadOnlySpan<float> input, Span<float> output) => output[0] = Predict(input);

    public void Forward(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize)
    {
        for (int b = 0; b < batchSize; b++)
        {
            outputs[b] = Predict(inputs.Slice(b * inputSize, inputSize));
        }
    }

    public float EvaluateLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize)
    {
        float sum = 0f;
        for (int b = 0; b < batchSize; b++)
        {
            float error = Predict(inputs.Slice(b * inputSize, inputSize)) - targets[b];
            sum += error * error;
        }
        return sum / batchSize;
    }

    public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize) =>
        TrainStep(inputs, targets, batchSize, Span<float>.Empty);

    public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize, Span<float> inputGradients)
    {
        var mask = new SeededRandom(DropoutSeed * 1_000_003L + TrainingSteps);
        float factor = 0.5f + mask.NextSingle();
        TrainingSteps++;
        Array.Clear(Gradients);
        float sum = 0f;
        for (int b = 0; b < batchSize; b++)
        {
            ReadOnlySpan<float> x = inputs.Slice(b * inputSize, inputSize);
            float error = Predict(x) - targets[b];
            sum += error * error;
            float scale = factor * 2f * error / batchSize;
            for (int i = 0; i < inputSize; i++)
            {
                Gradients[i] += scale * x[i];
                Buffers[i] = 0.9f * Buffers[i] + 0.1f * x[i]; // per sample, like a momentum-0.9 running mean
            }
            Gradients[inputSize] += scale;
        }
        return sum / batchSize;
    }

    // The running mean enters the prediction (as batch norm's statistics do in inference), so the buffers matter.
    private float Predict(ReadOnlySpan<float> x)
    {
        float y = Parameters[inputSize];
        for (int i = 0; i < inputSize; i++)
        {
            y += Parameters[i] * (x[i] - 0.1f * Buffers[i]);
        }
        return y;
    }
}
