using System;

namespace NetGen.Runtime.Tests.Training;

/// <summary>
/// y = w . x + b with the mean squared error, gradients derived by hand: dL/dw = 2/B sum_b (y_b - t_b) x_b,
/// dL/db = 2/B sum_b (y_b - t_b). Parameters are laid out as [w_0 .. w_{n-1}, b].
/// </summary>
internal sealed class LinearRegressionNetwork(int inputSize) : ITrainableNetwork
{
    public int InputSize => inputSize;
    public int OutputSize => 1;
    public int TargetSize => 1;
    public LossKind Loss => LossKind.MeanSquaredError;
    public string Fingerprint => $"linear-{inputSize}";
    public float[] Parameters { get; } = new float[inputSize + 1];
    public float[] Gradients { get; } = new float[inputSize + 1];

    public void InitializeParameters(int seed)
    {
        var random = new SeededRandom(seed);
        for (int i = 0; i < inputSize; i++)
        {
            Parameters[i] = random.NextSingle() - 0.5f;
        }
        Parameters[inputSize] = 0f;
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
        Array.Clear(Gradients);
        float sum = 0f;
        for (int b = 0; b < batchSize; b++)
        {
            ReadOnlySpan<float> x = inputs.Slice(b * inputSize, inputSize);
            float error = Predict(x) - targets[b];
            sum += error * error;
            float scale = 2f * error / batchSize;
            for (int i = 0; i < inputSize; i++)
            {
                Gradients[i] += scale * x[i];
                if (!inputGradients.IsEmpty)
                {
                    inputGradients[b * inputSize + i] = scale * Parameters[i];
                }
            }
            Gradients[inputSize] += scale;
        }
        return sum / batchSize;
    }

    private float Predict(ReadOnlySpan<float> x)
    {
        float y = Parameters[inputSize];
        for (int i = 0; i < inputSize; i++)
        {
            y += Parameters[i] * x[i];
        }
        return y;
    }
}
