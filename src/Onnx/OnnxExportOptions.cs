namespace NetGen;

/// <summary>Choices of an ONNX export; the defaults suit ONNX Runtime 1.x and every current ONNX consumer.</summary>
public sealed class OnnxExportOptions
{
    /// <summary>The lowest operator set version the exporter writes.</summary>
    public const int MinimumOpsetVersion = 13;

    /// <summary>The highest operator set version the exporter writes (the default).</summary>
    public const int MaximumOpsetVersion = 17;

    /// <summary>
    /// The version of the standard operator set (ai.onnx) the model imports, from <see cref="MinimumOpsetVersion"/> to
    /// <see cref="MaximumOpsetVersion"/> (default 17). Every operator NetGen writes means the same in all of them.
    /// </summary>
    public int OpsetVersion { get; init; } = MaximumOpsetVersion;

    /// <summary>
    /// For a network trained with <see cref="LossKind.SoftmaxCrossEntropy"/>: end the graph with a Softmax over the
    /// classes, so that the output holds probabilities instead of the logits <see cref="INetwork.Forward(System.ReadOnlySpan{float}, System.Span{float})"/>
    /// returns (default false: the output is exactly what NetGen's forward pass computes). Ignored for other losses.
    /// </summary>
    public bool AppendSoftmax { get; init; }
}
