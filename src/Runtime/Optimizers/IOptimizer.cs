using System;

namespace NetGen;

/// <summary>
/// Updates a flat parameter buffer from the gradient of the same layout (see <see cref="INetwork.Parameters"/> and
/// <see cref="INetwork.Gradients"/>). An optimizer with state (momentum, moment estimates) binds that state to the first
/// buffer it steps, so use one optimizer instance per parameter buffer.
/// </summary>
public interface IOptimizer
{
    /// <summary>The step size. Can be changed between steps, e.g. by a learning-rate schedule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive and finite.</exception>
    float LearningRate { get; set; }

    /// <summary>Applies one update to <paramref name="parameters"/> in place.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="gradients">The gradient of the loss with respect to <paramref name="parameters"/>, element by element.</param>
    /// <exception cref="ArgumentException">
    /// The two spans differ in length, or their length differs from the buffer this optimizer's state was created for.
    /// </exception>
    void Step(Span<float> parameters, ReadOnlySpan<float> gradients);
}
