using System;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;

namespace NetGen.Interop.Tests;

/// <summary>Exports networks and runs them in ONNX Runtime, next to NetGen's own forward pass on the same batch.</summary>
public static class OnnxRunner
{
    /// <summary>
    /// Gives <paramref name="model"/> reproducible parameters: the generated initializer, then nonzero biases (it leaves
    /// them zero, which would let a missing or misplaced bias pass unnoticed), and for batch normalization scales other than
    /// one and running statistics other than the initial mean 0 and variance 1 (which would make the layer the identity).
    /// </summary>
    public static void Randomize(INetwork model, int seed)
    {
        model.InitializeParameters(seed);
        var random = new SeededRandom(seed + 1000);
        foreach (LayerDescription layer in model.Description.Layers)
        {
            Span<float> bias = model.Parameters.AsSpan(layer.BiasOffset, layer.BiasLength);
            for (int i = 0; i < bias.Length; i++)
            {
                bias[i] = random.NextSingle() - 0.5f;
            }
            if (layer.Kind == LayerKind.BatchNorm)
            {
                Span<float> gamma = model.Parameters.AsSpan(layer.WeightOffset, layer.WeightLength);
                Span<float> mean = model.Buffers.AsSpan(layer.BufferOffset, layer.Units);
                Span<float> variance = model.Buffers.AsSpan(layer.BufferOffset + layer.Units, layer.Units);
                for (int c = 0; c < layer.Units; c++)
                {
                    gamma[c] = 0.5f + random.NextSingle();
                    mean[c] = random.NextSingle() - 0.5f;
                    variance[c] = 0.25f + random.NextSingle();
                }
            }
        }
    }

    /// <summary>A batch of inputs, uniform in [-1, 1).</summary>
    public static float[] Inputs(ITrainableNetwork model, int batch, int seed)
    {
        var random = new SeededRandom(seed);
        var inputs = new float[batch * model.InputSize];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = 2 * random.NextSingle() - 1;
        }
        return inputs;
    }

    /// <summary>NetGen's batched forward pass.</summary>
    public static float[] NetGenForward(ITrainableNetwork model, float[] inputs, int batch)
    {
        var outputs = new float[batch * model.OutputSize];
        model.Forward(inputs, outputs, batch);
        return outputs;
    }

    /// <summary>The exported model, as bytes.</summary>
    public static byte[] Export(ITrainableNetwork model, OnnxExportOptions? options = null)
    {
        using var stream = new MemoryStream();
        OnnxExporter.Export(model, stream, options);
        return stream.ToArray();
    }

    /// <summary>A session of ONNX Runtime on one thread (the test classes run in parallel on two cores).</summary>
    public static InferenceSession Session(byte[] onnx)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        return new InferenceSession(onnx, options);
    }

    /// <summary>Runs <paramref name="inputs"/> (batch first, then <paramref name="sampleShape"/>) through the session.</summary>
    public static float[] Run(InferenceSession session, float[] inputs, int batch, int[] sampleShape)
    {
        long[] shape = new long[] { batch }.Concat(sampleShape.Select(d => (long)d)).ToArray();
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(inputs, shape);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> results =
            session.Run(runOptions, new[] { OnnxExporter.InputName }, new[] { input }, new[] { OnnxExporter.OutputName });
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
