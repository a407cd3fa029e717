using System;
using System.Globalization;
using System.Linq;
using Xunit;

namespace NetGen.Generator.Tests;

/// <summary>
/// Shape inference of convolution and pooling layers, without compilation: output sizes against
/// floor((w + 2p - d(k - 1) - 1) / s) + 1, parameter counts, FLOPs, buffer layout and the uncovered-input warning.
/// Architectures use the planner's canonical notation (see <see cref="Architecture"/>).
/// </summary>
public sealed class ConvPlannerTests
{
    private const string LeNet5 =
        "Input(1x28x28)|Conv2D(6,5x5,s1,p2x2,d1,bias,ReLU)|MaxPool2D(2,s2)|Conv2D(16,5x5,s1,p0x0,d1,bias,ReLU)|MaxPool2D(2,s2)|Flatten"
        + "|Dense(120,ReLU)|Dense(84,ReLU)|Dense(10,Identity)|Loss(SoftmaxCrossEntropy)";

    /// <summary>The lecture's formula, computed here independently of the planner.</summary>
    private static int OutputSize(int size, int kernel, int stride, int padding, int dilation) =>
        (int)Math.Floor((size + 2.0 * padding - dilation * (kernel - 1) - 1) / stride) + 1;

    // (size, kernel, stride, padding, dilation) -> output size, worked out by hand. In these, the last window ends on the
    // padded input's edge: (size + 2p - d(k-1) - 1) is a multiple of the stride.
    [Theory]
    [InlineData(28, 5, 1, 0, 1, 24)]
    [InlineData(28, 5, 1, 2, 1, 28)]  // LeNet-5's first layer keeps 28x28
    [InlineData(14, 5, 1, 0, 1, 10)]  // LeNet-5's second
    [InlineData(32, 3, 1, 1, 1, 32)]
    [InlineData(7, 3, 1, 0, 1, 5)]
    [InlineData(7, 3, 2, 0, 1, 3)]
    [InlineData(5, 3, 2, 1, 1, 3)]
    [InlineData(10, 4, 2, 1, 1, 5)]   // even kernel
    [InlineData(11, 3, 1, 0, 2, 7)]   // effective kernel 5
    [InlineData(13, 3, 2, 1, 2, 6)]
    [InlineData(13, 5, 1, 2, 2, 9)]   // effective kernel 9
    [InlineData(11, 3, 2, 2, 2, 6)]
    [InlineData(8, 2, 2, 0, 3, 3)]    // effective kernel 4
    [InlineData(4, 1, 1, 0, 1, 4)]    // 1x1
    [InlineData(5, 1, 2, 0, 1, 3)]    // 1x1, stride 2
    [InlineData(6, 1, 1, 1, 1, 8)]    // 1x1 with padding: a border of bias-only outputs
    [InlineData(4, 5, 1, 1, 1, 2)]    // kernel larger than the input, but not than the padded input
    [InlineData(5, 5, 1, 0, 1, 1)]    // the kernel covers the whole input
    [InlineData(1, 3, 1, 1, 1, 1)]
    [InlineData(3, 7, 1, 2, 1, 1)]
    [InlineData(9, 3, 3, 0, 1, 3)]
    [InlineData(17, 3, 2, 0, 4, 5)]   // effective kernel 9
    public void Convolution_output_size_follows_the_formula(int size, int kernel, int stride, int padding, int dilation, int expected) =>
        AssertConvolutionOutputSize(size, kernel, stride, padding, dilation, expected, uncovered: false);

    // The same where the stride leaves rows and columns unread: the size still follows the formula (the floor drops the
    // partial window) and NG0019 warns.
    [Theory]
    [InlineData(7, 3, 3, 0, 1, 2)]    // the lecture's example: the 7th column is never read
    [InlineData(9, 3, 4, 0, 1, 2)]    // 6 / 4: two unread
    [InlineData(8, 3, 2, 1, 1, 4)]    // 7 / 2
    [InlineData(12, 3, 3, 0, 3, 2)]   // effective kernel 7: 5 / 3
    [InlineData(4, 1, 2, 0, 1, 2)]    // 1x1, stride 2: the last row is skipped
    [InlineData(6, 3, 5, 0, 1, 1)]    // stride larger than the span: one position, three columns unread
    public void Convolution_output_size_follows_the_formula_when_the_stride_leaves_input_uncovered(int size, int kernel, int stride, int padding, int dilation, int expected) =>
        AssertConvolutionOutputSize(size, kernel, stride, padding, dilation, expected, uncovered: true);

    private static void AssertConvolutionOutputSize(int size, int kernel, int stride, int padding, int dilation, int expected, bool uncovered)
    {
        Assert.Equal(expected, OutputSize(size, kernel, stride, padding, dilation)); // the table agrees with the formula
        Assert.Equal(uncovered, (size + 2 * padding - dilation * (kernel - 1) - 1) % stride != 0);

        PlanResult result = PlanResultOf(Invariant(
            $"Input(2x{size}x{size})|Conv2D(3,{kernel}x{kernel},s{stride},p{padding}x{padding},d{dilation},bias,Identity)|Flatten|Dense(2,Identity)|Loss(MeanSquaredError)"));

        Assert.Equal(uncovered ? new[] { "NG0019" } : Array.Empty<string>(), result.Diagnostics.Select(d => d.Descriptor.Id));
        NetworkPlan plan = Assert.IsType<NetworkPlan>(result.Plan);
        Assert.Equal(new[] { "Conv1", "Flatten1", "Dense1" }, plan.Layers.Select(l => l.Name));
        LayerPlan conv = plan.Layers[0];
        Assert.Equal(new[] { 2, size, size }, conv.InputShape);
        Assert.Equal(new[] { 3, expected, expected }, conv.OutputShape);
        Assert.Equal(3 * expected * expected, conv.OutputSize);
        Assert.Equal(new[] { 3 * expected * expected }, plan.Layers[1].OutputShape); // the flatten
    }

    [Theory]
    // (height, width, kernel height x width, stride, padding, dilation) -> output height x width, each axis by the formula.
    [InlineData(13, 11, 3, 5, 2, 1, 2, 6, 3)]
    [InlineData(9, 12, 3, 5, 1, 0, 1, 7, 8)]
    [InlineData(9, 12, 1, 3, 1, 1, 1, 11, 12)]
    [InlineData(28, 20, 5, 1, 1, 0, 1, 24, 20)]
    [InlineData(7, 34, 1, 7, 3, 0, 4, 3, 4)]    // effective 1x25
    public void Rectangular_kernel_applies_the_formula_per_axis(
        int height, int width, int kernelHeight, int kernelWidth, int stride, int padding, int dilation, int outHeight, int outWidth)
    {
        Assert.Equal(outHeight, OutputSize(height, kernelHeight, stride, padding, dilation));
        Assert.Equal(outWidth, OutputSize(width, kernelWidth, stride, padding, dilation));

        PlanResult result = PlanResultOf(Invariant(
            $"Input(3x{height}x{width})|Conv2D(5,{kernelHeight}x{kernelWidth},s{stride},p{padding}x{padding},d{dilation},bias,Identity)|Flatten|Dense(2,Identity)|Loss(MeanSquaredError)"));

        LayerPlan conv = Assert.IsType<NetworkPlan>(result.Plan).Layers[0];
        Assert.Equal(new[] { 5, outHeight, outWidth }, conv.OutputShape);
        Assert.Equal((kernelHeight, kernelWidth), (conv.Geometry!.KernelHeight, conv.Geometry.KernelWidth));
        Assert.Equal(5 * 3 * kernelHeight * kernelWidth + 5, conv.ParameterCount);
    }

    [Theory]
    // (size, window, stride (0: the default, the window size)) -> output size; pooling has no padding or dilation.
    [InlineData(28, 2, 0, 14)]
    [InlineData(24, 2, 0, 12)]
    [InlineData(10, 2, 0, 5)]
    [InlineData(7, 3, 2, 3)]   // overlapping windows
    [InlineData(6, 3, 0, 2)]
    [InlineData(8, 3, 1, 6)]
    [InlineData(5, 5, 0, 1)]
    [InlineData(3, 1, 0, 3)]
    [InlineData(3, 1, 2, 2)]
    public void Pooling_output_size_follows_the_formula_with_the_stride_defaulting_to_the_window(int size, int window, int stride, int expected) =>
        AssertPoolingOutputSize(size, window, stride, expected, uncovered: false);

    [Theory]
    [InlineData(7, 2, 0, 3)]   // the 7th row and column are dropped
    [InlineData(9, 4, 0, 2)]
    public void Pooling_output_size_follows_the_formula_when_the_stride_leaves_input_uncovered(int size, int window, int stride, int expected) =>
        AssertPoolingOutputSize(size, window, stride, expected, uncovered: true);

    private static void AssertPoolingOutputSize(int size, int window, int stride, int expected, bool uncovered)
    {
        Assert.Equal(expected, OutputSize(size, window, stride == 0 ? window : stride, 0, 1));

        foreach (string kind in new[] { "MaxPool2D", "AvgPool2D" })
        {
            string pool = stride == 0 ? Invariant($"{kind}({window})") : Invariant($"{kind}({window},s{stride})");
            PlanResult result = PlanResultOf(Invariant($"Input(4x{size}x{size})|{pool}|Flatten|Dense(2,Identity)|Loss(MeanSquaredError)"));

            Assert.Equal(uncovered ? new[] { "NG0019" } : Array.Empty<string>(), result.Diagnostics.Select(d => d.Descriptor.Id));
            NetworkPlan plan = Assert.IsType<NetworkPlan>(result.Plan);
            Assert.Equal(new[] { kind.Replace("2D", "1", StringComparison.Ordinal), "Flatten1", "Dense1" }, plan.Layers.Select(l => l.Name));
            LayerPlan layer = plan.Layers[0];
            Assert.Equal(new[] { 4, expected, expected }, layer.OutputShape);
            Assert.Equal(stride == 0 ? window : stride, layer.Geometry!.Stride);
            Assert.Equal((0, 0, 1), (layer.Geometry.PaddingHeight, layer.Geometry.PaddingWidth, layer.Geometry.Dilation));
            Assert.Equal(0, layer.ParameterCount);
            Assert.Equal(4L * expected * expected * window * window, layer.Flops); // one operation per window element
        }
    }

    [Fact]
    public void LeNet5_plans_the_lectures_shapes_parameters_and_flops()
    {
        NetworkPlan plan = PlanOf(LeNet5);

        // name: input -> output shape, parameters (weights + bias), FLOPs. Convolution: 2 x filters x patch x output
        // pixels; pooling: one operation per window element; dense: 2 x inputs x units.
        Assert.Equal(
            new[]
            {
                "Conv1: 1x28x28 -> 6x28x28, 150+6 = 156 parameters, 235200 flops",
                "MaxPool1: 6x28x28 -> 6x14x14, 0+0 = 0 parameters, 4704 flops",
                "Conv2: 6x14x14 -> 16x10x10, 2400+16 = 2416 parameters, 480000 flops",
                "MaxPool2: 16x10x10 -> 16x5x5, 0+0 = 0 parameters, 1600 flops",
                "Flatten1: 16x5x5 -> 400, 0+0 = 0 parameters, 0 flops",
                "Dense1: 400 -> 120, 48000+120 = 48120 parameters, 96000 flops",
                "Dense2: 120 -> 84, 10080+84 = 10164 parameters, 20160 flops",
                "Dense3: 84 -> 10, 840+10 = 850 parameters, 1680 flops",
            },
            plan.Layers.Select(ShapeRow));

        Assert.Equal(156 + 2_416 + 48_120 + 10_164 + 850, plan.ParameterCount);
        Assert.Equal(61_706, plan.ParameterCount);
        Assert.Equal(235_200L + 4_704 + 480_000 + 1_600 + 96_000 + 20_160 + 1_680, plan.ForwardFlops);
        Assert.Equal(839_344L, plan.ForwardFlops);
        Assert.Equal(784, plan.InputSize);
        Assert.Equal(10, plan.OutputSize);
        Assert.Equal(1, plan.TargetSize); // class labels
        // Every computing layer's output: 4704 + 1176 + 1600 + 400 + 120 + 84 + 10.
        Assert.Equal(8_094, plan.WorkspacePerSample);
        // The widest output or (past the first layer) input: conv1's 6x28x28.
        Assert.Equal(4_704, plan.DeltaPerSample);
        // The largest of: im2col and its gradient for one sample, 2 x max(25 x 784, 150 x 100) = 39,200, and a dense
        // layer's transposed weights for its input gradient, max(400 x 120, 120 x 84, 84 x 10) = 48,000.
        Assert.Equal(48_000, plan.ScratchSize);
    }

    [Fact]
    public void LeNet5_parameters_are_laid_out_layer_by_layer_weights_then_bias_in_the_pytorch_order()
    {
        NetworkPlan plan = PlanOf(LeNet5);

        // Conv weights are [filters, input channels, kernel height, kernel width], then one bias per filter.
        Assert.Equal(
            new[] { "Conv1 0+150 150+6", "Conv2 156+2400 2556+16", "Dense1 2572+48000 50572+120", "Dense2 50692+10080 60772+84", "Dense3 60856+840 61696+10" },
            plan.Layers.Where(l => l.HasParameters).Select(l => Invariant($"{l.Name} {l.WeightOffset}+{l.WeightLength} {l.BiasOffset}+{l.BiasLength}")));
        Assert.Equal(
            new[] { "Conv1 0", "MaxPool1 4704", "Conv2 5880", "MaxPool2 7480", "Dense1 7880", "Dense2 8000", "Dense3 8084" },
            plan.Layers.Where(l => l.HasCode).Select(l => Invariant($"{l.Name} {l.OutputWorkspaceOffset}")));
        Assert.Equal(7_480, plan.Layers.Single(l => l.Name == "Flatten1").OutputWorkspaceOffset); // reads MaxPool2's output in place
    }

    [Theory]
    [InlineData(LeNet5)]
    [InlineData("Input(3x13x11)|Conv2D(5,3x5,s2,p1x1,d2,nobias,LeakyReLU:0.1)|AvgPool2D(2,s1)|GlobalAvgPool|Dense(3,Identity)|Loss(Hinge)")]
    [InlineData("Input(2x8x8)|Conv2D(4,1x1,s1,p0x0,d1,bias,Identity)|Conv2D(4,3x3,s1,p1x1,d1,nobias,Tanh)|MaxPool2D(3,s1)|Flatten|Dense(2,Identity)|Loss(L1)")]
    public void Convolutional_parameter_and_workspace_regions_tile_their_buffers(string architecture)
    {
        NetworkPlan plan = PlanOf(architecture);

        int next = 0;
        foreach (LayerPlan layer in plan.Layers.Where(l => l.HasParameters))
        {
            Assert.Equal(next, layer.WeightOffset);
            int expectedWeights = layer.Kind == LayerKind.Conv2D ? layer.Geometry!.OutChannels * layer.Geometry.PatchSize : layer.InputSize * layer.LinearSize;
            Assert.Equal(expectedWeights, layer.WeightLength);
            Assert.Equal(layer.WeightOffset + layer.WeightLength, layer.BiasOffset);
            next = layer.BiasOffset + layer.BiasLength;
        }
        Assert.Equal(plan.ParameterCount, next);

        int workspace = 0;
        foreach (LayerPlan layer in plan.Layers.Where(l => l.HasCode))
        {
            Assert.Equal(workspace, layer.OutputWorkspaceOffset);
            workspace += layer.OutputSize;
        }
        Assert.Equal(plan.WorkspacePerSample, workspace);
        Assert.Equal(plan.ParameterCount, plan.Layers.Sum(l => l.ParameterCount));
        Assert.Equal(plan.ForwardFlops, plan.Layers.Sum(l => l.Flops));
        Assert.Equal(architecture, plan.Canonical);
    }

    [Fact]
    public void Convolution_without_bias_has_only_weights()
    {
        NetworkPlan plan = PlanOf("Input(3x9x12)|Conv2D(4,3x3,s1,p0x0,d1,nobias,Softplus)|Flatten|Dense(2,Identity)|Loss(MeanSquaredError)");

        LayerPlan conv = plan.Layers[0];
        Assert.Equal(4 * 3 * 3 * 3, conv.WeightLength);
        Assert.Equal(0, conv.BiasLength);
        Assert.Equal(108, conv.ParameterCount);
        Assert.Equal(conv.WeightLength, plan.Layers[2].WeightOffset); // the dense layer follows directly
        Assert.Equal(108 + 4 * 7 * 10 * 2 + 2, plan.ParameterCount);
        Assert.Equal(ActivationKind.Softplus, conv.Activation);
    }

    [Fact]
    public void Pointwise_convolution_reads_its_input_directly_and_needs_no_im2col_scratch()
    {
        // No dense layer: its transposed weights would need scratch of their own.
        NetworkPlan plan = PlanOf("Input(3x8x8)|Conv2D(4,1x1,s1,p0x0,d1,bias,Identity)|GlobalAvgPool|Loss(MeanSquaredError)");

        LayerPlan conv = plan.Layers[0];
        Assert.True(conv.Geometry!.IsPointwise);
        Assert.Equal(new[] { 4, 8, 8 }, conv.OutputShape);
        Assert.Equal(4 * 3 + 4, conv.ParameterCount);
        Assert.Equal(2L * 4 * 3 * 64, conv.Flops);
        Assert.Equal(0, plan.ScratchSize);
    }

    [Theory]
    [InlineData(9, "s2,p0x0", 5, 5)]
    [InlineData(8, "s1,p1x1", 10, 10)]
    public void Strided_or_padded_1x1_convolution_is_not_pointwise_and_uses_im2col(int size, string strideAndPadding, int outHeight, int outWidth)
    {
        NetworkPlan plan = PlanOf(Invariant($"Input(3x{size}x{size})|Conv2D(4,1x1,{strideAndPadding},d1,bias,Identity)|GlobalAvgPool|Loss(MeanSquaredError)"));

        LayerPlan conv = plan.Layers[0];
        Assert.False(conv.Geometry!.IsPointwise);
        Assert.Equal(new[] { 4, outHeight, outWidth }, conv.OutputShape);
        Assert.Equal(2 * 3 * outHeight * outWidth, plan.ScratchSize);
    }

    [Theory]
    // (input height x width, kernel, dilation) -> padding per side; the output keeps the input's height and width.
    [InlineData(8, 8, "3x3", 1, 1, 1)]
    [InlineData(8, 8, "5x5", 1, 2, 2)]
    [InlineData(7, 9, "3x5", 1, 1, 2)]
    [InlineData(6, 7, "2x2", 2, 1, 1)]  // effective kernel 3
    [InlineData(5, 5, "5x5", 3, 6, 6)]  // effective kernel 13
    [InlineData(4, 4, "1x1", 1, 0, 0)]
    public void Same_padding_keeps_height_and_width(int height, int width, string kernel, int dilation, int padHeight, int padWidth)
    {
        NetworkPlan plan = PlanOf(Invariant($"Input(2x{height}x{width})|Conv2D(3,{kernel},s1,psame,d{dilation},bias,ReLU)|Flatten|Dense(2,Identity)|Loss(MeanSquaredError)"));

        LayerPlan conv = plan.Layers[0];
        Assert.Equal(new[] { 3, height, width }, conv.OutputShape);
        Assert.Equal((padHeight, padWidth), (conv.Geometry!.PaddingHeight, conv.Geometry.PaddingWidth));
        // The canonical text (and so the fingerprint) records the padding it resolved to.
        Assert.Contains(Invariant($",p{padHeight}x{padWidth},"), plan.Canonical, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_padding_has_the_fingerprint_of_the_explicit_padding_it_resolves_to()
    {
        Assert.Equal(
            PlanOf("Input(2x8x8)|Conv2D(3,5x5,s1,psame,d1,bias,ReLU)|Flatten|Dense(2,Identity)|Loss(MeanSquaredError)").Fingerprint,
            PlanOf("Input(2x8x8)|Conv2D(3,5x5,s1,p2x2,d1,bias,ReLU)|Flatten|Dense(2,Identity)|Loss(MeanSquaredError)").Fingerprint);
    }

    [Fact]
    public void Global_average_pooling_reduces_each_channel_to_one_value()
    {
        NetworkPlan plan = PlanOf("Input(1x12x12)|Conv2D(8,3x3,s1,p0x0,d1,bias,ReLU)|Conv2D(10,1x1,s1,p0x0,d1,bias,Identity)|GlobalAvgPool|Loss(SoftmaxCrossEntropy)");

        LayerPlan pool = plan.Layers[2];
        Assert.Equal(new[] { 10, 10, 10 }, pool.InputShape);
        Assert.Equal(new[] { 10 }, pool.OutputShape);
        Assert.Equal(0, pool.ParameterCount);
        Assert.Equal(1_000, pool.Flops); // one addition per input
        Assert.Equal(10, plan.OutputSize);
        Assert.Equal(1, plan.TargetSize);
        Assert.Equal(8 * 9 + 8 + 10 * 8 + 10, plan.ParameterCount);
        Assert.Equal(2L * 8 * 9 * 100 + 2L * 10 * 8 * 100 + 1_000, plan.ForwardFlops);
    }

    [Fact]
    public void Uncovered_input_is_a_warning_that_names_the_layer_and_keeps_a_plan()
    {
        PlanResult result = PlanResultOf("Input(1x7x7)|Conv2D(2,3x3,s3,p0x0,d1,bias,Identity)|Flatten|Dense(2,Identity)|Loss(MeanSquaredError)");

        DiagnosticInfo warning = Assert.Single(result.Diagnostics);
        Assert.Equal("NG0019", warning.Descriptor.Id);
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, warning.Descriptor.DefaultSeverity);
        Assert.Equal(
            "Layer 1 (Conv2D(2, 3x3)): with stride 3 the last 1 row(s) and 1 column(s) of the padded 1x7x7 input are never read; adjust the padding or the stride so that the window ends on the input's edge",
            warning.ToDiagnostic().GetMessage(CultureInfo.InvariantCulture));
        Assert.NotNull(result.Plan);
    }

    [Fact]
    public void Uncovered_input_warning_keeps_the_layer_in_the_plan()
    {
        PlanResult result = PlanResultOf("Input(1x7x7)|Conv2D(2,3x3,s3,p0x0,d1,bias,Identity)|Flatten|Dense(2,Identity)|Loss(MeanSquaredError)");

        NetworkPlan plan = Assert.IsType<NetworkPlan>(result.Plan);
        Assert.Equal(new[] { "Conv1", "Flatten1", "Dense1" }, plan.Layers.Select(l => l.Name));
        Assert.Equal(new[] { 2, 2, 2 }, plan.Layers[0].OutputShape);
        Assert.Equal(2 * 9 + 2 + 8 * 2 + 2, plan.ParameterCount);
        Assert.Equal("Input(1x7x7)|Conv2D(2,3x3,s3,p0x0,d1,bias,Identity)|Flatten|Dense(2,Identity)|Loss(MeanSquaredError)", plan.Canonical);
    }

    [Theory]
    // Each stride leaves (span mod stride) rows and columns unread, where span = size + 2p - effective kernel.
    [InlineData("Input(1x7x7)|Conv2D(2,3x3,s3,p0x0,d1,bias,Identity)", 1, 1)]
    [InlineData("Input(1x9x8)|Conv2D(2,3x3,s2,p0x0,d1,bias,Identity)", 0, 1)]
    [InlineData("Input(1x8x9)|Conv2D(2,3x3,s2,p0x0,d1,bias,Identity)", 1, 0)]
    [InlineData("Input(1x12x12)|Conv2D(2,3x3,s3,p0x0,d3,bias,Identity)", 2, 2)]
    [InlineData("Input(1x8x8)|Conv2D(2,3x3,s4,p5x5,d1,bias,Identity)", 3, 3)]
    [InlineData("Input(1x11x11)|MaxPool2D(4)", 3, 3)]
    [InlineData("Input(1x28x28)|Conv2D(2,5x5,s1,p2x2,d1,bias,Identity)|MaxPool2D(3)", 1, 1)]
    public void Uncovered_rows_and_columns_are_counted_per_axis(string layers, int rows, int columns)
    {
        PlanResult result = PlanResultOf(layers + "|Flatten|Dense(2,Identity)|Loss(MeanSquaredError)");

        DiagnosticInfo warning = Assert.Single(result.Diagnostics);
        Assert.Equal("NG0019", warning.Descriptor.Id);
        Assert.Contains(Invariant($" the last {rows} row(s) and {columns} column(s) "), warning.ToDiagnostic().GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.NotNull(result.Plan);
    }

    [Theory]
    [InlineData("Input(1x4x4)|Conv2D(2,5x5,s1,p0x0,d1,bias,Identity)|Flatten|Dense(2,Identity)|Loss(MeanSquaredError)", "NG0015")]
    [InlineData("Input(1x6x6)|Conv2D(2,3x3,s1,p0x0,d3,bias,Identity)|Flatten|Dense(2,Identity)|Loss(MeanSquaredError)", "NG0015")]
    [InlineData("Input(1x3x3)|MaxPool2D(4)|Flatten|Dense(2,Identity)|Loss(MeanSquaredError)", "NG0016")]
    [InlineData("Input(1x8x8)|Conv2D(2,3x3,s0,p0x0,d1,bias,Identity)|Flatten|Dense(2,Identity)|Loss(MeanSquaredError)", "NG0017")]
    [InlineData("Input(1x8x8)|Conv2D(2,4x4,s1,psame,d1,bias,Identity)|Flatten|Dense(2,Identity)|Loss(MeanSquaredError)", "NG0018")]
    [InlineData("Input(16)|Conv2D(2,3x3,s1,p0x0,d1,bias,Identity)|Dense(2,Identity)|Loss(MeanSquaredError)", "NG0020")]
    [InlineData("Input(1x8x8)|Conv2D(0,3x3,s1,p0x0,d1,bias,Identity)|Flatten|Dense(2,Identity)|Loss(MeanSquaredError)", "NG0004")]
    [InlineData("Input(1x4x4)|Conv2D(2,3x3,s1,p0x0,d1,bias,Identity)|Dense(2,Identity)|Loss(MeanSquaredError)", "NG0013")]
    [InlineData("Input(1x32x32)|Conv2D(2000000,32x32,s1,p0x0,d1,bias,Identity)|Loss(MeanSquaredError)", "NG0021")]
    public void Convolution_error_gives_no_plan_and_one_diagnostic_without_a_location_for_a_spec_without_syntax(string architecture, string id)
    {
        PlanResult result = PlanResultOf(architecture);

        Assert.Null(result.Plan);
        DiagnosticInfo error = Assert.Single(result.Diagnostics);
        Assert.Equal(id, error.Descriptor.Id);
        Assert.Equal(Microsoft.CodeAnalysis.Location.None, error.ToDiagnostic().Location);
    }

    [Fact]
    public void LeNet5_canonical_text_and_fingerprint_never_change()
    {
        NetworkPlan plan = PlanOf(LeNet5);

        Assert.Equal(LeNet5, plan.Canonical);
        // FNV-1a, 64 bits, over the UTF-8 bytes of the canonical text, computed independently (Python). Checkpoints carry
        // the fingerprint, so a change here would make every saved LeNet-5 checkpoint unloadable.
        Assert.Equal("a3527de938567e23", plan.Fingerprint);
    }

    [Fact]
    public void Every_change_of_filters_kernel_stride_padding_dilation_bias_activation_or_pooling_changes_the_fingerprint()
    {
        const string Tail = "|Flatten|Dense(2,Identity)|Loss(MeanSquaredError)";
        string[] variants =
        {
            "Input(3x12x12)|Conv2D(4,3x3,s1,p0x0,d1,bias,ReLU)" + Tail,
            "Input(3x12x12)|Conv2D(5,3x3,s1,p0x0,d1,bias,ReLU)" + Tail,
            "Input(3x12x12)|Conv2D(4,5x5,s1,p0x0,d1,bias,ReLU)" + Tail,
            "Input(3x12x12)|Conv2D(4,3x5,s1,p0x0,d1,bias,ReLU)" + Tail,
            "Input(3x12x12)|Conv2D(4,5x3,s1,p0x0,d1,bias,ReLU)" + Tail,
            "Input(3x12x12)|Conv2D(4,3x3,s3,p0x0,d1,bias,ReLU)" + Tail,
            "Input(3x12x12)|Conv2D(4,3x3,s1,p1x1,d1,bias,ReLU)" + Tail,
            "Input(3x12x12)|Conv2D(4,3x3,s1,p0x0,d2,bias,ReLU)" + Tail,
            "Input(3x12x12)|Conv2D(4,3x3,s1,p0x0,d1,nobias,ReLU)" + Tail,
            "Input(3x12x12)|Conv2D(4,3x3,s1,p0x0,d1,bias,Identity)" + Tail,
            "Input(3x12x12)|Conv2D(4,3x3,s1,p0x0,d1,bias,LeakyReLU:0.1)" + Tail,
            "Input(3x12x12)|MaxPool2D(2,s2)" + Tail,
            "Input(3x12x12)|AvgPool2D(2,s2)" + Tail,
            "Input(3x12x12)|MaxPool2D(3,s3)" + Tail,
            "Input(3x12x12)|MaxPool2D(2,s1)" + Tail,
            "Input(3x12x12)|GlobalAvgPool|Dense(2,Identity)|Loss(MeanSquaredError)",
        };

        string[] fingerprints = variants.Select(v => PlanOf(v).Fingerprint).ToArray();

        Assert.Equal(variants.Length, fingerprints.Distinct(StringComparer.Ordinal).Count());
    }

    // The forward algorithm follows the shapes: direct for stride 1 when output rows are whole 16-float vectors with at
    // most one lane in eight computed twice, im2col otherwise, the input itself for an unpadded stride-1 1x1 kernel.
    [Theory]
    [InlineData("Input(1x28x28)|Conv2D(6,5x5,s1,p2x2,d1,bias,ReLU)", true)]      // LeNet-5's first layer: 28-wide rows
    [InlineData("Input(6x14x14)|Conv2D(16,5x5,s1,p0x0,d1,bias,ReLU)", false)]    // its second: 10-wide rows
    [InlineData("Input(16x28x28)|Conv2D(16,3x3,s1,p1x1,d1,nobias,Identity)", true)]
    [InlineData("Input(3x6x20)|Conv2D(13,5x5,s1,p0x0,d1,bias,Sigmoid)", true)]   // exactly one vector, no padding
    [InlineData("Input(2x9x44)|Conv2D(7,3x3,s1,p2x2,d2,bias,Identity)", true)]   // 48 lanes for 44 outputs
    [InlineData("Input(2x9x40)|Conv2D(7,3x3,s1,p2x2,d2,bias,Identity)", false)]  // 48 lanes for 40: too many recomputed
    [InlineData("Input(1x28x24)|Conv2D(4,3x3,s1,p1x1,d1,bias,Identity)", false)] // 32 lanes for 24
    [InlineData("Input(1x28x15)|Conv2D(4,3x3,s1,p1x1,d1,bias,Identity)", false)] // narrower than a vector
    [InlineData("Input(1x57x57)|Conv2D(4,3x3,s2,p1x1,d1,bias,Identity)", false)] // stride 2: shifted rows are not contiguous
    [InlineData("Input(4x32x32)|Conv2D(8,1x1,s1,p0x0,d1,bias,Identity)", false)] // 1x1: the input is the im2col matrix
    public void Convolution_forward_algorithm_is_chosen_by_the_shapes(string layers, bool direct)
    {
        ConvGeometry geometry = PlanOf(layers + "|Flatten|Loss(MeanSquaredError)").Layers[0].Geometry!;

        Assert.Equal(direct, geometry.DirectForward);
    }

    // The input gradient's col2im gathers rows in registers for stride 1 when an input row holds a vector and the kernel
    // is at most 7 wide; its masked loads reach up to the kernel's span past the column gradient, which the scratch holds.
    [Theory]
    [InlineData("Input(6x14x14)|Conv2D(16,5x5,s1,p0x0,d1,bias,ReLU)", true, 4)]
    [InlineData("Input(2x9x44)|Conv2D(7,3x3,s1,p2x2,d2,bias,Identity)", true, 4)]
    [InlineData("Input(3x13x11)|Conv2D(5,1x1,s1,p1x1,d1,bias,Identity)", true, 0)]  // 1x1 with padding: not pointwise
    [InlineData("Input(3x13x7)|Conv2D(5,3x3,s1,p1x1,d1,bias,Identity)", false, 0)]  // rows narrower than a vector
    [InlineData("Input(1x7x28)|Conv2D(4,3x9,s1,p1x4,d1,bias,Identity)", false, 0)]  // 9 kernel columns
    [InlineData("Input(3x13x11)|Conv2D(5,3x3,s2,p1x1,d1,bias,Identity)", false, 0)]
    public void Col2im_gathers_stride_1_rows_within_its_scratch(string layers, bool gather, int overrun)
    {
        NetworkPlan plan = PlanOf(layers + "|Flatten|Loss(MeanSquaredError)");
        ConvGeometry geometry = plan.Layers[0].Geometry!;

        Assert.Equal(gather, geometry.GatherCol2Im);
        Assert.Equal(overrun, geometry.GatherOverrun);
        Assert.True(plan.ScratchSize >= 2 * geometry.PatchSize * geometry.OutputPlane + overrun);
    }

    private static string ShapeRow(LayerPlan l) => Invariant(
        $"{l.Name}: {Planner.FormatShape(l.InputShape)} -> {Planner.FormatShape(l.OutputShape)}, {l.WeightLength}+{l.BiasLength} = {l.ParameterCount} parameters, {l.Flops} flops");

    private static PlanResult PlanResultOf(string architecture) =>
        Planner.Plan(new ParseResult(Architecture.Parse(architecture), EquatableArray<DiagnosticInfo>.Empty));

    private static NetworkPlan PlanOf(string architecture)
    {
        PlanResult result = PlanResultOf(architecture);
        Assert.Empty(result.Diagnostics.Select(d => d.ToDiagnostic().ToString()));
        return Assert.IsType<NetworkPlan>(result.Plan);
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
