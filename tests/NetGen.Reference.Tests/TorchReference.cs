using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NetGen.Reference.Tests;

/// <summary>A named, contiguous range of a generated network's <see cref="INetwork.Parameters"/> (one weight or bias tensor).</summary>
public sealed record ParameterBlock(string Name, int Offset, int Length, long[] Shape);

/// <summary>
/// Hands out NetGen's flat parameter buffer to torch, one tensor at a time and in layer order, as leaves that autograd fills
/// with gradients. Each leaf keeps NetGen's layout; the layer converts it to torch's layout inside the graph (for a dense
/// layer <c>w.t()</c>: NetGen stores [inputs, units], <c>torch.nn.Linear</c> [units, inputs]). The conversion is then part of
/// what the comparison checks, and the leaf's gradient comes back in NetGen's layout, ready to compare with
/// <see cref="ITrainableNetwork.Gradients"/> element for element.
/// </summary>
public sealed class TorchParameters
{
    private readonly float[] _values;
    private readonly List<(ParameterBlock Block, Tensor Leaf)> _taken = new();
    private int _offset;

    public TorchParameters(float[] values) => _values = values;

    /// <summary>The next <paramref name="shape"/>-shaped tensor of the buffer, as a leaf that requires a gradient.</summary>
    public Tensor Take(string name, params long[] shape)
    {
        int length = checked((int)shape.Aggregate(1L, (a, b) => a * b));
        if (_offset + length > _values.Length)
        {
            throw new InvalidOperationException(
                $"{name} {Shape(shape)} needs parameters [{_offset}, {_offset + length}), but the network has only {_values.Length}.");
        }
        Tensor leaf = tensor(_values.AsSpan(_offset, length).ToArray(), shape, requires_grad: true);
        _taken.Add((new ParameterBlock(name, _offset, length, shape), leaf));
        _offset += length;
        return leaf;
    }

    /// <summary>The blocks taken so far, in buffer order.</summary>
    public IReadOnlyList<ParameterBlock> Blocks => _taken.Select(t => t.Block).ToArray();

    /// <summary>Checks that the layers used the whole buffer, no more and no less.</summary>
    public void EnsureAllTaken()
    {
        if (_offset != _values.Length)
        {
            throw new InvalidOperationException($"The torch layers use {_offset} parameters, but the network has {_values.Length}.");
        }
    }

    /// <summary>After backward: every leaf's gradient, placed at its block's offset (NetGen's layout).</summary>
    public float[] Gradients()
    {
        var result = new float[_values.Length];
        foreach (var (block, leaf) in _taken)
        {
            Tensor? grad = leaf.grad;
            if (grad is null)
            {
                throw new InvalidOperationException($"{block.Name} received no gradient: the layer did not use it.");
            }
            grad.data<float>().ToArray().CopyTo(result, block.Offset);
        }
        return result;
    }

    internal static string Shape(long[] shape) => "[" + string.Join(", ", shape) + "]";
}

/// <summary>One layer of a torch reference network, reading its parameters from NetGen's buffer in NetGen's order.</summary>
public abstract record TorchLayer
{
    /// <summary>The layer applied to <paramref name="x"/> (batch first). The last layer of a network is asked for its
    /// activation separately only for the binary cross-entropy loss (see <see cref="TorchNetwork"/>).</summary>
    public abstract Tensor Forward(Tensor x, TorchParameters parameters, int index);
}

/// <summary><c>y = f(x W + b)</c>: NetGen's W is [inputs, units], so torch's linear gets <c>W.t()</c>.</summary>
public sealed record TorchDense(int Units, Activation Activation = Activation.Identity, float Alpha = float.NaN) : TorchLayer
{
    public override Tensor Forward(Tensor x, TorchParameters parameters, int index) => Activate(Linear(x, parameters, index));

    /// <summary>The pre-activation <c>x W + b</c>.</summary>
    public Tensor Linear(Tensor x, TorchParameters parameters, int index)
    {
        long inputs = x.shape[1];
        Tensor weight = parameters.Take($"layer {index} (dense) weight", inputs, Units);
        Tensor bias = parameters.Take($"layer {index} (dense) bias", Units);
        return F.linear(x, weight.t(), bias);
    }

    public Tensor Activate(Tensor z) => TorchActivation.Apply(z, Activation, Alpha);
}

/// <summary>NetGen's element-wise activations in torch, for any layer that declares <c>Activation</c> and <c>Alpha</c>.</summary>
public static class TorchActivation
{
    public static Tensor Apply(Tensor z, Activation activation, float alpha) => activation switch
    {
        Activation.Identity => z,
        Activation.Sigmoid => F.sigmoid(z),
        Activation.Tanh => F.tanh(z),
        Activation.ReLU => F.relu(z),
        // NetGen's defaults when Alpha is not set: slope 0.01 (torch's default too) and ELU alpha 1.
        Activation.LeakyReLU => F.leaky_relu(z, float.IsNaN(alpha) ? 0.01 : alpha),
        Activation.ELU => F.elu(z, float.IsNaN(alpha) ? 1.0 : alpha),
        // torch returns x itself above its threshold 20, where ln(1 + e^x) - x < 2.1e-9: below float32 resolution.
        Activation.Softplus => F.softplus(z),
        _ => throw new NotSupportedException($"No torch reference for {activation}."),
    };
}

/// <summary>
/// Maxout (Goodfellow et al. 2013): NetGen's weights are [inputs, pieces, units] and its bias [pieces, units]. In torch,
/// one linear layer to pieces * units outputs (weight rows ordered piece-major, as NetGen's columns), viewed as
/// [batch, pieces, units], then the maximum over the pieces.
/// </summary>
public sealed record TorchMaxout(int Units, int Pieces) : TorchLayer
{
    public override Tensor Forward(Tensor x, TorchParameters parameters, int index)
    {
        long inputs = x.shape[1];
        Tensor weight = parameters.Take($"layer {index} (maxout) weight", inputs, Pieces, Units);
        Tensor bias = parameters.Take($"layer {index} (maxout) bias", Pieces, Units);
        Tensor z = F.linear(x, weight.reshape(inputs, Pieces * Units).t(), bias.reshape(Pieces * Units));
        return z.view(x.shape[0], Pieces, Units).max(1).values;
    }
}

/// <summary>Flattens everything after the batch dimension (C x H x W, channel-major in both libraries).</summary>
public sealed record TorchFlatten : TorchLayer
{
    public override Tensor Forward(Tensor x, TorchParameters parameters, int index) => x.flatten(1);
}

/// <summary>
/// A whole network in torch: an input shape, layers and NetGen's loss. <see cref="Run"/> takes NetGen's parameters and a
/// batch, and returns everything a generated network's <c>Forward</c> and <c>TrainStep</c> produce, computed by libtorch.
/// Later layer kinds (convolution, pooling, batch normalization) only need a new <see cref="TorchLayer"/>.
/// </summary>
public sealed class TorchNetwork
{
    static TorchNetwork()
    {
        // One intra-op thread: libtorch then reduces in one fixed order, so every run gives the same bits (and xunit's
        // parallel test classes do not oversubscribe the two cores).
        torch.set_num_threads(1);
    }

    public TorchNetwork(int[] inputShape, LossKind loss, params TorchLayer[] layers)
    {
        InputShape = inputShape;
        Loss = loss;
        Layers = layers;
    }

    public int[] InputShape { get; }

    public LossKind Loss { get; }

    public IReadOnlyList<TorchLayer> Layers { get; }

    /// <summary>What torch computed for one batch; gradients are of the mean loss, in NetGen's layouts.</summary>
    public sealed record Result(float[] Outputs, float Loss, float[] ParameterGradients, float[] InputGradients, IReadOnlyList<ParameterBlock> Blocks);

    /// <summary>The parameter blocks the layers take from a buffer of <paramref name="parameterCount"/> floats.</summary>
    public IReadOnlyList<ParameterBlock> Blocks(int parameterCount)
    {
        using var scope = NewDisposeScope();
        var parameters = new TorchParameters(new float[parameterCount]);
        Tensor x = zeros(new long[] { 1 }.Concat(InputShape.Select(d => (long)d)).ToArray());
        for (int i = 0; i < Layers.Count; i++)
        {
            x = Layers[i].Forward(x, parameters, i);
        }
        parameters.EnsureAllTaken();
        return parameters.Blocks;
    }

    /// <summary>Forward, NetGen's loss and backward in float32, on <paramref name="batch"/> samples.</summary>
    public Result Run(float[] parameterValues, float[] inputs, float[] targets, int batch)
    {
        using var scope = NewDisposeScope();
        var parameters = new TorchParameters(parameterValues);
        Tensor input = tensor(inputs, new long[] { batch }.Concat(InputShape.Select(d => (long)d)).ToArray(), requires_grad: true);

        Tensor x = input;
        for (int i = 0; i < Layers.Count - 1; i++)
        {
            x = Layers[i].Forward(x, parameters, i);
        }
        Tensor output;
        Tensor loss;
        int last = Layers.Count - 1;
        if (Loss == LossKind.BinaryCrossEntropy)
        {
            // NetGen fuses the output sigmoid into the loss; torch's fused form is BCE with logits on the pre-activation.
            var dense = Layers[last] as TorchDense;
            if (dense is null || dense.Activation != Activation.Sigmoid)
            {
                throw new InvalidOperationException("Binary cross-entropy needs a dense output layer with a sigmoid.");
            }
            Tensor logits = dense.Linear(x, parameters, last);
            output = F.sigmoid(logits);
            loss = F.binary_cross_entropy_with_logits(logits, tensor(targets, output.shape));
        }
        else
        {
            output = Layers[last].Forward(x, parameters, last);
            loss = LossOf(output, targets, batch);
        }
        parameters.EnsureAllTaken();
        loss.backward();

        Tensor? inputGradient = input.grad;
        if (inputGradient is null)
        {
            throw new InvalidOperationException("The input received no gradient.");
        }
        return new Result(
            output.detach().data<float>().ToArray(),
            loss.item<float>(),
            parameters.Gradients(),
            inputGradient.data<float>().ToArray(),
            parameters.Blocks);
    }

    private Tensor LossOf(Tensor output, float[] targets, int batch)
    {
        long outputs = output.shape[1];
        // Class-index targets (softmax cross-entropy, multi-class hinge) are stored by NetGen as floats.
        Tensor Labels() => tensor(targets.Select(t => (long)t).ToArray(), new long[] { batch });
        Tensor Values() => tensor(targets, output.shape);
        return Loss switch
        {
            LossKind.MeanSquaredError => F.mse_loss(output, Values()),
            LossKind.L1 => F.l1_loss(output, Values()),
            // Binary hinge: torch has no loss of this form (hinge_embedding_loss is another one), so the formula itself.
            LossKind.Hinge when outputs == 1 => F.relu(1 - Values() * output).mean(),
            // sum over j != y of max(0, 1 - x_y + x_j) / C, averaged over the batch: torch's MultiMarginLoss defaults.
            LossKind.Hinge => F.multi_margin_loss(output, Labels()),
            LossKind.SoftmaxCrossEntropy => F.cross_entropy(output, Labels()),
            _ => throw new NotSupportedException($"No torch reference for {Loss}."),
        };
    }
}
