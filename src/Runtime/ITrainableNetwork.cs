using System;

namespace NetGen;

/// <summary>
/// A network that can be trained: what a generated network declared with a <c>[Loss]</c> adds to <see cref="INetwork"/>
/// (the loss, the targets' layout, gradients and the training step). <see cref="Trainer"/>, <see cref="Evaluation"/>
/// and <see cref="ConfusionMatrix"/> take this interface, so an inference-only network (no <c>[Loss]</c>, e.g. an
/// imported ONNX model used as it is) cannot be handed to them by mistake.
/// </summary>
public interface ITrainableNetwork : INetwork
{
    /// <summary>
    /// Floats per sample in a targets span: 1 (the class index, as a float) for class-label losses
    /// (<see cref="LossKind.SoftmaxCrossEntropy"/>, multi-class <see cref="LossKind.Hinge"/>), otherwise <see cref="INetwork.OutputSize"/>.
    /// </summary>
    int TargetSize { get; }

    /// <summary>The loss the training step minimizes.</summary>
    LossKind Loss { get; }

    /// <summary>The gradient of the last training step's mean loss, in the layout of <see cref="INetwork.Parameters"/>.</summary>
    float[] Gradients { get; }

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
