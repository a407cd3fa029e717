using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen;

/// <summary>
/// Stochastic gradient descent with optional momentum and L2 weight decay, with the semantics of PyTorch's
/// <c>torch.optim.SGD</c> (no dampening, no Nesterov): <c>g += weightDecay * p; v = momentum * v + g; p -= lr * v</c>.
/// With momentum 0 the update is <c>p -= lr * g</c> and the optimizer keeps no state.
/// </summary>
public sealed class Sgd : IOptimizer
{
    private float _learningRate;
    private float[]? _velocity;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">The step size; positive and finite.</param>
    /// <param name="momentum">The velocity decay in [0, 1); 0 disables momentum.</param>
    /// <param name="weightDecay">The L2 penalty coefficient added to the gradient as <c>weightDecay * p</c>; zero or positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public Sgd(float learningRate, float momentum = 0f, float weightDecay = 0f)
    {
        _learningRate = OptimizerGuard.LearningRate(learningRate);
        Momentum = OptimizerGuard.DecayFactor(momentum);
        WeightDecay = OptimizerGuard.NonNegative(weightDecay);
    }

    /// <inheritdoc/>
    public float LearningRate
    {
        get => _learningRate;
        set => _learningRate = OptimizerGuard.LearningRate(value);
    }

    /// <summary>The velocity decay in [0, 1); 0 means plain SGD.</summary>
    public float Momentum { get; }

    /// <summary>The L2 penalty coefficient.</summary>
    public float WeightDecay { get; }

    /// <summary>Forgets the velocity, so the next step starts afresh (on a buffer of any length).</summary>
    public void Reset() => _velocity = null;

    /// <inheritdoc/>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        OptimizerGuard.SameLength(parameters, gradients);
        if (Momentum == 0f)
        {
            StepPlain(parameters, gradients, _learningRate, WeightDecay);
        }
        else
        {
            float[] velocity = OptimizerGuard.State(ref _velocity, parameters.Length, nameof(Sgd));
            StepMomentum(parameters, gradients, velocity, _learningRate, Momentum, WeightDecay);
        }
    }

    // The vector body and the scalar tail perform the same fused operations, each correctly rounded, so an element's
    // update does not depend on whether it falls in the body or the tail.
    private static void StepPlain(Span<float> parameters, ReadOnlySpan<float> gradients, float lr, float wd)
    {
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        int n = parameters.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> negLr = Vector256.Create(-lr), vWd = Vector256.Create(wd);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> pi = Vector256.LoadUnsafe(ref p, (nuint)i);
                Vector256<float> gi = Vector256.FusedMultiplyAdd(vWd, pi, Vector256.LoadUnsafe(ref g, (nuint)i));
                Vector256.FusedMultiplyAdd(negLr, gi, pi).StoreUnsafe(ref p, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float gi = MathF.FusedMultiplyAdd(wd, parameters[i], gradients[i]);
            parameters[i] = MathF.FusedMultiplyAdd(-lr, gi, parameters[i]);
        }
    }

    private static void StepMomentum(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> velocity, float lr, float mu, float wd)
    {
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float v = ref MemoryMarshal.GetReference(velocity);
        int n = parameters.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> negLr = Vector256.Create(-lr), vMu = Vector256.Create(mu), vWd = Vector256.Create(wd);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> pi = Vector256.LoadUnsafe(ref p, (nuint)i);
                Vector256<float> gi = Vector256.FusedMultiplyAdd(vWd, pi, Vector256.LoadUnsafe(ref g, (nuint)i));
                Vector256<float> vi = Vector256.FusedMultiplyAdd(vMu, Vector256.LoadUnsafe(ref v, (nuint)i), gi);
                vi.StoreUnsafe(ref v, (nuint)i);
                Vector256.FusedMultiplyAdd(negLr, vi, pi).StoreUnsafe(ref p, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float gi = MathF.FusedMultiplyAdd(wd, parameters[i], gradients[i]);
            float vi = MathF.FusedMultiplyAdd(mu, velocity[i], gi);
            velocity[i] = vi;
            parameters[i] = MathF.FusedMultiplyAdd(-lr, vi, parameters[i]);
        }
    }
}
