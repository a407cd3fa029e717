using System;

namespace NetGen;

/// <summary>
/// The inference contract every generated network implements, so that the runtime (checkpoints, exporters,
/// evaluation of outputs) drives any model without knowing its shapes. A network declared with a <c>[Loss]</c> also
/// implements <see cref="ITrainableNetwork"/>, which the <see cref="Trainer"/> requires; one without is inference-only,
/// and passing it to the trainer is a compile-time error rather than a failure at run time. Samples are stored row-major: sample <c>b</c> of a batch occupies
/// <c>[b * size, (b + 1) * size)</c> of a span.
/// </summary>
public interface INetwork
{
    /// <summary>Floats per input sample.</summary>
    int InputSize { get; }

    /// <summary>Floats per output sample.</summary>
    int OutputSize { get; }

    /// <summary>A stable hash of the architecture (layers, shapes, activations, loss if any), used to match checkpoints to models.</summary>
    string Fingerprint { get; }

    /// <summary>The architecture as data: layers, shapes and parameter offsets (for exporters such as ONNX).</summary>
    NetworkDescription Description => throw new NotSupportedException($"{GetType().Name} does not describe its architecture; generated networks do.");

    /// <summary>All trainable parameters in one contiguous buffer; the generated class documents the layout.</summary>
    float[] Parameters { get; }

    /// <summary>Non-trainable state (batch-normalization running statistics); checkpoints save it with the parameters.</summary>
    float[] Buffers => Array.Empty<float>();

    /// <summary>
    /// The name of each class, by class index, when known: set by <see cref="Checkpoint.Restore"/> from a checkpoint that
    /// carries them, and saved by <see cref="Checkpoint.Capture"/>; <see langword="null"/> otherwise (and always for a
    /// network that does not store them).
    /// </summary>
    System.Collections.Generic.IReadOnlyList<string>? ClassNames
    {
        get => null;
        set { }
    }

    /// <summary>The seed of the dropout masks (set by <see cref="InitializeParameters"/>); checkpoints save it.</summary>
    int DropoutSeed
    {
        get => 0;
        set { }
    }

    /// <summary>Training steps taken; with <see cref="DropoutSeed"/> it determines the next dropout masks. Checkpoints save it.</summary>
    long TrainingSteps
    {
        get => 0;
        set { }
    }

    /// <summary>
    /// Threads that a training step (<see cref="ITrainableNetwork.TrainStep(ReadOnlySpan{float}, ReadOnlySpan{float}, int)"/>) and batched
    /// <see cref="Forward(ReadOnlySpan{float}, Span{float}, int)"/> split a batch across (a shared <see cref="WorkerTeam"/>);
    /// 1, the default, runs on the calling thread only; batches too small to pay for the hand-off stay there too. Batch
    /// normalization still uses the statistics of the whole batch (the parts exchange their sums). Results are
    /// bit-identical from run to run for a given thread count; inference outputs do not depend on it at all.
    /// </summary>
    int Threads
    {
        get => 1;
        set
        {
            if (value != 1)
            {
                throw new NotSupportedException($"{GetType().Name} runs on one thread only; generated networks split batches across threads.");
            }
        }
    }

    /// <summary>
    /// The fewest samples a training step takes: 2 for a network whose batch normalization estimates a variance from one
    /// value per feature and sample (after a dense layer), otherwise 1. The <see cref="Trainer"/> checks it against the
    /// batches of a run before training (see <see cref="TrainerOptions.DropLast"/>).
    /// </summary>
    int MinimumTrainingBatchSize => 1;

    /// <summary>Re-initializes every parameter from <paramref name="seed"/> (Xavier/Glorot or He by activation; biases zero).</summary>
    void InitializeParameters(int seed);

    /// <summary>Runs inference on one sample. Thread-safe and allocation-free.</summary>
    void Forward(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>Runs inference on <paramref name="batchSize"/> samples. Thread-safe; allocates only when a thread first sees a larger batch.</summary>
    void Forward(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize);
}
