using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetGen.Benchmarks.Engines;

/// <summary>
/// A generated network rebuilt as a <c>torch.nn.Sequential</c> (libtorch on the CPU, float32) from its
/// <see cref="INetwork.Description"/>, with NetGen's current parameters copied in: what a TorchSharp user would write for
/// the same architecture. The input (and, for training, the labels) are copied into tensors once, so that a measured
/// call is the library's own work only.
/// </summary>
public sealed class TorchModel : IDisposable
{
    private readonly Sequential _module;
    private readonly List<(LayerDescription Layer, nn.Module Module)> _parameterized = new();
    private readonly Tensor _inputs;
    private readonly Tensor? _labels;
    private readonly torch.optim.Optimizer? _optimizer;

    /// <param name="model">The network whose architecture and parameters to copy.</param>
    /// <param name="threads">libtorch's intra-op threads (<c>torch.set_num_threads</c>).</param>
    /// <param name="inputs">A batch of inputs, NetGen's layout.</param>
    /// <param name="batch">Samples in <paramref name="inputs"/>.</param>
    /// <param name="labels">Class labels for training (null: inference only).</param>
    /// <param name="learningRate">The SGD learning rate for training.</param>
    public TorchModel(ITrainableNetwork model, int threads, float[] inputs, int batch, float[]? labels = null, float learningRate = 0)
    {
        torch.set_num_threads(threads);
        NetworkDescription description = model.Description;
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        foreach (LayerDescription layer in description.Layers)
        {
            modules.AddRange(Layer(layer, model.Parameters));
        }
        _module = nn.Sequential(modules);
        long[] inputShape = new long[] { batch }.Concat(description.InputShape.Select(d => (long)d)).ToArray();
        _inputs = torch.tensor(inputs, inputShape);
        if (labels is not null)
        {
            _labels = torch.tensor(labels.Select(l => (long)l).ToArray(), new long[] { batch });
            _module.train();
            _optimizer = torch.optim.SGD(_module.parameters(), learningRate);
        }
        else
        {
            _module.eval();
        }
    }

    /// <summary>Inference on the batch: the outputs stay in libtorch's tensor, as NetGen's stay in its span.</summary>
    public void Forward()
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        _module.forward(_inputs);
    }

    /// <summary>The outputs of <see cref="Forward"/>, copied out (for the agreement check).</summary>
    public float[] Outputs()
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        return _module.forward(_inputs).data<float>().ToArray();
    }

    /// <summary>One training step: forward, softmax cross-entropy (mean over the batch), backward, SGD update.</summary>
    public void TrainStep()
    {
        using var scope = torch.NewDisposeScope();
        _optimizer!.zero_grad();
        Tensor loss = nn.functional.cross_entropy(_module.forward(_inputs), _labels!);
        loss.backward();
        _optimizer.step();
    }

    /// <summary>
    /// A training step's loss and gradients in NetGen's parameter layout (for the agreement check): the step of
    /// <see cref="TrainStep"/> without the update.
    /// </summary>
    public (float Loss, float[] Gradients) LossAndGradients(int parameterCount)
    {
        using var scope = torch.NewDisposeScope();
        _optimizer!.zero_grad();
        Tensor loss = nn.functional.cross_entropy(_module.forward(_inputs), _labels!);
        loss.backward();
        var gradients = new float[parameterCount];
        foreach (var (layer, module) in _parameterized)
        {
            (Tensor? weight, Tensor? bias) = module switch
            {
                Linear linear => (linear.weight!.grad?.t(), linear.bias?.grad),
                Conv2d conv => (conv.weight!.grad, conv.bias?.grad),
                _ => throw new NotSupportedException(module.GetType().Name),
            };
            weight!.contiguous().data<float>().ToArray().CopyTo(gradients, layer.WeightOffset);
            bias?.data<float>().ToArray().CopyTo(gradients, layer.BiasOffset);
        }
        return (loss.item<float>(), gradients);
    }

    public void Dispose()
    {
        _optimizer?.Dispose();
        _labels?.Dispose();
        _inputs.Dispose();
        _module.Dispose();
    }

    // NetGen's layer as torch modules, with its parameters copied in.
    private IEnumerable<(string, nn.Module<Tensor, Tensor>)> Layer(LayerDescription layer, float[] parameters)
    {
        string name = layer.Name;
        switch (layer.Kind)
        {
            case LayerKind.Dense:
            {
                int inputs = layer.WeightLength / layer.Units;
                Linear linear = nn.Linear(inputs, layer.Units, hasBias: layer.BiasLength > 0);
                using (torch.no_grad())
                {
                    // NetGen stores W [inputs, units]; torch.nn.Linear stores [units, inputs].
                    using Tensor weight = torch.tensor(parameters.AsSpan(layer.WeightOffset, layer.WeightLength).ToArray(), new long[] { inputs, layer.Units });
                    linear.weight!.copy_(weight.t());
                    CopyBias(linear.bias, layer, parameters);
                }
                _parameterized.Add((layer, linear));
                yield return (name, linear);
                break;
            }
            case LayerKind.Conv2D:
            {
                int channels = layer.InputShape[0];
                Conv2d conv = nn.Conv2d(channels, layer.Units, (layer.KernelHeight, layer.KernelWidth),
                    stride: (layer.Stride, layer.Stride), padding: (layer.PaddingHeight, layer.PaddingWidth),
                    dilation: (layer.Dilation, layer.Dilation), bias: layer.BiasLength > 0);
                using (torch.no_grad())
                {
                    // [filters, channels, kernel height, kernel width] in both.
                    using Tensor weight = torch.tensor(parameters.AsSpan(layer.WeightOffset, layer.WeightLength).ToArray(),
                        new long[] { layer.Units, channels, layer.KernelHeight, layer.KernelWidth });
                    conv.weight!.copy_(weight);
                    CopyBias(conv.bias, layer, parameters);
                }
                _parameterized.Add((layer, conv));
                yield return (name, conv);
                break;
            }
            case LayerKind.MaxPool2D:
                yield return (name, nn.MaxPool2d((layer.KernelHeight, layer.KernelWidth), (layer.Stride, layer.Stride)));
                break;
            case LayerKind.AvgPool2D:
                yield return (name, nn.AvgPool2d((layer.KernelHeight, layer.KernelWidth), (layer.Stride, layer.Stride)));
                break;
            case LayerKind.Flatten:
                yield return (name, nn.Flatten());
                break;
            default:
                throw new NotSupportedException($"The torch twin has no {layer.Kind} layer yet.");
        }
        switch (layer.Activation)
        {
            case Activation.Identity:
                break;
            case Activation.ReLU:
                yield return (name + "Relu", nn.ReLU());
                break;
            case Activation.Sigmoid:
                yield return (name + "Sigmoid", nn.Sigmoid());
                break;
            case Activation.Tanh:
                yield return (name + "Tanh", nn.Tanh());
                break;
            default:
                throw new NotSupportedException($"The torch twin has no {layer.Activation} activation yet.");
        }
    }

    private static void CopyBias(Parameter? bias, LayerDescription layer, float[] parameters)
    {
        if (bias is null)
        {
            return;
        }
        using Tensor values = torch.tensor(parameters.AsSpan(layer.BiasOffset, layer.BiasLength).ToArray(), new long[] { layer.BiasLength });
        bias.copy_(values);
    }
}
