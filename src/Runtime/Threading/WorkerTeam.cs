using System;

namespace NetGen;

/// <summary>
/// Runs one piece of work as several parts at once: the calling thread runs part 0 and worker threads run the others.
/// Generated networks split a batch across its parts (<see cref="INetwork.Threads"/>).
/// </summary>
/// <remarks>
/// <para>
/// A team is only a size: its workers come from one process-wide pool for the length of a call and go back to it
/// afterwards. So calls on one team from several threads run at the same time, each with workers of its own (batched
/// <c>Forward</c> calls from many threads never wait for each other), teams of every size share the same threads, and
/// the process holds at most as many workers as its concurrent calls use at once: setting <see cref="INetwork.Threads"/>
/// to 2, 3, ..., 40 in turn uses 39 threads, not 780.
/// </para>
/// <para>
/// Between calls a worker spins briefly before blocking, so back-to-back training steps do not pay a thread wake-up each,
/// and a call takes the workers its thread used last. A worker idle for <see cref="IdleTimeout"/> ends;
/// <see cref="ReleaseIdleThreads"/> ends the idle ones at once. Nothing is allocated per call (a thread's first call of
/// a larger team allocates its bookkeeping). An exception in any part is rethrown on the caller after every part has
/// stopped; parts waiting at <see cref="TeamTask.Synchronize"/> for a part that failed stop too.
/// </para>
/// </remarks>
public sealed class WorkerTeam
{
    private const int MaxThreads = 1024;

    // Shared(n) is called on every split call of a generated network: a lock-free read of a slot per size.
    private static readonly WorkerTeam?[] s_shared = new WorkerTeam?[MaxThreads + 1];

    // Each thread's bookkeeping for its calls; a call made from inside a part (a nested call) gets a fresh one.
    [ThreadStatic]
    private static TeamRun? t_run;

    private readonly int _threads;

    /// <summary>Creates a team of <paramref name="threads"/> members: the caller plus up to <paramref name="threads"/> - 1 pooled workers.</summary>
    public WorkerTeam(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threads, MaxThreads);
        _threads = threads;
    }

    /// <summary>Members of the team, the calling thread included.</summary>
    public int Threads => _threads;

    /// <summary>How long a pooled worker waits for a call before its thread ends.</summary>
    public static TimeSpan IdleTimeout => WorkerPool.IdleTimeout;

    /// <summary>The team of <paramref name="threads"/> members that generated networks use (one object per size; it holds no threads).</summary>
    public static WorkerTeam Shared(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threads, MaxThreads);
        WorkerTeam? team = s_shared[threads];
        if (team is null)
        {
            team = new WorkerTeam(threads);
            team = System.Threading.Interlocked.CompareExchange(ref s_shared[threads], team, null) ?? team;
        }
        return team;
    }

    /// <summary>
    /// Ends every pooled worker thread that is not running a call, and returns how many ended; calls made later start
    /// new ones. A process that has finished its parallel work can return to its own thread count at once instead of
    /// after <see cref="IdleTimeout"/>.
    /// </summary>
    public static int ReleaseIdleThreads() => WorkerPool.ReleaseIdle();

    /// <summary>
    /// Runs <paramref name="work"/> as <paramref name="parts"/> parts (at most <see cref="Threads"/>) and returns when
    /// all have finished. The spans stay pinned for the call and reach every part through <see cref="TeamTask"/>.
    /// </summary>
    public unsafe void Run(ITeamWork work, int parts, TeamCall call, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Span<float> outputs, Span<float> inputGradients)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parts, _threads);
        TeamRun run = t_run is { Busy: false } cached ? cached : t_run ??= new TeamRun();
        if (run.Busy)
        {
            run = new TeamRun();
        }
        fixed (float* i = inputs)
        fixed (float* t = targets)
        fixed (float* o = outputs)
        fixed (float* g = inputGradients)
        {
            run.Run(work, parts, call, (nint)i, (nint)t, (nint)o, (nint)g);
        }
    }
}
