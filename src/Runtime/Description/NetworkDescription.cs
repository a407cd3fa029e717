using System;
using System.Collections.Generic;

namespace NetGen;

/// <summary>The kind of a layer in a <see cref="NetworkDescription"/>.</summary>
public enum LayerKind
{
    /// <summary>Fully connected: y = f(x W + b), W stored [inputs, units].</summary>
    Dense,
    /// <summary>Maxout: max over pieces of x W + b, W stored [inputs, pieces, units].</summary>
    Maxout,
    /// <summary>A reshape of channels x height x width into a vector.</summary>
    Flatten,
    /// <summary>2-D convolution, W stored [filters, channels, kernel height, kernel width].</summary>
    Conv2D,
    /// <summary>Max pooling over windows.</summary>
    MaxPool2D,
    /// <summary>Average pooling over windows.</summary>
    AvgPool2D,
    /// <summary>Mean over height and width per channel.</summary>
    GlobalAvgPool,
    /// <summary>Inverted dropout (identity in inference).</summary>
    Dropout,
    /// <summary>Batch normalization: gamma at the weight offset, beta at the bias offset; running statistics in <see cref="INetwork.Buffers"/>.</summary>
    BatchNorm,
    /// <summary>Where a residual block's shortcut starts (no computation).</summary>
    ResidualStart,
    /// <summary>Adds the shortcut (projected by the layer's weights when they exist) to the block's output.</summary>
    ResidualEnd,
}

/// <summary>
/// One layer of a generated network, as plain data: what it computes, its shapes, and where its parameters live in
/// <see cref="INetwork.Parameters"/>. Exporters (ONNX) and tools read it; the generated code itself never does.
/// </summary>
/// <param name="Kind">What the layer computes.</param>
/// <param name="Name">The prefix of the layer's generated members (Dense1, Conv2, ...).</param>
/// <param name="InputShape">Input dimensions of one sample.</param>
/// <param name="OutputShape">Output dimensions of one sample.</param>
/// <param name="Activation">The fused activation (identity for layers without one).</param>
/// <param name="Alpha">The activation's parameter (leaky ReLU slope, ELU alpha), NaN when it has none.</param>
/// <param name="WeightOffset">Offset of the weights in <see cref="INetwork.Parameters"/>.</param>
/// <param name="WeightLength">Number of weights (0 for layers without parameters).</param>
/// <param name="BiasOffset">Offset of the biases in <see cref="INetwork.Parameters"/>.</param>
/// <param name="BiasLength">Number of biases (0 without bias).</param>
/// <param name="Units">Dense or maxout units, convolution filters, or output channels.</param>
/// <param name="Pieces">Maxout pieces (1 otherwise).</param>
/// <param name="KernelHeight">Convolution kernel or pooling window rows (0 for other layers).</param>
/// <param name="KernelWidth">Convolution kernel or pooling window columns (0 for other layers).</param>
/// <param name="Stride">Window step (1 for other layers).</param>
/// <param name="PaddingHeight">Zero rows added above and below.</param>
/// <param name="PaddingWidth">Zero columns added left and right.</param>
/// <param name="Dilation">Spacing of kernel taps (1 for other layers).</param>
public sealed record LayerDescription(
    LayerKind Kind,
    string Name,
    int[] InputShape,
    int[] OutputShape,
    Activation Activation,
    float Alpha,
    int WeightOffset,
    int WeightLength,
    int BiasOffset,
    int BiasLength,
    int Units,
    int Pieces,
    int KernelHeight,
    int KernelWidth,
    int Stride,
    int PaddingHeight,
    int PaddingWidth,
    int Dilation)
{
    /// <summary>
    /// Batch normalization: where its running statistics lie in <see cref="INetwork.Buffers"/>: <see cref="Units"/> running
    /// means from this offset, then as many running variances; -1 for other layers.
    /// </summary>
    public int BufferOffset { get; init; } = -1;

    /// <summary>Batch normalization: the constant added to the variance before its square root; NaN for other layers.</summary>
    public float Epsilon { get; init; } = float.NaN;

    /// <summary>
    /// Batch normalization: the weight of a training batch's statistics in the running ones (running = (1 - momentum)
    /// running + momentum batch, as PyTorch); NaN for other layers.
    /// </summary>
    public float Momentum { get; init; } = float.NaN;

    /// <summary>Dropout: the fraction of values a training pass drops (inference keeps them all); 0 for other layers.</summary>
    public float Rate { get; init; }

    /// <summary>
    /// A residual block's end: the index (in <see cref="NetworkDescription.Layers"/>) of the <see cref="LayerKind.ResidualStart"/>
    /// whose input is the shortcut; -1 for other layers. The shortcut is projected when the end has weights: a 1x1 convolution
    /// without bias (weights [filters, channels, 1, 1], with <see cref="Stride"/>) for images, a product without bias
    /// (weights [shortcut features, features]) for vectors.
    /// </summary>
    public int ShortcutStart { get; init; } = -1;
}

/// <summary>A generated network's architecture as data: input shape, layers in order, loss.</summary>
/// <param name="Name">The network class's name.</param>
/// <param name="InputShape">Input dimensions of one sample.</param>
/// <param name="Loss">The training loss; null for an inference-only network (declared without <c>[Loss]</c>).</param>
/// <param name="Layers">The layers in order.</param>
public sealed record NetworkDescription(string Name, int[] InputShape, LossKind? Loss, IReadOnlyList<LayerDescription> Layers);
