using System;

namespace NetGen.Runtime.Tests.Training;

/// <summary>
/// A one-input network that records what the trainer feeds it: the inputs are sample ids, each TrainStep logs the ids
/// and the batch size, and returns the batch mean of the ids as its loss (NaN or infinity at a chosen call, to test
/// divergence). It refuses batches below a chosen minimum, as batch normalization does. It also records the bytes the thread has allocated at each call. It never allocates itself.
/// </summary>
internal sealed class RecordingNetwork(int capacity, int failAtCall = -1, float failureLoss = float.NaN, int minimumBatch = 1) : ITrainableNetwork
{
    private readonly int[] _batchSizes = new int[capacity];
    private readonly long[] _allocatedBytes = new long[capacity];
    private readonly int[] _ids = new int[capacity * 64];
    private int _idCount;

    public int Calls { get; private set; }
    public ReadOnlySpan<int> SampleIds => _ids.AsSpan(0, _idCount);
    public ReadOnlySpan<int> BatchSizes => _batchSizes.AsSpan(0, Calls);
    public ReadOnlySpan<long> AllocatedBytes => _allocatedBytes.AsSpan(0, Calls);

    public int InputSize => 1;
    public int OutputSize => 1;
    public int TargetSize => 1;
    public LossKind Loss => LossKind.MeanSquaredError;
    public string Fingerprint => "recording";
    public float[] Parameters { get; } = new float[3];
    public float[] Gradients { get; } = [1f, 2f, 3f];
    public int MinimumTrainingBatchSize => minimumBatch;

    public static Dataset Samples(int count)
    {
        var ids = new float[count];
        for (int i = 0; i < count; i++)
        {
            ids[i] = i;
        }
        return new Dataset(ids, new float[count], inputSize: 1, targetSize: 1);
    }

    public void InitializeParameters(int seed) => Array.Clear(Parameters);

    public void Forward(ReadOnlySpan<float> input, Span<float> output) => output[0] = input[0];

    public void Forward(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize) => inputs[..batchSize].CopyTo(outputs);

    public float EvaluateLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize) => 0f;

    public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize)
    {
        if (batchSize < minimumBatch)
        {
            throw new ArgumentException($"A training batch needs at least {minimumBatch} samples.", nameof(batchSize));
        }
        _allocatedBytes[Calls] = GC.GetAllocatedBytesForCurrentThread();
        _batchSizes[Calls] = batchSize;
        Calls++;
        float sum = 0f;
        for (int b = 0; b < batchSize; b++)
        {
            _ids[_idCount++] = (int)inputs[b];
            sum += inputs[b];
        }
        return Calls == failAtCall ? failureLoss : sum / batchSize;
    }

    public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize, Span<float> inputGradients) =>
        TrainStep(inputs, targets, batchSize);
}
