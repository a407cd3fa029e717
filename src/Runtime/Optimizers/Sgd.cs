using System;
using System.Runtime.InteropServices;
using System.Numerics;

namespace NetGen;

/// <summary>
/// Stochastic gradient descent with optional momentum (classical or Nesterov) and L2 weight decay, with the semantics of
/// PyTorch's <c>torch.optim.SGD</c> without dampening: <c>g += weightDecay * p; v = momentum * v + g</c>, then
/// <c>p -= lr * v</c>, or with Nesterov momentum <c>p -= lr * (g + momentum * v)</c>. The velocity starts at zero, so the
/// first step's velocity is the gradient, as in PyTorch. With momentum 0 the update is <c>p -= lr * g</c> and the
/// optimizer keeps no per-parameter state.
/// </summary>
public sealed class Sgd : IOptimizer
{
    private const string Name = nameof(Sgd);
    private const string VelocityName = "momentum_buffer";

    private float _learningRate;
    private float[]? _velocity;
    private long _step;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">The step size; positive and finite.</param>
    /// <param name="momentum">The velocity decay in [0, 1); 0 disables momentum.</param>
    /// <param name="weightDecay">The L2 penalty coefficient added to the gradient as <c>weightDecay * p</c>; zero or positive.</param>
    /// <param name="nesterov">
    /// Whether to use Nesterov momentum: the step looks ahead along the velocity (<c>g + momentum * v</c> instead of
    /// <c>v</c>). Requires a non-zero <paramref name="momentum"/>.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    /// <exception cref="ArgumentException"><paramref name="nesterov"/> is set without momentum.</exception>
    public Sgd(float learningRate, float momentum = 0f, float weightDecay = 0f, bool nesterov = false)
    {
        _learningRate = OptimizerGuard.LearningRate(learningRate);
        Momentum = OptimizerGuard.DecayFactor(momentum);
        WeightDecay = OptimizerGuard.NonNegative(weightDecay);
        if (nesterov && momentum == 0f)
        {
            throw new ArgumentException("Nesterov momentum needs a momentum above 0 (0.9 is usual); without momentum there is nothing to look ahead along.", nameof(nesterov));
        }
        Nesterov = nesterov;
    }

    /// <inheritdoc/>
    public float LearningRate
    {
        get => _learningRate;
        set => _learningRate = OptimizerGuard.LearningRateSetting(value);
    }

    /// <summary>The velocity decay in [0, 1); 0 means plain SGD.</summary>
    public float Momentum { get; }

    /// <summary>The L2 penalty coefficient.</summary>
    public float WeightDecay { get; }

    /// <summary>Whether the momentum is Nesterov's.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public long StepCount => _step;

    /// <summary>Forgets the velocity and the step count, so the next step starts afresh (on a buffer of any length).</summary>
    public void Reset()
    {
        _velocity = null;
        _step = 0;
    }

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
            float[] velocity = OptimizerGuard.State(ref _velocity, parameters.Length, Name);
            StepMomentum(parameters, gradients, velocity, _learningRate, Momentum, WeightDecay, Nesterov);
        }
        _step++;
    }

    /// <inheritdoc/>
    public OptimizerState ExportState()
    {
        var state = new OptimizerState(Name, _step, _learningRate);
        AddHyperparameters(state);
        if (_velocity is not null)
        {
            state.AddBuffer(VelocityName, (float[])_velocity.Clone());
        }
        return state;
    }

    /// <inheritdoc/>
    public void ImportState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Validate(Name, Hyperparameters(), Momentum == 0f ? [] : [VelocityName]);
        _velocity = state.CopyBuffer(VelocityName);
        _step = state.StepCount;
        _learningRate = state.LearningRate;
    }

    private (string, double)[] Hyperparameters() =>
        [("momentum", Momentum), ("nesterov", Nesterov ? 1 : 0), ("weight_decay", WeightDecay)];

    private void AddHyperparameters(OptimizerState state)
    {
        foreach ((string name, double value) in Hyperparameters())
        {
            state.AddHyperparameter(name, value);
        }
    }

    // The vector body (Vector<float>: the machine's own width, never emulated) and the scalar tail perform the same
    // operations; MultiplyAddEstimate is one fused, correctly rounded operation where the machine has FMA and a multiply
    // and an add where it has not (x64 without FMA), in both alike, so an element's update does not depend on whether it
    // falls in the body or the tail.
    private static void StepPlain(Span<float> parameters, ReadOnlySpan<float> gradients, float lr, float wd)
    {
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        int n = parameters.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<float> negLr = Vector.Create(-lr), vWd = Vector.Create(wd);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> pi = Vector.LoadUnsafe(ref p, (nuint)i);
                Vector<float> gi = Vector.MultiplyAddEstimate(vWd, pi, Vector.LoadUnsafe(ref g, (nuint)i));
                Vector.MultiplyAddEstimate(negLr, gi, pi).StoreUnsafe(ref p, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float gi = float.MultiplyAddEstimate(wd, parameters[i], gradients[i]);
            parameters[i] = float.MultiplyAddEstimate(-lr, gi, parameters[i]);
        }
    }

    private static void StepMomentum(
        Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> velocity, float lr, float mu, float wd, bool nesterov)
    {
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float v = ref MemoryMarshal.GetReference(velocity);
        int n = parameters.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<float> negLr = Vector.Create(-lr), vMu = Vector.Create(mu), vWd = Vector.Create(wd);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> pi = Vector.LoadUnsafe(ref p, (nuint)i);
                Vector<float> gi = Vector.MultiplyAddEstimate(vWd, pi, Vector.LoadUnsafe(ref g, (nuint)i));
                Vector<float> vi = Vector.MultiplyAddEstimate(vMu, Vector.LoadUnsafe(ref v, (nuint)i), gi);
                vi.StoreUnsafe(ref v, (nuint)i);
                // Nesterov: the update looks ahead along the new velocity (PyTorch's grad.add(buf, alpha=momentum)).
                Vector<float> update = nesterov ? Vector.MultiplyAddEstimate(vMu, vi, gi) : vi;
                Vector.MultiplyAddEstimate(negLr, update, pi).StoreUnsafe(ref p, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float gi = float.MultiplyAddEstimate(wd, parameters[i], gradients[i]);
            float vi = float.MultiplyAddEstimate(mu, velocity[i], gi);
            velocity[i] = vi;
            float update = nesterov ? float.MultiplyAddEstimate(mu, vi, gi) : vi;
            parameters[i] = float.MultiplyAddEstimate(-lr, update, parameters[i]);
        }
    }
}
