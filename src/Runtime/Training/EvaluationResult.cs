namespace NetGen;

/// <summary>The loss and accuracy of a model over a dataset.</summary>
/// <param name="Loss">The mean loss per sample.</param>
/// <param name="Accuracy">
/// The fraction of correct predictions in [0, 1] (see <see cref="Evaluation.Evaluate"/> for what counts as correct), or
/// <see cref="double.NaN"/> for a regression loss, where accuracy has no meaning.
/// </param>
/// <param name="Count">The number of samples evaluated.</param>
public readonly record struct EvaluationResult(double Loss, double Accuracy, int Count);
