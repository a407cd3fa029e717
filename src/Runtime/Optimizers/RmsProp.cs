using System;
using System.Runtime.InteropServices;
using System.Numerics;

namespace NetGen;

/// <summary>
/// RMSProp (Hinton's lecture 6e, 2012) with the semantics of PyTorch's <c>torch.optim.RMSprop</c>: each step is divided
/// by the root of a moving average of squared gradients. Per step: <c>g += weightDecay * p;
/// sq = alpha*sq + (1-alpha)*g^2</c>; the denominator is <c>avg = sqrt(sq) + eps</c>, or when centered
/// <c>ga = alpha*ga + (1-alpha)*g; avg = sqrt(sq - ga^2) + eps</c> (an estimate of the standard deviation instead of the
/// root mean square); then with momentum <c>buf = momentum*buf + g/avg; p -= lr*buf</c>, otherwise <c>p -= lr*g/avg</c>.
/// </summary>
/// <remarks>
/// Unlike <see cref="Adagrad"/>'s ever-growing sum, the moving average forgets old gradients, so the step size does not
/// decay to nothing. In the centered variant, rounding can make <c>sq - ga^2</c> slightly negative when the gradient
/// is nearly constant; it is clamped at 0 there (where PyTorch would produce NaN), so the denominator is at least eps.
/// </remarks>
public sealed class RmsProp : IOptimizer
{
    private const string Name = nameof(RmsProp);
    private const string SquareAverageName = "square_avg";
    private const string MomentumName = "momentum_buffer";
    private const string GradientAverageName = "grad_avg";

    private float _learningRate;
    private float[]? _squareAverage;
    private float[]? _momentumBuffer;
    private float[]? _gradientAverage;
    private long _step;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">The step size; positive and finite (PyTorch's default is 0.01).</param>
    /// <param name="alpha">The decay of the moving averages, in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator for numerical stability; positive.</param>
    /// <param name="weightDecay">The L2 penalty coefficient added to the gradient; zero or positive.</param>
    /// <param name="momentum">The decay of the momentum buffer, in [0, 1); 0 disables momentum.</param>
    /// <param name="centered">Whether to normalize by the estimated standard deviation of the gradient instead of its root mean square.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public RmsProp(float learningRate = 1e-2f, float alpha = 0.99f, float epsilon = 1e-8f, float weightDecay = 0f, float momentum = 0f, bool centered = false)
    {
        _learningRate = OptimizerGuard.LearningRate(learningRate);
        Alpha = OptimizerGuard.DecayFactor(alpha);
        Epsilon = OptimizerGuard.Positive(epsilon);
        WeightDecay = OptimizerGuard.NonNegative(weightDecay);
        Momentum = OptimizerGuard.DecayFactor(momentum);
        Centered = centered;
    }

    /// <inheritdoc/>
    public float LearningRate
    {
        get => _learningRate;
        set => _learningRate = OptimizerGuard.LearningRateSetting(value);
    }

    /// <summary>The decay of the moving averages.</summary>
    public float Alpha { get; }

    /// <summary>The stability term of the denominator.</summary>
    public float Epsilon { get; }

    /// <summary>The L2 penalty coefficient.</summary>
    public float WeightDecay { get; }

    /// <summary>The decay of the momentum buffer; 0 means no momentum.</summary>
    public float Momentum { get; }

    /// <summary>Whether the denominator is the estimated standard deviation (centered) instead of the root mean square.</summary>
    public bool Centered { get; }

    /// <inheritdoc/>
    public long StepCount => _step;

    /// <summary>Forgets the moving averages, the momentum and the step count, so the next step starts afresh (on a buffer of any length).</summary>
    public void Reset()
    {
        _squareAverage = null;
        _momentumBuffer = null;
        _gradientAverage = null;
        _step = 0;
    }

    /// <inheritdoc/>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        OptimizerGuard.SameLength(parameters, gradients);
        float[] squareAverage = OptimizerGuard.State(ref _squareAverage, parameters.Length, Name);
        Span<float> momentumBuffer = Momentum == 0f ? default : OptimizerGuard.State(ref _momentumBuffer, parameters.Length, Name);
        Span<float> gradientAverage = Centered ? OptimizerGuard.State(ref _gradientAverage, parameters.Length, Name) : default;
        _step++;
        Update(parameters, gradients, squareAverage, momentumBuffer, gradientAverage, _learningRate, Alpha, Epsilon, WeightDecay, Momentum, Centered);
    }

    /// <inheritdoc/>
    public OptimizerState ExportState()
    {
        var state = new OptimizerState(Name, _step, _learningRate);
        foreach ((string name, double value) in Hyperparameters())
        {
            state.AddHyperparameter(name, value);
        }
        if (_squareAverage is not null)
        {
            state.AddBuffer(SquareAverageName, (float[])_squareAverage.Clone());
        }
        if (_momentumBuffer is not null)
        {
            state.AddBuffer(MomentumName, (float[])_momentumBuffer.Clone());
        }
        if (_gradientAverage is not null)
        {
            state.AddBuffer(GradientAverageName, (float[])_gradientAverage.Clone());
        }
        return state;
    }

    /// <inheritdoc/>
    public void ImportState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        string[] buffers = (Momentum != 0f, Centered) switch
        {
            (false, false) => [SquareAverageName],
            (true, false) => [SquareAverageName, MomentumName],
            (false, true) => [SquareAverageName, GradientAverageName],
            (true, true) => [SquareAverageName, MomentumName, GradientAverageName],
        };
        state.Validate(Name, Hyperparameters(), buffers);
        _squareAverage = state.CopyBuffer(SquareAverageName);
        _momentumBuffer = state.CopyBuffer(MomentumName);
        _gradientAverage = state.CopyBuffer(GradientAverageName);
        _step = state.StepCount;
        _learningRate = state.LearningRate;
    }

    private (string, double)[] Hyperparameters() =>
        [("alpha", Alpha), ("centered", Centered ? 1 : 0), ("eps", Epsilon), ("momentum", Momentum), ("weight_decay", WeightDecay)];

    // One kernel for the four variants: the branches on the (loop-invariant) flags are hoisted or predicted perfectly.
    // The vector body (Vector<float>: the machine's own width, never emulated) and the scalar tail perform the same
    // operations; MultiplyAddEstimate is one fused, correctly rounded operation where the machine has FMA and a multiply
    // and an add where it has not (x64 without FMA), in both alike, so an element's update does not depend on whether it
    // falls in the body or the tail.
    private static void Update(
        Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> squareAverage, Span<float> momentumBuffer,
        Span<float> gradientAverage, float lr, float alpha, float epsilon, float wd, float momentum, bool centered)
    {
        bool useMomentum = momentum != 0f;
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float sq = ref MemoryMarshal.GetReference(squareAverage);
        ref float buf = ref MemoryMarshal.GetReference(momentumBuffer);
        ref float ga = ref MemoryMarshal.GetReference(gradientAverage);
        float oneMinusAlpha = 1f - alpha;
        int n = parameters.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<float> vWd = Vector.Create(wd), vAlpha = Vector.Create(alpha), vOneMinusAlpha = Vector.Create(oneMinusAlpha);
            Vector<float> vEps = Vector.Create(epsilon), negLr = Vector.Create(-lr), vMomentum = Vector.Create(momentum);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> pi = Vector.LoadUnsafe(ref p, (nuint)i);
                Vector<float> gi = Vector.MultiplyAddEstimate(vWd, pi, Vector.LoadUnsafe(ref g, (nuint)i));
                Vector<float> sqi = Vector.MultiplyAddEstimate(vAlpha, Vector.LoadUnsafe(ref sq, (nuint)i), vOneMinusAlpha * gi * gi);
                sqi.StoreUnsafe(ref sq, (nuint)i);
                Vector<float> variance = sqi;
                if (centered)
                {
                    Vector<float> gai = Vector.MultiplyAddEstimate(vAlpha, Vector.LoadUnsafe(ref ga, (nuint)i), vOneMinusAlpha * gi);
                    gai.StoreUnsafe(ref ga, (nuint)i);
                    variance = Vector.Max(Vector.MultiplyAddEstimate(-gai, gai, sqi), Vector<float>.Zero);
                }
                Vector<float> scaled = gi / (Vector.SquareRoot(variance) + vEps);
                if (useMomentum)
                {
                    scaled = Vector.MultiplyAddEstimate(vMomentum, Vector.LoadUnsafe(ref buf, (nuint)i), scaled);
                    scaled.StoreUnsafe(ref buf, (nuint)i);
                }
                Vector.MultiplyAddEstimate(negLr, scaled, pi).StoreUnsafe(ref p, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float pi = parameters[i];
            float gi = float.MultiplyAddEstimate(wd, pi, gradients[i]);
            float sqi = float.MultiplyAddEstimate(alpha, squareAverage[i], oneMinusAlpha * gi * gi);
            squareAverage[i] = sqi;
            float variance = sqi;
            if (centered)
            {
                float gai = float.MultiplyAddEstimate(alpha, gradientAverage[i], oneMinusAlpha * gi);
                gradientAverage[i] = gai;
                variance = MathF.Max(float.MultiplyAddEstimate(-gai, gai, sqi), 0f);
            }
            float scaled = gi / (MathF.Sqrt(variance) + epsilon);
            if (useMomentum)
            {
                scaled = float.MultiplyAddEstimate(momentum, momentumBuffer[i], scaled);
                momentumBuffer[i] = scaled;
            }
            parameters[i] = float.MultiplyAddEstimate(-lr, scaled, pi);
        }
    }
}
