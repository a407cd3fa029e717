using System;
using System.Linq;
using System.Runtime.InteropServices;
using Xunit;

namespace NetGen.Numerics.Tests;

public sealed class LearningTests
{
    [Fact]
    public void A_2_4_1_network_learns_xor()
    {
        float[] inputs = { 0, 0, 0, 1, 1, 0, 1, 1 };
        float[] targets = { 0, 1, 1, 0 };
        var model = new Xor();
        model.InitializeParameters(seed: 1);
        var optimizer = new Sgd(learningRate: 0.5f, momentum: 0.9f);

        float loss = float.NaN;
        for (int step = 0; step < 2000; step++)
        {
            loss = model.TrainStep(inputs, targets, 4);
            optimizer.Step(model.Parameters, model.Gradients);
        }

        Assert.True(loss < 0.02f, $"XOR loss after training is {loss}");
        Span<bool> label = stackalloc bool[1];
        for (int i = 0; i < 4; i++)
        {
            model.Predict(inputs.AsSpan(2 * i, 2), label);
            Assert.Equal(targets[i] == 1, label[0]);
        }
    }

    [Fact]
    public void Full_batch_gradient_descent_on_a_linear_model_converges_to_the_least_squares_solution()
    {
        const int samples = 200, features = LinearRegression.InputSize;
        var random = new SeededRandom(42);
        var x = new float[samples * features];
        var y = new float[samples];
        double[] trueWeights = { 1.5, -2.0, 0.5, 3.0, -1.0 };
        for (int r = 0; r < samples; r++)
        {
            double sum = 0.7; // true bias
            for (int j = 0; j < features; j++)
            {
                x[r * features + j] = 2 * random.NextSingle() - 1;
                sum += trueWeights[j] * x[r * features + j];
            }
            y[r] = (float)(sum + 0.1 * random.NextGaussian());
        }

        var model = new LinearRegression();
        var optimizer = new Sgd(learningRate: 0.5f);
        for (int step = 0; step < 3000; step++)
        {
            model.TrainStep(x, y, samples);
            optimizer.Step(model.Parameters, model.Gradients);
        }

        // Closed form: solve the normal equations (A^T A) beta = A^T y in double, A = [x | 1].
        double[] expected = SolveNormalEquations(x, y, samples, features);
        double[] actual = model.Dense1Weights.ToArray().Concat(model.Dense1Bias.ToArray()).Select(v => (double)v).ToArray();
        for (int j = 0; j <= features; j++)
        {
            Assert.True(Math.Abs(expected[j] - actual[j]) < 1e-4, $"coefficient {j}: normal equations {expected[j]:G9}, gradient descent {actual[j]:G9}");
        }
    }

    [Fact]
    public void Two_training_runs_with_the_same_seed_give_bit_identical_parameters()
    {
        var random = new SeededRandom(7);
        const int count = 300;
        var inputs = new float[count * MnistMlp.InputSize];
        var labels = new float[count];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = random.NextSingle();
        }
        for (int i = 0; i < count; i++)
        {
            labels[i] = random.NextInt32(10);
        }
        var data = new Dataset(inputs, labels, MnistMlp.InputSize, 1);

        float[] Train(int seed)
        {
            var model = new MnistMlp();
            model.InitializeParameters(seed);
            new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 32, Seed = seed }).Fit(model, new Adam(1e-3f), data);
            return model.Parameters;
        }

        float[] first = Train(seed: 3), second = Train(seed: 3), other = Train(seed: 4);
        Assert.True(MemoryMarshal.AsBytes(first.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(second.AsSpan())), "same seed, different parameters");
        Assert.False(first.AsSpan().SequenceEqual(other), "a different seed should give different parameters");
    }

    [Fact]
    public void Initialization_is_seeded_and_follows_the_layers_fan_in()
    {
        var a = new MnistMlp();
        var b = new MnistMlp();
        Assert.Equal(a.Parameters, b.Parameters); // both seed 0 on construction
        b.InitializeParameters(1);
        Assert.NotEqual(a.Parameters, b.Parameters);

        // He normal for the ReLU layer: std sqrt(2 / 784) = 0.0505; biases zero.
        float[] w = a.Dense1Weights.ToArray();
        double std = Math.Sqrt(w.Select(v => (double)v * v).Average());
        Assert.InRange(std, 0.0505 * 0.98, 0.0505 * 1.02);
        Assert.All(a.Dense1Bias.ToArray(), v => Assert.Equal(0f, v));
        // Xavier uniform for the linear output layer: every weight within sqrt(6 / (128 + 10)) = 0.2085.
        Assert.All(a.Dense2Weights.ToArray(), v => Assert.InRange(v, -0.2086f, 0.2086f));
    }

    [Fact]
    public void Batched_and_single_sample_forward_agree_and_predict_takes_the_argmax()
    {
        var model = new MnistMlp();
        var (inputs, _) = GradientCase.Data(model, 9, seed: 2);
        var batched = new float[9 * MnistMlp.OutputSize];
        model.Forward(inputs, batched, 9);
        var single = new float[MnistMlp.OutputSize];
        for (int r = 0; r < 9; r++)
        {
            model.Forward(inputs.AsSpan(r * MnistMlp.InputSize, MnistMlp.InputSize), single);
            Assert.Equal(batched.AsSpan(r * 10, 10).ToArray(), single);
            int argmax = Array.IndexOf(single, single.Max());
            Assert.Equal(argmax, model.Predict(inputs.AsSpan(r * MnistMlp.InputSize, MnistMlp.InputSize)));
        }
    }

    [Fact]
    public void ForwardAll_exposes_every_layer_output_and_ends_with_the_network_output()
    {
        var model = new TinyLeNet();
        var (inputs, _) = GradientCase.Data(model, 1, seed: 4);
        var activations = new float[TinyLeNet.ActivationCount];
        model.ForwardAll(inputs, activations);
        var output = new float[TinyLeNet.OutputSize];
        model.Forward(inputs, output);
        Assert.Equal(output, activations.AsSpan(TinyLeNet.Dense1OutputOffset, TinyLeNet.OutputSize).ToArray());
        // The first pooling layer is the max of 2x2 windows of the first convolution's ReLU output.
        float expected = new[] { 0, 1, 12, 13 }.Max(i => activations[TinyLeNet.Conv1OutputOffset + i]);
        Assert.Equal(expected, activations[TinyLeNet.MaxPool1OutputOffset]);
    }

    private static double[] SolveNormalEquations(float[] x, float[] y, int samples, int features)
    {
        int n = features + 1;
        var m = new double[n, n + 1];
        for (int r = 0; r < samples; r++)
        {
            double[] row = Enumerable.Range(0, n).Select(j => j < features ? x[r * features + j] : 1.0).ToArray();
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    m[i, j] += row[i] * row[j];
                }
                m[i, n] += row[i] * y[r];
            }
        }
        // Gaussian elimination with partial pivoting.
        for (int c = 0; c < n; c++)
        {
            int pivot = Enumerable.Range(c, n - c).OrderByDescending(i => Math.Abs(m[i, c])).First();
            for (int j = 0; j <= n; j++)
            {
                (m[c, j], m[pivot, j]) = (m[pivot, j], m[c, j]);
            }
            for (int i = 0; i < n; i++)
            {
                if (i != c)
                {
                    double f = m[i, c] / m[c, c];
                    for (int j = c; j <= n; j++)
                    {
                        m[i, j] -= f * m[c, j];
                    }
                }
            }
        }
        return Enumerable.Range(0, n).Select(i => m[i, n] / m[i, i]).ToArray();
    }
}
