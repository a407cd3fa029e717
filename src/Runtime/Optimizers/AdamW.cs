using System;
using System.Runtime.InteropServices;
using System.Numerics;

namespace NetGen;

/// <summary>
/// AdamW (Loshchilov and Hutter 2019), Adam with decoupled weight decay, with the semantics of PyTorch's
/// <c>torch.optim.AdamW</c>: first <c>p *= 1 - lr*weightDecay</c>, then the Adam update of the plain gradient,
/// <c>m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)</c>.
/// </summary>
/// <remarks>
/// In <see cref="Adam"/> the decay is added to the gradient and then divided by <c>sqrt(v)</c>, so parameters with large
/// gradients are barely regularized; here every parameter shrinks by the same factor per step, which is what L2
/// regularization was meant to do. The decay scales with the current learning rate, so a schedule anneals it too.
/// </remarks>
public sealed class AdamW : IOptimizer
{
    private const string Name = nameof(AdamW);
    private const string FirstMomentName = "exp_avg";
    private const string SecondMomentName = "exp_avg_sq";

    private float _learningRate;
    private float[]? _firstMoment;
    private float[]? _secondMoment;
    private long _step;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">The step size; positive and finite.</param>
    /// <param name="beta1">The decay of the first-moment (mean) estimate, in [0, 1).</param>
    /// <param name="beta2">The decay of the second-moment (uncentered variance) estimate, in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator for numerical stability; positive.</param>
    /// <param name="weightDecay">The decoupled decay coefficient (PyTorch's default 1e-2); zero or positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public AdamW(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 1e-2f)
    {
        _learningRate = OptimizerGuard.LearningRate(learningRate);
        Beta1 = OptimizerGuard.DecayFactor(beta1);
        Beta2 = OptimizerGuard.DecayFactor(beta2);
        Epsilon = OptimizerGuard.Positive(epsilon);
        WeightDecay = OptimizerGuard.NonNegative(weightDecay);
    }

    /// <inheritdoc/>
    public float LearningRate
    {
        get => _learningRate;
        set => _learningRate = OptimizerGuard.LearningRateSetting(value);
    }

    /// <summary>The decay of the first-moment estimate.</summary>
    public float Beta1 { get; }

    /// <summary>The decay of the second-moment estimate.</summary>
    public float Beta2 { get; }

    /// <summary>The stability term of the denominator.</summary>
    public float Epsilon { get; }

    /// <summary>The decoupled weight decay coefficient: each step multiplies the parameters by <c>1 - lr * WeightDecay</c>.</summary>
    public float WeightDecay { get; }

    /// <summary>The number of steps taken so far (the <c>t</c> of the bias corrections).</summary>
    public long StepCount => _step;

    /// <summary>Forgets the moment estimates and the step count, so the next step starts afresh (on a buffer of any length).</summary>
    public void Reset()
    {
        _firstMoment = null;
        _secondMoment = null;
        _step = 0;
    }

    /// <inheritdoc/>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        OptimizerGuard.SameLength(parameters, gradients);
        float[] m = OptimizerGuard.State(ref _firstMoment, parameters.Length, Name);
        float[] v = OptimizerGuard.State(ref _secondMoment, parameters.Length, Name);
        long t = ++_step;

        // Bias corrections in double: 1 - beta^t loses most of its digits in float when beta is close to 1 and t is small.
        double correction1 = 1.0 - Math.Pow(Beta1, t);
        double correction2 = 1.0 - Math.Pow(Beta2, t);
        float stepSize = (float)(_learningRate / correction1);
        float inverseSqrtCorrection2 = (float)(1.0 / Math.Sqrt(correction2));
        float decay = (float)(1.0 - (double)_learningRate * WeightDecay);
        Update(parameters, gradients, m, v, stepSize, inverseSqrtCorrection2, Beta1, Beta2, Epsilon, decay);
    }

    /// <inheritdoc/>
    public OptimizerState ExportState()
    {
        var state = new OptimizerState(Name, _step, _learningRate);
        foreach ((string name, double value) in Hyperparameters())
        {
            state.AddHyperparameter(name, value);
        }
        if (_firstMoment is not null && _secondMoment is not null)
        {
            state.AddBuffer(FirstMomentName, (float[])_firstMoment.Clone());
            state.AddBuffer(SecondMomentName, (float[])_secondMoment.Clone());
        }
        return state;
    }

    /// <inheritdoc/>
    public void ImportState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Validate(Name, Hyperparameters(), [FirstMomentName, SecondMomentName]);
        _firstMoment = state.CopyBuffer(FirstMomentName);
        _secondMoment = state.CopyBuffer(SecondMomentName);
        _step = state.StepCount;
        _learningRate = state.LearningRate;
    }

    private (string, double)[] Hyperparameters() =>
        [("beta1", Beta1), ("beta2", Beta2), ("eps", Epsilon), ("weight_decay", WeightDecay)];

    // The vector body (Vector<float>: the machine's own width, never emulated) and the scalar tail perform the same
    // operations; MultiplyAddEstimate is one fused, correctly rounded operation where the machine has FMA and a multiply
    // and an add where it has not (x64 without FMA), in both alike, so an element's update does not depend on whether it
    // falls in the body or the tail.
    private static void Update(
        Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> firstMoment, Span<float> secondMoment,
        float stepSize, float inverseSqrtCorrection2, float beta1, float beta2, float epsilon, float decay)
    {
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float m = ref MemoryMarshal.GetReference(firstMoment);
        ref float v = ref MemoryMarshal.GetReference(secondMoment);
        float oneMinusBeta1 = 1f - beta1, oneMinusBeta2 = 1f - beta2;
        int n = parameters.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<float> vDecay = Vector.Create(decay);
            Vector<float> vBeta1 = Vector.Create(beta1), vOneMinusBeta1 = Vector.Create(oneMinusBeta1);
            Vector<float> vBeta2 = Vector.Create(beta2), vOneMinusBeta2 = Vector.Create(oneMinusBeta2);
            Vector<float> vEps = Vector.Create(epsilon), vInvSqrtC2 = Vector.Create(inverseSqrtCorrection2);
            Vector<float> negStep = Vector.Create(-stepSize);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> pi = Vector.LoadUnsafe(ref p, (nuint)i) * vDecay;
                Vector<float> gi = Vector.LoadUnsafe(ref g, (nuint)i);
                Vector<float> mi = Vector.MultiplyAddEstimate(vBeta1, Vector.LoadUnsafe(ref m, (nuint)i), vOneMinusBeta1 * gi);
                Vector<float> vi = Vector.MultiplyAddEstimate(vBeta2, Vector.LoadUnsafe(ref v, (nuint)i), vOneMinusBeta2 * gi * gi);
                mi.StoreUnsafe(ref m, (nuint)i);
                vi.StoreUnsafe(ref v, (nuint)i);
                Vector<float> denominator = Vector.MultiplyAddEstimate(Vector.SquareRoot(vi), vInvSqrtC2, vEps);
                Vector.MultiplyAddEstimate(negStep, mi / denominator, pi).StoreUnsafe(ref p, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float pi = parameters[i] * decay;
            float gi = gradients[i];
            float mi = float.MultiplyAddEstimate(beta1, firstMoment[i], oneMinusBeta1 * gi);
            float vi = float.MultiplyAddEstimate(beta2, secondMoment[i], oneMinusBeta2 * gi * gi);
            firstMoment[i] = mi;
            secondMoment[i] = vi;
            float denominator = float.MultiplyAddEstimate(MathF.Sqrt(vi), inverseSqrtCorrection2, epsilon);
            parameters[i] = float.MultiplyAddEstimate(-stepSize, mi / denominator, pi);
        }
    }
}
