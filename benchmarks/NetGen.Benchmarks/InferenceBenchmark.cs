using System;
using BenchmarkDotNet.Attributes;
using NetGen;
using NetGen.Benchmarks.Engines;

namespace NetGen.Benchmarks;

/// <summary>
/// Inference on one batch in NetGen, TorchSharp and ONNX Runtime, same weights and inputs; NetGen is the baseline of the
/// Ratio column (a peer's ratio above 1 means NetGen is that many times faster). Samples per second = Batch / Mean.
/// </summary>
/// <remarks>
/// Each engine's setup first runs all three on the batch and checks that TorchSharp's and ONNX Runtime's outputs agree
/// with NetGen's (<see cref="Agreement"/>), then releases the engines it does not measure, so that their idle thread pools
/// stay out of the measurement. Batch 1 calls NetGen's single-sample <c>Forward</c>, larger batches the batched one.
/// </remarks>
public abstract class InferenceBenchmark<TModel>
    where TModel : ITrainableNetwork, new()
{
    private TModel _model = default!;
    private float[] _inputs = Array.Empty<float>();
    private float[] _outputs = Array.Empty<float>();
    private TorchModel? _torch;
    private OnnxModel? _onnx;

    /// <summary>Samples per call.</summary>
    [Params(1, 256)]
    public int Batch { get; set; }

    [GlobalSetup(Target = nameof(NetGen))]
    public void SetupNetGen() => Setup(keepTorch: false, keepOnnx: false);

    [GlobalSetup(Target = nameof(TorchSharp))]
    public void SetupTorchSharp() => Setup(keepTorch: true, keepOnnx: false);

    [GlobalSetup(Target = nameof(OnnxRuntime))]
    public void SetupOnnxRuntime() => Setup(keepTorch: false, keepOnnx: true);

    [Benchmark(Baseline = true)]
    public void NetGen()
    {
        if (Batch == 1)
        {
            _model.Forward(_inputs, _outputs);
        }
        else
        {
            _model.Forward(_inputs, _outputs, Batch);
        }
    }

    [Benchmark]
    public void TorchSharp() => _torch!.Forward();

    [Benchmark]
    public void OnnxRuntime() => _onnx!.Forward();

    [GlobalCleanup]
    public void Cleanup()
    {
        _torch?.Dispose();
        _onnx?.Dispose();
    }

    private void Setup(bool keepTorch, bool keepOnnx)
    {
        int threads = BenchmarkThreads.Count;
        _model = BenchmarkData.Model<TModel>();
        _inputs = BenchmarkData.Inputs(_model, Batch);
        _outputs = new float[Batch * _model.OutputSize];
        NetGen();
        float[] expected = (float[])_outputs.Clone();
        string what = $"{typeof(TModel).Name} outputs of batch {Batch}, {threads} thread(s)";

        _torch = new TorchModel(_model, threads, _inputs, Batch);
        Agreement.Check(what + ", TorchSharp", expected, _torch.Outputs());
        _onnx = new OnnxModel(_model, threads, _inputs, Batch);
        _onnx.Forward();
        Agreement.Check(what + ", ONNX Runtime", expected, _onnx.Outputs);

        if (!keepTorch)
        {
            _torch.Dispose();
            _torch = null;
        }
        if (!keepOnnx)
        {
            _onnx.Dispose();
            _onnx = null;
        }
    }
}

/// <summary>The 784-128-10 MLP (ReLU, softmax cross-entropy) at inference.</summary>
[BenchmarkCategory("MLP inference")]
[Flops(typeof(MnistMlp), FlopsAttribute.Workload.Inference)]
public class MlpInference : InferenceBenchmark<MnistMlp>
{
}

/// <summary>LeNet-5 at inference.</summary>
[BenchmarkCategory("LeNet-5 inference")]
[Flops(typeof(LeNet5), FlopsAttribute.Workload.Inference)]
public class LeNet5Inference : InferenceBenchmark<LeNet5>
{
}
