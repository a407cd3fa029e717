using System;
using System.Runtime.InteropServices;
using System.Numerics;

namespace NetGen;

/// <summary>
/// Adadelta (Zeiler 2012) with the semantics of PyTorch's <c>torch.optim.Adadelta</c>: the step is the ratio of two
/// moving root mean squares, of past updates and of gradients, which gives it the units of the parameters and makes the
/// learning rate a plain multiplier (1 by default). Per step: <c>g += weightDecay * p; sq = rho*sq + (1-rho)*g^2;
/// delta = sqrt(acc + eps) / sqrt(sq + eps) * g; acc = rho*acc + (1-rho)*delta^2; p -= lr * delta</c>.
/// </summary>
public sealed class Adadelta : IOptimizer
{
    private const string Name = nameof(Adadelta);
    private const string SquareAverageName = "square_avg";
    private const string DeltaAverageName = "acc_delta";

    private float _learningRate;
    private float[]? _squareAverage;
    private float[]? _deltaAverage;
    private long _step;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">A multiplier of the update; positive and finite.</param>
    /// <param name="rho">The decay of the moving averages, in [0, 1).</param>
    /// <param name="epsilon">Added inside both square roots; positive. It also sets the size of the first steps, <c>sqrt(eps)</c>-ish.</param>
    /// <param name="weightDecay">The L2 penalty coefficient added to the gradient; zero or positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public Adadelta(float learningRate = 1f, float rho = 0.9f, float epsilon = 1e-6f, float weightDecay = 0f)
    {
        _learningRate = OptimizerGuard.LearningRate(learningRate);
        Rho = OptimizerGuard.DecayFactor(rho);
        Epsilon = OptimizerGuard.Positive(epsilon);
        WeightDecay = OptimizerGuard.NonNegative(weightDecay);
    }

    /// <inheritdoc/>
    public float LearningRate
    {
        get => _learningRate;
        set => _learningRate = OptimizerGuard.LearningRateSetting(value);
    }

    /// <summary>The decay of the moving averages of squared gradients and squared updates.</summary>
    public float Rho { get; }

    /// <summary>The stability term inside both square roots.</summary>
    public float Epsilon { get; }

    /// <summary>The L2 penalty coefficient.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    public long StepCount => _step;

    /// <summary>Forgets the moving averages and the step count, so the next step starts afresh (on a buffer of any length).</summary>
    public void Reset()
    {
        _squareAverage = null;
        _deltaAverage = null;
        _step = 0;
    }

    /// <inheritdoc/>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        OptimizerGuard.SameLength(parameters, gradients);
        float[] squareAverage = OptimizerGuard.State(ref _squareAverage, parameters.Length, Name);
        float[] deltaAverage = OptimizerGuard.State(ref _deltaAverage, parameters.Length, Name);
        _step++;
        Update(parameters, gradients, squareAverage, deltaAverage, _learningRate, Rho, Epsilon, WeightDecay);
    }

    /// <inheritdoc/>
    public OptimizerState ExportState()
    {
        var state = new OptimizerState(Name, _step, _learningRate);
        foreach ((string name, double value) in Hyperparameters())
        {
            state.AddHyperparameter(name, value);
        }
        if (_squareAverage is not null && _deltaAverage is not null)
        {
            state.AddBuffer(SquareAverageName, (float[])_squareAverage.Clone());
            state.AddBuffer(DeltaAverageName, (float[])_deltaAverage.Clone());
        }
        return state;
    }

    /// <inheritdoc/>
    public void ImportState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Validate(Name, Hyperparameters(), [SquareAverageName, DeltaAverageName]);
        _squareAverage = state.CopyBuffer(SquareAverageName);
        _deltaAverage = state.CopyBuffer(DeltaAverageName);
        _step = state.StepCount;
        _learningRate = state.LearningRate;
    }

    private (string, double)[] Hyperparameters() => [("eps", Epsilon), ("rho", Rho), ("weight_decay", WeightDecay)];

    // The vector body (Vector<float>: the machine's own width, never emulated) and the scalar tail perform the same
    // operations; MultiplyAddEstimate is one fused, correctly rounded operation where the machine has FMA and a multiply
    // and an add where it has not (x64 without FMA), in both alike, so an element's update does not depend on whether it
    // falls in the body or the tail.
    private static void Update(
        Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> squareAverage, Span<float> deltaAverage,
        float lr, float rho, float epsilon, float wd)
    {
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float sq = ref MemoryMarshal.GetReference(squareAverage);
        ref float acc = ref MemoryMarshal.GetReference(deltaAverage);
        float oneMinusRho = 1f - rho;
        int n = parameters.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<float> vWd = Vector.Create(wd), vRho = Vector.Create(rho), vOneMinusRho = Vector.Create(oneMinusRho);
            Vector<float> vEps = Vector.Create(epsilon), negLr = Vector.Create(-lr);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> pi = Vector.LoadUnsafe(ref p, (nuint)i);
                Vector<float> gi = Vector.MultiplyAddEstimate(vWd, pi, Vector.LoadUnsafe(ref g, (nuint)i));
                Vector<float> sqi = Vector.MultiplyAddEstimate(vRho, Vector.LoadUnsafe(ref sq, (nuint)i), vOneMinusRho * gi * gi);
                sqi.StoreUnsafe(ref sq, (nuint)i);
                Vector<float> acci = Vector.LoadUnsafe(ref acc, (nuint)i);
                Vector<float> delta = Vector.SquareRoot(acci + vEps) / Vector.SquareRoot(sqi + vEps) * gi;
                Vector.MultiplyAddEstimate(vRho, acci, vOneMinusRho * delta * delta).StoreUnsafe(ref acc, (nuint)i);
                Vector.MultiplyAddEstimate(negLr, delta, pi).StoreUnsafe(ref p, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float pi = parameters[i];
            float gi = float.MultiplyAddEstimate(wd, pi, gradients[i]);
            float sqi = float.MultiplyAddEstimate(rho, squareAverage[i], oneMinusRho * gi * gi);
            squareAverage[i] = sqi;
            float acci = deltaAverage[i];
            float delta = MathF.Sqrt(acci + epsilon) / MathF.Sqrt(sqi + epsilon) * gi;
            deltaAverage[i] = float.MultiplyAddEstimate(rho, acci, oneMinusRho * delta * delta);
            parameters[i] = float.MultiplyAddEstimate(-lr, delta, pi);
        }
    }
}
