using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace NetGen;

/// <summary>
/// A fixed team of threads that runs one piece of work as several parts at once: the calling thread runs part 0 and
/// <c>threads - 1</c> dedicated background threads run the others. Generated networks split a batch across its
/// members (<see cref="INetwork.Threads"/>). Nothing is allocated per call, and between calls the workers spin briefly
/// before blocking, so back-to-back training steps do not pay a thread wake-up each.
/// </summary>
/// <remarks>
/// Calls on one team are serialized (two networks sharing a team take turns); a work item must not call
/// <see cref="Run"/> on its own team. An exception in any part is rethrown on the caller after every part has stopped.
/// </remarks>
public sealed class WorkerTeam
{
    private static readonly Dictionary<int, WorkerTeam> s_shared = new();

    // How long an idle worker polls for the next call before blocking: longer than the gap between two training
    // steps (an optimizer update), far shorter than anything a user would notice as a busy core.
    private static readonly long s_spinTicks = Stopwatch.Frequency / 5000; // 200 us

    private readonly object _callGate = new();
    private readonly object _wakeGate = new();
    private readonly int _threads;

    // The current call, published by the generation increment.
    private ITeamWork? _work;
    private TeamTask _task;
    private int _parts;
    private int _generation;
    private int _sleepers;
    private int _pending;
    private volatile bool _failed;
    private Exception? _error;

    // Synchronize(): arrivals in the current phase, and the phase number waiters watch.
    private int _arrived;
    private volatile int _phase;

    /// <summary>Starts a team of <paramref name="threads"/> members: the caller plus <paramref name="threads"/> - 1 background threads.</summary>
    public WorkerTeam(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threads, 1024);
        _threads = threads;
        for (int i = 1; i < threads; i++)
        {
            var thread = new Thread(WorkerLoop) { IsBackground = true, Name = $"NetGen worker {i}/{threads}" };
            thread.Start(i);
        }
    }

    /// <summary>Members of the team, the calling thread included.</summary>
    public int Threads => _threads;

    /// <summary>The process-wide team of <paramref name="threads"/> members, started on first use.</summary>
    public static WorkerTeam Shared(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        lock (s_shared)
        {
            if (!s_shared.TryGetValue(threads, out WorkerTeam? team))
            {
                s_shared[threads] = team = new WorkerTeam(threads);
            }
            return team;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> as <paramref name="parts"/> parts (at most <see cref="Threads"/>) and returns when
    /// all have finished. The spans stay pinned for the call and reach every part through <see cref="TeamTask"/>.
    /// </summary>
    public unsafe void Run(ITeamWork work, int parts, TeamCall call, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Span<float> outputs, Span<float> inputGradients)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parts, _threads);
        fixed (float* i = inputs)
        fixed (float* t = targets)
        fixed (float* o = outputs)
        fixed (float* g = inputGradients)
        {
            lock (_callGate)
            {
                _work = work;
                _parts = parts;
                _task = new TeamTask(this, 0, parts, call, (nint)i, (nint)t, (nint)o, (nint)g);
                _failed = false;
                _error = null;
                _arrived = 0;
                Volatile.Write(ref _pending, parts - 1);
                lock (_wakeGate)
                {
                    _generation++;
                    if (_sleepers > 0)
                    {
                        Monitor.PulseAll(_wakeGate);
                    }
                }
                Execute(0);
                var wait = new SpinWait();
                while (Volatile.Read(ref _pending) != 0)
                {
                    wait.SpinOnce(sleep1Threshold: -1);
                }
                _work = null;
                if (_error is { } error)
                {
                    _error = null;
                    ExceptionDispatchInfo.Throw(error);
                }
            }
        }
    }

    /// <summary>Blocks the calling part until every part of the current call has arrived here.</summary>
    internal void Synchronize()
    {
        int phase = _phase;
        if (Interlocked.Increment(ref _arrived) == _parts)
        {
            _arrived = 0;
            _phase = phase + 1;
            return;
        }
        var wait = new SpinWait();
        while (_phase == phase)
        {
            if (_failed)
            {
                throw new TeamAbortedException();
            }
            wait.SpinOnce(sleep1Threshold: -1);
        }
    }

    private void Execute(int part)
    {
        try
        {
            _work!.Execute(_task.ForPart(part));
        }
        catch (TeamAbortedException)
        {
            // Another part failed first; its exception is the one reported.
        }
        catch (Exception e)
        {
            lock (_wakeGate)
            {
                _error ??= e;
            }
            _failed = true;
        }
    }

    private void WorkerLoop(object? state)
    {
        int part = (int)state!;
        int seen = 0;
        while (true)
        {
            seen = WaitForCall(seen);
            if (part < _parts)
            {
                Execute(part);
                Interlocked.Decrement(ref _pending);
            }
        }
    }

    // Polls for a new generation for a short while, then sleeps until the next call wakes the workers.
    private int WaitForCall(int seen)
    {
        long start = Stopwatch.GetTimestamp();
        var wait = new SpinWait();
        while (Volatile.Read(ref _generation) == seen)
        {
            if (Stopwatch.GetTimestamp() - start > s_spinTicks)
            {
                lock (_wakeGate)
                {
                    while (_generation == seen)
                    {
                        _sleepers++;
                        Monitor.Wait(_wakeGate);
                        _sleepers--;
                    }
                }
                break;
            }
            wait.SpinOnce(sleep1Threshold: -1);
        }
        return Volatile.Read(ref _generation);
    }

    private sealed class TeamAbortedException : Exception
    {
    }
}
