using System;
using System.Linq;
using System.Threading;
using Xunit;

namespace NetGen.Runtime.Tests.Threading;

public sealed class WorkerTeamTests
{
    // Records which thread ran each part and the sample range it was given; optionally fails or waits at a barrier.
    private sealed class Recorder(int parts) : ITeamWork
    {
        public readonly int[] Threads = new int[parts];
        public readonly int[] First = new int[parts];
        public readonly int[] Count = new int[parts];
        public readonly float[] Seen = new float[parts];
        public int FailingPart = -1;
        public bool Synchronize;
        public int SlowPart = -1;

        public void Execute(in TeamTask task)
        {
            Threads[task.Part] = Environment.CurrentManagedThreadId;
            First[task.Part] = task.FirstSample(task.Call.Batch);
            Count[task.Part] = task.SampleCount(task.Call.Batch);
            Seen[task.Part] = System.Runtime.CompilerServices.Unsafe.IsNullRef(ref task.Inputs) ? float.NaN : task.Inputs;
            if (task.Part == SlowPart)
            {
                Thread.Sleep(50); // far past the spin of the others: they block, and must wake
            }
            if (task.Part == FailingPart)
            {
                throw new InvalidOperationException($"part {task.Part} failed");
            }
            if (Synchronize)
            {
                task.Synchronize();
            }
        }
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 7)]
    [InlineData(3, 3)]
    [InlineData(4, 1000)]
    public void Every_part_runs_once_on_its_own_thread_and_the_parts_cover_the_batch_in_order(int parts, int batch)
    {
        var team = new WorkerTeam(4);
        var work = new Recorder(parts);
        team.Run(work, parts, new TeamCall(0, batch, 0), new float[] { 42f }, default, default, default);

        Assert.Equal(Environment.CurrentManagedThreadId, work.Threads[0]);
        Assert.Equal(parts, new System.Collections.Generic.HashSet<int>(work.Threads).Count);
        int next = 0;
        for (int part = 0; part < parts; part++)
        {
            Assert.Equal(next, work.First[part]);
            Assert.InRange(work.Count[part], batch / parts, batch / parts + 1);
            Assert.Equal(42f, work.Seen[part]);
            next += work.Count[part];
        }
        Assert.Equal(batch, next);
    }

    [Fact]
    public void A_failing_part_is_rethrown_on_the_caller_even_while_the_others_wait_at_a_barrier()
    {
        var team = new WorkerTeam(3);
        var work = new Recorder(3) { FailingPart = 2, Synchronize = true };
        var error = Assert.Throws<InvalidOperationException>(() => team.Run(work, 3, new TeamCall(0, 9, 0), default, default, default, default));
        Assert.Equal("part 2 failed", error.Message);

        // The team keeps working after a failure.
        var ok = new Recorder(3) { Synchronize = true };
        team.Run(ok, 3, new TeamCall(0, 9, 0), default, default, default, default);
        Assert.Equal(new[] { 3, 3, 3 }, ok.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Parts_that_wait_long_at_a_barrier_block_and_wake_when_the_slow_part_arrives_or_fails(int slowPart)
    {
        var team = new WorkerTeam(3);
        var work = new Recorder(3) { SlowPart = slowPart, Synchronize = true };
        team.Run(work, 3, new TeamCall(0, 9, 0), default, default, default, default);
        Assert.Equal(new[] { 3, 3, 3 }, work.Count);

        var failing = new Recorder(3) { SlowPart = slowPart, FailingPart = slowPart, Synchronize = true };
        var error = Assert.Throws<InvalidOperationException>(() => team.Run(failing, 3, new TeamCall(0, 9, 0), default, default, default, default));
        Assert.Equal($"part {slowPart} failed", error.Message);
    }

    [Fact]
    public void Workers_that_went_to_sleep_wake_up_for_the_next_call()
    {
        var team = new WorkerTeam(2);
        team.Run(new Recorder(2), 2, new TeamCall(0, 2, 0), default, default, default, default);
        Thread.Sleep(50); // far past the idle spin: the worker blocks
        var work = new Recorder(2);
        team.Run(work, 2, new TeamCall(0, 2, 0), default, default, default, default);
        Assert.Equal(new[] { 1, 1 }, work.Count);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        var team = new WorkerTeam(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkerTeam(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => team.Run(new Recorder(3), 3, default, default, default, default, default));
        Assert.Throws<ArgumentOutOfRangeException>(() => team.Run(new Recorder(1), 0, default, default, default, default, default));
        Assert.Same(WorkerTeam.Shared(2), WorkerTeam.Shared(2));
        Assert.Equal(3, WorkerTeam.Shared(3).Threads);
    }

    [Fact]
    public void Gradient_sums_add_the_parts_in_order_over_the_range_only()
    {
        float[] total = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
        float[][] partials = { new float[20], new float[20] };
        for (int i = 0; i < 20; i++)
        {
            partials[0][i] = i;
            partials[1][i] = 100 * i;
        }
        GradientSum.AddRange(total, partials, 2, 3, 19);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(i is >= 3 and < 19 ? 1 + 101 * i : 1, total[i]);
        }
        // Order matters in floating point: ((t + p0) + p1), never t + (p0 + p1).
        float[] big = { 1e8f };
        GradientSum.AddRange(big, new[] { new[] { 1f }, new[] { -1e8f } }, 2, 0, 1);
        Assert.Equal((1e8f + 1f) + -1e8f, big[0]);
        Assert.Throws<ArgumentException>(() => GradientSum.AddRange(new float[4], new[] { new float[2] }, 1, 0, 4));
    }

    private static int OsThreads()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.Threads.Count;
    }

    [Fact]
    public void R10_teams_of_2_to_40_threads_share_one_bounded_set_of_worker_threads_that_can_be_released()
    {
        int before = OsThreads();
        for (int threads = 2; threads <= 40; threads++)
        {
            var work = new Recorder(threads) { Synchronize = true };
            WorkerTeam.Shared(threads).Run(work, threads, new TeamCall(0, threads, 0), default, default, default, default);
            Assert.Equal(threads, new System.Collections.Generic.HashSet<int>(work.Threads).Count);
        }
        int grown = OsThreads() - before;

        // 39 workers serve every size in turn (a team per size grew the process by 2 + 3 + ... + 39 = 780 threads). The
        // margin is for threads that other tests of this assembly start meanwhile.
        Assert.InRange(grown, 0, 39 + 30);

        Assert.InRange(WorkerTeam.ReleaseIdleThreads(), 39, 39 + 30);
        Assert.InRange(OsThreads() - before, int.MinValue, 30);
        // Released workers are replaced on demand.
        var again = new Recorder(4) { Synchronize = true };
        WorkerTeam.Shared(4).Run(again, 4, new TeamCall(0, 8, 0), default, default, default, default);
        Assert.Equal(new[] { 2, 2, 2, 2 }, again.Count);
    }

    /// <summary>Meets its twin call's part 0 at a barrier: possible only while both calls run at once.</summary>
    private sealed class Rendezvous(Barrier barrier) : ITeamWork
    {
        public bool Met;

        public void Execute(in TeamTask task)
        {
            if (task.Part == 0)
            {
                Met = barrier.SignalAndWait(TimeSpan.FromSeconds(30));
            }
        }
    }

    [Fact]
    public void R10_concurrent_calls_on_one_shared_team_run_at_the_same_time()
    {
        // Two threads call the same team; each call's part 0 waits for the other's. Calls that took turns on one team
        // would leave the first waiting for a call that cannot start.
        using var barrier = new Barrier(2);
        var works = new[] { new Rendezvous(barrier), new Rendezvous(barrier) };
        Thread[] callers = works.Select(work => new Thread(() =>
            WorkerTeam.Shared(2).Run(work, 2, new TeamCall(0, 2, 0), default, default, default, default))).ToArray();
        foreach (Thread caller in callers)
        {
            caller.Start();
        }
        foreach (Thread caller in callers)
        {
            caller.Join();
        }
        Assert.All(works, work => Assert.True(work.Met));
    }

    private sealed class Nested(WorkerTeam team) : ITeamWork
    {
        public readonly int[] InnerParts = new int[2];

        public void Execute(in TeamTask task)
        {
            var inner = new Recorder(2);
            team.Run(inner, 2, new TeamCall(0, 4, 0), default, default, default, default);
            InnerParts[task.Part] = inner.Count.Sum();
        }
    }

    [Fact]
    public void A_part_may_call_a_team_itself_even_the_same_one()
    {
        var team = new WorkerTeam(2);
        var work = new Nested(team);
        team.Run(work, 2, new TeamCall(0, 2, 0), default, default, default, default);
        Assert.Equal(new[] { 4, 4 }, work.InnerParts);
    }
}
