using System;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;

namespace NetGen.Samples.BrowserDigits;

/// <summary>
/// How long one prediction (<see cref="LeNet5.PredictProbabilities"/>: the forward pass and the softmax) takes where the
/// page runs. The browser's clock is coarse (Chromium rounds <c>performance.now()</c> to 0.1 ms), so calls are timed in
/// rounds of about 100 ms each, after a warm-up that lets the runtime tier the code up; the median round is reported.
/// </summary>
/// <param name="Milliseconds">Median time of one prediction.</param>
/// <param name="CallsPerRound">Predictions timed together in each round.</param>
/// <param name="Rounds">Rounds timed.</param>
/// <param name="VectorBody">Which of the generated kernels' vector bodies runs here.</param>
public sealed record PredictionTiming(double Milliseconds, int CallsPerRound, int Rounds, string VectorBody)
{
    private const int WarmupCalls = 20;
    private const int TimedRounds = 5;
    private static readonly TimeSpan RoundLength = TimeSpan.FromMilliseconds(100);

    /// <summary>Times <paramref name="model"/> on a fixed input; keeps the calling thread busy for about 0.7 s.</summary>
    public static PredictionTiming Measure(LeNet5 model)
    {
        var input = new float[LeNet5.InputSize];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = i % 7 / 7f;
        }
        var probabilities = new float[LeNet5.OutputSize];
        for (int i = 0; i < WarmupCalls; i++)
        {
            model.PredictProbabilities(input, probabilities);
        }

        // Calibration: as many calls as fill one round.
        int calls = 0;
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < RoundLength)
        {
            model.PredictProbabilities(input, probabilities);
            calls++;
        }

        var perCall = new double[TimedRounds];
        for (int round = 0; round < TimedRounds; round++)
        {
            start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++)
            {
                model.PredictProbabilities(input, probabilities);
            }
            perCall[round] = Stopwatch.GetElapsedTime(start).TotalMilliseconds / calls;
        }
        Array.Sort(perCall);
        return new PredictionTiming(perCall[TimedRounds / 2], calls, TimedRounds, DescribeVectorBody());
    }

    /// <summary>The widest accelerated vector type, which the generated kernels' width checks select.</summary>
    public static string DescribeVectorBody() =>
        Vector512.IsHardwareAccelerated ? "Vector512 body"
        : Vector256.IsHardwareAccelerated ? "Vector256 body"
        : Vector128.IsHardwareAccelerated ? "Vector128 body (WebAssembly SIMD)"
        : "no accelerated vectors: scalar fallback";

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"One prediction takes {Milliseconds:F2} ms in this browser (median of {Rounds} rounds of {CallsPerRound} calls; {VectorBody}, .NET {Environment.Version} interpreter).");
}
