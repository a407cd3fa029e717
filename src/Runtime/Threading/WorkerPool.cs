using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace NetGen;

/// <summary>
/// The process-wide pool of worker threads behind every <see cref="WorkerTeam"/>: a call takes the workers it needs (the
/// most recently returned first, which are likely still spinning and warm) or starts new ones, and returns them when it
/// ends. A worker idle for <see cref="IdleTimeout"/> ends, so the pool shrinks back after a burst of concurrent calls.
/// </summary>
internal static class WorkerPool
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(2);

    private static readonly object s_lock = new();

    // Idle workers, used as a stack: the last returned is the first taken.
    private static readonly List<Worker> s_idle = new();
    private static int s_threads;
    private static int s_started;

    /// <summary>Worker threads alive (idle or running a part).</summary>
    public static int ThreadCount => Volatile.Read(ref s_threads);

    /// <summary>Fills <paramref name="workers"/> with workers that run nothing else until <see cref="Release"/>.</summary>
    public static void Acquire(Span<Worker> workers)
    {
        lock (s_lock)
        {
            int taken = 0;
            try
            {
                for (; taken < workers.Length; taken++)
                {
                    Worker worker;
                    if (s_idle.Count > 0)
                    {
                        worker = s_idle[^1];
                        s_idle.RemoveAt(s_idle.Count - 1);
                        worker.Idle = false;
                    }
                    else
                    {
                        worker = new Worker(++s_started);
                        s_threads++;
                    }
                    workers[taken] = worker;
                }
            }
            catch
            {
                // Starting a thread failed (out of memory): the call cannot run, and the workers taken go back.
                ReturnLocked(workers[..taken]);
                throw;
            }
        }
    }

    /// <summary>Returns workers that have finished their parts.</summary>
    public static void Release(ReadOnlySpan<Worker> workers)
    {
        lock (s_lock)
        {
            ReturnLocked(workers);
        }
    }

    // In reverse, so that the next call's part 1 gets this call's part 1 worker.
    private static void ReturnLocked(ReadOnlySpan<Worker> workers)
    {
        for (int k = workers.Length - 1; k >= 0; k--)
        {
            workers[k].Idle = true;
            s_idle.Add(workers[k]);
        }
    }

    /// <summary>Removes a worker whose idle wait timed out, unless a call has taken it meanwhile.</summary>
    public static bool TryRetire(Worker worker)
    {
        lock (s_lock)
        {
            if (!worker.Idle)
            {
                return false;
            }
            s_idle.Remove(worker);
            worker.Idle = false;
            s_threads--;
            return true;
        }
    }

    /// <summary>Ends every idle worker and waits until their threads have exited.</summary>
    public static int ReleaseIdle()
    {
        Worker[] released;
        lock (s_lock)
        {
            released = s_idle.ToArray();
            s_idle.Clear();
            s_threads -= released.Length;
            foreach (Worker worker in released)
            {
                worker.Idle = false;
            }
        }
        foreach (Worker worker in released)
        {
            worker.Retire();
        }
        foreach (Worker worker in released)
        {
            worker.Join();
        }
        return released.Length;
    }
}

/// <summary>A pooled thread that runs one part of one call at a time.</summary>
internal sealed class Worker
{
    private readonly Thread _thread;
    private readonly object _gate = new();
    private TeamRun? _run;
    private int _part;
    private bool _sleeping;
    private volatile bool _retired;

    public Worker(int id)
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = $"NetGen worker {id}" };
        _thread.Start();
    }

    /// <summary>In the pool's idle stack (guarded by the pool's lock).</summary>
    public bool Idle { get; set; }

    /// <summary>Hands the worker part <paramref name="part"/> of <paramref name="run"/>.</summary>
    public void Assign(TeamRun run, int part)
    {
        _part = part;
        Volatile.Write(ref _run, run);
        lock (_gate)
        {
            if (_sleeping)
            {
                Monitor.Pulse(_gate);
            }
        }
    }

    public void Retire()
    {
        _retired = true;
        lock (_gate)
        {
            Monitor.Pulse(_gate);
        }
    }

    public void Join() => _thread.Join();

    private void Loop()
    {
        while (WaitForPart() is TeamRun run)
        {
            int part = _part;
            Volatile.Write(ref _run, null);
            run.RunWorkerPart(part);
        }
    }

    // Polls for a part for a short while, then sleeps until one is assigned; null when the worker is to end.
    private TeamRun? WaitForPart()
    {
        long start = Stopwatch.GetTimestamp();
        var wait = new SpinWait();
        while (Stopwatch.GetTimestamp() - start <= TeamRun.SpinTicks)
        {
            if (Volatile.Read(ref _run) is TeamRun run)
            {
                return run;
            }
            if (_retired)
            {
                return null;
            }
            wait.SpinOnce(sleep1Threshold: -1);
        }
        while (true)
        {
            lock (_gate)
            {
                while (Volatile.Read(ref _run) is null && !_retired)
                {
                    _sleeping = true;
                    bool woken = Monitor.Wait(_gate, WorkerPool.IdleTimeout);
                    _sleeping = false;
                    if (!woken)
                    {
                        break;
                    }
                }
                if (Volatile.Read(ref _run) is TeamRun run)
                {
                    return run;
                }
                if (_retired)
                {
                    return null;
                }
            }
            // Idle for the whole timeout: end, unless a call took this worker just now (its part is on the way).
            if (WorkerPool.TryRetire(this))
            {
                return null;
            }
        }
    }
}
