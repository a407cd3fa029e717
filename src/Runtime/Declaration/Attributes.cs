using System;

namespace NetGen;

/// <summary>
/// Marks a <c>partial class</c> as a network: the NetGen generator reads the layer attributes on this declaration,
/// in source order, and emits the forward pass, backward pass and training step.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>
    /// An ONNX model to compile instead of layer attributes: its path as the project lists it in
    /// <c>&lt;AdditionalFiles Include="models/model.onnx" /&gt;</c>. The layers, shapes and weights come from the file
    /// (the weights are built into the assembly); only a <c>[Loss]</c> may stand beside it, to train the network
    /// further. Unsupported operators are build errors naming the node (NG0040-NG0045).
    /// </summary>
    public string? Onnx { get; set; }

    /// <summary>
    /// A NetGen checkpoint to build into the class: its path as the project lists it in
    /// <c>&lt;AdditionalFiles Include="models/iris.ngck" /&gt;</c>. A new instance starts with the checkpoint's
    /// parameters, buffers and class names instead of initialized ones, and its standardizer as <c>Standardizer</c>,
    /// so that it predicts with nothing beside the executable. The file must be a checkpoint of this very architecture
    /// (NG0050-NG0054).
    /// </summary>
    public string? Weights { get; set; }
}

/// <summary>Declares the shape of one input sample: a feature count, or channels x height x width.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class InputAttribute : Attribute
{
    /// <summary>A flat input of <paramref name="features"/> values.</summary>
    public InputAttribute(int features) => Shape = new[] { features };

    /// <summary>An image input of <paramref name="channels"/> x <paramref name="height"/> x <paramref name="width"/> values, stored channel-major.</summary>
    public InputAttribute(int channels, int height, int width) => Shape = new[] { channels, height, width };

    /// <summary>The declared dimensions.</summary>
    public int[] Shape { get; }
}

/// <summary>A fully connected layer: y = f(x W + b) with weights stored [inputs, units] (row-major).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : Attribute
{
    /// <summary>A dense layer of <paramref name="units"/> outputs.</summary>
    public DenseAttribute(int units) => Units = units;

    /// <summary>The number of outputs.</summary>
    public int Units { get; }

    /// <summary>The element-wise activation (default: identity).</summary>
    public Activation Activation { get; set; }

    /// <summary>The activation's parameter: the negative slope of leaky ReLU (default 0.01) or the alpha of ELU (default 1).</summary>
    public float Alpha { get; set; } = float.NaN;
}

/// <summary>
/// A maxout layer (Goodfellow et al. 2013): <c>units</c> outputs, each the maximum over <c>pieces</c> affine functions of the input.
/// Weights are stored [inputs, pieces, units].
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxoutAttribute : Attribute
{
    /// <summary>A maxout layer of <paramref name="units"/> outputs over <paramref name="pieces"/> linear pieces each.</summary>
    public MaxoutAttribute(int units, int pieces)
    {
        Units = units;
        Pieces = pieces;
    }

    /// <summary>The number of outputs.</summary>
    public int Units { get; }

    /// <summary>The number of linear pieces each output takes the maximum of (at least 2).</summary>
    public int Pieces { get; }
}

/// <summary>Flattens a channels x height x width tensor into a vector (a reshape: no computation, no parameters).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FlattenAttribute : Attribute
{
}

/// <summary>The loss the training step minimizes.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LossAttribute : Attribute
{
    /// <summary>Trains with <paramref name="kind"/>.</summary>
    public LossAttribute(LossKind kind) => Kind = kind;

    /// <summary>The loss function.</summary>
    public LossKind Kind { get; }
}
