using System;
using System.Linq;
using Xunit;

namespace NetGen.Runtime.Tests.Data;

public sealed class ImageAugmentationTests
{
    /// <summary>Two channels of 3x4 images whose pixel values are 1 + their index, so every pixel is recognizable.</summary>
    private static float[] Images(int count) => Enumerable.Range(0, count * 24).Select(i => 1f + i % 24).ToArray();

    /// <summary>Finds the shift and flip of one transformed image by comparing with every candidate.</summary>
    private static (int Dy, int Dx, bool Flip) Identify(ReadOnlySpan<float> original, ReadOnlySpan<float> transformed, int maxShift)
    {
        for (int dy = -maxShift; dy <= maxShift; dy++)
        {
            for (int dx = -maxShift; dx <= maxShift; dx++)
            {
                foreach (bool flip in new[] { false, true })
                {
                    if (Expected(original, dy, dx, flip).AsSpan().SequenceEqual(transformed))
                    {
                        return (dy, dx, flip);
                    }
                }
            }
        }
        throw new Xunit.Sdk.XunitException("the image is no shift or flip of the original");
    }

    /// <summary>out[c, y, x] = in[c, y + dy, x' + dx] with x' = W-1-x when flipped, 0 outside: written as directly as possible.</summary>
    private static float[] Expected(ReadOnlySpan<float> image, int dy, int dx, bool flip)
    {
        const int c = 2, h = 3, w = 4;
        float[] result = new float[c * h * w];
        for (int ch = 0; ch < c; ch++)
        {
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    int sy = y + dy, sx = (flip ? w - 1 - x : x) + dx;
                    result[(ch * h + y) * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? image[(ch * h + sy) * w + sx] : 0f;
                }
            }
        }
        return result;
    }

    [Fact]
    public void Every_image_is_a_shift_and_optional_flip_of_itself_with_zero_fill()
    {
        var augmentation = new ImageAugmentation(channels: 2, height: 3, width: 4, maxShift: 1, horizontalFlip: true);
        float[] original = Images(200);
        float[] batch = (float[])original.Clone();
        var random = new SeededRandom(1);

        augmentation.Apply(batch, 200, ref random);

        var seen = new System.Collections.Generic.HashSet<(int, int, bool)>();
        for (int b = 0; b < 200; b++)
        {
            seen.Add(Identify(original.AsSpan(b * 24, 24), batch.AsSpan(b * 24, 24), maxShift: 1));
        }
        // 200 draws from 18 equally likely transformations hit every one (the chance to miss one is below 1e-8).
        Assert.Equal(18, seen.Count);
    }

    [Fact]
    public void The_draws_follow_the_documented_order_dy_dx_flip()
    {
        var augmentation = new ImageAugmentation(2, 3, 4, maxShift: 1, horizontalFlip: true);
        float[] batch = Images(1);
        var random = new SeededRandom(9);
        var expected = new SeededRandom(9);
        int dy = expected.NextInt32(3) - 1, dx = expected.NextInt32(3) - 1;
        bool flip = (expected.NextUInt32() & 1) != 0;

        augmentation.Apply(batch, 1, ref random);

        Assert.Equal(Expected(Images(1), dy, dx, flip), batch);
        Assert.Equal(expected.State, random.State);
    }

    [Fact]
    public void The_same_seed_gives_the_same_batch_and_another_seed_another()
    {
        var augmentation = new ImageAugmentation(2, 3, 4, maxShift: 2, horizontalFlip: true);
        float[] a = Images(16), b = Images(16), c = Images(16);
        var ra = new SeededRandom(5);
        var rb = new SeededRandom(5);
        var rc = new SeededRandom(6);
        augmentation.Apply(a, 16, ref ra);
        augmentation.Apply(b, 16, ref rb);
        augmentation.Apply(c, 16, ref rc);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Apply_does_not_allocate()
    {
        var augmentation = new ImageAugmentation(2, 3, 4, maxShift: 1, horizontalFlip: true);
        float[] batch = Images(8);
        var random = new SeededRandom(1);
        augmentation.Apply(batch, 8, ref random);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
        {
            augmentation.Apply(batch, 8, ref random);
        }
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void Wrong_sizes_and_shifts_are_rejected()
    {
        var augmentation = new ImageAugmentation(2, 3, 4, maxShift: 1);
        var random = new SeededRandom(1);
        float[] batch = new float[47];
        var error = Assert.Throws<ArgumentException>(() => augmentation.Apply(batch, 2, ref random));
        Assert.Contains("but 2 images of 2x3x4 need 48", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmentation(1, 3, 4, maxShift: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmentation(0, 3, 4));
    }
}
