using System.Collections.Generic;
using System.Linq;
using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>Shape inference per layer kind: checks the arguments against the incoming shape and lays out buffers.</summary>
internal static partial class Planner
{
    /// <summary>What planning has laid out so far. Sizes are long so that an impossible network is reported, not wrapped.</summary>
    private sealed class PlanState(int[] inputShape)
    {
        public int[] Shape { get; set; } = inputShape;

        /// <summary>Per-sample workspace offset of the latest layer's output; -1 while that is still the caller's input.</summary>
        public int LastOutputOffset { get; set; } = -1;

        public long ParameterCount { get; set; }

        public long WorkspacePerSample { get; set; }

        public long DeltaPerSample { get; set; } = 1; // the first layer's input gradient goes straight to the caller's span

        public long ScratchSize { get; set; }

        /// <summary>What the largest scratch is for, e.g. "the transposed weights of layer 2 (Dense(8))".</summary>
        public string ScratchUse { get; set; } = "";

        public long Flops { get; set; }

        public bool IsFirstLayer { get; set; } = true;

        public long BufferCount { get; set; }

        public long StatsSize { get; set; }

        /// <summary>The open residual block: its start's layer index, workspace offset (-1: the input) and shape.</summary>
        public (int Index, int Offset, int[] Shape)? OpenResidual { get; set; }

        /// <summary>Code layers since the open residual block started.</summary>
        public int LayersInResidual { get; set; }
    }

    private static LayerPlan? PlanLayer(LayerSpec layer, int index, string name, PlanState state, List<DiagnosticInfo> diagnostics)
    {
        int[] shape = state.Shape;
        long inputSize = Size(shape);
        string description = DescribeSpec(layer);
        int before = diagnostics.Count;
        void Error(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, LocationInfo? location, params object[] args) =>
            diagnostics.Add(DiagnosticInfo.Create(descriptor, location, args));

        if (layer.Kind == LayerKind.Flatten)
        {
            if (shape.Length == 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.FlattenHasNoEffect, layer.Location, index, FormatShape(shape)));
            }
            return new LayerPlan(index, layer.Kind, name, shape.ToEquatableArray(), new[] { (int)inputSize }.ToEquatableArray(),
                (int)inputSize, (int)inputSize, 0, 0, ActivationKind.Identity, float.NaN, 0, 0, 0, 0, -1, state.LastOutputOffset, 0);
        }

        ActivationKind activation = ActivationKind.Identity;
        float alpha = float.NaN;
        int[] outputShape;
        long weightLength = 0, biasLength = 0, flops, linearLength = 0;
        ConvGeometry? geometry = null;
        ResidualPlan? residual = null;
        long scratch = 0;

        switch (layer.Kind)
        {
            case LayerKind.Dense:
            case LayerKind.Maxout:
            {
                if (layer.Units < 1)
                {
                    Error(DiagnosticDescriptors.InvalidLayerSize, layer.UnitsLocation, index, description, "units", 1, layer.Units);
                }
                if (layer.Kind == LayerKind.Maxout && layer.Pieces < 2)
                {
                    Error(DiagnosticDescriptors.InvalidLayerSize, layer.PiecesLocation, index, description, "pieces", 2, layer.Pieces);
                }
                if (shape.Length != 1)
                {
                    Error(DiagnosticDescriptors.DenseNeedsFlatTensor, layer.Location, index, description, FormatShape(shape));
                }
                if (layer.Kind == LayerKind.Dense)
                {
                    CheckActivation(layer, index, description, diagnostics, out activation, out alpha);
                }
                int units = System.Math.Max(layer.Units, 1);
                long linear = (long)units * (layer.Kind == LayerKind.Maxout ? System.Math.Max(layer.Pieces, 2) : 1);
                weightLength = inputSize * linear;
                biasLength = linear;
                linearLength = layer.Kind == LayerKind.Maxout ? linear : 0;
                flops = 2 * inputSize * linear;
                scratch = weightLength; // the transposed weights of the input gradient's product
                outputShape = new[] { units };
                break;
            }
            case LayerKind.Conv2D:
            {
                if (layer.Units < 1)
                {
                    Error(DiagnosticDescriptors.InvalidLayerSize, layer.UnitsLocation, index, description, "filters", 1, layer.Units);
                }
                if (layer.KernelHeight < 1)
                {
                    Error(DiagnosticDescriptors.InvalidLayerSize, layer.KernelLocation, index, description, "the kernel size", 1, layer.KernelHeight);
                }
                if (layer.KernelWidth < 1 && !(layer.KernelHeight < 1 && Equals(layer.KernelWidthLocation, layer.KernelLocation)))
                {
                    Error(DiagnosticDescriptors.InvalidLayerSize, layer.KernelWidthLocation ?? layer.KernelLocation, index, description, "the kernel size", 1, layer.KernelWidth);
                }
                CheckActivation(layer, index, description, diagnostics, out activation, out alpha);
                geometry = PlanWindow(layer, index, description, shape, outChannels: layer.Units, diagnostics);
                if (geometry is null || HasErrorSince(diagnostics, before))
                {
                    return Failed(diagnostics, before, state, shape);
                }
                // In long: an absurd kernel must be reported as too large, not wrap around.
                long patch = (long)geometry.InChannels * geometry.KernelHeight * geometry.KernelWidth;
                long plane = (long)geometry.OutHeight * geometry.OutWidth;
                weightLength = geometry.OutChannels * patch;
                biasLength = layer.Bias ? geometry.OutChannels : 0;
                flops = 2L * geometry.OutChannels * patch * plane;
                // im2col matrix and its gradient, [patch, output pixels] each, for one sample at a time (and what a
                // gathering col2im reads past the end); a direct forward pass reuses it for its padded input.
                scratch = geometry.IsPointwise ? 0
                    : System.Math.Max(2L * patch * plane + geometry.GatherOverrun, geometry.DirectForward ? geometry.PaddedInputSize : 0);
                outputShape = new[] { geometry.OutChannels, geometry.OutHeight, geometry.OutWidth };
                break;
            }
            case LayerKind.MaxPool2D:
            case LayerKind.AvgPool2D:
            {
                if (layer.KernelHeight < 1)
                {
                    Error(DiagnosticDescriptors.InvalidLayerSize, layer.KernelLocation, index, description, "the window size", 1, layer.KernelHeight);
                    return Failed(diagnostics, before, state, shape);
                }
                geometry = PlanWindow(layer with { Padding = 0, Dilation = 1 },
                    index, description, shape, outChannels: shape.Length == 3 ? shape[0] : 1, diagnostics);
                if (geometry is null || HasErrorSince(diagnostics, before))
                {
                    return Failed(diagnostics, before, state, shape);
                }
                flops = (long)geometry.OutChannels * geometry.OutHeight * geometry.OutWidth * geometry.KernelHeight * geometry.KernelWidth;
                outputShape = new[] { geometry.OutChannels, geometry.OutHeight, geometry.OutWidth };
                break;
            }
            case LayerKind.Dropout:
            {
                if (!(layer.Rate >= 0 && layer.Rate < 1))
                {
                    Error(DiagnosticDescriptors.InvalidDropoutRate, layer.UnitsLocation, index, layer.Rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                }
                flops = inputSize;
                outputShape = shape;
                break;
            }
            case LayerKind.BatchNorm:
            {
                if (!(layer.Momentum > 0 && layer.Momentum <= 1))
                {
                    Error(DiagnosticDescriptors.InvalidBatchNormArgument, layer.UnitsLocation, index, "Momentum", "in (0, 1]", Format(layer.Momentum));
                }
                if (!(layer.Epsilon > 0) || float.IsInfinity(layer.Epsilon))
                {
                    Error(DiagnosticDescriptors.InvalidBatchNormArgument, layer.PiecesLocation, index, "Epsilon", "a finite number > 0", Format(layer.Epsilon));
                }
                CheckActivation(layer, index, description, diagnostics, out activation, out alpha);
                int channels = shape[0];
                weightLength = channels; // gamma
                biasLength = channels;   // beta
                flops = 4 * inputSize;
                outputShape = shape;
                break;
            }
            case LayerKind.ResidualStart:
            {
                if (state.OpenResidual is { } open)
                {
                    Error(DiagnosticDescriptors.ResidualBlockMismatch, layer.Location, index, description,
                        Invariant($"the residual block opened at layer {open.Index} is still open; nested blocks are not supported, so close it with [ResidualEnd] first"));
                    return null;
                }
                state.OpenResidual = (index, state.LastOutputOffset, shape);
                state.LayersInResidual = 0;
                return new LayerPlan(index, layer.Kind, name, shape.ToEquatableArray(), shape.ToEquatableArray(),
                    (int)inputSize, (int)inputSize, 0, 0, ActivationKind.Identity, float.NaN, 0, 0, 0, 0, -1, state.LastOutputOffset, 0);
            }
            case LayerKind.ResidualEnd:
            {
                if (state.OpenResidual is not { } open)
                {
                    Error(DiagnosticDescriptors.ResidualBlockMismatch, layer.Location, index, description, "there is no [ResidualStart] before it; mark where the block starts");
                    return null;
                }
                state.OpenResidual = null;
                if (state.LayersInResidual == 0)
                {
                    Error(DiagnosticDescriptors.ResidualBlockMismatch, layer.Location, index, description, "the block has no layers; put at least one layer between [ResidualStart] and [ResidualEnd]");
                    return null;
                }
                CheckActivation(layer, index, description, diagnostics, out activation, out alpha);
                residual = PlanShortcut(layer, index, open.Offset, open.Shape, shape, diagnostics, out geometry);
                if (residual is null)
                {
                    return Failed(diagnostics, before, state, shape);
                }
                long shortcutSize = Size(open.Shape);
                if (geometry is not null)
                {
                    weightLength = (long)geometry.OutChannels * geometry.InChannels;
                    scratch = geometry.IsPointwise ? 0 : 2L * geometry.PatchSize * geometry.OutputPlane;
                    flops = 2L * weightLength * geometry.OutputPlane + inputSize;
                }
                else if (residual.LinearProjection)
                {
                    weightLength = shortcutSize * inputSize;
                    flops = 2L * weightLength + inputSize;
                }
                else
                {
                    flops = inputSize;
                }
                if (residual.HasProjection)
                {
                    linearLength = inputSize; // the projected shortcut, kept for nothing but the sum: reuse the linear slot
                }
                outputShape = shape;
                break;
            }
            default: // GlobalAvgPool
            {
                if (shape.Length != 3)
                {
                    Error(DiagnosticDescriptors.NeedsImageInput, layer.Location, index, description, FormatShape(shape));
                    return Failed(diagnostics, before, state, shape);
                }
                geometry = new ConvGeometry(shape[0], shape[1], shape[2], shape[0], 1, 1, shape[1], shape[2], 1, 0, 0, 1);
                flops = inputSize;
                outputShape = new[] { shape[0] };
                break;
            }
        }
        if (HasErrorSince(diagnostics, before))
        {
            return Failed(diagnostics, before, state, outputShape);
        }

        long outputSize = Size(outputShape);
        long weightOffset = state.ParameterCount;
        long biasOffset = weightOffset + weightLength;
        state.ParameterCount = biasOffset + biasLength;
        long linearOffset = -1;
        if (linearLength > 0)
        {
            linearOffset = state.WorkspacePerSample;
            state.WorkspacePerSample += linearLength;
        }
        long outputOffset = state.WorkspacePerSample;
        state.WorkspacePerSample += outputSize;
        state.DeltaPerSample = System.Math.Max(state.DeltaPerSample, System.Math.Max(outputSize, linearLength));
        if (!state.IsFirstLayer)
        {
            state.DeltaPerSample = System.Math.Max(state.DeltaPerSample, inputSize);
        }
        state.IsFirstLayer = false;
        if (state.OpenResidual is not null)
        {
            state.LayersInResidual++;
        }
        NormPlan? norm = null;
        if (layer.Kind == LayerKind.BatchNorm)
        {
            int channels = shape[0];
            norm = new NormPlan(channels, shape.Length == 3 ? shape[1] * shape[2] : 1, (int)state.BufferCount, (int)state.StatsSize, layer.Momentum, layer.Epsilon);
            state.BufferCount += 2 * channels; // running mean, running variance
            state.StatsSize += 2 * channels;   // batch mean, batch inverse standard deviation
        }
        if (residual is not null)
        {
            // The shortcut's gradient waits in its own buffer until the backward pass reaches the block's start.
            state.DeltaPerSample = System.Math.Max(state.DeltaPerSample, Size(residual.ShortcutShape.ToArray()));
        }
        if (residual is not null && residual.HasProjection)
        {
            residual = residual with { ProjectionOffset = (int)linearOffset };
        }
        if (scratch > state.ScratchSize)
        {
            state.ScratchSize = scratch;
            state.ScratchUse = layer.Kind is LayerKind.Dense or LayerKind.Maxout
                ? Invariant($"the transposed weights of layer {index} ({description})")
                : Invariant($"the im2col matrices of layer {index} ({description})");
        }
        state.Flops += flops;
        if (state.ParameterCount > MaxSize || state.WorkspacePerSample > MaxSize || scratch > MaxSize || inputSize > MaxSize || outputSize > MaxSize)
        {
            state.Shape = outputShape; // reported once for the whole network; later layers still see the right shape
            return null;
        }

        return new LayerPlan(index, layer.Kind, name, shape.ToEquatableArray(), outputShape.ToEquatableArray(),
            (int)inputSize, (int)outputSize, layer.Kind == LayerKind.Conv2D ? layer.Units : outputShape[0], layer.Kind == LayerKind.Maxout ? layer.Pieces : 1,
            activation, alpha, (int)weightOffset, (int)weightLength, (int)biasOffset, (int)biasLength, (int)linearOffset, (int)outputOffset, flops, geometry,
            (float)layer.Rate, norm, residual);
    }

    /// <summary>The shortcut from a block's start to its end: identity, a strided 1x1 convolution, or a linear map.</summary>
    private static ResidualPlan? PlanShortcut(LayerSpec layer, int index, int startOffset, int[] from, int[] to, List<DiagnosticInfo> diagnostics, out ConvGeometry? projection)
    {
        projection = null;
        if (from.SequenceEqual(to))
        {
            return new ResidualPlan(startOffset, from.ToEquatableArray(), null, false, -1);
        }
        string? problem = null;
        if (from.Length != to.Length)
        {
            problem = "one is a vector and the other a channels x height x width tensor; start or end the block on the same side of [Flatten]";
        }
        else if (from.Length == 1)
        {
            return new ResidualPlan(startOffset, from.ToEquatableArray(), null, true, -1);
        }
        else
        {
            for (int stride = 1; stride <= System.Math.Max(from[1], from[2]); stride++)
            {
                if ((from[1] - 1) / stride + 1 == to[1] && (from[2] - 1) / stride + 1 == to[2])
                {
                    projection = new ConvGeometry(from[0], from[1], from[2], to[0], to[1], to[2], 1, 1, stride, 0, 0, 1);
                    return new ResidualPlan(startOffset, from.ToEquatableArray(), projection, false, -1);
                }
            }
            problem = "no stride of a 1x1 convolution maps its height and width onto the block's";
        }
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ResidualProjectionImpossible, layer.Location, index, FormatShape(from), FormatShape(to), problem));
        return null;
    }

    /// <summary>The output geometry of a sliding window (convolution or pooling), with its diagnostics.</summary>
    private static ConvGeometry? PlanWindow(LayerSpec layer, int index, string description, int[] shape, int outChannels, List<DiagnosticInfo> diagnostics)
    {
        if (shape.Length != 3)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NeedsImageInput, layer.Location, index, description, FormatShape(shape)));
            return null;
        }
        bool valid = true;
        if (layer.Stride < 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidWindowArgument, layer.StrideLocation, index, description, "stride", "at least 1", layer.Stride));
            valid = false;
        }
        if (layer.Dilation < 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidWindowArgument, layer.DilationLocation, index, description, "dilation", "at least 1", layer.Dilation));
            valid = false;
        }
        if (layer.Padding < 0 && layer.Padding != SamePadding)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidWindowArgument, layer.PaddingLocation, index, description, "padding", "at least 0 (or ConvPadding.Same)", layer.Padding));
            valid = false;
        }
        if (!valid || layer.KernelHeight < 1 || layer.KernelWidth < 1)
        {
            return null;
        }

        // In long: dilations and paddings near int.MaxValue must be reported, not wrap around.
        int c = shape[0], h = shape[1], w = shape[2];
        long effectiveHeight = (long)layer.Dilation * (layer.KernelHeight - 1) + 1, effectiveWidth = (long)layer.Dilation * (layer.KernelWidth - 1) + 1;
        long padHeight = layer.Padding, padWidth = layer.Padding;
        if (layer.Padding == SamePadding)
        {
            if (layer.Stride != 1 || (effectiveHeight - 1) % 2 != 0 || (effectiveWidth - 1) % 2 != 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SamePaddingUnsupported, layer.PaddingLocation, index, description,
                    Invariant($"{effectiveHeight}x{effectiveWidth}"), layer.Stride));
                return null;
            }
            padHeight = (effectiveHeight - 1) / 2;
            padWidth = (effectiveWidth - 1) / 2;
        }
        bool pooling = layer.Kind != LayerKind.Conv2D;
        if (h + 2 * padHeight > MaxSize || w + 2 * padWidth > MaxSize)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, layer.PaddingLocation, Invariant($"Layer {index} ({description})"),
                Invariant($"its padded input {h + 2 * padHeight}x{w + 2 * padWidth} has too many rows or columns"), N(MaxSize)));
            return null;
        }
        if (effectiveHeight > h + 2 * padHeight || effectiveWidth > w + 2 * padWidth)
        {
            bool widthOnly = effectiveHeight <= h + 2 * padHeight;
            LocationInfo? kernelLocation = widthOnly ? layer.KernelWidthLocation ?? layer.KernelLocation : layer.KernelLocation;
            diagnostics.Add(pooling
                ? DiagnosticInfo.Create(DiagnosticDescriptors.PoolWindowTooLarge, kernelLocation, index, description, layer.KernelHeight, FormatShape(shape))
                : DiagnosticInfo.Create(DiagnosticDescriptors.KernelTooLarge, kernelLocation, index, description,
                    Invariant($"{effectiveHeight}x{effectiveWidth}"), Invariant($"{h + 2 * padHeight}x{w + 2 * padWidth}"), FormatShape(shape), padHeight == padWidth ? padHeight.ToString(System.Globalization.CultureInfo.InvariantCulture) : Invariant($"{padHeight}x{padWidth}")));
            return null;
        }
        int spanHeight = (int)(h + 2 * padHeight - effectiveHeight), spanWidth = (int)(w + 2 * padWidth - effectiveWidth);
        if (spanHeight % layer.Stride != 0 || spanWidth % layer.Stride != 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StrideLeavesInputUncovered, layer.StrideLocation, index, description, layer.Stride,
                spanHeight % layer.Stride, spanWidth % layer.Stride, FormatShape(shape)));
        }
        return new ConvGeometry(c, h, w, outChannels, spanHeight / layer.Stride + 1, spanWidth / layer.Stride + 1,
            layer.KernelHeight, layer.KernelWidth, layer.Stride, (int)padHeight, (int)padWidth, layer.Dilation);
    }

    private static bool HasErrorSince(List<DiagnosticInfo> diagnostics, int before) =>
        diagnostics.Skip(before).Any(d => d.Descriptor.DefaultSeverity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);

    /// <summary>After an error: skip the layer but keep planning with a plausible shape, so later layers still get checked.</summary>
    private static LayerPlan? Failed(List<DiagnosticInfo> diagnostics, int before, PlanState state, int[] nextShape)
    {
        state.Shape = nextShape;
        return null;
    }

    private const int SamePadding = -1; // NetGen.ConvPadding.Same

    /// <summary>The prefix of a layer's generated members: Dense1Weights, Conv2Bias, MaxPool1Forward, ...</summary>
    private static string ShortName(LayerKind kind) => kind switch
    {
        LayerKind.Conv2D => "Conv",
        LayerKind.MaxPool2D => "MaxPool",
        LayerKind.AvgPool2D => "AvgPool",
        _ => kind.ToString(),
    };

    private static string DescribeSpec(LayerSpec layer) => layer.Kind switch
    {
        LayerKind.Dense => Invariant($"Dense({layer.Units})"),
        LayerKind.Maxout => Invariant($"Maxout({layer.Units}, {layer.Pieces})"),
        LayerKind.Conv2D => Invariant($"Conv2D({layer.Units}, {layer.KernelHeight}x{layer.KernelWidth})"),
        LayerKind.MaxPool2D or LayerKind.AvgPool2D => Invariant($"{layer.Kind}({layer.KernelHeight})"),
        LayerKind.Dropout => Invariant($"Dropout({layer.Rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture)})"),
        _ => layer.Kind.ToString(),
    };
}
