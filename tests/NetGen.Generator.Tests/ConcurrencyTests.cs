using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Xunit;

namespace NetGen.Generator.Tests;

/// <summary>
/// Inference is thread-safe: <c>Forward</c> (one sample, a batch, sub-batches that grow a thread's workspace) and
/// <c>Predict</c> called from several threads at once on one trained model give bit-for-bit the answers of serial
/// calls. The models cover the layers with per-call state: convolution scratch, pooling, batch normalization (running
/// statistics), dropout (off in inference) and residual shortcuts.
/// </summary>
public sealed class ConcurrencyTests
{
    private const int Samples = 48, Threads = 4, Rounds = 12;

    public static TheoryData<string, string> Models => new()
    {
        {
            "Cnn",
            "[Network, Input(2, 8, 8), Conv2D(4, 3, Padding = 1, Activation = Activation.ReLU), BatchNorm, ResidualStart, "
            + "Conv2D(4, 3, Padding = ConvPadding.Same, Activation = Activation.ReLU), ResidualEnd(Activation = Activation.ReLU), "
            + "MaxPool2D(2), ResidualStart, Conv2D(6, 3, Stride = 2, Padding = 1), ResidualEnd, Dropout(0.25), Flatten, "
            + "Dense(16, Activation = Activation.Tanh), Dense(5), Loss(LossKind.SoftmaxCrossEntropy)]"
        },
        {
            "Mlp",
            "[Network, Input(20), Dense(32, Activation = Activation.ReLU), BatchNorm, Dropout(0.5), Maxout(12, 3), "
            + "ResidualStart, Dense(12, Activation = Activation.ELU), ResidualEnd, Dense(7), Loss(LossKind.SoftmaxCrossEntropy)]"
        },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Concurrent_forward_and_predict_calls_match_serial_calls(string name, string attributes)
    {
        string source = GeneratorHarness.Usings + attributes + "\npublic partial class " + name + " { }\n\n"
            + "public static class Probe\n{\n"
            + "    public static System.Func<float[], int> Predictor(object model) => x => ((" + name + ")model).Predict(x);\n"
            + "}\n";
        using EmittedAssembly assembly = EmittedAssembly.Load(GeneratorHarness.Compile(source));
        ITrainableNetwork network = assembly.Create("Samples." + name);
        var predict = (Func<float[], int>)assembly.Assembly.GetType("Samples.Probe", throwOnError: true)!.GetMethod("Predictor")!.Invoke(null, new object[] { network })!;
        var random = new Random(7);
        float[][] inputs = Enumerable.Range(0, Samples)
            .Select(_ => Enumerable.Range(0, network.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray())
            .ToArray();
        Train(network, inputs, random);

        // Serial answers: one sample at a time, Predict, and sub-batches of several sizes (a thread's workspace grows).
        float[][] single = inputs.Select(x => Forward(network, x, 1)).ToArray();
        int[] predicted = inputs.Select(predict).ToArray();
        (int Start, int Count)[] batches = { (0, Samples), (0, 1), (3, 5), (10, 16), (40, 8), (1, 33) };
        float[][] batched = batches.Select(b => Forward(network, Concat(inputs, b.Start, b.Count), b.Count)).ToArray();

        // The same calls from several threads at once, each in its own order.
        var failures = new List<string>();
        using var start = new Barrier(Threads);
        Thread[] threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            var order = new Random(100 + t);
            start.SignalAndWait();
            for (int round = 0; round < Rounds; round++)
            {
                foreach (int i in Enumerable.Range(0, Samples).OrderBy(_ => order.Next()))
                {
                    Check(failures, Forward(network, inputs[i], 1).AsSpan().SequenceEqual(single[i]), $"thread {t}: Forward of sample {i} differs");
                    Check(failures, predict(inputs[i]) == predicted[i], $"thread {t}: Predict of sample {i} differs");
                }
                int b = order.Next(batches.Length);
                Check(failures, Forward(network, Concat(inputs, batches[b].Start, batches[b].Count), batches[b].Count).AsSpan().SequenceEqual(batched[b]),
                    $"thread {t}: Forward of batch {batches[b]} differs");
            }
        })).ToArray();
        foreach (Thread thread in threads) thread.Start();
        foreach (Thread thread in threads) thread.Join();

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Distinct().Take(10)));
        // The model is not trivial: it tells the samples apart.
        Assert.True(predicted.Distinct().Count() > 1, "every sample gets the same class");
    }

    /// <summary>A few plain gradient steps, so that weights and batch-norm running statistics are no longer their initial values.</summary>
    private static void Train(ITrainableNetwork network, float[][] inputs, Random random)
    {
        float[] batch = Concat(inputs, 0, 16);
        float[] labels = Enumerable.Range(0, 16).Select(_ => (float)random.Next(network.OutputSize)).ToArray();
        for (int step = 0; step < 5; step++)
        {
            network.TrainStep(batch, labels, 16);
            for (int p = 0; p < network.Parameters.Length; p++)
            {
                network.Parameters[p] -= 0.05f * network.Gradients[p];
            }
        }
    }

    private static float[] Forward(ITrainableNetwork network, float[] inputs, int batchSize)
    {
        var outputs = new float[batchSize * network.OutputSize];
        if (batchSize == 1)
        {
            network.Forward(inputs, outputs);
        }
        else
        {
            network.Forward(inputs, outputs, batchSize);
        }
        return outputs;
    }

    private static float[] Concat(float[][] inputs, int start, int count) => inputs.Skip(start).Take(count).SelectMany(x => x).ToArray();

    private static void Check(List<string> failures, bool ok, string failure)
    {
        if (!ok)
        {
            lock (failures)
            {
                failures.Add(failure);
            }
        }
    }
}
