using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Reference.Tests;

[Collection(TorchCollection.Name)]
public sealed class DenseReferenceTests
{
    private readonly ITestOutputHelper _output;

    public DenseReferenceTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [MemberData(nameof(ReferenceCase.All), MemberType = typeof(ReferenceCase))]
    public void Outputs_loss_and_every_parameter_and_input_gradient_match_torch(string network)
    {
        Compare(ReferenceCase.Named(network), batch: 7, seed: 1);
    }

    [Theory]
    [InlineData("wide", 1)]
    [InlineData("wide", 4)]
    [InlineData("wide", 33)]
    [InlineData("wide maxout", 1)]
    [InlineData("wide maxout", 4)]
    [InlineData("wide maxout", 33)]
    public void The_wide_networks_match_torch_at_batch_sizes_with_and_without_tails(string network, int batch)
    {
        Compare(ReferenceCase.Named(network), batch, seed: 2);
    }

    [Theory]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    [InlineData("elu, alpha 0.7")]
    [InlineData("softplus")]
    [InlineData("tanh output")]
    [InlineData("softmax cross-entropy")]
    [InlineData("binary cross-entropy")]
    [InlineData("multi-class hinge")]
    [InlineData("maxout")]
    public void Saturated_activations_and_large_logits_match_torch(string network)
    {
        // Every parameter times 40: hidden pre-activations of tens (sigmoid and tanh flat, softplus past torch's
        // threshold of 20, ELU at -alpha) and logits pass 100, where a softmax or a sigmoid cross-entropy that
        // exponentiates without shifting overflows float32 (e^89 > 3.4e38).
        Compare(ReferenceCase.Named(network), batch: 7, seed: 3, scale: 40);
    }

    [Fact]
    public void A_torch_network_that_differs_only_in_the_leaky_slope_fails_the_comparison()
    {
        // The negative control: 0.21 instead of 0.2 changes the result by far less than any layout or indexing mistake
        // would, and the tolerance still sees it, in the outputs, the loss and the gradients below the hidden layer.
        var wrong = new ReferenceCase("leaky relu, slope 0.21 in torch only", () => new LeakyReluMlp(),
            new TorchNetwork(new[] { 7 }, LossKind.MeanSquaredError, new TorchDense(9, Activation.LeakyReLU, 0.21f), new TorchDense(5)));
        string[] mismatches = Mismatches(wrong, batch: 7, seed: 1).Select(line => line.Split('[')[0]).Distinct().ToArray();
        Assert.Contains("MISMATCH outputs", mismatches);
        Assert.Contains("MISMATCH loss (TrainStep)", mismatches);
        Assert.Contains("MISMATCH gradient of layer 0 (dense) weight ", mismatches);
        Assert.Contains("MISMATCH input gradients", mismatches);
    }

    [Fact]
    public void Torch_gives_the_same_bits_on_every_run()
    {
        ReferenceCase test = ReferenceCase.Named("wide maxout");
        ITrainableNetwork model = test.CreateInitialized(seed: 4);
        var (inputs, targets) = ReferenceCase.Data(model, 33, seed: 5);
        TorchNetwork.Result first = test.Torch.Run(model.Parameters, inputs, targets, 33);
        TorchNetwork.Result second = test.Torch.Run(model.Parameters, inputs, targets, 33);
        Assert.Equal(first.Outputs, second.Outputs);
        Assert.Equal(first.Loss, second.Loss);
        Assert.Equal(first.ParameterGradients, second.ParameterGradients);
        Assert.Equal(first.InputGradients, second.InputGradients);
    }

    private void Compare(ReferenceCase test, int batch, int seed, float scale = 1) =>
        ReferenceComparison.AssertMatches(_output, test, batch, seed, scale: scale);

    private string[] Mismatches(ReferenceCase test, int batch, int seed) => ReferenceComparison.Mismatches(_output, test, batch, seed);
}
