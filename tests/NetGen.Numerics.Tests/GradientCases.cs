using System;
using System.Collections.Generic;

namespace NetGen.Numerics.Tests;

/// <summary>A generated network, the same architecture written for the reference, and a seeded batch of data for it.</summary>
public sealed class GradientCase
{
    private GradientCase(string name, Func<ITrainableNetwork> create, ReferenceNetwork reference)
    {
        Name = name;
        Create = create;
        Reference = reference;
    }

    public string Name { get; }

    internal Func<ITrainableNetwork> Create { get; }

    internal ReferenceNetwork Reference { get; }

    public override string ToString() => Name;

    /// <summary>Inputs in [-1, 1] and targets that fit the loss, from a fixed seed.</summary>
    internal static (float[] Inputs, float[] Targets) Data(ITrainableNetwork model, int batch, int seed)
    {
        var random = new SeededRandom(seed);
        var inputs = new float[batch * model.InputSize];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = 2 * random.NextSingle() - 1;
        }
        var targets = new float[batch * model.TargetSize];
        for (int i = 0; i < targets.Length; i++)
        {
            targets[i] = model.TargetSize == 1 && model.OutputSize > 1 ? random.NextInt32(model.OutputSize)
                : model.Loss == LossKind.Hinge ? (random.NextInt32(2) == 0 ? -1 : 1)
                : model.Loss == LossKind.BinaryCrossEntropy ? random.NextSingle()
                : 2 * random.NextSingle() - 1;
        }
        return (inputs, targets);
    }

    /// <summary>Networks whose training mode differs from inference (dropout, batch normalization): checked by finite differences of TrainingLoss.</summary>
    public static IEnumerable<object[]> TrainingMode()
    {
        yield return new object[] { new GradientCase("dropout", () => new DropoutNet(), new ReferenceNetwork(6, LossKind.SoftmaxCrossEntropy)) };
        yield return new object[] { new GradientCase("batch norm after dense", () => new DenseBatchNormNet(), new ReferenceNetwork(6, LossKind.SoftmaxCrossEntropy)) };
        yield return new object[] { new GradientCase("batch norm after conv", () => new ConvBatchNormNet(), new ReferenceNetwork(50, LossKind.MeanSquaredError)) };
    }

    /// <summary>
    /// Networks checked against the reference only: each convolution weight reaches hundreds of max-pool windows and
    /// maxout pieces, so some max switches within any finite-difference step.
    /// </summary>
    public static IEnumerable<object[]> ReferenceOnly()
    {
        yield return new object[]
        {
            new GradientCase("wide rows and many pieces: looped max pool and maxout, col2im by rows", () => new WideRowNet(), new ReferenceNetwork(new[] { 1, 2, 530 }, LossKind.SoftmaxCrossEntropy,
                new ReferenceConv(1, 3, 3, PadHeight: 1, PadWidth: 1, Activation: Activation.Tanh), new ReferencePool(true, 2, 2), new ReferenceFlatten(),
                new ReferenceMaxout(2, 9), new ReferenceDense(2))),
        };
    }

    public static IEnumerable<object[]> All()
    {
        static object[] Case(string name, Func<ITrainableNetwork> create, int input, LossKind loss, params ReferenceLayer[] layers) =>
            new object[] { new GradientCase(name, create, new ReferenceNetwork(input, loss, layers)) };
        static object[] Image(string name, Func<ITrainableNetwork> create, int[] input, LossKind loss, params ReferenceLayer[] layers) =>
            new object[] { new GradientCase(name, create, new ReferenceNetwork(input, loss, layers)) };

        yield return Case("identity", () => new IdentityNet(), 6, LossKind.MeanSquaredError, new ReferenceDense(5), new ReferenceDense(3));
        yield return Case("sigmoid", () => new SigmoidNet(), 6, LossKind.MeanSquaredError, new ReferenceDense(5, Activation.Sigmoid), new ReferenceDense(3));
        yield return Case("tanh", () => new TanhNet(), 6, LossKind.MeanSquaredError, new ReferenceDense(5, Activation.Tanh), new ReferenceDense(3));
        yield return Case("relu", () => new ReluNet(), 6, LossKind.MeanSquaredError, new ReferenceDense(5, Activation.ReLU), new ReferenceDense(3));
        yield return Case("leaky relu", () => new LeakyReluNet(), 6, LossKind.MeanSquaredError, new ReferenceDense(5, Activation.LeakyReLU, 0.1f), new ReferenceDense(3));
        yield return Case("elu", () => new EluNet(), 6, LossKind.MeanSquaredError, new ReferenceDense(5, Activation.ELU, 0.7f), new ReferenceDense(3));
        yield return Case("softplus", () => new SoftplusNet(), 6, LossKind.MeanSquaredError, new ReferenceDense(5, Activation.Softplus), new ReferenceDense(3));
        yield return Case("l1", () => new L1Net(), 6, LossKind.L1, new ReferenceDense(9, Activation.Tanh), new ReferenceDense(4));
        yield return Case("binary hinge", () => new BinaryHingeNet(), 6, LossKind.Hinge, new ReferenceDense(9, Activation.Tanh), new ReferenceDense(1));
        yield return Case("multiclass hinge", () => new MulticlassHingeNet(), 6, LossKind.Hinge, new ReferenceDense(9, Activation.Tanh), new ReferenceDense(4));
        yield return Case("softmax cross-entropy", () => new SoftmaxNet(), 6, LossKind.SoftmaxCrossEntropy, new ReferenceDense(9, Activation.Tanh), new ReferenceDense(4));
        yield return Case("binary cross-entropy", () => new MultiLabelNet(), 6, LossKind.BinaryCrossEntropy, new ReferenceDense(9, Activation.Tanh), new ReferenceDense(3, Activation.Sigmoid));
        yield return Case("maxout", () => new MaxoutNet(), 7, LossKind.SoftmaxCrossEntropy, new ReferenceMaxout(5, 3), new ReferenceDense(4));
        yield return Case("flatten", () => new FlattenNet(), 24, LossKind.MeanSquaredError, new ReferenceFlatten(), new ReferenceDense(5, Activation.ELU, 1), new ReferenceDense(2));
        yield return Case("wide", () => new WideNet(), 37, LossKind.SoftmaxCrossEntropy,
            new ReferenceDense(43, Activation.Tanh), new ReferenceDense(19, Activation.ELU, 1), new ReferenceMaxout(10, 2), new ReferenceDense(10));
        yield return Image("conv 3x3 + overlapping max pool", () => new ConvPoolNet(), new[] { 3, 13, 11 }, LossKind.SoftmaxCrossEntropy,
            new ReferenceConv(5, 3, 3, Activation: Activation.Tanh), new ReferencePool(true, 3, 2), new ReferenceFlatten(), new ReferenceDense(4));
        yield return Image("conv 3x2 stride 2 padding 2 dilation 2 no bias + avg pool + global avg pool", () => new StridedDilatedNet(), new[] { 2, 9, 9 }, LossKind.MeanSquaredError,
            new ReferenceConv(4, 3, 2, Stride: 2, PadHeight: 2, PadWidth: 2, Dilation: 2, Bias: false, Activation: Activation.ELU, Alpha: 1), new ReferencePool(false, 2, 1), new ReferenceGlobalAvgPool());
        yield return Image("conv 1x1 + same padding", () => new PointwiseNet(), new[] { 6, 5, 7 }, LossKind.SoftmaxCrossEntropy,
            new ReferenceConv(3, 1, 1, Activation: Activation.Sigmoid), new ReferenceConv(4, 3, 3, PadHeight: 1, PadWidth: 1, Activation: Activation.Tanh), new ReferenceGlobalAvgPool());
        yield return Image("direct conv 3x3 padding 1, 7 filters on 28-wide rows", () => new DirectConvNet(), new[] { 2, 5, 28 }, LossKind.SoftmaxCrossEntropy,
            new ReferenceConv(7, 3, 3, PadHeight: 1, PadWidth: 1, Activation: Activation.Softplus), new ReferenceGlobalAvgPool(), new ReferenceDense(3));
        yield return Image("direct conv 3x9 dilation 2, no padding", () => new DirectDilatedConvNet(), new[] { 1, 9, 32 }, LossKind.MeanSquaredError,
            new ReferenceConv(5, 3, 9, Dilation: 2, Activation: Activation.LeakyReLU, Alpha: 0.2f), new ReferenceFlatten(), new ReferenceDense(2));
        yield return Image("conv 3x3 on 12-wide output rows, no padding (whole-vector im2col)", () => new RowBlendConvNet(), new[] { 2, 7, 14 }, LossKind.SoftmaxCrossEntropy,
            new ReferenceConv(3, 3, 3, Activation: Activation.Tanh), new ReferenceFlatten(), new ReferenceDense(3));
        yield return Image("conv 3x2 dilation 2 on 10-wide output rows, no padding (whole-vector im2col)", () => new DilatedRowBlendConvNet(), new[] { 1, 9, 12 }, LossKind.MeanSquaredError,
            new ReferenceConv(2, 3, 2, Dilation: 2, Activation: Activation.ELU, Alpha: 1), new ReferenceFlatten(), new ReferenceDense(2));
        yield return Image("conv 5x6 without padding (im2row of whole kernel rows, spilling 8-float copies)", () => new InsideIm2RowNet(), new[] { 3, 9, 12 }, LossKind.SoftmaxCrossEntropy,
            new ReferenceConv(4, 5, 6, Activation: Activation.Tanh), new ReferenceFlatten(), new ReferenceDense(3));
        yield return Image("conv 4x4 stride 2 without padding (im2row of whole kernel rows)", () => new StridedIm2RowNet(), new[] { 2, 10, 12 }, LossKind.MeanSquaredError,
            new ReferenceConv(3, 4, 4, Stride: 2, Activation: Activation.ELU, Alpha: 1), new ReferenceFlatten(), new ReferenceDense(2));
        yield return Image("conv 3x3 with more filters than output pixels (pixel-major weight gradient)", () => new ManyFiltersConvNet(), new[] { 5, 3, 3 }, LossKind.SoftmaxCrossEntropy,
            new ReferenceConv(11, 3, 3, PadHeight: 1, PadWidth: 1, Activation: Activation.Tanh), new ReferenceFlatten(), new ReferenceDense(3));
        yield return Case("residual, identity shortcut", () => new ResidualNet(), 8, LossKind.SoftmaxCrossEntropy,
            new ReferenceDense(8, Activation.Tanh), new ReferenceResidualStart(), new ReferenceDense(8, Activation.ReLU), new ReferenceDense(8),
            new ReferenceResidualEnd(Activation.ReLU), new ReferenceDense(3));
        yield return Case("residual from the input, linear projection", () => new ProjectedResidualNet(), 6, LossKind.MeanSquaredError,
            new ReferenceResidualStart(), new ReferenceDense(9, Activation.Tanh), new ReferenceResidualEnd(Activation.Tanh, ProjectionStride: -1), new ReferenceDense(2));
        yield return Image("residual, strided 1x1 conv projection", () => new ConvResidualNet(), new[] { 2, 7, 7 }, LossKind.SoftmaxCrossEntropy,
            new ReferenceResidualStart(), new ReferenceConv(4, 3, 3, Stride: 2, PadHeight: 1, PadWidth: 1, Activation: Activation.ELU, Alpha: 1),
            new ReferenceConv(4, 3, 3, PadHeight: 1, PadWidth: 1), new ReferenceResidualEnd(Activation.Softplus, ProjectionStride: 2), new ReferenceGlobalAvgPool());
        yield return Image("small LeNet", () => new TinyLeNet(), new[] { 1, 12, 12 }, LossKind.SoftmaxCrossEntropy,
            new ReferenceConv(4, 5, 5, PadHeight: 2, PadWidth: 2, Activation: Activation.ReLU), new ReferencePool(true, 2, 2),
            new ReferenceConv(6, 3, 3, Activation: Activation.ReLU), new ReferencePool(true, 2, 2), new ReferenceFlatten(), new ReferenceDense(3));
    }
}
