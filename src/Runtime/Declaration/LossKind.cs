namespace NetGen;

/// <summary>The training objective of a network; every loss is averaged over the batch.</summary>
public enum LossKind
{
    /// <summary>Mean of (y - t)^2 over all outputs. Targets: one float per output.</summary>
    MeanSquaredError = 0,
    /// <summary>Mean of |y - t| over all outputs. Targets: one float per output.</summary>
    L1 = 1,
    /// <summary>
    /// Hinge loss. With one output: max(0, 1 - t*y) with targets -1 or +1. With C &gt; 1 outputs:
    /// the multi-class margin loss sum over j != t of max(0, 1 - y_t + y_j) / C, with an integer class label per sample.
    /// </summary>
    Hinge = 2,
    /// <summary>Softmax over the outputs (which must be linear logits) and cross-entropy against an integer class label per sample.</summary>
    SoftmaxCrossEntropy = 3,
    /// <summary>
    /// Binary cross-entropy of sigmoid outputs against targets in [0, 1], one per output (multi-label).
    /// The output layer must use <see cref="Activation.Sigmoid"/>; training fuses the sigmoid into the loss for stability.
    /// </summary>
    BinaryCrossEntropy = 4,
}
