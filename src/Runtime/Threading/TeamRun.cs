using System;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace NetGen;

/// <summary>
/// One thread's calls of <see cref="WorkerTeam.Run"/>: the current call's work and arguments, the pooled workers running
/// its parts, the count of parts still running, the barrier of <see cref="TeamTask.Synchronize"/>, and the first error.
/// Waits spin for a short while and then block, so that a machine with more busy threads than cores (many concurrent
/// calls) does not spend its time spinning.
/// </summary>
internal sealed class TeamRun
{
    // How long a wait polls before it blocks: longer than the gap between two training steps (an optimizer update) or
    // the imbalance of parts at a barrier, far shorter than anything a user would notice as a busy core.
    internal static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 200 us

    private ITeamWork? _work;
    private TeamTask _task;
    private int _parts;
    private Worker[] _workers = [];
    private volatile bool _failed;
    private Exception? _error;

    // Parts still running on workers; the caller blocks on _doneGate once its spin is over.
    private int _pending;
    private bool _callerWaiting;
    private readonly object _doneGate = new();

    // Synchronize(): arrivals in the current phase, the phase number waiters watch, and how many of them sleep.
    private int _arrived;
    private int _phase;
    private int _barrierSleepers;
    private readonly object _barrierGate = new();

    /// <summary>Whether a call is in progress (a part that calls a team again gets a new <see cref="TeamRun"/>).</summary>
    public bool Busy { get; private set; }

    public void Run(ITeamWork work, int parts, TeamCall call, nint inputs, nint targets, nint outputs, nint inputGradients)
    {
        Busy = true;
        try
        {
            _work = work;
            _parts = parts;
            _task = new TeamTask(this, 0, parts, call, inputs, targets, outputs, inputGradients);
            _failed = false;
            _error = null;
            _arrived = 0;
            int helpers = parts - 1;
            if (helpers > 0)
            {
                if (_workers.Length < helpers)
                {
                    _workers = new Worker[helpers];
                }
                Span<Worker> workers = _workers.AsSpan(0, helpers);
                WorkerPool.Acquire(workers);
                Volatile.Write(ref _pending, helpers);
                for (int k = 0; k < helpers; k++)
                {
                    workers[k].Assign(this, k + 1);
                }
                Execute(0);
                WaitForWorkers();
                WorkerPool.Release(workers);
            }
            else
            {
                Execute(0);
            }
            _work = null;
            if (_error is { } error)
            {
                _error = null;
                ExceptionDispatchInfo.Throw(error);
            }
        }
        finally
        {
            Busy = false;
        }
    }

    /// <summary>Runs part <paramref name="part"/> on a worker thread and reports it done.</summary>
    public void RunWorkerPart(int part)
    {
        Execute(part);
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            lock (_doneGate)
            {
                if (_callerWaiting)
                {
                    Monitor.Pulse(_doneGate);
                }
            }
        }
    }

    /// <summary>Blocks the calling part until every part of the call has arrived here.</summary>
    public void Synchronize()
    {
        int phase = Volatile.Read(ref _phase);
        if (Interlocked.Increment(ref _arrived) == _parts)
        {
            _arrived = 0;
            // A full fence between publishing the phase and reading the sleepers: a waiter increments the sleepers
            // before it reads the phase, so one of the two sees the other.
            Interlocked.Exchange(ref _phase, phase + 1);
            if (Volatile.Read(ref _barrierSleepers) > 0)
            {
                lock (_barrierGate)
                {
                    Monitor.PulseAll(_barrierGate);
                }
            }
            return;
        }
        long start = Stopwatch.GetTimestamp();
        var wait = new SpinWait();
        while (Volatile.Read(ref _phase) == phase)
        {
            if (_failed)
            {
                throw new TeamAbortedException();
            }
            if (Stopwatch.GetTimestamp() - start > SpinTicks)
            {
                lock (_barrierGate)
                {
                    Interlocked.Increment(ref _barrierSleepers);
                    while (Volatile.Read(ref _phase) == phase && !_failed)
                    {
                        Monitor.Wait(_barrierGate);
                    }
                    Interlocked.Decrement(ref _barrierSleepers);
                }
                continue;
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
            lock (_barrierGate)
            {
                _error ??= e;
                _failed = true;
                Monitor.PulseAll(_barrierGate);
            }
        }
    }

    private void WaitForWorkers()
    {
        long start = Stopwatch.GetTimestamp();
        var wait = new SpinWait();
        while (Volatile.Read(ref _pending) != 0)
        {
            if (Stopwatch.GetTimestamp() - start > SpinTicks)
            {
                lock (_doneGate)
                {
                    _callerWaiting = true;
                    while (Volatile.Read(ref _pending) != 0)
                    {
                        Monitor.Wait(_doneGate);
                    }
                    _callerWaiting = false;
                }
                return;
            }
            wait.SpinOnce(sleep1Threshold: -1);
        }
    }

    private sealed class TeamAbortedException : Exception
    {
    }
}
