using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace NetGen.Generator.Tests;

/// <summary>
/// The diagnostics of convolution and pooling layers (NG0015..NG0021), and the older ones (NG0004, NG0009, NG0010,
/// NG0013) where they now also apply to these layers. Each at its exact span, with its message.
/// </summary>
public sealed partial class DiagnosticTests
{
    private const string Head = ", Flatten, Dense(2), Loss(LossKind.MeanSquaredError)]\npublic partial class ";

    // ---- NG0015: kernel larger than the padded input, located on the kernel argument ----

    [Theory]
    [InlineData("Input(1, 4, 4), Conv2D(2, [|5|])", "Conv2D(2, 5x5)): the effective kernel 5x5 does not fit the padded input 4x4 (input 1x4x4, padding 0)")]
    [InlineData("Input(3, 6, 6), Conv2D(2, [|3|], Dilation = 3)", "Conv2D(2, 3x3)): the effective kernel 7x7 does not fit the padded input 6x6 (input 3x6x6, padding 0)")]
    [InlineData("Input(1, 2, 2), Conv2D(1, [|7|], Padding = 2)", "Conv2D(1, 7x7)): the effective kernel 7x7 does not fit the padded input 6x6 (input 1x2x2, padding 2)")]
    [InlineData("Input(1, 2, 9), Conv2D(1, [|7|], 3, Padding = 2)", "Conv2D(1, 7x3)): the effective kernel 7x3 does not fit the padded input 6x13 (input 1x2x9, padding 2)")]
    [InlineData("Input(1, 4, 4), Conv2D([|kernel: 5|], filters: 2)", "Conv2D(2, 5x5)): the effective kernel 5x5 does not fit the padded input 4x4 (input 1x4x4, padding 0)")]
    [InlineData("Input(1, 8, 8), Conv2D(1, [|2147483647|])", "Conv2D(1, 2147483647x2147483647)): the effective kernel 2147483647x2147483647 does not fit the padded input 8x8 (input 1x8x8, padding 0)")]
    public void Kernel_larger_than_the_padded_input_reports_NG0015_at_the_kernel_argument(string layers, string problem)
    {
        Expect("NG0015", "[Network, " + layers + Head + "BigKernel { }",
            "Layer 1 (" + problem + "; use a smaller kernel or dilation, or more padding");
    }

    [Fact]
    public void Kernel_larger_than_the_output_of_an_earlier_layer_reports_NG0015_with_that_shape()
    {
        // 1x9x9 -> conv 3x3, stride 2 -> 4x4x4 -> conv 5x5 does not fit.
        Expect("NG0015", """
            [Network, Input(1, 9, 9), Conv2D(4, 3, Stride = 2), Conv2D(8, [|5|]), Flatten, Dense(2), Loss(LossKind.MeanSquaredError)]
            public partial class Shrunk { }
            """,
            "Layer 2 (Conv2D(8, 5x5)): the effective kernel 5x5 does not fit the padded input 4x4 (input 4x4x4, padding 0); use a smaller kernel or dilation, or more padding");
    }

    // ---- NG0016: pooling window larger than its input, located on the size argument ----

    [Theory]
    [InlineData("Input(1, 3, 3), MaxPool2D([|4|])", "Layer 1 (MaxPool2D(4)): the 4x4 window does not fit the 1x3x3 input; use a smaller window")]
    [InlineData("Input(2, 3, 5), AvgPool2D([|4|])", "Layer 1 (AvgPool2D(4)): the 4x4 window does not fit the 2x3x5 input; use a smaller window")]
    [InlineData("Input(1, 6, 6), Conv2D(2, 3), MaxPool2D([|5|], Stride = 1)", "Layer 2 (MaxPool2D(5)): the 5x5 window does not fit the 2x4x4 input; use a smaller window")]
    [InlineData("Input(1, 8, 8), MaxPool2D(2), AvgPool2D(2), MaxPool2D([|3|])", "Layer 3 (MaxPool2D(3)): the 3x3 window does not fit the 1x2x2 input; use a smaller window")]
    public void Pooling_window_larger_than_its_input_reports_NG0016_at_the_size_argument(string layers, string message)
    {
        Expect("NG0016", "[Network, " + layers + Head + "BigWindow { }", message);
    }

    // ---- NG0017: stride < 1, dilation < 1, negative padding, located on the named argument ----

    [Theory]
    [InlineData("Conv2D(2, 3, [|Stride = 0|])", "Conv2D(2, 3x3)): stride must be at least 1, but is 0")]
    [InlineData("Conv2D(2, 3, [|Stride = -2|], Activation = Activation.ReLU)", "Conv2D(2, 3x3)): stride must be at least 1, but is -2")]
    [InlineData("Conv2D(2, 3, [|Dilation = 0|])", "Conv2D(2, 3x3)): dilation must be at least 1, but is 0")]
    [InlineData("Conv2D(2, 3, [|Dilation = -1|])", "Conv2D(2, 3x3)): dilation must be at least 1, but is -1")]
    [InlineData("Conv2D(2, 3, [|Padding = -2|])", "Conv2D(2, 3x3)): padding must be at least 0 (or ConvPadding.Same), but is -2")]
    [InlineData("MaxPool2D(2, [|Stride = -1|])", "MaxPool2D(2)): stride must be at least 1, but is -1")]
    [InlineData("AvgPool2D(2, [|Stride = -3|])", "AvgPool2D(2)): stride must be at least 1, but is -3")]
    public void Stride_or_dilation_below_one_or_negative_padding_reports_NG0017_at_the_named_argument(string layer, string problem)
    {
        Expect("NG0017", "[Network, Input(1, 8, 8), " + layer + Head + "BadWindow { }", "Layer 1 (" + problem);
    }

    [Fact]
    public void Stride_dilation_and_padding_all_invalid_report_NG0017_at_each_argument()
    {
        Expect("NG0017", """
            [Network, Input(1, 8, 8), Conv2D(2, 3, [|Padding = -3|], [|Stride = 0|], [|Dilation = 0|]), Flatten, Dense(2), Loss(LossKind.MeanSquaredError)]
            public partial class AllBad { }
            """,
            "Layer 1 (Conv2D(2, 3x3)): padding must be at least 0 (or ConvPadding.Same), but is -3",
            "Layer 1 (Conv2D(2, 3x3)): stride must be at least 1, but is 0",
            "Layer 1 (Conv2D(2, 3x3)): dilation must be at least 1, but is 0");
    }

    // ---- NG0018: ConvPadding.Same with a stride other than 1 or an even effective kernel, on the Padding argument ----

    [Theory]
    [InlineData("Conv2D(2, 3, [|Padding = ConvPadding.Same|], Stride = 2)", "Conv2D(2, 3x3)): ConvPadding.Same needs stride 1 and an odd effective kernel, but the effective kernel is 3x3 with stride 2")]
    [InlineData("Conv2D(2, 4, [|Padding = ConvPadding.Same|])", "Conv2D(2, 4x4)): ConvPadding.Same needs stride 1 and an odd effective kernel, but the effective kernel is 4x4 with stride 1")]
    [InlineData("Conv2D(2, 3, 4, [|Padding = ConvPadding.Same|])", "Conv2D(2, 3x4)): ConvPadding.Same needs stride 1 and an odd effective kernel, but the effective kernel is 3x4 with stride 1")]
    [InlineData("Conv2D(2, 2, Dilation = 3, [|Padding = ConvPadding.Same|])", "Conv2D(2, 2x2)): ConvPadding.Same needs stride 1 and an odd effective kernel, but the effective kernel is 4x4 with stride 1")]
    [InlineData("Conv2D(2, 1, [|Padding = -1|], Stride = 2)", "Conv2D(2, 1x1)): ConvPadding.Same needs stride 1 and an odd effective kernel, but the effective kernel is 1x1 with stride 2")]
    public void Same_padding_with_stride_two_or_an_even_kernel_reports_NG0018_at_the_padding_argument(string layer, string problem)
    {
        Expect("NG0018", "[Network, Input(1, 8, 8), " + layer + Head + "NotSame { }",
            "Layer 1 (" + problem + "; give the padding as a number");
    }

    // ---- NG0019: a stride that leaves rows or columns uncovered is a warning, on the stride ----

    [Fact]
    public void Stride_leaving_input_uncovered_warns_NG0019_at_the_stride_and_still_generates_code_that_compiles()
    {
        // The lecture's example: a 7-wide input, a 3-wide kernel and stride 3 read columns 0-2 and 3-5; column 6 is never read.
        GeneratorRun run = Expect("NG0019", """
            /// <summary>A public class, so that the generated public members' XML documentation is diagnosed too.</summary>
            [Network, Input(1, 7, 7), Conv2D(2, 3, [|Stride = 3|]), Flatten, Dense(2), Loss(LossKind.MeanSquaredError)]
            public partial class Uncovered { }
            """,
            "Layer 1 (Conv2D(2, 3x3)): with stride 3 the last 1 row(s) and 1 column(s) of the padded 1x7x7 input are never read; adjust the padding or the stride so that the window ends on the input's edge");

        Assert.Equal(DiagnosticSeverity.Warning, run.GeneratorDiagnostics.Single().Severity);
        Assert.Contains("partial class Uncovered", run.SingleSource, StringComparison.Ordinal);
        Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorHarness.Describe(run.OutputDiagnostics));
    }

    [Theory]
    // Rows covered, columns not: 9 rows - 3 = 6 is a multiple of 2, 8 columns - 3 = 5 is not.
    [InlineData("Input(1, 9, 8), Conv2D(2, 3, [|Stride = 2|])", "Conv2D(2, 3x3)): with stride 2 the last 0 row(s) and 1 column(s) of the padded 1x9x8 input")]
    // Padding counts: 8 + 2x5 - 3 = 15 is 3 past a multiple of 4.
    [InlineData("Input(1, 8, 8), Conv2D(2, 3, Padding = 5, [|Stride = 4|])", "Conv2D(2, 3x3)): with stride 4 the last 3 row(s) and 3 column(s) of the padded 1x8x8 input")]
    // Pooling's stride defaults to its size; without a Stride argument the warning is on the attribute.
    [InlineData("Input(1, 7, 7), [|MaxPool2D(2)|]", "MaxPool2D(2)): with stride 2 the last 1 row(s) and 1 column(s) of the padded 1x7x7 input")]
    [InlineData("Input(3, 10, 9), AvgPool2D(3, [|Stride = 2|])", "AvgPool2D(3)): with stride 2 the last 1 row(s) and 0 column(s) of the padded 3x10x9 input")]
    public void Stride_leaving_input_uncovered_warns_NG0019(string layers, string problem)
    {
        GeneratorRun run = Expect("NG0019", "/// <summary>A valid network.</summary>\n[Network, " + layers + Head + "Uncovered { }",
            "Layer 1 (" + problem + " are never read; adjust the padding or the stride so that the window ends on the input's edge");

        Assert.Single(run.GeneratedSources);
        Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorHarness.Describe(run.OutputDiagnostics));
    }

    [Theory]
    [InlineData("Input(1, 7, 7), Conv2D(2, 3, Stride = 2)")] // 7 - 3 = 4 = 2 x 2
    [InlineData("Input(1, 8, 8), Conv2D(2, 4, Stride = 2, Padding = 1)")] // 8 + 2 - 4 = 6 = 3 x 2
    [InlineData("Input(1, 7, 7), MaxPool2D(3, Stride = 2)")]
    [InlineData("Input(1, 28, 28), MaxPool2D(2)")]
    [InlineData("Input(1, 9, 9), Conv2D(2, 3, Stride = 3)")]
    public void Stride_that_ends_on_the_edge_does_not_warn(string layers)
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Usings + "[Network, " + layers + Head + "Covered { }\n");

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.GeneratedSources);
    }

    // ---- NG0020: a window layer after a flat tensor, on the layer ----

    [Theory]
    [InlineData("Input(16), [|Conv2D(2, 3)|]", "Layer 1 (Conv2D(2, 3x3)) slides over a channels x height x width tensor, but its input is 16")]
    [InlineData("Input(16), [|MaxPool2D(2)|]", "Layer 1 (MaxPool2D(2)) slides over a channels x height x width tensor, but its input is 16")]
    [InlineData("Input(16), [|AvgPool2D(2)|]", "Layer 1 (AvgPool2D(2)) slides over a channels x height x width tensor, but its input is 16")]
    [InlineData("Input(16), [|GlobalAvgPool|]", "Layer 1 (GlobalAvgPool) slides over a channels x height x width tensor, but its input is 16")]
    [InlineData("Input(1, 4, 4), Flatten, [|Conv2D(2, 3)|]", "Layer 2 (Conv2D(2, 3x3)) slides over a channels x height x width tensor, but its input is 16")]
    [InlineData("Input(1, 4, 4), Conv2D(2, 3), GlobalAvgPool, [|AvgPool2D(2)|]", "Layer 3 (AvgPool2D(2)) slides over a channels x height x width tensor, but its input is 2")]
    [InlineData("Input(1, 4, 4), Flatten, Dense(8), [|MaxPool2D(2)|]", "Layer 3 (MaxPool2D(2)) slides over a channels x height x width tensor, but its input is 8")]
    public void Window_layer_after_a_flat_tensor_reports_NG0020_at_the_layer(string layers, string problem)
    {
        Expect("NG0020", "[Network, " + layers + ", Dense(2), Loss(LossKind.MeanSquaredError)]\npublic partial class Flat { }",
            problem + "; declare [Input(channels, height, width)] or move the layer before any flattening");
    }

    [Fact]
    public void Two_window_layers_after_a_flatten_report_NG0020_at_both()
    {
        Expect("NG0020", """
            [Network, Input(1, 8, 8), Flatten, [|GlobalAvgPool|], [|MaxPool2D(2)|], Loss(LossKind.MeanSquaredError)]
            public partial class FlatTwice { }
            """,
            "Layer 2 (GlobalAvgPool) slides over a channels x height x width tensor, but its input is 64; declare [Input(channels, height, width)] or move the layer before any flattening",
            "Layer 3 (MaxPool2D(2)) slides over a channels x height x width tensor, but its input is 64; declare [Input(channels, height, width)] or move the layer before any flattening");
    }

    // ---- NG0021: a network too large for NetGen's int-indexed buffers ----

    [Fact]
    public void Convolution_with_too_many_parameters_reports_NG0021_at_the_network_attribute()
    {
        // 2,000,000 filters of 1x32x32 weights: 2,048,000,000 weights + 2,000,000 biases.
        Expect("NG0021", """
            [[|Network|], Input(1, 32, 32), Conv2D(2000000, 32), Loss(LossKind.MeanSquaredError)]
            public partial class HugeConv { }
            """,
            "Network 'HugeConv' is too large: it needs 2,050,000,000 parameters; NetGen's buffers hold at most 1,073,741,823 floats each, so use smaller layers");
    }

    [Fact]
    public void Convolution_with_too_large_an_output_reports_NG0021_at_the_network_attribute()
    {
        // 2048 filters over a 1024x1024 plane: 2,147,483,648 floats of output per sample.
        Expect("NG0021", """
            [[|Network|], Input(1, 1024, 1024), Conv2D(2048, 1), Loss(LossKind.MeanSquaredError)]
            public partial class HugeOutput { }
            """,
            "Network 'HugeOutput' is too large: it needs 2,147,483,648 activation floats per sample; NetGen's buffers hold at most 1,073,741,823 floats each, so use smaller layers");
    }

    [Fact]
    public void Input_too_large_reports_NG0021_at_the_input_attribute()
    {
        Expect("NG0021", """
            [Network, [|Input(1, 60000, 60000)|], Conv2D(1, 1), Flatten, Dense(2), Loss(LossKind.MeanSquaredError)]
            public partial class HugeInput { }
            """,
            "Network 'HugeInput' is too large: its input has 3,600,000,000 floats per sample; NetGen's buffers hold at most 1,073,741,823 floats each, so use smaller layers");
    }

    // ---- NG0004: filters, kernel and window sizes below 1 ----

    [Theory]
    [InlineData("Conv2D([|0|], 3)", "Layer 1 (Conv2D(0, 3x3)): filters must be at least 1, but is 0")]
    [InlineData("Conv2D([|-2|], 3, Activation = Activation.ReLU)", "Layer 1 (Conv2D(-2, 3x3)): filters must be at least 1, but is -2")]
    [InlineData("Conv2D(2, [|0|])", "Layer 1 (Conv2D(2, 0x0)): the kernel size must be at least 1, but is 0")]
    [InlineData("Conv2D(2, [|-3|])", "Layer 1 (Conv2D(2, -3x-3)): the kernel size must be at least 1, but is -3")]
    [InlineData("Conv2D(2, [|0|], 3)", "Layer 1 (Conv2D(2, 0x3)): the kernel size must be at least 1, but is 0")]
    [InlineData("Conv2D(filters: 2, [|kernel: 0|])", "Layer 1 (Conv2D(2, 0x0)): the kernel size must be at least 1, but is 0")]
    [InlineData("MaxPool2D([|0|])", "Layer 1 (MaxPool2D(0)): the window size must be at least 1, but is 0")]
    [InlineData("AvgPool2D([|-1|])", "Layer 1 (AvgPool2D(-1)): the window size must be at least 1, but is -1")]
    public void Filters_kernel_or_window_below_one_reports_NG0004_at_the_argument(string layer, string message)
    {
        Expect("NG0004", "[Network, Input(1, 4, 4), " + layer + Head + "BadSize { }", message);
    }

    [Fact]
    public void Zero_filters_and_zero_kernel_report_NG0004_at_both_arguments()
    {
        Expect("NG0004", """
            [Network, Input(1, 8, 8), Conv2D([|0|], [|0|]), Flatten, Dense(2), Loss(LossKind.MeanSquaredError)]
            public partial class NoConv { }
            """,
            "Layer 1 (Conv2D(0, 0x0)): filters must be at least 1, but is 0",
            "Layer 1 (Conv2D(0, 0x0)): the kernel size must be at least 1, but is 0");
    }

    // ---- NG0009 / NG0010: a convolution's fused activation is checked like a dense layer's ----

    [Theory]
    [InlineData("Activation = Activation.ReLU, [|Alpha = 0.5f|]", "Alpha = 0.5 has no meaning for ReLU; only LeakyReLU and ELU take a parameter, so remove it")]
    [InlineData("[|Alpha = 1f|]", "Alpha = 1 has no meaning for Identity; only LeakyReLU and ELU take a parameter, so remove it")]
    [InlineData("Activation = Activation.LeakyReLU, [|Alpha = -1f|]", "the leaky ReLU slope Alpha must be a finite number >= 0 (typically 0.01), but is -1")]
    [InlineData("Activation = Activation.ELU, [|Alpha = 0f|]", "the ELU Alpha must be a finite number > 0 (typically 1), but is 0")]
    [InlineData("Stride = 1, [|Alpha = float.NegativeInfinity|], Activation = Activation.LeakyReLU", "the leaky ReLU slope Alpha must be a finite number >= 0 (typically 0.01), but is -Infinity")]
    public void Invalid_convolution_activation_parameter_reports_NG0009_at_the_alpha_argument(string arguments, string problem)
    {
        Expect("NG0009", "[Network, Input(1, 4, 4), Conv2D(2, 3, " + arguments + ")" + Head + "BadAlpha { }", "Layer 1 (Conv2D(2, 3x3)): " + problem);
    }

    [Theory]
    [InlineData("[|Activation = (Activation)99|]", "99")]
    [InlineData("Padding = 1, [|Activation = (Activation)(-1)|]", "-1")]
    public void Convolution_activation_outside_the_enum_reports_NG0010_at_the_activation_argument(string arguments, string value)
    {
        Expect("NG0010", "[Network, Input(1, 4, 4), Conv2D(2, 3, " + arguments + ")" + Head + "UnknownActivation { }",
            "Layer 1: '" + value + "' is not an Activation; use one of Identity, Sigmoid, Tanh, ReLU, LeakyReLU, ELU, Softplus");
    }

    // ---- NG0013: a dense layer directly after a 3-D convolution or pooling output ----

    [Theory]
    [InlineData("Input(1, 4, 4), Conv2D(2, 3), [|Dense(2)|]", "Layer 2 (Dense(2)) takes a vector, but its input is the 2x2x2 tensor")]
    [InlineData("Input(1, 4, 4), Conv2D(2, 3), [|Maxout(2, 2)|]", "Layer 2 (Maxout(2, 2)) takes a vector, but its input is the 2x2x2 tensor")]
    [InlineData("Input(1, 8, 8), MaxPool2D(2), [|Dense(2)|]", "Layer 2 (Dense(2)) takes a vector, but its input is the 1x4x4 tensor")]
    [InlineData("Input(3, 9, 9), Conv2D(5, 3, Padding = ConvPadding.Same), AvgPool2D(3), [|Dense(2)|]", "Layer 3 (Dense(2)) takes a vector, but its input is the 5x3x3 tensor")]
    public void Dense_after_a_convolution_output_without_flatten_reports_NG0013_at_the_layer(string layers, string problem)
    {
        Expect("NG0013", "[Network, " + layers + ", Loss(LossKind.MeanSquaredError)]\npublic partial class Unflattened { }",
            problem + "; add [Flatten] before it");
    }

    [Fact]
    public void Errors_in_a_convolution_do_not_hide_errors_in_later_layers()
    {
        // The failed convolution passes its input shape on, so the dense layer is still checked against a 3-D tensor.
        MarkedSource marked = MarkedSource.Parse(GeneratorHarness.Usings + """
            [Network, Input(1, 8, 8), Conv2D(2, 3, [|Stride = 0|]), [|Dense(2)|], Loss(LossKind.MeanSquaredError)]
            public partial class TwoErrors { }
            """);

        GeneratorRun run = GeneratorHarness.Run(marked.Source);

        Diagnostic[] reported = run.GeneratorDiagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToArray();
        Assert.Equal(new[] { "NG0017", "NG0013" }, reported.Select(d => d.Id));
        Assert.Equal(marked.Spans, reported.Select(d => d.Location.SourceSpan));
        Assert.Empty(run.GeneratedSources);
    }

    // ---- valid convolutional networks ----

    [Theory]
    // LeNet-5 as in the lecture.
    [InlineData("[Network, Input(1, 28, 28), Conv2D(6, 5, Padding = 2, Activation = Activation.ReLU), MaxPool2D(2), Conv2D(16, 5, Activation = Activation.ReLU), MaxPool2D(2), Flatten, Dense(120, Activation = Activation.ReLU), Dense(84, Activation = Activation.ReLU), Dense(10), Loss(LossKind.SoftmaxCrossEntropy)]")]
    // 1x1 convolution (the pointwise path), with and without stride.
    [InlineData("[Network, Input(3, 8, 8), Conv2D(4, 1), Flatten, Dense(2), Loss(LossKind.MeanSquaredError)]")]
    [InlineData("[Network, Input(3, 9, 9), Conv2D(4, 1, Stride = 2, Activation = Activation.Tanh), Flatten, Dense(2), Loss(LossKind.MeanSquaredError)]")]
    // Same padding, including a dilated kernel whose effective size is odd.
    [InlineData("[Network, Input(3, 8, 8), Conv2D(4, 3, Padding = ConvPadding.Same, Activation = Activation.ELU), Flatten, Dense(2), Loss(LossKind.MeanSquaredError)]")]
    [InlineData("[Network, Input(1, 5, 5), Conv2D(3, 5, Padding = ConvPadding.Same, Dilation = 3), Flatten, Dense(2), Loss(LossKind.MeanSquaredError)]")]
    [InlineData("[Network, Input(2, 6, 7), Conv2D(3, 2, Padding = ConvPadding.Same, Dilation = 2), Flatten, Dense(2), Loss(LossKind.MeanSquaredError)]")]
    // Rectangular kernel, with named constructor arguments too.
    [InlineData("[Network, Input(3, 9, 12), Conv2D(4, 3, 5), Flatten, Dense(2), Loss(LossKind.MeanSquaredError)]")]
    [InlineData("[Network, Input(3, 9, 11), Conv2D(kernelWidth: 1, filters: 4, kernelHeight: 3, Stride = 2), Flatten, Dense(2), Loss(LossKind.MeanSquaredError)]")]
    // No bias.
    [InlineData("[Network, Input(3, 9, 12), Conv2D(4, 3, Bias = false, Activation = Activation.Softplus), Flatten, Dense(2), Loss(LossKind.MeanSquaredError)]")]
    // Dilation, and everything at once on odd sizes (3 -> 5 channels on 13x11).
    [InlineData("[Network, Input(3, 9, 11), Conv2D(4, 3, Dilation = 2), Flatten, Dense(2), Loss(LossKind.MeanSquaredError)]")]
    [InlineData("[Network, Input(3, 13, 11), Conv2D(5, 3, Stride = 2, Padding = 1, Dilation = 2, Bias = false, Activation = Activation.LeakyReLU, Alpha = 0.1f), AvgPool2D(2, Stride = 1), GlobalAvgPool, Dense(3), Loss(LossKind.Hinge)]")]
    // Pooling with overlapping windows, and a global-average-pool head producing the logits.
    [InlineData("[Network, Input(2, 7, 7), MaxPool2D(3, Stride = 2), AvgPool2D(3, Stride = 1), Flatten, Dense(2), Loss(LossKind.MeanSquaredError)]")]
    [InlineData("[Network, Input(1, 12, 12), Conv2D(8, 3, Activation = Activation.ReLU), Conv2D(10, 1), GlobalAvgPool, Loss(LossKind.SoftmaxCrossEntropy)]")]
    // A convolution or pooling layer as the output layer, and a network of pooling only.
    [InlineData("[Network, Input(1, 4, 4), Conv2D(2, 3, Activation = Activation.Sigmoid), Loss(LossKind.MeanSquaredError)]")]
    [InlineData("[Network, Input(2, 4, 4), MaxPool2D(2), Flatten, Loss(LossKind.L1)]")]
    [InlineData("[Network, Input(4, 3, 3), GlobalAvgPool, Loss(LossKind.SoftmaxCrossEntropy)]")]
    public void Valid_convolutional_declaration_reports_nothing_and_generates_code_that_compiles_cleanly(string attributes)
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Usings + "/// <summary>A valid network.</summary>\n" + attributes + "\npublic partial class ValidCnn { }\n");

        Assert.True(run.GeneratorDiagnostics.IsEmpty, GeneratorHarness.Describe(run.GeneratorDiagnostics));
        Assert.Equal("Samples.ValidCnn.g.cs", Assert.Single(run.GeneratedSources).HintName);
        Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorHarness.Describe(run.OutputDiagnostics));
    }
}
