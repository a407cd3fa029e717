using BenchmarkDotNet.Attributes;
using NetGen;

namespace NetGen.Benchmarks;

/// <summary>
/// Inference and training time of the 784-128-10 MLP per batch; samples per second = Batch / Mean.
/// </summary>
[MemoryDiagnoser]
public class MlpBenchmarks
{
    private readonly MnistMlp _model = new();
    private readonly Sgd _optimizer = new(learningRate: 1e-3f);
    private float[] _inputs = [];
    private float[] _labels = [];
    private float[] _outputs = [];

    [Params(1, 64)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new SeededRandom(1);
        _inputs = new float[Batch * MnistMlp.InputSize];
        for (int i = 0; i < _inputs.Length; i++)
        {
            _inputs[i] = random.NextSingle();
        }
        _labels = new float[Batch];
        for (int i = 0; i < Batch; i++)
        {
            _labels[i] = random.NextInt32(10);
        }
        _outputs = new float[Batch * MnistMlp.OutputSize];
    }

    [Benchmark(Description = "forward")]
    public void Forward() => _model.Forward(_inputs, _outputs, Batch);

    [Benchmark(Description = "train step (forward, loss, backward, SGD)")]
    public float TrainStep()
    {
        float loss = _model.TrainStep(_inputs, _labels, Batch);
        _optimizer.Step(_model.Parameters, _model.Gradients);
        return loss;
    }
}
