using System;
using System.Collections.Generic;
using System.Linq;

namespace NetGen.Reference.Tests;

/// <summary>A generated network and the same network written with TorchSharp.</summary>
public sealed record ReferenceCase(string Name, Func<ITrainableNetwork> Create, TorchNetwork Torch)
{
    private static TorchNetwork Net(int inputs, LossKind loss, params TorchLayer[] layers) => new(new[] { inputs }, loss, layers);

    private static readonly ReferenceCase[] Cases =
    {
        new("identity", () => new IdentityMlp(), Net(7, LossKind.MeanSquaredError, new TorchDense(9), new TorchDense(5))),
        new("sigmoid", () => new SigmoidMlp(), Net(7, LossKind.MeanSquaredError, new TorchDense(9, Activation.Sigmoid), new TorchDense(5))),
        new("tanh", () => new TanhMlp(), Net(7, LossKind.MeanSquaredError, new TorchDense(9, Activation.Tanh), new TorchDense(5))),
        new("relu", () => new ReluMlp(), Net(7, LossKind.MeanSquaredError, new TorchDense(9, Activation.ReLU), new TorchDense(5))),
        new("leaky relu, default slope", () => new LeakyReluDefaultSlopeMlp(), Net(7, LossKind.MeanSquaredError, new TorchDense(9, Activation.LeakyReLU), new TorchDense(5))),
        new("leaky relu, slope 0.2", () => new LeakyReluMlp(), Net(7, LossKind.MeanSquaredError, new TorchDense(9, Activation.LeakyReLU, 0.2f), new TorchDense(5))),
        new("elu, default alpha", () => new EluDefaultAlphaMlp(), Net(7, LossKind.MeanSquaredError, new TorchDense(9, Activation.ELU), new TorchDense(5))),
        new("elu, alpha 0.7", () => new EluMlp(), Net(7, LossKind.MeanSquaredError, new TorchDense(9, Activation.ELU, 0.7f), new TorchDense(5))),
        new("softplus", () => new SoftplusMlp(), Net(7, LossKind.MeanSquaredError, new TorchDense(9, Activation.Softplus), new TorchDense(5))),
        new("tanh output", () => new TanhOutputMlp(), Net(7, LossKind.MeanSquaredError, new TorchDense(9, Activation.ReLU), new TorchDense(5, Activation.Tanh))),
        new("l1", () => new L1Mlp(), Net(7, LossKind.L1, new TorchDense(9, Activation.Tanh), new TorchDense(5))),
        new("binary hinge", () => new BinaryHingeMlp(), Net(7, LossKind.Hinge, new TorchDense(9, Activation.Tanh), new TorchDense(1))),
        new("multi-class hinge", () => new MulticlassHingeMlp(), Net(7, LossKind.Hinge, new TorchDense(9, Activation.Tanh), new TorchDense(5))),
        new("softmax cross-entropy", () => new SoftmaxMlp(), Net(7, LossKind.SoftmaxCrossEntropy, new TorchDense(9, Activation.Tanh), new TorchDense(5))),
        new("binary cross-entropy", () => new MultiLabelMlp(), Net(7, LossKind.BinaryCrossEntropy, new TorchDense(9, Activation.Tanh), new TorchDense(5, Activation.Sigmoid))),
        new("maxout", () => new MaxoutMlp(), Net(7, LossKind.SoftmaxCrossEntropy, new TorchMaxout(5, 3), new TorchDense(4))),
        new("flatten", () => new FlattenMlp(), new TorchNetwork(new[] { 2, 3, 5 }, LossKind.MeanSquaredError,
            new TorchFlatten(), new TorchDense(6, Activation.ELU), new TorchDense(3))),
        new("wide", () => new WideMlp(), Net(37, LossKind.SoftmaxCrossEntropy,
            new TorchDense(43, Activation.Tanh), new TorchDense(19, Activation.ELU), new TorchDense(10))),
        new("wide maxout", () => new WideMaxoutMlp(), Net(37, LossKind.BinaryCrossEntropy,
            new TorchDense(43, Activation.LeakyReLU, 0.05f), new TorchMaxout(19, 3), new TorchDense(10, Activation.Sigmoid))),
    };

    public static ReferenceCase Named(string name) => Cases.Single(c => c.Name == name);

    /// <summary>Every case, by name (names keep xunit's test cases serializable: one result per case).</summary>
    public static IEnumerable<object[]> All() => Cases.Select(c => new object[] { c.Name });

    /// <summary>A network initialized the generated way (seeded Xavier/He), with biases then set to random values so
    /// that the forward pass depends on them (the initializer leaves them zero).</summary>
    public ITrainableNetwork CreateInitialized(int seed)
    {
        ITrainableNetwork model = Create();
        model.InitializeParameters(seed);
        var random = new Random(seed);
        foreach (ParameterBlock block in Torch.Blocks(model.Parameters.Length).Where(b => b.Name.EndsWith("bias", StringComparison.Ordinal)))
        {
            for (int i = block.Offset; i < block.Offset + block.Length; i++)
            {
                model.Parameters[i] = (float)(random.NextDouble() - 0.5);
            }
        }
        return model;
    }

    /// <summary>Inputs in [-1, 1] and targets that suit the loss, from a fixed seed.</summary>
    public static (float[] Inputs, float[] Targets) Data(ITrainableNetwork model, int batch, int seed)
    {
        var random = new Random(seed);
        float Uniform(double low, double high) => (float)(low + (high - low) * random.NextDouble());
        var inputs = new float[batch * model.InputSize];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = Uniform(-1, 1);
        }
        var targets = new float[batch * model.TargetSize];
        for (int i = 0; i < targets.Length; i++)
        {
            targets[i] = model.TargetSize == 1 && model.OutputSize > 1 ? random.Next(model.OutputSize) // a class index
                : model.Loss == LossKind.Hinge ? (random.Next(2) == 0 ? -1 : 1)
                : model.Loss == LossKind.BinaryCrossEntropy ? Uniform(0, 1) // soft labels exercise t away from 0 and 1
                : Uniform(-1, 1);
        }
        return (inputs, targets);
    }

    public override string ToString() => Name;
}
