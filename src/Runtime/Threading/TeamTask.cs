using System.Runtime.CompilerServices;

namespace NetGen;

/// <summary>Work that a <see cref="WorkerTeam"/> runs as several parts at once.</summary>
public interface ITeamWork
{
    /// <summary>Runs part <see cref="TeamTask.Part"/> of <see cref="TeamTask.Parts"/>; every part runs on its own thread.</summary>
    void Execute(in TeamTask task);
}

/// <summary>The arguments of one <see cref="WorkerTeam.Run"/> call that are not spans: what to do, on how many samples.</summary>
/// <param name="Job">The work item's own code for the kind of call (a generated network: inference or training step).</param>
/// <param name="Batch">Samples in the whole batch.</param>
/// <param name="Key">A 64-bit value for the call (a generated network: the dropout masks' key).</param>
public readonly record struct TeamCall(int Job, int Batch, ulong Key);

/// <summary>
/// One part of a <see cref="WorkerTeam"/> call: which part this is, the call's arguments, and the call's spans as
/// references (pinned by <see cref="WorkerTeam.Run"/> until every part has returned).
/// </summary>
public readonly struct TeamTask
{
    private readonly TeamRun _run;
    private readonly nint _inputs, _targets, _outputs, _inputGradients;

    internal TeamTask(TeamRun run, int part, int parts, TeamCall call, nint inputs, nint targets, nint outputs, nint inputGradients)
    {
        _run = run;
        Part = part;
        Parts = parts;
        Call = call;
        _inputs = inputs;
        _targets = targets;
        _outputs = outputs;
        _inputGradients = inputGradients;
    }

    /// <summary>The whole of a batch of <paramref name="batch"/> samples as the only part, on the calling thread (no team).</summary>
    public static TeamTask Single(int batch) => new(null!, 0, 1, new TeamCall(0, batch, 0), 0, 0, 0, 0);

    /// <summary>This part's index, 0 to <see cref="Parts"/> - 1; part 0 runs on the calling thread.</summary>
    public int Part { get; }

    /// <summary>How many parts the call runs.</summary>
    public int Parts { get; }

    /// <summary>The call's arguments.</summary>
    public TeamCall Call { get; }

    /// <summary>The first sample of this part's share of a batch of <paramref name="batch"/> samples: parts get contiguous, nearly equal ranges in part order.</summary>
    public int FirstSample(int batch) => (int)((long)batch * Part / Parts);

    /// <summary>The number of samples in this part's share of a batch of <paramref name="batch"/> samples.</summary>
    public int SampleCount(int batch) => (int)((long)batch * (Part + 1) / Parts) - FirstSample(batch);

    /// <summary>The first float of the call's inputs.</summary>
    public unsafe ref float Inputs => ref Unsafe.AsRef<float>((void*)_inputs);

    /// <summary>The first float of the call's targets (a null reference when the call has none).</summary>
    public unsafe ref float Targets => ref Unsafe.AsRef<float>((void*)_targets);

    /// <summary>The first float of the call's outputs (a null reference when the call has none).</summary>
    public unsafe ref float Outputs => ref Unsafe.AsRef<float>((void*)_outputs);

    /// <summary>The first float of the call's input gradients (a null reference when the call has none).</summary>
    public unsafe ref float InputGradients => ref Unsafe.AsRef<float>((void*)_inputGradients);

    /// <summary>Waits until every part of the call has reached this point (a barrier); nothing to wait for with one part.</summary>
    public void Synchronize()
    {
        if (Parts > 1)
        {
            _run.Synchronize();
        }
    }

    internal TeamTask ForPart(int part) => new(_run, part, Parts, Call, _inputs, _targets, _outputs, _inputGradients);
}
