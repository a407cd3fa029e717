using System;
using System.Runtime.Intrinsics;
using NetGen;

namespace NetGen.Benchmarks;

/// <summary>The thread count of the running job (its environment variable), for every engine that can use threads.</summary>
public static class BenchmarkThreads
{
    /// <summary>The environment variable each job sets (see <see cref="SuiteConfig"/>).</summary>
    public const string Variable = "NETGEN_BENCH_THREADS";

    /// <summary>The job's thread count; 1 outside a job (for example with --inProcess).</summary>
    public static int Count =>
        int.TryParse(Environment.GetEnvironmentVariable(Variable), out int threads) && threads > 0 ? threads : 1;
}

/// <summary>
/// The vector width of the running job: which of the generated kernels' Vector512, Vector256 and Vector128 bodies runs.
/// A job selects it with the runtime's switches (<c>DOTNET_EnableAVX512=0</c>: Vector256; <c>DOTNET_PreferredVectorBitWidth=128</c>:
/// Vector128, FMA still on) and names the width it expects in <see cref="Variable"/>; <see cref="Check"/> throws when the
/// process runs another body, so that no row is reported under a width it did not run.
/// </summary>
public static class BenchmarkWidth
{
    /// <summary>The environment variable each job sets to the width it expects (see <see cref="SuiteConfig"/>).</summary>
    public const string Variable = "NETGEN_BENCH_WIDTH";

    /// <summary>The body this process runs: the same JIT-constant checks, in the same order, as the generated kernels.</summary>
    public static int Running =>
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;

    /// <summary>Throws unless this process runs the width its job expects (no expectation outside a job).</summary>
    public static void Check()
    {
        string? expected = Environment.GetEnvironmentVariable(Variable);
        if (expected is not null && expected != Running.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException(
                $"The job expects the Vector{expected} body, but this process runs the Vector{Running} one: the runtime ignored the job's DOTNET_ switches.");
        }
    }
}

/// <summary>Reproducible models and batches: the same for every engine, job and run.</summary>
public static class BenchmarkData
{
    /// <summary>
    /// A network with the generated initialization (seed 42) and small nonzero biases (the initializer leaves them zero,
    /// which would let a misplaced bias pass the agreement check).
    /// </summary>
    public static TModel Model<TModel>()
        where TModel : ITrainableNetwork, new()
    {
        BenchmarkWidth.Check();
        // NetGen splits batches across the job's threads, as the peers do with theirs.
        var model = new TModel { Threads = BenchmarkThreads.Count };
        model.InitializeParameters(42);
        var random = new SeededRandom(43);
        foreach (LayerDescription layer in model.Description.Layers)
        {
            Span<float> bias = model.Parameters.AsSpan(layer.BiasOffset, layer.BiasLength);
            for (int i = 0; i < bias.Length; i++)
            {
                bias[i] = 0.1f * (random.NextSingle() - 0.5f);
            }
        }
        return model;
    }

    /// <summary>A batch of inputs uniform in [0, 1), like normalized pixels.</summary>
    public static float[] Inputs(ITrainableNetwork model, int batch)
    {
        var random = new SeededRandom(44);
        var inputs = new float[batch * model.InputSize];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = random.NextSingle();
        }
        return inputs;
    }

    /// <summary>A class label per sample, as NetGen takes them (floats).</summary>
    public static float[] Labels(ITrainableNetwork model, int batch)
    {
        var random = new SeededRandom(45);
        var labels = new float[batch];
        for (int i = 0; i < batch; i++)
        {
            labels[i] = random.NextInt32(model.OutputSize);
        }
        return labels;
    }
}

/// <summary>
/// The check each benchmark runs before measuring: every engine must compute what NetGen computes, so a fast wrong answer
/// cannot win. Element i of a result agrees when |peer_i - netgen_i| &lt;= 1e-4 (|netgen_i| + max_j |netgen_j|): a relative
/// error of 1e-4 against the result's scale (float32 sums in different orders differ by about sqrt(K) 6e-8 of their
/// terms' magnitude, 1e-6 for K = 784; any layout or arithmetic mistake is of order 1).
/// </summary>
public static class Agreement
{
    /// <summary>The relative tolerance.</summary>
    public const double Relative = 1e-4;

    /// <summary>Throws when <paramref name="actual"/> (a peer's) disagrees with <paramref name="expected"/> (NetGen's).</summary>
    public static void Check(string what, float[] expected, float[] actual)
    {
        if (expected.Length != actual.Length)
        {
            throw new InvalidOperationException($"{what}: NetGen gives {expected.Length} values, the peer {actual.Length}.");
        }
        double scale = 0;
        foreach (float e in expected)
        {
            scale = Math.Max(scale, Math.Abs(e));
        }
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs((double)expected[i] - actual[i]);
            if (!(difference <= Relative * (Math.Abs(expected[i]) + scale)))
            {
                throw new InvalidOperationException(
                    $"{what} disagree at [{i}]: NetGen {expected[i]:G9}, peer {actual[i]:G9} (scale {scale:G3}, tolerance relative {Relative:G2}); the benchmark would compare different computations.");
            }
        }
        Console.WriteLine($"// Agreement: {what}: {expected.Length} values agree within relative {Relative:G2}.");
    }
}
