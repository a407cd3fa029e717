using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace NetGen.Runtime.Tests.Optimizers;

public sealed class OptimizerStateTests
{
    public static TheoryData<string> Optimizers => new(Factories.Keys);

    /// <summary>Each optimizer with settings that use every buffer it has.</summary>
    private static readonly Dictionary<string, Func<IOptimizer>> Factories = new()
    {
        ["Sgd"] = () => new Sgd(0.05f),
        ["Sgd momentum"] = () => new Sgd(0.05f, momentum: 0.9f, weightDecay: 0.01f),
        ["Sgd Nesterov"] = () => new Sgd(0.05f, momentum: 0.9f, nesterov: true),
        ["Adam"] = () => new Adam(0.01f, weightDecay: 0.01f),
        ["AdamW"] = () => new AdamW(0.01f),
        ["Adagrad"] = () => new Adagrad(0.05f, learningRateDecay: 0.01f, initialAccumulatorValue: 0.1f),
        ["RmsProp"] = () => new RmsProp(0.01f),
        ["RmsProp centered momentum"] = () => new RmsProp(0.01f, momentum: 0.9f, centered: true),
        ["Adadelta"] = () => new Adadelta(weightDecay: 0.01f),
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void An_imported_state_continues_bit_identically(string name)
    {
        IOptimizer original = Factories[name]();
        float[] parameters = ReferenceOptimizers.RandomValues(21, seed: 1, scale: 1f);
        for (int t = 0; t < 10; t++)
        {
            original.Step(parameters, Gradient(t));
        }
        original.LearningRate *= 0.5f;

        OptimizerState state = original.ExportState();
        IOptimizer restored = Factories[name]();
        restored.ImportState(state);
        float[] copy = (float[])parameters.Clone();

        Assert.Equal(10, restored.StepCount);
        Assert.Equal(original.LearningRate, restored.LearningRate);
        for (int t = 10; t < 30; t++)
        {
            original.Step(parameters, Gradient(t));
            restored.Step(copy, Gradient(t));
        }
        Assert.Equal(Bits(parameters), Bits(copy));
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Exported_buffers_are_copies(string name)
    {
        IOptimizer optimizer = Factories[name]();
        float[] parameters = new float[21];
        optimizer.Step(parameters, Gradient(0));
        OptimizerState state = optimizer.ExportState();
        float[][] before = state.Buffers.Values.Select(b => (float[])b.Clone()).ToArray();

        optimizer.Step(parameters, Gradient(1));

        Assert.Equal(before, state.Buffers.Values.ToArray());
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Steps_after_the_first_do_not_allocate(string name)
    {
        IOptimizer optimizer = Factories[name]();
        float[] parameters = new float[1000];
        float[] gradients = ReferenceOptimizers.RandomValues(1000, seed: 13, scale: 1f);
        optimizer.Step(parameters, gradients);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            optimizer.Step(parameters, gradients);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Vector_body_and_scalar_tail_give_bit_identical_updates(string name)
    {
        IOptimizer optimizer = Factories[name]();
        float[] parameters = new float[19];
        float[] gradients = new float[19];
        parameters.AsSpan().Fill(-0.4f);
        gradients.AsSpan().Fill(0.0123f);
        for (int step = 0; step < 4; step++)
        {
            optimizer.Step(parameters, gradients);
        }
        Assert.All(parameters, p => Assert.Equal(BitConverter.SingleToInt32Bits(parameters[0]), BitConverter.SingleToInt32Bits(p)));
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Reset_forgets_the_state_and_the_step_count(string name)
    {
        IOptimizer optimizer = Factories[name]();
        optimizer.Step(new float[16], Gradient(0).AsSpan(0, 16));
        optimizer.Reset();

        Assert.Equal(0, optimizer.StepCount);
        Assert.Empty(optimizer.ExportState().Buffers);
        optimizer.Step(new float[3], new float[3]);
    }

    [Fact]
    public void State_of_another_optimizer_kind_is_rejected_with_both_names()
    {
        var adam = new Adam();
        adam.Step(new float[4], new float[4]);

        var error = Assert.Throws<ArgumentException>(() => new AdamW().ImportState(adam.ExportState()));

        Assert.Equal("The optimizer state was exported by Adam, not by AdamW. " +
            "To continue the run, import it into an optimizer of type Adam with the same settings. (Parameter 'state')", error.Message);
    }

    [Fact]
    public void State_saved_with_other_settings_is_rejected_naming_the_setting()
    {
        var saved = new Adam(beta1: 0.8f);
        saved.Step(new float[4], new float[4]);
        var target = new Adam();

        var error = Assert.Throws<ArgumentException>(() => target.ImportState(saved.ExportState()));

        Assert.Contains("was saved with beta1 = 0.800000011920929, but this optimizer has beta1 = 0.8999999761581421", error.Message);
        Assert.Equal(0, target.StepCount);
    }

    [Fact]
    public void State_with_steps_but_without_buffers_is_rejected()
    {
        var state = new OptimizerState("Adam", stepCount: 5, learningRate: 1e-3f);
        foreach ((string name, double value) in new Adam().ExportState().Hyperparameters)
        {
            state.AddHyperparameter(name, value);
        }

        var error = Assert.Throws<ArgumentException>(() => new Adam().ImportState(state));
        Assert.Contains("has taken 5 steps but lacks the buffer 'exp_avg'", error.Message);
    }

    [Fact]
    public void State_with_buffers_of_different_lengths_is_rejected()
    {
        var adam = new Adam();
        adam.Step(new float[4], new float[4]);
        OptimizerState good = adam.ExportState();
        var bad = new OptimizerState("Adam", good.StepCount, good.LearningRate);
        foreach ((string name, double value) in good.Hyperparameters)
        {
            bad.AddHyperparameter(name, value);
        }
        bad.AddBuffer("exp_avg", new float[4]);
        bad.AddBuffer("exp_avg_sq", new float[5]);

        var error = Assert.Throws<ArgumentException>(() => new Adam().ImportState(bad));
        Assert.Contains("buffers differ in length (4 and 5 values)", error.Message);
    }

    [Fact]
    public void Buffers_and_hyperparameters_use_PyTorch_names_in_ordinal_order()
    {
        var rms = new RmsProp(momentum: 0.9f, centered: true);
        rms.Step(new float[2], new float[2]);
        OptimizerState state = rms.ExportState();

        Assert.Equal(["grad_avg", "momentum_buffer", "square_avg"], state.Buffers.Keys);
        Assert.Equal(["alpha", "centered", "eps", "momentum", "weight_decay"], state.Hyperparameters.Keys);
        Assert.Equal("RmsProp", state.Optimizer);
    }

    [Fact]
    public void Learning_rate_may_be_set_to_zero_by_a_schedule_but_not_below()
    {
        IOptimizer[] all = Factories.Values.Select(f => f()).ToArray();
        foreach (IOptimizer optimizer in all)
        {
            optimizer.LearningRate = 0f;
            float[] p = [1f];
            optimizer.Step(p, [0.5f]);
            Assert.Equal(1f, p[0]);
            Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.LearningRate = -1e-3f);
            Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.LearningRate = float.PositiveInfinity);
        }
    }

    [Fact]
    public void Nesterov_without_momentum_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new Sgd(0.1f, nesterov: true));
        Assert.Equal("nesterov", error.ParamName);
    }

    [Theory]
    [InlineData(0f, 0f, 0f, 0f, 1e-10f)]
    [InlineData(0.01f, -1f, 0f, 0f, 1e-10f)]
    [InlineData(0.01f, 0f, -1f, 0f, 1e-10f)]
    [InlineData(0.01f, 0f, 0f, -1f, 1e-10f)]
    [InlineData(0.01f, 0f, 0f, 0f, 0f)]
    public void Adagrad_rejects_arguments_outside_their_range(float lr, float lrDecay, float wd, float initial, float eps)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adagrad(lr, lrDecay, wd, initial, eps));
    }

    [Theory]
    [InlineData(0f, 0.99f, 1e-8f, 0f, 0f)]
    [InlineData(0.01f, 1f, 1e-8f, 0f, 0f)]
    [InlineData(0.01f, 0.99f, 0f, 0f, 0f)]
    [InlineData(0.01f, 0.99f, 1e-8f, -1f, 0f)]
    [InlineData(0.01f, 0.99f, 1e-8f, 0f, 1f)]
    public void RmsProp_rejects_arguments_outside_their_range(float lr, float alpha, float eps, float wd, float momentum)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(lr, alpha, eps, wd, momentum));
    }

    [Theory]
    [InlineData(0f, 0.9f, 1e-6f, 0f)]
    [InlineData(1f, 1f, 1e-6f, 0f)]
    [InlineData(1f, 0.9f, 0f, 0f)]
    [InlineData(1f, 0.9f, 1e-6f, float.NaN)]
    public void Adadelta_rejects_arguments_outside_their_range(float lr, float rho, float eps, float wd)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adadelta(lr, rho, eps, wd));
    }

    [Theory]
    [InlineData(-1e-3f, 0.9f, 0.999f, 1e-8f, 0f)]
    [InlineData(1e-3f, 1f, 0.999f, 1e-8f, 0f)]
    [InlineData(1e-3f, 0.9f, 0.999f, 1e-8f, -0.01f)]
    public void AdamW_rejects_arguments_outside_their_range(float lr, float beta1, float beta2, float eps, float wd)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(lr, beta1, beta2, eps, wd));
    }

    private static float[] Gradient(int step) => ReferenceOptimizers.RandomValues(21, seed: 500 + step, scale: 0.5f);

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);
}
