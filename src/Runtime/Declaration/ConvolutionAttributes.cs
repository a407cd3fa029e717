using System;

namespace NetGen;

/// <summary>Padding values with a special meaning for <see cref="Conv2DAttribute.Padding"/>.</summary>
public static class ConvPadding
{
    /// <summary>Pads so that the output has the input's height and width (stride 1 and an odd effective kernel only).</summary>
    public const int Same = -1;
}

/// <summary>
/// A 2-D convolution over a channels x height x width tensor (cross-correlation, as in every deep-learning framework).
/// Weights are stored [filters, input channels, kernel height, kernel width] (the PyTorch layout), then the bias [filters].
/// The output size is floor((size + 2 padding - dilation (kernel - 1) - 1) / stride) + 1 along each axis.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv2DAttribute : Attribute
{
    /// <summary>A convolution with <paramref name="filters"/> output channels and a square <paramref name="kernel"/>.</summary>
    public Conv2DAttribute(int filters, int kernel)
        : this(filters, kernel, kernel)
    {
    }

    /// <summary>A convolution with <paramref name="filters"/> output channels and a <paramref name="kernelHeight"/> x <paramref name="kernelWidth"/> kernel.</summary>
    public Conv2DAttribute(int filters, int kernelHeight, int kernelWidth)
    {
        Filters = filters;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>Kernel rows.</summary>
    public int KernelHeight { get; }

    /// <summary>Kernel columns.</summary>
    public int KernelWidth { get; }

    /// <summary>Step between kernel positions, along both axes (default 1).</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Zeros added on every side (default 0), or <see cref="ConvPadding.Same"/>.</summary>
    public int Padding { get; set; }

    /// <summary>Spacing between kernel taps ("a trous"), along both axes (default 1: a dense kernel).</summary>
    public int Dilation { get; set; } = 1;

    /// <summary>Whether the layer adds a learned bias per filter (default true).</summary>
    public bool Bias { get; set; } = true;

    /// <summary>The element-wise activation (default: identity).</summary>
    public Activation Activation { get; set; }

    /// <summary>The activation's parameter: the negative slope of leaky ReLU (default 0.01) or the alpha of ELU (default 1).</summary>
    public float Alpha { get; set; } = float.NaN;
}

/// <summary>Max pooling: each output is the largest value of a size x size window, per channel. The gradient flows to the winning input.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxPool2DAttribute : Attribute
{
    /// <summary>Pools <paramref name="size"/> x <paramref name="size"/> windows; the stride defaults to the size (no overlap).</summary>
    public MaxPool2DAttribute(int size) => Size = size;

    /// <summary>Window height and width.</summary>
    public int Size { get; }

    /// <summary>Step between windows (default: the window size).</summary>
    public int Stride { get; set; }
}

/// <summary>Average pooling: each output is the mean of a size x size window, per channel.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AvgPool2DAttribute : Attribute
{
    /// <summary>Pools <paramref name="size"/> x <paramref name="size"/> windows; the stride defaults to the size (no overlap).</summary>
    public AvgPool2DAttribute(int size) => Size = size;

    /// <summary>Window height and width.</summary>
    public int Size { get; }

    /// <summary>Step between windows (default: the window size).</summary>
    public int Stride { get; set; }
}

/// <summary>Global average pooling: each channel's mean over height and width, giving a vector of one value per channel.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GlobalAvgPoolAttribute : Attribute
{
}
