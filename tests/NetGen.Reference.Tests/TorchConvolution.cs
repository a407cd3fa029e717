using System;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NetGen.Reference.Tests;

/// <summary>
/// <c>Conv2D</c> in torch: <c>conv2d</c> (a cross-correlation, as NetGen's) with the fused activation. NetGen stores the
/// weights [filters, channels, kernel height, kernel width], torch's own layout, so the leaf goes in unchanged; the bias
/// [filters] follows when the layer has one. <paramref name="Padding"/> is a number or <see cref="ConvPadding.Same"/>.
/// </summary>
public sealed record TorchConv2d(
    int Filters, int KernelHeight, int KernelWidth, int Stride = 1, int Padding = 0, int Dilation = 1, bool Bias = true,
    Activation Activation = Activation.Identity, float Alpha = float.NaN) : TorchLayer
{
    public override Tensor Forward(Tensor x, TorchParameters parameters, int index)
    {
        long channels = x.shape[1];
        Tensor weight = parameters.Take($"layer {index} (conv) weight", Filters, channels, KernelHeight, KernelWidth);
        Tensor? bias = Bias ? parameters.Take($"layer {index} (conv) bias", Filters) : null;
        Tensor z = F.conv2d(x, weight, bias, strides: new long[] { Stride, Stride }, padding: PaddingOf(), dilation: new long[] { Dilation, Dilation });
        return TorchActivation.Apply(z, Activation, Alpha);
    }

    /// <summary>
    /// Torch's <c>padding='same'</c> (which TorchSharp's functional <c>conv2d</c> does not take): a total of d (k - 1) zeros
    /// per axis, half of it before the input. NetGen allows "same" only where that total is even (odd effective kernels,
    /// stride 1), so the padding is symmetric: (d (k - 1)) / 2 on each side.
    /// </summary>
    private long[] PaddingOf()
    {
        if (Padding != ConvPadding.Same)
        {
            return new long[] { Padding, Padding };
        }
        int totalHeight = Dilation * (KernelHeight - 1), totalWidth = Dilation * (KernelWidth - 1);
        if (Stride != 1 || totalHeight % 2 != 0 || totalWidth % 2 != 0)
        {
            throw new NotSupportedException("Same padding with an even effective kernel or a stride is asymmetric; NetGen rejects it.");
        }
        return new long[] { totalHeight / 2, totalWidth / 2 };
    }
}

/// <summary><c>MaxPool2D</c>: torch's <c>max_pool2d</c> (no padding, floor mode); its CPU kernel keeps the first maximum of a
/// window in row-major order (a later value must be strictly larger), the tie rule NetGen documents.</summary>
public sealed record TorchMaxPool2d(int Size, int Stride = 0) : TorchLayer
{
    public override Tensor Forward(Tensor x, TorchParameters parameters, int index)
    {
        long stride = Stride == 0 ? Size : Stride;
        return F.max_pool2d(x, new long[] { Size, Size }, strides: new long[] { stride, stride });
    }
}

/// <summary><c>AvgPool2D</c>: torch's <c>avg_pool2d</c> (no padding, floor mode: every window lies inside the input).</summary>
public sealed record TorchAvgPool2d(int Size, int Stride = 0) : TorchLayer
{
    public override Tensor Forward(Tensor x, TorchParameters parameters, int index)
    {
        long stride = Stride == 0 ? Size : Stride;
        return F.avg_pool2d(x, new long[] { Size, Size }, stride: new long[] { stride, stride });
    }
}

/// <summary><c>GlobalAvgPool</c>: <c>adaptive_avg_pool2d</c> to 1 x 1, flattened to a vector of channels.</summary>
public sealed record TorchGlobalAvgPool : TorchLayer
{
    public override Tensor Forward(Tensor x, TorchParameters parameters, int index) =>
        F.adaptive_avg_pool2d(x, new long[] { 1, 1 }).flatten(1);
}
