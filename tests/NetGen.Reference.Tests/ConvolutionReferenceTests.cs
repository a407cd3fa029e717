using System;
using System.Linq;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NetGen.Reference.Tests;

[Collection(TorchCollection.Name)]
public sealed class ConvolutionReferenceTests
{
    private readonly ITestOutputHelper _output;

    public ConvolutionReferenceTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [MemberData(nameof(ConvGrid.All), MemberType = typeof(ConvGrid))]
    public void A_convolution_of_the_grid_matches_torch_in_outputs_loss_and_every_gradient(string point)
    {
        ReferenceComparison.AssertMatches(_output, ConvGrid.Named(point), batch: 3, seed: 11, Tolerance.Relative);
    }

    [Theory]
    [MemberData(nameof(ConvolutionCases.AllPooling), MemberType = typeof(ConvolutionCases))]
    public void Pooling_matches_torch_in_outputs_loss_and_input_gradients(string layer)
    {
        ReferenceComparison.AssertMatches(_output, ConvolutionCases.Named(layer), batch: 3, seed: 12, Tolerance.Relative);
    }

    [Theory]
    [MemberData(nameof(ConvolutionCases.AllNetworks), MemberType = typeof(ConvolutionCases))]
    public void Convolutional_networks_match_torch_in_outputs_loss_and_every_gradient(string network)
    {
        ReferenceComparison.AssertMatches(_output, ConvolutionCases.Named(network), batch: 3, seed: 13, Tolerance.Relative);
    }

    [Fact]
    public void LeNet5_matches_torch_at_batch_4()
    {
        ReferenceComparison.AssertMatches(_output, ConvolutionCases.Named("lenet-5"), batch: 4, seed: 14, Tolerance.Relative);
    }

    [Theory]
    [InlineData("max 2 on 5x12x10")]
    [InlineData("max 2 on 5x13x11, last row and column uncovered")]
    [InlineData("max 2 stride 3, gaps")]
    [InlineData("max 4, loop")]
    [InlineData("max 3 stride 2")]
    [InlineData("max 3 stride 1")]
    [InlineData("max 5 stride 2, loop")]
    public void Max_pooling_routes_the_gradient_of_a_tie_to_the_first_maximum_as_torch_does(string layer)
    {
        // Inputs rounded to multiples of 1/2 in [-1, 1]: five values, so most windows hold their maximum more than once,
        // and overlapping windows share it. Any other tie rule (last maximum, split evenly, all winners) moves gradient.
        ReferenceComparison.AssertMatches(_output, ConvolutionCases.Named(layer), batch: 3, seed: 15, Tolerance.Relative,
            mapInputs: HalfSteps);
    }

    [Theory]
    [InlineData("k1 p2 no bias, relu at 0")]
    [InlineData("k1 p2 no bias, leaky relu at 0")]
    [InlineData("k1 p2 no bias, elu at 0")]
    public void Activations_take_torch_derivative_where_the_pre_activation_is_exactly_zero(string point)
    {
        // Weights rounded to multiples of 1/4 and inputs to multiples of 1/2: every product is a multiple of 1/8 and every
        // sum of the 1x1 kernel's 3 products is exact in float32 in any order, so both libraries see the same
        // pre-activations, many of them exactly 0 with nonzero inputs (besides the zero border of the padding). There the
        // weight and input gradients depend on the derivative each activation takes at its kink: 0 for ReLU, the slope
        // for leaky ReLU, alpha for ELU, in torch (the control below shows those zeros matter).
        ReferenceComparison.AssertMatches(_output, ConvGrid.Named(point), batch: 3, seed: 16, Tolerance.Relative,
            mapInputs: HalfSteps, mapParameters: QuarterSteps);
    }

    [Fact]
    public void A_torch_twin_whose_relu_passes_the_gradient_at_zero_fails_the_kink_comparison()
    {
        // The negative control of the test above: clamp_min(0) equals relu everywhere, but its gradient at exactly 0 is 1
        // (torch's clamp passes the gradient where x >= min). Only the gradients may differ, and with the quantized data
        // they must.
        ReferenceCase relu = ConvGrid.Named("k1 p2 no bias, relu at 0");
        var wrong = relu with
        {
            Name = relu.Name + ", gradient 1 at 0 in torch only",
            Torch = new TorchNetwork(new[] { 3, 13, 11 }, LossKind.MeanSquaredError, new ClampedPointwiseConv2d(5, 2), new TorchFlatten()),
        };
        string[] mismatches = Kinds(ReferenceComparison.Mismatches(_output, wrong, batch: 3, seed: 16, mapInputs: HalfSteps, mapParameters: QuarterSteps));
        Assert.Equal(new[] { "MISMATCH gradient of layer 0 (conv) weight ", "MISMATCH input gradients" }, mismatches);
    }

    [Theory]
    [InlineData("kernel rotated by 180 degrees (a textbook convolution)")]
    [InlineData("kernel rows and columns swapped")]
    public void A_torch_twin_that_reads_the_kernel_differently_fails_the_comparison(string variant)
    {
        // The negative control of the layout: NetGen's model "k3 s1 p1 d1" against a torch twin that takes the same
        // [filters, channels, 3, 3] leaf but uses it rotated (flip of both kernel axes) or transposed. Every compared tensor
        // that depends on the kernel's orientation must mismatch.
        Func<Tensor, Tensor> transform = variant.StartsWith("kernel rotated", StringComparison.Ordinal)
            ? w => w.flip(2, 3)
            : w => w.transpose(2, 3);
        ReferenceCase grid = ConvGrid.Named("k3 s1 p1 d1, leaky relu 0.2");
        var wrong = grid with
        {
            Name = grid.Name + ", " + variant + " in torch only",
            Torch = new TorchNetwork(new[] { 3, 13, 11 }, LossKind.MeanSquaredError, new TransformedKernelConv2d(5, 3, 1, transform, Activation.LeakyReLU, 0.2f), new TorchFlatten()),
        };
        string[] mismatches = Kinds(ReferenceComparison.Mismatches(_output, wrong, batch: 3, seed: 11));
        Assert.Contains("MISMATCH outputs", mismatches);
        Assert.Contains("MISMATCH loss (TrainStep)", mismatches);
        Assert.Contains("MISMATCH gradient of layer 0 (conv) weight ", mismatches);
        Assert.Contains("MISMATCH input gradients", mismatches);
    }

    [Fact]
    public void A_torch_twin_that_gives_a_tie_to_the_last_maximum_fails_the_tie_comparison()
    {
        // The negative control of the tie test: max pooling of the spatially reversed input, reversed back, has the same
        // outputs (2x2 windows tile the 12x10 input, so reversal maps windows onto windows) but routes the gradient of a
        // tie to the last maximum in row-major order. Only the input gradients may differ, and on the quantized inputs they must.
        ReferenceCase tiled = ConvolutionCases.Named("max 2 on 5x12x10");
        var wrong = tiled with
        {
            Name = tiled.Name + ", ties to the last maximum in torch only",
            Torch = new TorchNetwork(new[] { 5, 12, 10 }, LossKind.MeanSquaredError, new LastMaximumPool2d(2), new TorchFlatten()),
        };
        string[] mismatches = Kinds(ReferenceComparison.Mismatches(_output, wrong, batch: 3, seed: 15, mapInputs: HalfSteps));
        Assert.Equal(new[] { "MISMATCH input gradients" }, mismatches);
        // Without ties (continuous inputs) the two tie rules agree: the control differs in nothing else.
        Assert.Empty(ReferenceComparison.Mismatches(_output, wrong, batch: 3, seed: 15));
    }


    private static float HalfSteps(float x) => MathF.Round(2 * x) / 2;

    private static float QuarterSteps(float x) => MathF.Round(4 * x) / 4;

    /// <summary>The tensor names of mismatch lines ("MISMATCH outputs[12]: ..." gives "MISMATCH outputs").</summary>
    private static string[] Kinds(string[] mismatches) => mismatches.Select(line => line.Split('[')[0]).Distinct().ToArray();

    /// <summary>A 3x3 convolution (stride 1, given padding, bias) whose torch twin transforms the kernel before use.</summary>
    private sealed record TransformedKernelConv2d(int Filters, int Kernel, int Padding, Func<Tensor, Tensor> Transform, Activation Activation, float Alpha) : TorchLayer
    {
        public override Tensor Forward(Tensor x, TorchParameters parameters, int index)
        {
            Tensor weight = parameters.Take($"layer {index} (conv) weight", Filters, x.shape[1], Kernel, Kernel);
            Tensor bias = parameters.Take($"layer {index} (conv) bias", Filters);
            Tensor z = F.conv2d(x, Transform(weight), bias, padding: new long[] { Padding, Padding });
            return TorchActivation.Apply(z, Activation, Alpha);
        }
    }

    /// <summary>A 1x1 convolution without bias, padded, then <c>clamp_min(0)</c>: relu with gradient 1 at 0.</summary>
    private sealed record ClampedPointwiseConv2d(int Filters, int Padding) : TorchLayer
    {
        public override Tensor Forward(Tensor x, TorchParameters parameters, int index)
        {
            Tensor weight = parameters.Take($"layer {index} (conv) weight", Filters, x.shape[1], 1, 1);
            return F.conv2d(x, weight, null, padding: new long[] { Padding, Padding }).clamp_min(0);
        }
    }

    /// <summary>Non-overlapping max pooling that keeps the last maximum of a window: torch's first maximum of the reversed input.</summary>
    private sealed record LastMaximumPool2d(int Size) : TorchLayer
    {
        public override Tensor Forward(Tensor x, TorchParameters parameters, int index) =>
            F.max_pool2d(x.flip(2, 3), new long[] { Size, Size }, strides: new long[] { Size, Size }).flip(2, 3);
    }
}
