using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NetGen.Reference.Tests;

/// <summary>
/// Every NetGen optimizer against TorchSharp's <c>torch.optim</c> (TorchSharp's managed port of PyTorch's formulas, run
/// by libtorch's float32 kernels): the same initial parameters and the same 150 gradient vectors, torch's parameter given
/// each gradient through <c>.grad</c> and <c>step()</c>, the two parameter vectors compared after every step.
/// </summary>
/// <remarks>
/// <para>
/// The vectors have 37 elements: four 8-wide vector iterations and a scalar tail of 5 (and with AVX-512 on, the Vector256
/// body still runs: the optimizers use Vector256 only), so both code paths meet torch. Element i's gradient has the scale
/// 10^(-3 + 4 i / 36), from 1e-3 to 10, so the adaptive methods divide by very different denominators, and a mean of its
/// own (momentum and the centered variance see a drift, not only noise); element 0's gradient is always exactly zero, so
/// the moment estimates of a parameter that never receives a gradient (only weight decay moves it) are covered too.
/// </para>
/// <para>
/// Hyperparameters are floats in NetGen and doubles in TorchSharp; torch gets the float widened to double (0.9f, not
/// 0.9), so both start from the same numbers. Each case sets every hyperparameter explicitly in both libraries, since
/// their defaults differ in places (TorchSharp's AdamW has weight decay 0, NetGen's 1e-2).
/// </para>
/// <para>
/// Tolerance: after every step t, each element must satisfy |netgen_i - torch_i| &lt;= 1e-5 max_{s &lt;= t} |torch_i(s)|,
/// a relative error of 1e-5 against the element's own largest magnitude so far (its initial value included). Both
/// libraries update in float32 (unit roundoff u = 6e-8), element by element (no sums over elements), in a different
/// order: NetGen fuses multiply-adds (one rounding where torch's <c>addcmul_</c>, <c>addcdiv_</c> and <c>add_(alpha)</c>
/// may round twice), divides where torch multiplies by a reciprocal or the reverse, and folds the bias corrections into
/// one step size and one factor. So each step's update differs by a few u of its own size, and the states (moments,
/// accumulators, momentum buffers) by a few u of theirs; the state recurrences contract (factors beta, rho, alpha,
/// momentum &lt; 1) and the update depends on the parameter only through weight decay (factor 1 - lr wd &lt; 1), so the
/// parameters' difference grows at most additively: 150 steps of a few u of updates smaller than the parameter stay
/// below about 1e-6 of its scale. Measured: at most 5.1e-7 (RMSprop with momentum), plain SGD bit-identical. The scale is
/// the element's own largest magnitude and not its current value because a parameter passing near zero keeps the
/// absolute error of the steps that brought it there (relative to its current value alone, the worst seen is 1.6e-3).
/// 1e-5 is what the issue asks for; the worst differences are logged per case, and the negative
/// controls (Adam's coupled weight decay against AdamW's decoupled one, beta2 0.998 for 0.999, the centered RMSprop
/// against the plain one, and SGD's classical momentum against Nesterov's) all fail it.
/// </para>
/// </remarks>
[Collection(TorchCollection.Name)]
public sealed class OptimizerReferenceTests
{
    /// <summary>The relative tolerance of the comparison (see the remarks).</summary>
    private const double Relative = 1e-5;

    private const int Length = 37;

    private const int Steps = 150;

    private readonly ITestOutputHelper _output;

    public OptimizerReferenceTests(ITestOutputHelper output) => _output = output;

    /// <summary>A NetGen optimizer and the torch.optim optimizer with the same settings.</summary>
    public sealed record OptimizerCase(string Name, Func<IOptimizer> NetGen, Func<Parameter[], OptimizerHelper> Torch);

    // (double)x: the float hyperparameter widened exactly, so that torch starts from NetGen's numbers.
    private static double D(float x) => x;

    private static readonly OptimizerCase[] Cases =
    {
        new("sgd", () => new Sgd(0.05f),
            p => optim.SGD(p, D(0.05f))),
        new("sgd, weight decay", () => new Sgd(0.05f, weightDecay: 0.03f),
            p => optim.SGD(p, D(0.05f), weight_decay: D(0.03f))),
        new("sgd, momentum", () => new Sgd(0.02f, momentum: 0.9f),
            p => optim.SGD(p, D(0.02f), momentum: D(0.9f))),
        new("sgd, momentum and weight decay", () => new Sgd(0.02f, momentum: 0.8f, weightDecay: 0.01f),
            p => optim.SGD(p, D(0.02f), momentum: D(0.8f), weight_decay: D(0.01f))),
        new("sgd, nesterov", () => new Sgd(0.02f, momentum: 0.9f, nesterov: true),
            p => optim.SGD(p, D(0.02f), momentum: D(0.9f), nesterov: true)),
        new("sgd, nesterov and weight decay", () => new Sgd(0.01f, momentum: 0.95f, weightDecay: 0.02f, nesterov: true),
            p => optim.SGD(p, D(0.01f), momentum: D(0.95f), weight_decay: D(0.02f), nesterov: true)),
        new("adam", () => new Adam(1e-2f, 0.9f, 0.999f, 1e-8f),
            p => optim.Adam(p, D(1e-2f), D(0.9f), D(0.999f), D(1e-8f))),
        new("adam, other betas and eps, weight decay", () => new Adam(3e-3f, 0.8f, 0.99f, 1e-6f, weightDecay: 0.05f),
            p => optim.Adam(p, D(3e-3f), D(0.8f), D(0.99f), D(1e-6f), weight_decay: D(0.05f))),
        new("adamw", () => new AdamW(1e-2f, 0.9f, 0.999f, 1e-8f, weightDecay: 1e-2f),
            p => optim.AdamW(p, D(1e-2f), D(0.9f), D(0.999f), D(1e-8f), weight_decay: D(1e-2f))),
        new("adamw, strong decay", () => new AdamW(5e-3f, 0.85f, 0.995f, 1e-7f, weightDecay: 0.3f),
            p => optim.AdamW(p, D(5e-3f), D(0.85f), D(0.995f), D(1e-7f), weight_decay: D(0.3f))),
        new("adagrad", () => new Adagrad(0.1f),
            p => optim.Adagrad(p, D(0.1f), lr_decay: 0, weight_decay: 0, initial_accumulator_value: 0, eps: D(1e-10f))),
        new("adagrad, lr decay and initial accumulator", () => new Adagrad(0.1f, learningRateDecay: 0.05f, initialAccumulatorValue: 0.5f),
            p => optim.Adagrad(p, D(0.1f), lr_decay: D(0.05f), weight_decay: 0, initial_accumulator_value: D(0.5f), eps: D(1e-10f))),
        new("adagrad, all settings", () => new Adagrad(0.2f, learningRateDecay: 0.01f, weightDecay: 0.02f, initialAccumulatorValue: 0.1f, epsilon: 1e-6f),
            p => optim.Adagrad(p, D(0.2f), lr_decay: D(0.01f), weight_decay: D(0.02f), initial_accumulator_value: D(0.1f), eps: D(1e-6f))),
        new("rmsprop", () => new RmsProp(1e-2f, alpha: 0.99f, epsilon: 1e-8f),
            p => optim.RMSProp(p, D(1e-2f), alpha: D(0.99f), eps: D(1e-8f))),
        new("rmsprop, alpha, eps and weight decay", () => new RmsProp(1e-2f, alpha: 0.9f, epsilon: 1e-6f, weightDecay: 0.01f),
            p => optim.RMSProp(p, D(1e-2f), alpha: D(0.9f), eps: D(1e-6f), weight_decay: D(0.01f))),
        new("rmsprop, momentum", () => new RmsProp(5e-3f, alpha: 0.99f, epsilon: 1e-8f, momentum: 0.9f),
            p => optim.RMSProp(p, D(5e-3f), alpha: D(0.99f), eps: D(1e-8f), momentum: D(0.9f))),
        new("rmsprop, centered", () => new RmsProp(5e-3f, alpha: 0.99f, epsilon: 1e-8f, centered: true),
            p => optim.RMSProp(p, D(5e-3f), alpha: D(0.99f), eps: D(1e-8f), centered: true)),
        new("rmsprop, centered with momentum and weight decay", () => new RmsProp(5e-3f, alpha: 0.95f, epsilon: 1e-7f, weightDecay: 0.01f, momentum: 0.8f, centered: true),
            p => optim.RMSProp(p, D(5e-3f), alpha: D(0.95f), eps: D(1e-7f), weight_decay: D(0.01f), momentum: D(0.8f), centered: true)),
        new("adadelta", () => new Adadelta(1f, rho: 0.9f, epsilon: 1e-6f),
            p => optim.Adadelta(p, 1, rho: D(0.9f), eps: D(1e-6f))),
        new("adadelta, lr, rho, eps and weight decay", () => new Adadelta(0.5f, rho: 0.95f, epsilon: 1e-5f, weightDecay: 0.01f),
            p => optim.Adadelta(p, D(0.5f), rho: D(0.95f), eps: D(1e-5f), weight_decay: D(0.01f))),
    };

    /// <summary>Cases whose learning rate follows a schedule (set on both optimizers before every step).</summary>
    private static readonly string[] Scheduled = { "sgd, nesterov and weight decay", "adam", "adamw, strong decay", "adagrad, lr decay and initial accumulator", "rmsprop, centered with momentum and weight decay", "adadelta" };

    public static IEnumerable<object[]> All() => Cases.Select(c => new object[] { c.Name });

    public static IEnumerable<object[]> AllScheduled() => Scheduled.Select(name => new object[] { name });

    [Theory]
    [MemberData(nameof(All))]
    public void Parameters_match_torch_optim_after_every_step(string name)
    {
        OptimizerCase test = Cases.Single(c => c.Name == name);
        string[] mismatches = Compare(test.NetGen(), test.Torch, seed: 1, schedule: null);
        Assert.True(mismatches.Length == 0, $"{name}:\n" + string.Join("\n", mismatches.Take(40)));
    }

    [Theory]
    [MemberData(nameof(AllScheduled))]
    public void Parameters_match_torch_optim_when_the_learning_rate_changes_every_step(string name)
    {
        // A cosine decay with restarts every 50 steps (the rate rises again), from the case's initial rate: the
        // optimizers must use the current rate, and AdamW its decay lr * wd with it.
        OptimizerCase test = Cases.Single(c => c.Name == name);
        IOptimizer probe = test.NetGen();
        float initial = probe.LearningRate;
        float Schedule(int step) => (float)(initial * (0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * (step % 50) / 50))));
        string[] mismatches = Compare(test.NetGen(), test.Torch, seed: 2, schedule: Schedule);
        Assert.True(mismatches.Length == 0, $"{name} with a schedule:\n" + string.Join("\n", mismatches.Take(40)));
    }

    [Fact]
    public void Optimizers_that_differ_slightly_fail_the_comparison()
    {
        (string What, IOptimizer NetGen, Func<Parameter[], OptimizerHelper> Torch)[] controls =
        {
            ("Adam's coupled weight decay against AdamW's decoupled one", new Adam(1e-2f, 0.9f, 0.999f, 1e-8f, weightDecay: 0.1f),
                p => optim.AdamW(p, D(1e-2f), D(0.9f), D(0.999f), D(1e-8f), weight_decay: D(0.1f))),
            ("beta2 0.998 against 0.999", new Adam(1e-2f, 0.9f, 0.998f, 1e-8f),
                p => optim.Adam(p, D(1e-2f), D(0.9f), D(0.999f), D(1e-8f))),
            ("centered RMSprop against the plain one", new RmsProp(5e-3f, alpha: 0.99f, epsilon: 1e-8f, centered: true),
                p => optim.RMSProp(p, D(5e-3f), alpha: D(0.99f), eps: D(1e-8f))),
            ("Nesterov against classical momentum", new Sgd(0.02f, momentum: 0.9f, nesterov: true),
                p => optim.SGD(p, D(0.02f), momentum: D(0.9f))),
        };
        foreach (var (what, netgen, torch) in controls)
        {
            Assert.True(Compare(netgen, torch, seed: 1, schedule: null).Length > 0, $"The comparison did not see: {what}.");
        }
    }

    [Fact]
    public void Torch_optim_gives_the_same_bits_on_every_run()
    {
        OptimizerCase test = Cases.Single(c => c.Name == "rmsprop, centered with momentum and weight decay");
        var (initial, gradients) = Sequence(seed: 3);
        Assert.Equal(RunTorch(test.Torch, initial, gradients, null), RunTorch(test.Torch, initial, gradients, null));
    }

    /// <summary>
    /// Runs both optimizers over the same sequence and returns one line per element and step out of tolerance (see the
    /// remarks); logs the worst difference relative to the element's own scale, and for information the worst relative
    /// to the element's current value alone (large only where it passes near zero).
    /// </summary>
    private string[] Compare(IOptimizer netgen, Func<Parameter[], OptimizerHelper> torchOptimizer, int seed, Func<int, float>? schedule)
    {
        var (initial, gradients) = Sequence(seed);
        float[][] expected = RunTorch(torchOptimizer, initial, gradients, schedule);
        float[] parameters = (float[])initial.Clone();
        var mismatches = new List<string>();
        double worst = 0, worstPlain = 0;
        int worstStep = 0, worstElement = 0;
        // Each element's largest magnitude so far, torch's initial value included: the scale of its rounding errors.
        double[] ownScale = initial.Select(v => Math.Abs((double)v)).ToArray();
        for (int step = 0; step < gradients.Length; step++)
        {
            if (schedule is not null)
            {
                netgen.LearningRate = schedule(step);
            }
            netgen.Step(parameters, gradients[step]);
            float[] reference = expected[step];
            for (int i = 0; i < Length; i++)
            {
                double difference = Math.Abs((double)parameters[i] - reference[i]);
                ownScale[i] = Math.Max(ownScale[i], Math.Abs((double)reference[i]));
                worstPlain = Math.Max(worstPlain, difference / Math.Max(Math.Abs((double)reference[i]), 1e-30));
                if (difference / ownScale[i] > worst)
                {
                    (worst, worstStep, worstElement) = (difference / ownScale[i], step + 1, i);
                }
                if (!(difference <= Relative * ownScale[i]))
                {
                    mismatches.Add($"MISMATCH step {step + 1}, element {i}: torch {reference[i]:G9}, NetGen {parameters[i]:G9} (largest so far {ownScale[i]:G3})");
                }
            }
        }
        Assert.Equal(Steps, netgen.StepCount);
        _output.WriteLine($"{Steps} steps of {Length} parameters: worst relative to the element's own scale {worst:G3} (step {worstStep}, element {worstElement}), " +
            $"worst relative to the current value {worstPlain:G3}; final max |p| {expected[^1].Max(v => Math.Abs(v)):G3}, " +
            $"largest move {initial.Zip(expected[^1], (a, b) => Math.Abs(a - b)).Max():G3}");
        return mismatches.ToArray();
    }

    /// <summary>torch.optim over the sequence: the parameter values after each step.</summary>
    private static float[][] RunTorch(Func<Parameter[], OptimizerHelper> create, float[] initial, float[][] gradients, Func<int, float>? schedule)
    {
        torch.set_num_threads(1);
        using var scope = NewDisposeScope();
        var parameter = new Parameter(tensor(initial), requires_grad: true);
        using OptimizerHelper optimizer = create(new[] { parameter });
        var result = new float[gradients.Length][];
        for (int step = 0; step < gradients.Length; step++)
        {
            if (schedule is not null)
            {
                foreach (var group in optimizer.ParamGroups)
                {
                    group.LearningRate = schedule(step);
                }
            }
            parameter.grad = tensor(gradients[step]);
            optimizer.step();
            result[step] = parameter.data<float>().ToArray();
        }
        return result;
    }

    /// <summary>The initial parameters (uniform in [-2, 2]) and <see cref="Steps"/> gradient vectors (see the remarks).</summary>
    private static (float[] Initial, float[][] Gradients) Sequence(int seed)
    {
        var random = new Random(seed);
        float[] initial = Enumerable.Range(0, Length).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        double[] scale = Enumerable.Range(0, Length).Select(i => Math.Pow(10, -3 + 4.0 * i / (Length - 1))).ToArray();
        double[] drift = Enumerable.Range(0, Length).Select(_ => random.NextDouble() - 0.5).ToArray();
        var gradients = new float[Steps][];
        for (int step = 0; step < Steps; step++)
        {
            gradients[step] = Enumerable.Range(0, Length)
                .Select(i => i == 0 ? 0f : (float)(scale[i] * (drift[i] + random.NextDouble() * 2 - 1)))
                .ToArray();
        }
        return (initial, gradients);
    }
}
