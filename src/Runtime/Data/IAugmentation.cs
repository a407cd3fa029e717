using System;

namespace NetGen;

/// <summary>
/// Changes training inputs at random in ways that keep their labels (a digit shifted by two pixels is still the same
/// digit), so that the model sees a slightly different training set every epoch and over-fits less. The
/// <see cref="Trainer"/> calls it on every gathered batch (see <see cref="TrainerOptions.Augmentation"/>).
/// </summary>
/// <remarks>
/// Implementations draw all randomness from the generator passed to <see cref="Apply"/>, so a run is reproducible
/// from its seed and a resumed run (whose generator state comes from the checkpoint) continues identically. They should
/// not allocate per call.
/// </remarks>
public interface IAugmentation
{
    /// <summary>Transforms a batch of inputs in place.</summary>
    /// <param name="inputs"><paramref name="batchSize"/> samples, row-major, in the model's input layout.</param>
    /// <param name="batchSize">The number of samples.</param>
    /// <param name="random">The generator to draw from; advanced by the call.</param>
    void Apply(Span<float> inputs, int batchSize, ref SeededRandom random);
}
