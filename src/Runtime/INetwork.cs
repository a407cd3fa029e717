using System;

namespace NetGen;

/// <summary>
/// The contract every generated network implements, so that the runtime (trainer, optimizers, checkpoints)
/// drives any model without knowing its shapes. Samples are stored row-major: sample <c>b</c> of a batch occupies
/// <c>[b * size, (b + 1) * size)</c> of a span.
/// </summary>
public interface INetwork
{
    /// <summary>Floats per input sample.</summary>
    int InputSize { get; }

    /// <summary>Floats per output sample.</summary>
    int OutputSize { get; }

    /// <summary>
    /// Floats per sample in a targets span: 1 (the class index, as a float) for class-label losses
    /// (<see cref="LossKind.SoftmaxCrossEntropy"/>, multi-class <see cref="LossKind.Hinge"/>), otherwise <see cref="OutputSize"/>.
    /// </summary>
    int TargetSize { get; }

    /// <summary>The loss the training step minimizes.</summary>
    LossKind Loss { get; }

    /// <summary>A stable hash of the architecture (layers, shapes, activations, loss), used to match checkpoints to models.</summary>
    string Fingerprint { get; }

    /// <summary>The architecture as data: layers, shapes and parameter offsets (for exporters such as ONNX).</summary>
    NetworkDescription Description => throw new NotSupportedException($"{GetType().Name} does not describe its architecture; generated networks do.");

    /// <summary>All trainable parameters in one contiguous buffer; the generated class documents the layout.</summary>
    float[] Parameters { get; }

    /// <summary>The gradient of the last training step's mean loss, in the layout of <see cref="Parameters"/>.</summary>
    float[] Gradients { get; }

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
    /// Threads that <see cref="TrainStep(ReadOnlySpan{float}, ReadOnlySpan{float}, int)"/> and batched
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

    /// <summary>The mean loss over a batch, without computing gradients.</summary>
    float EvaluateLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize);

    /// <summary>
    /// The mean loss of a batch in training mode, exactly as the next training step would compute it (same dropout
    /// masks, batch statistics), without gradients and without changing any state. Finite-difference checks use it.
    /// </summary>
    float TrainingLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize) => EvaluateLoss(inputs, targets, batchSize);

    /// <summary>
    /// One training step on a batch: forward, loss and backward. Overwrites <see cref="Gradients"/> with the gradient of
    /// the mean loss and returns that loss. Does not update the parameters (an optimizer does). Not thread-safe.
    /// </summary>
    float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize);

    /// <summary>As <see cref="TrainStep(ReadOnlySpan{float}, ReadOnlySpan{float}, int)"/>, and also writes the gradient of the loss with respect to the inputs.</summary>
    float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize, Span<float> inputGradients);
}
