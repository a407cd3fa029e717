using System;
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

        public void Execute(in TeamTask task)
        {
            Threads[task.Part] = Environment.CurrentManagedThreadId;
            First[task.Part] = task.FirstSample(task.Call.Batch);
            Count[task.Part] = task.SampleCount(task.Call.Batch);
            Seen[task.Part] = System.Runtime.CompilerServices.Unsafe.IsNullRef(ref task.Inputs) ? float.NaN : task.Inputs;
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
}
