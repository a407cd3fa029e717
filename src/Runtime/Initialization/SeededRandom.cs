using System;

namespace NetGen;

/// <summary>
/// A small, fast, seedable generator (xoshiro128** seeded through SplitMix64). Its sequence depends only on the seed,
/// never on the .NET version or the machine, so seeded initialization and shuffling are reproducible everywhere.
/// </summary>
public struct SeededRandom
{
    private uint _s0, _s1, _s2, _s3;

    /// <summary>Creates a generator whose whole sequence is determined by <paramref name="seed"/>.</summary>
    public SeededRandom(long seed)
    {
        ulong x = unchecked((ulong)seed);
        ulong a = SplitMix64(ref x), b = SplitMix64(ref x);
        _s0 = (uint)a;
        _s1 = (uint)(a >> 32);
        _s2 = (uint)b;
        _s3 = (uint)(b >> 32);
        if ((_s0 | _s1 | _s2 | _s3) == 0)
        {
            _s0 = 1; // the all-zero state is the one fixed point of xoshiro
        }
    }

    /// <summary>
    /// The complete 128-bit state of the generator (its four 32-bit words, the first in the lowest bits). A generator
    /// recreated from it with <see cref="FromState"/> continues with exactly the same sequence, which is how checkpoints
    /// make a resumed run's shuffling and augmentation identical to an uninterrupted run's.
    /// </summary>
    public readonly UInt128 State => new(((ulong)_s3 << 32) | _s2, ((ulong)_s1 << 32) | _s0);

    /// <summary>Recreates a generator from a <see cref="State"/>.</summary>
    /// <param name="state">A state read from <see cref="State"/>; never zero (the one state xoshiro cannot leave).</param>
    /// <exception cref="ArgumentException"><paramref name="state"/> is zero, so it cannot have come from a generator.</exception>
    public static SeededRandom FromState(UInt128 state)
    {
        if (state == UInt128.Zero)
        {
            throw new ArgumentException("A generator state cannot be zero (xoshiro128** would only ever return 0); it was not read from a SeededRandom.", nameof(state));
        }
        ulong low = (ulong)state, high = (ulong)(state >> 64);
        SeededRandom random = default;
        random._s0 = (uint)low;
        random._s1 = (uint)(low >> 32);
        random._s2 = (uint)high;
        random._s3 = (uint)(high >> 32);
        return random;
    }

    /// <summary>The next 32 random bits.</summary>
    public uint NextUInt32()
    {
        uint result = BitRotate(_s1 * 5, 7) * 9;
        uint t = _s1 << 9;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitRotate(_s3, 11);
        return result;
    }

    /// <summary>A uniform float in [0, 1) with 24 random bits.</summary>
    public float NextSingle() => (NextUInt32() >> 8) * (1.0f / (1 << 24));

    /// <summary>A uniform double in [0, 1) with 32 random bits.</summary>
    public double NextDouble() => NextUInt32() * (1.0 / 4294967296.0);

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    public int NextInt32(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        // Lemire's multiply-shift with rejection.
        ulong m = (ulong)NextUInt32() * (uint)maxExclusive;
        uint low = (uint)m;
        if (low < (uint)maxExclusive)
        {
            uint threshold = (uint)(-maxExclusive) % (uint)maxExclusive;
            while (low < threshold)
            {
                m = (ulong)NextUInt32() * (uint)maxExclusive;
                low = (uint)m;
            }
        }
        return (int)(m >> 32);
    }

    /// <summary>A standard normal sample (Box-Muller; one of the pair is discarded so the sequence stays simple).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]: keeps the logarithm finite
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Shuffles <paramref name="values"/> in place (Fisher-Yates).</summary>
    public void Shuffle<T>(Span<T> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt32(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    private static uint BitRotate(uint x, int k) => (x << k) | (x >> (32 - k));

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
