using System;
using System.Collections.Generic;
using System.Globalization;

namespace NetGen;

/// <summary>
/// A snapshot of everything an optimizer needs to continue exactly where it stopped: its kind, its step count, its
/// current learning rate, its fixed hyperparameters and its per-parameter buffers (momentum, moment estimates, ...).
/// Buffers use the names of PyTorch's <c>state_dict</c> (<c>momentum_buffer</c>, <c>exp_avg</c>, <c>exp_avg_sq</c>, ...).
/// A <see cref="Checkpoint"/> stores it; <see cref="IOptimizer.ImportState"/> restores it.
/// </summary>
/// <remarks>
/// Names are kept in ordinal order, so that a state serializes to the same bytes however it was built. The arrays are
/// held, not copied: <see cref="IOptimizer.ExportState"/> hands out copies of its buffers, and
/// <see cref="IOptimizer.ImportState"/> copies them in.
/// </remarks>
public sealed class OptimizerState
{
    private readonly SortedDictionary<string, double> _hyperparameters = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, float[]> _buffers = new(StringComparer.Ordinal);

    /// <summary>Creates a state without hyperparameters or buffers.</summary>
    /// <param name="optimizer">The kind of optimizer, e.g. <c>"Adam"</c> (the class name of the built-in optimizers).</param>
    /// <param name="stepCount">The number of steps taken; zero or positive.</param>
    /// <param name="learningRate">The learning rate at the time of the snapshot; zero or positive and finite.</param>
    /// <exception cref="ArgumentException">An argument is empty or out of range.</exception>
    public OptimizerState(string optimizer, long stepCount, float learningRate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(optimizer);
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        if (!float.IsFinite(learningRate) || learningRate < 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be zero or a positive, finite number.");
        }
        Optimizer = optimizer;
        StepCount = stepCount;
        LearningRate = learningRate;
    }

    /// <summary>The kind of optimizer the state belongs to, e.g. <c>"Adam"</c>.</summary>
    public string Optimizer { get; }

    /// <summary>The number of steps the optimizer had taken.</summary>
    public long StepCount { get; }

    /// <summary>The learning rate at the time of the snapshot.</summary>
    public float LearningRate { get; }

    /// <summary>The fixed settings (betas, momentum, weight decay, ...; flags as 0 or 1), by name in ordinal order.</summary>
    public IReadOnlyDictionary<string, double> Hyperparameters => _hyperparameters;

    /// <summary>The per-parameter buffers, by name in ordinal order; each has the length of the parameter buffer.</summary>
    public IReadOnlyDictionary<string, float[]> Buffers => _buffers;

    /// <summary>Adds a fixed setting.</summary>
    /// <param name="name">A name not used before.</param>
    /// <param name="value">The value (flags as 0 or 1).</param>
    /// <exception cref="ArgumentException">The name is empty or already present.</exception>
    public void AddHyperparameter(string name, double value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_hyperparameters.TryAdd(name, value))
        {
            throw new ArgumentException($"The state already holds a hyperparameter named '{name}'.", nameof(name));
        }
    }

    /// <summary>Adds a per-parameter buffer, without copying it.</summary>
    /// <param name="name">A name not used before.</param>
    /// <param name="values">The buffer.</param>
    /// <exception cref="ArgumentException">The name is empty or already present.</exception>
    public void AddBuffer(string name, float[] values)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(values);
        if (!_buffers.TryAdd(name, values))
        {
            throw new ArgumentException($"The state already holds a buffer named '{name}'.", nameof(name));
        }
    }

    /// <summary>
    /// Checks that the state belongs to an optimizer of kind <paramref name="optimizer"/>, that it holds exactly the
    /// hyperparameters given, with the same values, and only buffers from <paramref name="bufferNames"/>, all of one length.
    /// </summary>
    internal void Validate(string optimizer, ReadOnlySpan<(string Name, double Value)> hyperparameters, ReadOnlySpan<string> bufferNames)
    {
        if (!string.Equals(Optimizer, optimizer, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The optimizer state was exported by {Optimizer}, not by {optimizer}. " +
                $"To continue the run, import it into an optimizer of type {Optimizer} with the same settings.", "state");
        }
        foreach ((string name, double value) in hyperparameters)
        {
            if (!_hyperparameters.TryGetValue(name, out double saved))
            {
                throw new ArgumentException($"The {optimizer} state lacks the hyperparameter '{name}'; it was not exported by this version's {optimizer}.", "state");
            }
            // Compared as floats: the settings are float properties, widened exactly to double when exported.
            if ((float)saved != (float)value)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"The {optimizer} state was saved with {name} = {saved}, but this optimizer has {name} = {value}. ") +
                    $"Create the optimizer with the saved settings to continue the run exactly (or skip the optimizer state to start it afresh).", "state");
            }
        }
        foreach (string name in _hyperparameters.Keys)
        {
            if (!Contains(hyperparameters, name))
            {
                throw new ArgumentException($"The {optimizer} state holds an unknown hyperparameter '{name}'.", "state");
            }
        }
        if (_buffers.Count != 0 || StepCount > 0)
        {
            foreach (string name in bufferNames)
            {
                if (!_buffers.ContainsKey(name))
                {
                    throw new ArgumentException(
                        $"The {optimizer} state has taken {StepCount} steps but lacks the buffer '{name}', so the run cannot continue exactly. " +
                        "Export the state with ExportState after the optimizer has stepped.", "state");
                }
            }
        }
        int length = -1;
        foreach ((string name, float[] values) in _buffers)
        {
            if (bufferNames.IndexOf(name) < 0)
            {
                throw new ArgumentException(
                    $"The {optimizer} state holds a buffer '{name}' that this {optimizer} optimizer does not use (it uses: {string.Join(", ", bufferNames.ToArray())}).", "state");
            }
            if (length >= 0 && values.Length != length)
            {
                throw new ArgumentException($"The {optimizer} state's buffers differ in length ({length} and {values.Length} values); they must all match the parameter buffer.", "state");
            }
            length = values.Length;
        }
    }

    /// <summary>A copy of buffer <paramref name="name"/>, or <see langword="null"/> if the state does not hold it.</summary>
    internal float[]? CopyBuffer(string name) => _buffers.TryGetValue(name, out float[]? values) ? (float[])values.Clone() : null;

    private static bool Contains(ReadOnlySpan<(string Name, double Value)> items, string name)
    {
        foreach ((string itemName, _) in items)
        {
            if (string.Equals(itemName, name, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
