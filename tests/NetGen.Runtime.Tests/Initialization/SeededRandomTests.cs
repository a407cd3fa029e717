using System;
using System.Linq;
using Xunit;

namespace NetGen.Runtime.Tests.Initialization;

public sealed class SeededRandomTests
{
    [Fact]
    public void Same_seed_gives_the_same_sequence()
    {
        var a = new SeededRandom(42);
        var b = new SeededRandom(42);
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(a.NextUInt32(), b.NextUInt32());
        }
    }

    [Fact]
    public void Different_seeds_give_different_sequences()
    {
        var a = new SeededRandom(1);
        var b = new SeededRandom(2);
        uint[] first = Enumerable.Range(0, 16).Select(_ => a.NextUInt32()).ToArray();
        uint[] second = Enumerable.Range(0, 16).Select(_ => b.NextUInt32()).ToArray();
        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(1000)]
    [InlineData(int.MaxValue)]
    public void NextInt32_stays_in_range(int maxExclusive)
    {
        var random = new SeededRandom(7);
        for (int i = 0; i < 10_000; i++)
        {
            int value = random.NextInt32(maxExclusive);
            Assert.InRange(value, 0, maxExclusive - 1);
        }
    }

    [Fact]
    public void NextInt32_is_close_to_uniform()
    {
        // 100,000 draws over 10 values: each count is ~ Binomial(1e5, 0.1) with standard deviation ~95, so a band of
        // +-600 (over 6 sigma) is never left by a correct generator but catches a biased or stuck one.
        var random = new SeededRandom(99);
        int[] counts = new int[10];
        for (int i = 0; i < 100_000; i++)
        {
            counts[random.NextInt32(10)]++;
        }
        Assert.All(counts, c => Assert.InRange(c, 9_400, 10_600));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void NextInt32_rejects_an_empty_range(int maxExclusive)
    {
        var random = new SeededRandom(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => random.NextInt32(maxExclusive));
    }

    [Fact]
    public void NextSingle_stays_in_the_unit_interval()
    {
        var random = new SeededRandom(3);
        for (int i = 0; i < 10_000; i++)
        {
            Assert.InRange(random.NextSingle(), 0f, MathF.BitDecrement(1f));
        }
    }

    [Fact]
    public void Shuffle_is_a_seeded_permutation()
    {
        int[] a = Enumerable.Range(0, 50).ToArray();
        int[] b = Enumerable.Range(0, 50).ToArray();
        new SeededRandom(5).Shuffle(a.AsSpan());
        new SeededRandom(5).Shuffle(b.AsSpan());

        Assert.Equal(a, b);
        Assert.NotEqual(Enumerable.Range(0, 50), a);
        Assert.Equal(Enumerable.Range(0, 50), a.Order());
    }

    [Fact]
    public void A_generator_recreated_from_its_state_continues_the_same_sequence()
    {
        var random = new SeededRandom(42);
        for (int i = 0; i < 7; i++)
        {
            random.NextUInt32();
        }
        SeededRandom copy = SeededRandom.FromState(random.State);

        Assert.Equal(random.State, copy.State);
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(random.NextUInt32(), copy.NextUInt32());
        }
    }

    [Fact]
    public void A_zero_state_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => SeededRandom.FromState(UInt128.Zero));
    }
}
