using System;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;

namespace NetGen.Benchmarks.Engines;

/// <summary>
/// A generated network in ONNX Runtime, loaded from NetGen's own ONNX export (so the weights are NetGen's), run at its
/// fastest: all graph optimizations, and input and output bound once to pinned managed buffers (an I/O binding), so that
/// a measured call copies nothing and allocates no result objects.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue _input;
    private readonly OrtValue _output;
    private readonly OrtIoBinding _binding;

    /// <param name="model">The network to export and load.</param>
    /// <param name="threads">ONNX Runtime's intra-op threads (<see cref="SessionOptions.IntraOpNumThreads"/>).</param>
    /// <param name="inputs">A batch of inputs, NetGen's layout; bound, not copied.</param>
    /// <param name="batch">Samples in <paramref name="inputs"/>.</param>
    public OnnxModel(ITrainableNetwork model, int threads, float[] inputs, int batch)
    {
        using var onnx = new MemoryStream();
        OnnxExporter.Export(model, onnx);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(onnx.ToArray(), options);

        NetworkDescription description = model.Description;
        Outputs = new float[batch * model.OutputSize];
        _input = OrtValue.CreateTensorValueFromMemory(inputs, new long[] { batch }.Concat(description.InputShape.Select(d => (long)d)).ToArray());
        _output = OrtValue.CreateTensorValueFromMemory(Outputs, new long[] { batch, model.OutputSize });
        _binding = _session.CreateIoBinding();
        _binding.BindInput(OnnxExporter.InputName, _input);
        _binding.BindOutput(OnnxExporter.OutputName, _output);
    }

    /// <summary>Where <see cref="Forward"/> writes the batch's outputs.</summary>
    public float[] Outputs { get; }

    /// <summary>Inference on the bound batch.</summary>
    public void Forward() => _session.RunWithBinding(_runOptions, _binding);

    public void Dispose()
    {
        _binding.Dispose();
        _output.Dispose();
        _input.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
