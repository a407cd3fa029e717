using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NetGen.Reference.Tests;

/// <summary>
/// What a torch layer may need beyond the parameters when a network has training and inference modes: the mode, the
/// batch-norm running statistics (NetGen's <see cref="INetwork.Buffers"/>, copied in and updated in place by
/// <c>batch_norm</c>), the shortcut of the open residual block, and the dropout masks recovered from NetGen.
/// </summary>
public sealed class TorchModeContext
{
    private readonly float[] _buffers;
    private readonly IReadOnlyList<float[]> _masks;
    private readonly List<(int Offset, Tensor Mean, Tensor Variance)> _statistics = new();
    private int _bufferOffset;
    private int _dropouts;

    public TorchModeContext(TorchParameters parameters, bool training, float[] buffers, IReadOnlyList<float[]> masks)
    {
        Parameters = parameters;
        Training = training;
        _buffers = buffers;
        _masks = masks;
    }

    public TorchParameters Parameters { get; }

    public bool Training { get; }

    /// <summary>The input of the residual block being built (NetGen does not nest blocks).</summary>
    public Tensor? Shortcut { get; set; }

    /// <summary>The next batch-norm layer's running mean and variance ([channels] each, NetGen stores them one after the other).</summary>
    public (Tensor Mean, Tensor Variance) TakeRunningStatistics(long channels)
    {
        int length = checked((int)channels);
        if (_bufferOffset + 2 * length > _buffers.Length)
        {
            throw new InvalidOperationException($"Batch norm over {channels} channels needs buffers [{_bufferOffset}, {_bufferOffset + 2 * length}), but the network has {_buffers.Length}.");
        }
        Tensor mean = tensor(_buffers.AsSpan(_bufferOffset, length).ToArray(), new long[] { channels });
        Tensor variance = tensor(_buffers.AsSpan(_bufferOffset + length, length).ToArray(), new long[] { channels });
        _statistics.Add((_bufferOffset, mean, variance));
        _bufferOffset += 2 * length;
        return (mean, variance);
    }

    /// <summary>The next dropout layer's keep mask (1 kept, 0 dropped), for the whole batch, in NetGen's element order.</summary>
    public float[] TakeMask()
    {
        if (_dropouts >= _masks.Count)
        {
            throw new InvalidOperationException($"Dropout layer {_dropouts} has no mask: {_masks.Count} were given.");
        }
        return _masks[_dropouts++];
    }

    /// <summary>Checks that the layers used every running statistic.</summary>
    public void EnsureAllBuffersTaken()
    {
        if (_bufferOffset != _buffers.Length)
        {
            throw new InvalidOperationException($"The torch layers use {_bufferOffset} buffer floats, but the network has {_buffers.Length}.");
        }
    }

    /// <summary>The running statistics after the forward pass (moved by <c>batch_norm</c> in training), in NetGen's layout.</summary>
    public float[] Buffers()
    {
        var result = (float[])_buffers.Clone();
        foreach (var (offset, mean, variance) in _statistics)
        {
            float[] m = mean.data<float>().ToArray();
            m.CopyTo(result, offset);
            variance.data<float>().ToArray().CopyTo(result, offset + m.Length);
        }
        return result;
    }
}

/// <summary>A layer of a <see cref="TorchModeNetwork"/>: it may read the mode, running statistics, shortcut and masks.</summary>
public abstract record TorchModeLayer
{
    public abstract Tensor Forward(Tensor x, TorchModeContext context, int index);

    /// <summary>A layer that behaves the same in both modes (dense, convolution, pooling, flatten).</summary>
    public static implicit operator TorchModeLayer(TorchLayer layer) => new TorchSameInBothModes(layer);
}

/// <summary>One of <see cref="TorchReference"/>'s layers, which have no mode.</summary>
public sealed record TorchSameInBothModes(TorchLayer Layer) : TorchModeLayer
{
    public override Tensor Forward(Tensor x, TorchModeContext context, int index) => Layer.Forward(x, context.Parameters, index);
}

/// <summary>
/// <c>BatchNorm</c>: torch's <c>batch_norm</c> per feature ([batch, features]) or per channel ([batch, C, H, W]), with
/// gamma then beta from the parameters (NetGen's weight and bias offsets, which follow each other) and the running mean
/// and variance from the buffers. In training it normalizes with the batch's biased variance and moves the running
/// statistics by <paramref name="Momentum"/> towards the batch mean and unbiased variance; in inference it uses them.
/// NetGen's float settings go to torch as the same numbers (the float widened to double), not as the decimal literals.
/// </summary>
public sealed record TorchBatchNorm(float Momentum = 0.1f, float Epsilon = 1e-5f, Activation Activation = Activation.Identity, float Alpha = float.NaN)
    : TorchModeLayer
{
    public override Tensor Forward(Tensor x, TorchModeContext context, int index)
    {
        long channels = x.shape[1];
        Tensor gamma = context.Parameters.Take($"layer {index} (batch norm) gamma", channels);
        Tensor beta = context.Parameters.Take($"layer {index} (batch norm) beta", channels);
        var (mean, variance) = context.TakeRunningStatistics(channels);
        Tensor z = F.batch_norm(x, mean, variance, gamma, beta, context.Training, Momentum, Epsilon);
        return TorchActivation.Apply(z, Activation, Alpha);
    }
}

/// <summary><c>ResidualStart</c>: remembers the block's input.</summary>
public sealed record TorchResidualStart : TorchModeLayer
{
    public override Tensor Forward(Tensor x, TorchModeContext context, int index)
    {
        if (context.Shortcut is not null)
        {
            throw new InvalidOperationException("Residual blocks do not nest.");
        }
        context.Shortcut = x;
        return x;
    }
}

/// <summary>
/// <c>ResidualEnd</c>: <c>f(x + shortcut)</c>, the shortcut the block's input itself when the shapes agree, else its
/// projection without bias, taken from the parameters after the block's layers (NetGen's order): for vectors
/// <c>s W</c> with W [in, out] (NetGen's dense layout), for images a 1x1 <c>conv2d</c> with weights [out, in, 1, 1] and
/// stride <paramref name="Stride"/>.
/// </summary>
public sealed record TorchResidualEnd(Activation Activation = Activation.Identity, float Alpha = float.NaN, int Stride = 1) : TorchModeLayer
{
    public override Tensor Forward(Tensor x, TorchModeContext context, int index)
    {
        Tensor shortcut = context.Shortcut ?? throw new InvalidOperationException("ResidualEnd without ResidualStart.");
        context.Shortcut = null;
        if (!shortcut.shape.SequenceEqual(x.shape))
        {
            if (x.dim() == 2)
            {
                Tensor weight = context.Parameters.Take($"layer {index} (residual projection) weight", shortcut.shape[1], x.shape[1]);
                shortcut = shortcut.matmul(weight);
            }
            else
            {
                Tensor weight = context.Parameters.Take($"layer {index} (residual projection) weight", x.shape[1], shortcut.shape[1], 1, 1);
                shortcut = F.conv2d(shortcut, weight, null, strides: new long[] { Stride, Stride });
            }
            if (!shortcut.shape.SequenceEqual(x.shape))
            {
                throw new InvalidOperationException($"The projected shortcut is {TorchParameters.Shape(shortcut.shape)}, the block's output {TorchParameters.Shape(x.shape)}.");
            }
        }
        return TorchActivation.Apply(x + shortcut, Activation, Alpha);
    }
}

/// <summary>
/// <c>Dropout</c>: in training, NetGen's own mask (torch draws other random numbers) applied the inverted way,
/// <c>x * mask / (1 - rate)</c>; in inference torch's <c>dropout</c> in eval mode, the identity. <paramref name="Rescale"/>
/// false (survivors not scaled) is a negative control only.
/// </summary>
public sealed record TorchDropout(double Rate, bool Rescale = true) : TorchModeLayer
{
    public override Tensor Forward(Tensor x, TorchModeContext context, int index)
    {
        if (!context.Training)
        {
            return F.dropout(x, Rate, training: false);
        }
        Tensor mask = tensor(context.TakeMask(), x.shape);
        return Rescale ? x * mask / (1 - Rate) : x * mask;
    }
}

/// <summary>A network in torch with training and inference modes; <see cref="Run"/> mirrors a generated network's calls.</summary>
public sealed class TorchModeNetwork
{
    static TorchModeNetwork()
    {
        // As TorchNetwork: one intra-op thread, a fixed reduction order and bit-reproducible results.
        torch.set_num_threads(1);
    }

    public TorchModeNetwork(int[] inputShape, LossKind loss, params TorchModeLayer[] layers)
    {
        InputShape = inputShape;
        Loss = loss;
        Layers = layers;
    }

    public int[] InputShape { get; }

    public LossKind Loss { get; }

    public IReadOnlyList<TorchModeLayer> Layers { get; }

    /// <summary>
    /// What torch computed: outputs, mean loss, its gradients in NetGen's layouts (training only; empty in inference) and
    /// the running statistics after the pass.
    /// </summary>
    public sealed record Result(float[] Outputs, float Loss, float[] ParameterGradients, float[] InputGradients, float[] Buffers, IReadOnlyList<ParameterBlock> Blocks);

    /// <summary>One forward pass (and in training a backward pass) of <paramref name="batch"/> samples.</summary>
    /// <param name="masks">The keep masks of the dropout layers in order, used in training only.</param>
    public Result Run(float[] parameterValues, float[] bufferValues, float[] inputs, float[] targets, int batch, bool training, IReadOnlyList<float[]>? masks = null)
    {
        using var scope = NewDisposeScope();
        var parameters = new TorchParameters(parameterValues);
        var context = new TorchModeContext(parameters, training, bufferValues, masks ?? Array.Empty<float[]>());
        Tensor input = tensor(inputs, new long[] { batch }.Concat(InputShape.Select(d => (long)d)).ToArray(), requires_grad: training);
        Tensor x = input;
        for (int i = 0; i < Layers.Count; i++)
        {
            x = Layers[i].Forward(x, context, i);
        }
        parameters.EnsureAllTaken();
        context.EnsureAllBuffersTaken();
        Tensor loss = LossOf(x, targets, batch);
        float[] parameterGradients = Array.Empty<float>(), inputGradients = Array.Empty<float>();
        if (training)
        {
            loss.backward();
            parameterGradients = parameters.Gradients();
            inputGradients = (input.grad ?? throw new InvalidOperationException("The input received no gradient.")).data<float>().ToArray();
        }
        return new Result(x.detach().data<float>().ToArray(), loss.item<float>(), parameterGradients, inputGradients, context.Buffers(), parameters.Blocks);
    }

    private Tensor LossOf(Tensor output, float[] targets, int batch) => Loss switch
    {
        LossKind.MeanSquaredError => F.mse_loss(output, tensor(targets, output.shape)),
        // NetGen stores class indices as floats.
        LossKind.SoftmaxCrossEntropy => F.cross_entropy(output, tensor(targets.Select(t => (long)t).ToArray(), new long[] { batch })),
        _ => throw new NotSupportedException($"No torch reference for {Loss} here (see TorchNetwork for the others)."),
    };
}
