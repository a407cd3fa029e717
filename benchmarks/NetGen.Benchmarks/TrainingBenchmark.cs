using System;
using BenchmarkDotNet.Attributes;
using NetGen;
using NetGen.Benchmarks.Engines;

namespace NetGen.Benchmarks;

/// <summary>
/// One training step on a batch (forward, softmax cross-entropy, backward, plain SGD update) in NetGen and TorchSharp,
/// from the same weights and batch; NetGen is the baseline of the Ratio column. Samples per second = Batch / Mean.
/// </summary>
/// <remarks>
/// Setup first checks that TorchSharp's loss and every layer's weight and bias gradients agree with NetGen's
/// (<see cref="Agreement"/>). The measured steps then keep updating the weights (in each engine separately), as training does.
/// </remarks>
public abstract class TrainingBenchmark<TModel>
    where TModel : ITrainableNetwork, new()
{
    private const float LearningRate = 0.01f;

    private TModel _model = default!;
    private float[] _inputs = Array.Empty<float>();
    private float[] _labels = Array.Empty<float>();
    private Sgd _optimizer = new(LearningRate);
    private TorchModel? _torch;

    /// <summary>Samples per step.</summary>
    [Params(64, 256)]
    public int Batch { get; set; }

    [GlobalSetup(Target = nameof(NetGen))]
    public void SetupNetGen() => Setup(keepTorch: false);

    [GlobalSetup(Target = nameof(TorchSharp))]
    public void SetupTorchSharp() => Setup(keepTorch: true);

    [Benchmark(Baseline = true)]
    public float NetGen()
    {
        float loss = _model.TrainStep(_inputs, _labels, Batch);
        _optimizer.Step(_model.Parameters, _model.Gradients);
        return loss;
    }

    [Benchmark]
    public void TorchSharp() => _torch!.TrainStep();

    [GlobalCleanup]
    public void Cleanup() => _torch?.Dispose();

    private void Setup(bool keepTorch)
    {
        int threads = BenchmarkThreads.Count;
        _model = BenchmarkData.Model<TModel>();
        _inputs = BenchmarkData.Inputs(_model, Batch);
        _labels = BenchmarkData.Labels(_model, Batch);
        _optimizer = new Sgd(LearningRate);
        _torch = new TorchModel(_model, threads, _inputs, Batch, _labels, LearningRate);

        float loss = _model.TrainStep(_inputs, _labels, Batch);
        (float torchLoss, float[] torchGradients) = _torch.LossAndGradients(_model.Parameters.Length);
        string what = $"{typeof(TModel).Name} training step of batch {Batch}, {threads} thread(s), TorchSharp";
        Agreement.Check(what + ": loss", new[] { loss }, new[] { torchLoss });
        foreach (LayerDescription layer in _model.Description.Layers)
        {
            if (layer.WeightLength > 0)
            {
                Agreement.Check($"{what}: {layer.Name} weight gradients",
                    _model.Gradients.AsSpan(layer.WeightOffset, layer.WeightLength).ToArray(),
                    torchGradients.AsSpan(layer.WeightOffset, layer.WeightLength).ToArray());
            }
            if (layer.BiasLength > 0)
            {
                Agreement.Check($"{what}: {layer.Name} bias gradients",
                    _model.Gradients.AsSpan(layer.BiasOffset, layer.BiasLength).ToArray(),
                    torchGradients.AsSpan(layer.BiasOffset, layer.BiasLength).ToArray());
            }
        }

        if (!keepTorch)
        {
            _torch.Dispose();
            _torch = null;
        }
    }
}

/// <summary>The 784-128-10 MLP, one training step (FLOPs: see <see cref="FlopsAttribute.Workload.TrainingStep"/>).</summary>
[BenchmarkCategory("MLP training")]
[Flops(typeof(MnistMlp), FlopsAttribute.Workload.TrainingStep)]
public class MlpTraining : TrainingBenchmark<MnistMlp>
{
}

/// <summary>LeNet-5, one training step (FLOPs: see <see cref="FlopsAttribute.Workload.TrainingStep"/>).</summary>
[BenchmarkCategory("LeNet-5 training")]
[Flops(typeof(LeNet5), FlopsAttribute.Workload.TrainingStep)]
public class LeNet5Training : TrainingBenchmark<LeNet5>
{
}
