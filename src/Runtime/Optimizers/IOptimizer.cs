using System;

namespace NetGen;

/// <summary>
/// Updates a flat parameter buffer from the gradient of the same layout (see <see cref="INetwork.Parameters"/> and
/// <see cref="ITrainableNetwork.Gradients"/>). An optimizer with state (momentum, moment estimates) binds that state to the first
/// buffer it steps, so use one optimizer instance per parameter buffer.
/// </summary>
/// <remarks>
/// The built-in optimizers follow PyTorch's <c>torch.optim</c> formulas, including where the epsilon goes and how weight
/// decay enters, so that a run can be compared with (or ported from) PyTorch step by step.
/// </remarks>
public interface IOptimizer
{
    /// <summary>
    /// The step size. Can be changed between steps, e.g. by a learning-rate schedule; zero is allowed here (a schedule
    /// may anneal to zero), although the constructors require a positive rate.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    float LearningRate { get; set; }

    /// <summary>The number of steps taken since creation or the last <see cref="Reset"/>.</summary>
    long StepCount { get; }

    /// <summary>Applies one update to <paramref name="parameters"/> in place.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="gradients">The gradient of the loss with respect to <paramref name="parameters"/>, element by element.</param>
    /// <exception cref="ArgumentException">
    /// The two spans differ in length, or their length differs from the buffer this optimizer's state was created for.
    /// </exception>
    void Step(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>Forgets the per-parameter state and the step count, so the next step starts afresh (on a buffer of any length).</summary>
    void Reset();

    /// <summary>
    /// Captures the complete state (step count, learning rate, settings, copies of the per-parameter buffers), so that
    /// <see cref="ImportState"/> on an optimizer of the same kind and settings continues bit-identically.
    /// </summary>
    OptimizerState ExportState();

    /// <summary>Replaces this optimizer's state with a copy of <paramref name="state"/>.</summary>
    /// <param name="state">A state exported by an optimizer of the same kind and settings.</param>
    /// <exception cref="ArgumentException">
    /// The state belongs to another kind of optimizer, was saved with other settings, or its buffers are inconsistent.
    /// The optimizer is unchanged then.
    /// </exception>
    void ImportState(OptimizerState state);
}
