using System;
using System.Runtime.InteropServices;
using System.Numerics;

namespace NetGen;

/// <summary>
/// AdaGrad (Duchi, Hazan and Singer 2011) with the semantics of PyTorch's <c>torch.optim.Adagrad</c>: each parameter's
/// step is divided by the root of its accumulated squared gradients, so rarely updated parameters keep large steps.
/// Per step <c>t</c> (from 1): <c>g += weightDecay * p; clr = lr / (1 + (t-1)*lrDecay); sum += g^2;
/// p -= clr * g / (sqrt(sum) + eps)</c>, with <c>sum</c> starting at <c>initialAccumulatorValue</c>.
/// </summary>
/// <remarks>
/// The accumulator only grows, so the effective step shrinks roughly like 1/sqrt(t) for steady gradients: good for sparse
/// problems and convex ones, often too cautious late in deep-network training (see <see cref="RmsProp"/> and
/// <see cref="Adadelta"/>, which forget old gradients).
/// </remarks>
public sealed class Adagrad : IOptimizer
{
    private const string Name = nameof(Adagrad);
    private const string SumName = "sum";

    private float _learningRate;
    private float[]? _sum;
    private long _step;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">The step size; positive and finite (PyTorch's default is 0.01).</param>
    /// <param name="learningRateDecay">Divides the step size by <c>1 + (t-1)*learningRateDecay</c>; zero or positive.</param>
    /// <param name="weightDecay">The L2 penalty coefficient added to the gradient; zero or positive.</param>
    /// <param name="initialAccumulatorValue">The starting value of every squared-gradient sum; zero or positive.</param>
    /// <param name="epsilon">Added to the denominator for numerical stability; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public Adagrad(float learningRate = 1e-2f, float learningRateDecay = 0f, float weightDecay = 0f, float initialAccumulatorValue = 0f, float epsilon = 1e-10f)
    {
        _learningRate = OptimizerGuard.LearningRate(learningRate);
        LearningRateDecay = OptimizerGuard.NonNegative(learningRateDecay);
        WeightDecay = OptimizerGuard.NonNegative(weightDecay);
        InitialAccumulatorValue = OptimizerGuard.NonNegative(initialAccumulatorValue);
        Epsilon = OptimizerGuard.Positive(epsilon);
    }

    /// <inheritdoc/>
    public float LearningRate
    {
        get => _learningRate;
        set => _learningRate = OptimizerGuard.LearningRateSetting(value);
    }

    /// <summary>The decay of the step size over steps: step <c>t</c> uses <c>lr / (1 + (t-1)*LearningRateDecay)</c>.</summary>
    public float LearningRateDecay { get; }

    /// <summary>The L2 penalty coefficient.</summary>
    public float WeightDecay { get; }

    /// <summary>The starting value of the squared-gradient sums.</summary>
    public float InitialAccumulatorValue { get; }

    /// <summary>The stability term of the denominator.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    public long StepCount => _step;

    /// <summary>Forgets the squared-gradient sums and the step count, so the next step starts afresh (on a buffer of any length).</summary>
    public void Reset()
    {
        _sum = null;
        _step = 0;
    }

    /// <inheritdoc/>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        OptimizerGuard.SameLength(parameters, gradients);
        bool fresh = _sum is null;
        float[] sum = OptimizerGuard.State(ref _sum, parameters.Length, Name);
        if (fresh)
        {
            sum.AsSpan().Fill(InitialAccumulatorValue);
        }
        long t = ++_step;
        float clr = (float)(_learningRate / (1.0 + (t - 1) * (double)LearningRateDecay));
        Update(parameters, gradients, sum, clr, WeightDecay, Epsilon);
    }

    /// <inheritdoc/>
    public OptimizerState ExportState()
    {
        var state = new OptimizerState(Name, _step, _learningRate);
        foreach ((string name, double value) in Hyperparameters())
        {
            state.AddHyperparameter(name, value);
        }
        if (_sum is not null)
        {
            state.AddBuffer(SumName, (float[])_sum.Clone());
        }
        return state;
    }

    /// <inheritdoc/>
    public void ImportState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Validate(Name, Hyperparameters(), [SumName]);
        _sum = state.CopyBuffer(SumName);
        _step = state.StepCount;
        _learningRate = state.LearningRate;
    }

    private (string, double)[] Hyperparameters() =>
        [("eps", Epsilon), ("initial_accumulator_value", InitialAccumulatorValue), ("lr_decay", LearningRateDecay), ("weight_decay", WeightDecay)];

    // The vector body (Vector<float>: the machine's own width, never emulated) and the scalar tail perform the same
    // operations; MultiplyAddEstimate is one fused, correctly rounded operation where the machine has FMA and a multiply
    // and an add where it has not (x64 without FMA), in both alike, so an element's update does not depend on whether it
    // falls in the body or the tail.
    private static void Update(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> sums, float clr, float wd, float epsilon)
    {
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float s = ref MemoryMarshal.GetReference(sums);
        int n = parameters.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<float> vWd = Vector.Create(wd), vEps = Vector.Create(epsilon), negClr = Vector.Create(-clr);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> pi = Vector.LoadUnsafe(ref p, (nuint)i);
                Vector<float> gi = Vector.MultiplyAddEstimate(vWd, pi, Vector.LoadUnsafe(ref g, (nuint)i));
                Vector<float> si = Vector.MultiplyAddEstimate(gi, gi, Vector.LoadUnsafe(ref s, (nuint)i));
                si.StoreUnsafe(ref s, (nuint)i);
                Vector.MultiplyAddEstimate(negClr, gi / (Vector.SquareRoot(si) + vEps), pi).StoreUnsafe(ref p, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float pi = parameters[i];
            float gi = float.MultiplyAddEstimate(wd, pi, gradients[i]);
            float si = float.MultiplyAddEstimate(gi, gi, sums[i]);
            sums[i] = si;
            parameters[i] = float.MultiplyAddEstimate(-clr, gi / (MathF.Sqrt(si) + epsilon), pi);
        }
    }
}
