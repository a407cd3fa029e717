using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Reference.Tests;

/// <summary>
/// Batch normalization, residual blocks and dropout against TorchSharp, in training mode (<c>TrainStep</c> and
/// <c>TrainingLoss</c>: loss, every parameter gradient, input gradients, the running statistics after the step) and in
/// inference mode (<c>Forward</c> and <c>EvaluateLoss</c> with the same running statistics in both libraries).
/// </summary>
/// <remarks>
/// <para>
/// Tolerance: <see cref="Tolerance.Relative"/>, 1e-5 of each element's and its tensor's largest magnitude, as for the
/// dense and convolutional networks. The new layers add no long sums beyond those already covered there: a batch norm's
/// mean and variance sum batch x height x width values (at most 9 x 36 = 324 here; NetGen accumulates them in double,
/// libtorch in float with its own blocking, so the sqrt(K) u estimate is 1.1e-6 of the terms), its backward pass the
/// same sums of dz and dz xhat; a shortcut adds one term; a 1x1 projection sums at most 3 channels; dropout multiplies by
/// a mask and a scale (1.25, 2 and 1/0.7, the last rounded differently by NetGen's float constant and torch's division
/// by 0.7: one ulp). Batch norm's backward pass subtracts the batch's mean gradient and its projection on xhat from each
/// dz, so its results can be smaller than their terms; that is where the largest differences are: measured at most
/// 2.5e-6 of the tensor's scale (3.3e-6 in the batch-2 test, whose gamma gradient is a difference of two values), the
/// same with AVX-512 disabled. Running statistics are held to the same bound (measured: 1.7e-7).
/// </para>
/// <para>
/// Two kinds of gradients are mathematically zero and are checked as such, not element-wise (rounding noise has no
/// digits to agree on): the bias of a layer that feeds a batch norm (<see cref="CheckVanishing"/>), and at batch 2 the
/// gradients below a batch norm after a dense layer (see that test).
/// </para>
/// <para>
/// Torch cannot return NetGen's training-mode outputs (a generated network exposes its outputs only through
/// <c>Forward</c>, which is inference); training mode is compared through the loss and every gradient, which depend on
/// all of them. The negative controls show that the bound sees a batch-norm momentum of 0.25 for 0.2, a missing
/// shortcut and dropout without the 1 / (1 - rate) rescaling.
/// </para>
/// </remarks>
[Collection(TorchCollection.Name)]
public sealed class TrainingModeReferenceTests
{
    private readonly ITestOutputHelper _output;

    public TrainingModeReferenceTests(ITestOutputHelper output) => _output = output;

    /// <summary>A generated network with modes, its torch twin and the batch it is compared on.</summary>
    public sealed record ModeCase(string Name, Func<ITrainableNetwork> Create, TorchModeNetwork Torch, int Batch);

    private static TorchModeNetwork Net(int[] input, LossKind loss, params TorchModeLayer[] layers) => new(input, loss, layers);

    private static readonly ModeCase[] Cases =
    {
        new("batch norm after dense layers", () => new DenseBatchNormReference(), Net(new[] { 7 }, LossKind.SoftmaxCrossEntropy,
            new TorchDense(11), new TorchBatchNorm(Activation: Activation.Tanh), new TorchDense(9),
            new TorchBatchNorm(0.3f, 1e-3f, Activation.LeakyReLU, 0.1f), new TorchDense(5)), Batch: 7),
        new("batch norm after convolutions", () => new ConvBatchNormReference(), Net(new[] { 2, 7, 7 }, LossKind.MeanSquaredError,
            new TorchConv2d(3, 3, 3, Padding: 1, Bias: false), new TorchBatchNorm(0.2f, Activation: Activation.ELU),
            new TorchConv2d(5, 3, 3, Stride: 2), new TorchBatchNorm(Activation: Activation.ReLU), new TorchFlatten(), new TorchDense(4)), Batch: 4),
        new("identity residual", () => new IdentityResidualReference(), Net(new[] { 7 }, LossKind.SoftmaxCrossEntropy,
            new TorchDense(9, Activation.Tanh), new TorchResidualStart(), new TorchDense(9, Activation.ReLU), new TorchDense(9),
            new TorchResidualEnd(Activation.ReLU), new TorchDense(4)), Batch: 7),
        new("linear projection residual", () => new LinearProjectionResidualReference(), Net(new[] { 7 }, LossKind.MeanSquaredError,
            new TorchResidualStart(), new TorchDense(11, Activation.Tanh), new TorchDense(13), new TorchResidualEnd(Activation.ELU),
            new TorchDense(3)), Batch: 7),
        new("strided 1x1 conv projection residual", () => new ConvProjectionResidualReference(), Net(new[] { 2, 7, 7 }, LossKind.SoftmaxCrossEntropy,
            new TorchResidualStart(), new TorchConv2d(4, 3, 3, Stride: 2, Padding: 1, Activation: Activation.ELU), new TorchConv2d(4, 3, 3, Padding: 1),
            new TorchResidualEnd(Activation.Softplus, Stride: 2), new TorchGlobalAvgPool()), Batch: 5),
        new("1x1 conv projection residual", () => new ChannelProjectionResidualReference(), Net(new[] { 3, 5, 5 }, LossKind.MeanSquaredError,
            new TorchResidualStart(), new TorchConv2d(6, 3, 3, Padding: 1, Activation: Activation.Tanh), new TorchResidualEnd(Activation.Tanh),
            new TorchFlatten(), new TorchDense(3)), Batch: 4),
        new("basic block (batch norm, identity residual)", () => new BasicBlockReference(), Net(new[] { 3, 6, 6 }, LossKind.SoftmaxCrossEntropy,
            new TorchConv2d(4, 3, 3, Padding: 1, Activation: Activation.ReLU), new TorchResidualStart(),
            new TorchConv2d(4, 3, 3, Padding: 1, Bias: false), new TorchBatchNorm(Activation: Activation.ReLU),
            new TorchConv2d(4, 3, 3, Padding: 1, Bias: false), new TorchBatchNorm(),
            new TorchResidualEnd(Activation.ReLU), new TorchGlobalAvgPool(), new TorchDense(3)), Batch: 4),
        new("downsampling block (batch norm, strided projection)", () => new DownsamplingBlockReference(), Net(new[] { 2, 7, 7 }, LossKind.SoftmaxCrossEntropy,
            new TorchResidualStart(), new TorchConv2d(5, 3, 3, Stride: 2, Padding: 1, Bias: false), new TorchBatchNorm(Activation: Activation.ReLU),
            new TorchConv2d(5, 3, 3, Padding: 1, Bias: false), new TorchBatchNorm(0.05f),
            new TorchResidualEnd(Activation.ReLU, Stride: 2), new TorchGlobalAvgPool()), Batch: 4),
    };

    private static readonly ModeCase[] DropoutCases =
    {
        new("dropout on the input and a hidden layer", () => new DropoutReference(), Net(new[] { 9 }, LossKind.SoftmaxCrossEntropy,
            new TorchDropout(0.2), new TorchDense(11, Activation.Tanh), new TorchDropout(0.5), new TorchDense(4)), Batch: 7),
        new("dropout on an image before a convolution", () => new ConvDropoutReference(), Net(new[] { 2, 5, 5 }, LossKind.MeanSquaredError,
            new TorchDropout(0.3), new TorchConv2d(3, 3, 3, Activation: Activation.Tanh), new TorchFlatten(), new TorchDense(3)), Batch: 5),
    };

    public static IEnumerable<object[]> All() => Cases.Select(c => new object[] { c.Name });

    public static IEnumerable<object[]> AllDropout() => DropoutCases.Select(c => new object[] { c.Name });

    private static ModeCase Named(string name) => Cases.Concat(DropoutCases).Single(c => c.Name == name);

    [Theory]
    [MemberData(nameof(All))]
    public void A_training_step_matches_torch_in_loss_gradients_and_running_statistics(string name)
    {
        ModeCase test = Named(name);
        ITrainableNetwork model = Prepare(test, seed: 11);
        var (inputs, targets) = Data(model, test.Batch, seed: 12);
        var report = new List<string>();
        CompareTrainingStep(report, test, model, inputs, targets, masks: null);

        // Inference right after the step, with the running statistics it produced (compared above) in both libraries.
        CompareInference(report, test, model, inputs, targets);
        AssertNoMismatch(test.Name, report);
    }

    [Theory]
    [InlineData("batch norm after dense layers", 3)]
    [InlineData("batch norm after dense layers", 33)]
    [InlineData("batch norm after convolutions", 2)]
    [InlineData("basic block (batch norm, identity residual)", 9)]
    [InlineData("downsampling block (batch norm, strided projection)", 2)]
    public void Batch_norm_matches_torch_at_other_batch_sizes(string name, int batch)
    {
        // Batch 3 after dense layers, the smallest batch whose gradients below a batch norm do not cancel (see the batch-2
        // test); batch 2 after convolutions still normalizes 2 x 49 values per channel. Batch 33: the sums over the batch
        // run past four vector widths and a tail. Batch 9 in the basic block: 9 x 36 = 324 values per channel.
        ModeCase test = Named(name) with { Batch = batch };
        ITrainableNetwork model = Prepare(test, seed: 71);
        var (inputs, targets) = Data(model, batch, seed: 72);
        var report = new List<string>();
        CompareTrainingStep(report, test, model, inputs, targets, masks: null);
        CompareInference(report, test, model, inputs, targets);
        AssertNoMismatch($"{test.Name}, batch {batch}", report);
    }

    [Fact]
    public void At_batch_2_the_loss_running_statistics_and_gradients_above_the_first_batch_norm_match_torch()
    {
        // Batch 2, the smallest batch that batch norm accepts, after a dense layer: the unbiased running variance divides
        // by count - 1 = 1, and each feature's two values normalize to -+d / sqrt(d^2 + eps), within eps / (2 d^2) of -1
        // and 1 whatever the input. The gradient below the first batch norm is then mathematically of order eps / d^2 of
        // the gradients above it (about 1e-3 here), all cancellation, which both libraries compute as a few u of the
        // cancelling terms: it is compared only in the other tests. Everything else is compared here.
        ModeCase test = Named("batch norm after dense layers") with { Batch = 2 };
        ITrainableNetwork model = Prepare(test, seed: 71);
        var (inputs, targets) = Data(model, 2, seed: 72);
        TorchModeNetwork.Result torch = test.Torch.Run(model.Parameters, model.Buffers, inputs, targets, 2, training: true);
        float loss = model.TrainStep(inputs, targets, 2);
        var report = new List<string>();
        Tolerance.Check(report, "loss (TrainStep)", new[] { torch.Loss }, new[] { loss });
        int firstBatchNorm = model.Description.Layers[1].WeightOffset; // its gamma, then beta and the layers after it
        CompareParameterGradients(report, model, torch, from: firstBatchNorm);
        double above = torch.ParameterGradients.Skip(firstBatchNorm).Max(g => Math.Abs(g));
        double below = torch.ParameterGradients.Take(firstBatchNorm).Max(g => Math.Abs(g));
        report.Add($"largest gradient below the first batch norm {below:G3}, above it {above:G3}");
        Assert.True(below < 1e-2 * above, "The gradient below a batch norm of two samples should nearly vanish.");
        Tolerance.Check(report, "running statistics after the step", torch.Buffers, model.Buffers);
        CompareInference(report, test, model, inputs, targets);
        AssertNoMismatch(test.Name + ", batch 2", report);
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Inference_matches_torch_with_the_same_running_statistics(string name)
    {
        // Prepare sets running means in [-0.5, 0.5] and variances in [0.5, 2], far from the initial 0 and 1, so that
        // inference really normalizes with them (and not with the batch's statistics).
        ModeCase test = Named(name);
        ITrainableNetwork model = Prepare(test, seed: 21);
        var (inputs, targets) = Data(model, test.Batch, seed: 22);
        var report = new List<string>();
        CompareInference(report, test, model, inputs, targets);

        // One sample on its own: inference does not depend on the rest of the batch.
        TorchModeNetwork.Result one = test.Torch.Run(model.Parameters, model.Buffers, inputs.AsSpan(0, model.InputSize).ToArray(),
            targets.AsSpan(0, model.TargetSize).ToArray(), 1, training: false);
        var output = new float[model.OutputSize];
        model.Forward(inputs.AsSpan(0, model.InputSize), output);
        Tolerance.Check(report, "inference outputs of one sample", one.Outputs, output);
        AssertNoMismatch(test.Name, report);
    }

    [Fact]
    public void Running_statistics_follow_torch_over_several_steps_and_inference_then_uses_them()
    {
        // Five steps on different batches (parameters fixed: the running statistics are what moves), then inference.
        ModeCase test = Named("batch norm after convolutions");
        ITrainableNetwork model = Prepare(test, seed: 31);
        float[] torchBuffers = (float[])model.Buffers.Clone();
        var report = new List<string>();
        for (int step = 0; step < 5; step++)
        {
            var (inputs, targets) = Data(model, test.Batch, seed: 40 + step);
            TorchModeNetwork.Result torch = test.Torch.Run(model.Parameters, torchBuffers, inputs, targets, test.Batch, training: true);
            torchBuffers = torch.Buffers;
            model.TrainStep(inputs, targets, test.Batch);
            Tolerance.Check(report, $"running statistics after step {step + 1}", torch.Buffers, model.Buffers);
        }
        var (evaluationInputs, evaluationTargets) = Data(model, 6, seed: 50);
        TorchModeNetwork.Result inference = test.Torch.Run(model.Parameters, torchBuffers, evaluationInputs, evaluationTargets, 6, training: false);
        var outputs = new float[6 * model.OutputSize];
        model.Forward(evaluationInputs, outputs, 6);
        Tolerance.Check(report, "inference outputs", inference.Outputs, outputs);
        AssertNoMismatch(test.Name, report);
    }

    [Theory]
    [MemberData(nameof(AllDropout))]
    public void Dropout_with_the_recovered_masks_matches_torch_in_training_and_is_the_identity_in_inference(string name)
    {
        ModeCase test = Named(name);
        ITrainableNetwork model = Prepare(test, seed: 61);
        var (inputs, targets) = Data(model, test.Batch, seed: 62);
        var report = new List<string>();
        var previous = new List<float[]>();
        for (int step = 0; step < 3; step++)
        {
            // Each step draws new masks (from the seed and the step count): recover them, then compare the step.
            IReadOnlyList<float[]> masks = RecoverMasks(model, inputs, targets, test.Batch);
            for (int layer = 0; layer < masks.Count; layer++)
            {
                report.Add($"step {step + 1}, dropout layer {layer + 1} (rate {RateOf(test, layer)}): {masks[layer].Count(m => m == 0)} of {masks[layer].Length} dropped");
                CheckDropFraction(masks[layer], RateOf(test, layer), $"{test.Name}, step {step + 1}, dropout layer {layer + 1}");
                foreach (float[] earlier in previous.Where(m => m.Length == masks[layer].Length))
                {
                    Assert.False(earlier.SequenceEqual(masks[layer]), "A dropout mask repeated itself over steps or layers.");
                }
            }
            previous.AddRange(masks);
            CompareTrainingStep(report, test, model, inputs, targets, masks);
        }
        CompareInference(report, test, model, inputs, targets);
        AssertNoMismatch(test.Name, report);
    }

    [Fact]
    public void Torch_twins_that_differ_slightly_fail_the_comparison()
    {
        // Negative controls: each wrong twin differs from NetGen's network in one detail, and the comparison must see it.
        ModeCase conv = Named("batch norm after convolutions");
        var momentum = conv with
        {
            Torch = Net(new[] { 2, 7, 7 }, LossKind.MeanSquaredError,
                new TorchConv2d(3, 3, 3, Padding: 1, Bias: false), new TorchBatchNorm(0.25f, Activation: Activation.ELU),
                new TorchConv2d(5, 3, 3, Stride: 2), new TorchBatchNorm(Activation: Activation.ReLU), new TorchFlatten(), new TorchDense(4)),
        };
        string[] momentumMismatches = TrainingMismatches(momentum, masks: null);
        Assert.Contains("MISMATCH running statistics after the step", momentumMismatches);
        Assert.DoesNotContain("MISMATCH loss (TrainStep)", momentumMismatches); // the momentum moves only the running statistics

        ModeCase residual = Named("identity residual");
        var noShortcut = residual with
        {
            Torch = Net(new[] { 7 }, LossKind.SoftmaxCrossEntropy,
                new TorchDense(9, Activation.Tanh), new TorchDense(9, Activation.ReLU), new TorchDense(9), new TorchSameInBothModes(new TorchRelu()), new TorchDense(4)),
        };
        Assert.Contains("MISMATCH loss (TrainStep)", TrainingMismatches(noShortcut, masks: null));

        ModeCase dropout = Named("dropout on the input and a hidden layer");
        ITrainableNetwork model = Prepare(dropout, seed: 61);
        var (inputs, targets) = Data(model, dropout.Batch, seed: 62);
        IReadOnlyList<float[]> masks = RecoverMasks(model, inputs, targets, dropout.Batch);
        var unscaled = dropout with
        {
            Torch = Net(new[] { 9 }, LossKind.SoftmaxCrossEntropy,
                new TorchDropout(0.2, Rescale: false), new TorchDense(11, Activation.Tanh), new TorchDropout(0.5), new TorchDense(4)),
        };
        Assert.Contains("MISMATCH loss (TrainStep)", TrainingMismatches(unscaled, masks));
    }

    /// <summary>ReLU alone, for the negative control without a shortcut.</summary>
    private sealed record TorchRelu : TorchLayer
    {
        public override TorchSharp.torch.Tensor Forward(TorchSharp.torch.Tensor x, TorchParameters parameters, int index) => TorchSharp.torch.nn.functional.relu(x);
    }

    private string[] TrainingMismatches(ModeCase test, IReadOnlyList<float[]>? masks)
    {
        ITrainableNetwork model = Prepare(test, seed: 61);
        var (inputs, targets) = Data(model, test.Batch, seed: 62);
        var report = new List<string>();
        CompareTrainingStep(report, test, model, inputs, targets, masks);
        return report.Where(line => line.StartsWith("MISMATCH", StringComparison.Ordinal)).Select(line => line.Split('[')[0].TrimEnd()).Distinct().ToArray();
    }

    /// <summary>
    /// Runs one training step in both libraries from the same parameters and running statistics and compares the losses
    /// (<c>TrainingLoss</c> before the step, which must not change any state, and <c>TrainStep</c>), every parameter
    /// block's gradient, the input gradients and the running statistics after the step.
    /// </summary>
    private void CompareTrainingStep(List<string> report, ModeCase test, ITrainableNetwork model, float[] inputs, float[] targets, IReadOnlyList<float[]>? masks)
    {
        int batch = test.Batch;
        TorchModeNetwork.Result torch = test.Torch.Run(model.Parameters, model.Buffers, inputs, targets, batch, training: true, masks);
        CheckLayout(model, torch.Blocks);

        float[] buffersBefore = (float[])model.Buffers.Clone();
        long stepsBefore = model.TrainingSteps;
        float trainingLoss = model.TrainingLoss(inputs, targets, batch);
        Assert.Equal(buffersBefore, model.Buffers);
        Assert.Equal(stepsBefore, model.TrainingSteps);

        var inputGradients = new float[inputs.Length];
        float loss = model.TrainStep(inputs, targets, batch, inputGradients);
        Assert.Equal(stepsBefore + 1, model.TrainingSteps);

        Tolerance.Check(report, "loss (TrainStep)", new[] { torch.Loss }, new[] { loss });
        Tolerance.Check(report, "loss (TrainingLoss)", new[] { torch.Loss }, new[] { trainingLoss });
        CompareParameterGradients(report, model, torch);
        Tolerance.Check(report, "input gradients", torch.InputGradients, inputGradients);
        if (model.Buffers.Length > 0)
        {
            Tolerance.Check(report, "running statistics after the step", torch.Buffers, model.Buffers);
        }
    }

    /// <summary>
    /// Every parameter block's gradient (those from offset <paramref name="from"/> on), the biases that feed a batch norm
    /// held to vanish instead (see <see cref="BiasesBeforeBatchNorm"/>).
    /// </summary>
    private static void CompareParameterGradients(List<string> report, ITrainableNetwork model, TorchModeNetwork.Result torch, int from = 0)
    {
        Dictionary<int, int> cancelledBiases = BiasesBeforeBatchNorm(model);
        foreach (ParameterBlock block in torch.Blocks.Where(b => b.Offset >= from))
        {
            string what = $"gradient of {block.Name} {TorchParameters.Shape(block.Shape)}";
            float[] expected = torch.ParameterGradients.AsSpan(block.Offset, block.Length).ToArray();
            float[] actual = model.Gradients.AsSpan(block.Offset, block.Length).ToArray();
            if (cancelledBiases.TryGetValue(block.Offset, out int weightOffset))
            {
                ParameterBlock weights = torch.Blocks.Single(b => b.Offset == weightOffset);
                CheckVanishing(report, what, expected, actual, torch.ParameterGradients.AsSpan(weights.Offset, weights.Length).ToArray());
            }
            else
            {
                Tolerance.Check(report, what, expected, actual);
            }
        }
    }

    /// <summary>
    /// The biases of the layers that feed a batch norm, by offset, with the offset of the same layer's weights. Their
    /// gradient is exactly zero: a bias adds the same constant to every value of its feature or channel in the batch,
    /// which the batch mean removes again (d loss / d b = sum over the batch of dz, and batch norm's backward pass makes
    /// that sum zero). Both libraries return rounding noise there.
    /// </summary>
    private static Dictionary<int, int> BiasesBeforeBatchNorm(ITrainableNetwork model)
    {
        IReadOnlyList<LayerDescription> layers = model.Description.Layers;
        var result = new Dictionary<int, int>();
        for (int i = 0; i + 1 < layers.Count; i++)
        {
            if (layers[i].BiasLength > 0 && layers[i + 1].Kind == LayerKind.BatchNorm)
            {
                result.Add(layers[i].BiasOffset, layers[i].WeightOffset);
            }
        }
        return result;
    }

    /// <summary>
    /// A gradient that is mathematically zero, computed as a sum of the terms dz that also make up the layer's weight
    /// gradient (sum of x dz, with |x| of order 1): both libraries must return it below 1e-5 of the largest weight
    /// gradient of that layer (rounding noise of those sums is about 1e-7 of it; a bias that did not cancel would give a
    /// gradient of the weights' order). Element-wise agreement means nothing for noise, so only the bound is checked.
    /// </summary>
    private static void CheckVanishing(List<string> report, string what, float[] expected, float[] actual, float[] weightGradients)
    {
        double scale = weightGradients.Max(g => Math.Abs((double)g));
        double torchLargest = expected.Max(g => Math.Abs((double)g)), netgenLargest = actual.Max(g => Math.Abs((double)g));
        double bound = Tolerance.Relative * scale;
        if (!(torchLargest <= bound) || !(netgenLargest <= bound))
        {
            report.Add($"MISMATCH {what}: should vanish (a batch norm follows), but max |torch| is {torchLargest:G3} and max |NetGen| {netgenLargest:G3}, above {bound:G3}");
        }
        report.Add($"{what}: zero in exact arithmetic (a batch norm follows); max |torch| {torchLargest:G3}, max |NetGen| {netgenLargest:G3}, " +
            $"relative to the largest weight gradient {netgenLargest / scale:G3}");
    }

    /// <summary>Inference in both libraries with NetGen's current running statistics: outputs of <c>Forward</c> and the loss of <c>EvaluateLoss</c>.</summary>
    private static void CompareInference(List<string> report, ModeCase test, ITrainableNetwork model, float[] inputs, float[] targets)
    {
        int batch = test.Batch;
        float[] buffersBefore = (float[])model.Buffers.Clone();
        TorchModeNetwork.Result torch = test.Torch.Run(model.Parameters, model.Buffers, inputs, targets, batch, training: false);
        var outputs = new float[batch * model.OutputSize];
        model.Forward(inputs, outputs, batch);
        float loss = model.EvaluateLoss(inputs, targets, batch);
        Tolerance.Check(report, "inference outputs", torch.Outputs, outputs);
        Tolerance.Check(report, "inference loss (EvaluateLoss)", new[] { torch.Loss }, new[] { loss });
        Assert.Equal(buffersBefore, model.Buffers); // inference leaves the running statistics alone
        Assert.Equal(buffersBefore, torch.Buffers);
    }

    /// <summary>The torch twin must take exactly the weight and bias blocks that the generated description lists, in order.</summary>
    private static void CheckLayout(ITrainableNetwork model, IReadOnlyList<ParameterBlock> torchBlocks)
    {
        var described = new List<(int Offset, int Length)>();
        foreach (LayerDescription layer in model.Description.Layers)
        {
            if (layer.WeightLength > 0)
            {
                described.Add((layer.WeightOffset, layer.WeightLength));
            }
            if (layer.BiasLength > 0)
            {
                described.Add((layer.BiasOffset, layer.BiasLength));
            }
        }
        Assert.Equal(described.OrderBy(b => b.Offset), torchBlocks.Select(b => (b.Offset, b.Length)));
    }

    /// <summary>
    /// Recovers the keep masks of the next training step, which depend only on the dropout seed, the step count, the layer
    /// and the element (not on parameters or inputs), by running probe steps and resetting the step count after each:
    /// - a dropout on the input: an input's gradient is exactly zero where it was dropped (0 times anything), and not
    ///   zero where it was kept (tanh' > 0, random weights, softmax or squared-error deltas that do not vanish);
    /// - the dropout after the first dense layer (<see cref="DropoutReference"/>): one probe per sample b, with every
    ///   other sample's inputs zero, so the first layer's weight gradient is the outer product of sample b's dropped-out
    ///   input and the gradient at its hidden units, and column j is all zero exactly where hidden unit j of sample b
    ///   was dropped.
    /// </summary>
    private static IReadOnlyList<float[]> RecoverMasks(ITrainableNetwork model, float[] inputs, float[] targets, int batch)
    {
        long step = model.TrainingSteps;
        var inputGradients = new float[inputs.Length];
        model.TrainStep(inputs, targets, batch, inputGradients);
        model.TrainingSteps = step;
        var masks = new List<float[]> { inputGradients.Select(g => g != 0 ? 1f : 0f).ToArray() };
        if (model is DropoutReference)
        {
            int inputSize = model.InputSize, hidden = 11;
            var hiddenMask = new float[batch * hidden];
            for (int b = 0; b < batch; b++)
            {
                var probe = new float[inputs.Length];
                inputs.AsSpan(b * inputSize, inputSize).CopyTo(probe.AsSpan(b * inputSize));
                model.TrainStep(probe, targets, batch);
                model.TrainingSteps = step;
                for (int j = 0; j < hidden; j++)
                {
                    bool kept = false;
                    for (int i = 0; i < inputSize; i++)
                    {
                        kept |= model.Gradients[i * hidden + j] != 0; // Dense1Weights [9, 11] at offset 0
                    }
                    hiddenMask[b * hidden + j] = kept ? 1f : 0f;
                }
            }
            masks.Add(hiddenMask);
        }
        return masks;
    }

    private static double RateOf(ModeCase test, int dropoutLayer) =>
        test.Torch.Layers.OfType<TorchDropout>().ElementAt(dropoutLayer).Rate;

    /// <summary>
    /// A recovered mask must look like a draw of independent drops at the layer's rate: the number dropped within 4.5
    /// standard deviations of n p (a wrong recovery, all kept or all dropped, is far outside).
    /// </summary>
    private static void CheckDropFraction(float[] mask, double rate, string what)
    {
        int dropped = mask.Count(m => m == 0);
        double mean = mask.Length * rate, deviation = Math.Sqrt(mask.Length * rate * (1 - rate));
        Assert.True(dropped > 0 && dropped < mask.Length && Math.Abs(dropped - mean) <= 4.5 * deviation,
            $"{what}: {dropped} of {mask.Length} dropped, expected about {mean:F1} +- {deviation:F1}");
    }

    /// <summary>
    /// A network initialized the generated way (seeded Xavier/He), then with everything the initializer leaves at a
    /// constant set to random values so that the comparison depends on it: dense and conv biases in [-0.5, 0.5],
    /// batch-norm gamma in [0.5, 1.5] and beta in [-0.5, 0.5], running means in [-0.5, 0.5] and variances in [0.5, 2].
    /// </summary>
    private static ITrainableNetwork Prepare(ModeCase test, int seed)
    {
        ITrainableNetwork model = test.Create();
        model.InitializeParameters(seed);
        var random = new Random(seed);
        float Uniform(double low, double high) => (float)(low + (high - low) * random.NextDouble());
        int bufferOffset = 0;
        foreach (LayerDescription layer in model.Description.Layers)
        {
            bool batchNorm = layer.Kind == LayerKind.BatchNorm;
            if (batchNorm)
            {
                for (int i = 0; i < layer.WeightLength; i++)
                {
                    model.Parameters[layer.WeightOffset + i] = Uniform(0.5, 1.5);
                }
                for (int i = 0; i < layer.WeightLength; i++)
                {
                    model.Buffers[bufferOffset + i] = Uniform(-0.5, 0.5);
                    model.Buffers[bufferOffset + layer.WeightLength + i] = Uniform(0.5, 2);
                }
                bufferOffset += 2 * layer.WeightLength;
            }
            for (int i = 0; i < layer.BiasLength; i++)
            {
                model.Parameters[layer.BiasOffset + i] = Uniform(-0.5, 0.5);
            }
        }
        Assert.Equal(model.Buffers.Length, bufferOffset);
        return model;
    }

    /// <summary>Inputs in [-0.7, 1.3] (a non-zero mean for batch norm to remove) and targets that suit the loss.</summary>
    private static (float[] Inputs, float[] Targets) Data(ITrainableNetwork model, int batch, int seed)
    {
        var random = new Random(seed);
        var inputs = new float[batch * model.InputSize];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (float)(random.NextDouble() * 2 - 0.7);
        }
        var targets = new float[batch * model.TargetSize];
        for (int i = 0; i < targets.Length; i++)
        {
            targets[i] = model.Loss == LossKind.SoftmaxCrossEntropy ? random.Next(model.OutputSize) : (float)(random.NextDouble() * 2 - 1);
        }
        return (inputs, targets);
    }

    private void AssertNoMismatch(string name, List<string> report)
    {
        foreach (string line in report)
        {
            _output.WriteLine(line);
        }
        string[] mismatches = report.Where(line => line.StartsWith("MISMATCH", StringComparison.Ordinal)).ToArray();
        Assert.True(mismatches.Length == 0, $"{name}:\n" + string.Join("\n", mismatches.Take(40)));
    }
}
