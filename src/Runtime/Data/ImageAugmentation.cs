using System;

namespace NetGen;

/// <summary>
/// Random shifts (equivalently, random crops of a zero-padded image: torchvision's <c>RandomCrop(size, padding)</c>) and
/// random horizontal flips of images stored channel-major, <c>C x H x W</c> (sample <c>b</c>, channel <c>c</c>, row
/// <c>y</c>, column <c>x</c> at <c>((b*C + c)*H + y)*W + x</c>). Every sample of a batch draws its own transformation,
/// in this order from the generator: the vertical shift, the horizontal shift (each uniform in
/// <c>[-MaxShift, MaxShift]</c>, when <see cref="MaxShift"/> is above 0), then the flip (probability 1/2, when enabled).
/// Shifted-in pixels are 0; the flip is applied after the shift.
/// </summary>
/// <remarks>
/// Flips suit natural images and clothing (Fashion-MNIST), not digits or text, whose mirror images are other symbols.
/// An instance holds a one-sample scratch buffer, so it allocates nothing per call but must not be used by two threads
/// at once.
/// </remarks>
public sealed class ImageAugmentation : IAugmentation
{
    private readonly float[] _scratch;

    /// <summary>Creates the augmentation.</summary>
    /// <param name="channels">Channels per image; at least 1.</param>
    /// <param name="height">Rows per image; at least 1.</param>
    /// <param name="width">Columns per image; at least 1.</param>
    /// <param name="maxShift">The largest shift in pixels, in each direction; zero or positive, below the height and the width.</param>
    /// <param name="horizontalFlip">Whether to mirror half of the images left to right.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public ImageAugmentation(int channels, int height, int width, int maxShift = 0, bool horizontalFlip = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegative(maxShift);
        if (maxShift >= height || maxShift >= width)
        {
            throw new ArgumentOutOfRangeException(nameof(maxShift), maxShift, $"A shift of {maxShift} pixels would move a {height}x{width} image out of view; keep it below both sides.");
        }
        if ((long)channels * height * width > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), "The image size exceeds the largest array.");
        }
        Channels = channels;
        Height = height;
        Width = width;
        MaxShift = maxShift;
        HorizontalFlip = horizontalFlip;
        _scratch = new float[channels * height * width];
    }

    /// <summary>Channels per image.</summary>
    public int Channels { get; }

    /// <summary>Rows per image.</summary>
    public int Height { get; }

    /// <summary>Columns per image.</summary>
    public int Width { get; }

    /// <summary>The largest shift in pixels, in each direction.</summary>
    public int MaxShift { get; }

    /// <summary>Whether half of the images are mirrored left to right.</summary>
    public bool HorizontalFlip { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The span does not hold <paramref name="batchSize"/> images of this size.</exception>
    public void Apply(Span<float> inputs, int batchSize, ref SeededRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchSize);
        int size = _scratch.Length;
        if (inputs.Length != (long)batchSize * size)
        {
            throw new ArgumentException(
                $"The inputs hold {inputs.Length} floats, but {batchSize} images of {Channels}x{Height}x{Width} need {(long)batchSize * size}.", nameof(inputs));
        }
        for (int b = 0; b < batchSize; b++)
        {
            int dy = 0, dx = 0;
            if (MaxShift > 0)
            {
                dy = random.NextInt32(2 * MaxShift + 1) - MaxShift;
                dx = random.NextInt32(2 * MaxShift + 1) - MaxShift;
            }
            bool flip = HorizontalFlip && (random.NextUInt32() & 1) != 0;
            if (dy != 0 || dx != 0 || flip)
            {
                Transform(inputs.Slice(b * size, size), dy, dx, flip);
            }
        }
    }

    /// <summary>out[c, y, x] = in[c, y + dy, x' + dx] (0 outside the image), with x' = W-1-x when flipped.</summary>
    private void Transform(Span<float> image, int dy, int dx, bool flip)
    {
        image.CopyTo(_scratch);
        ReadOnlySpan<float> source = _scratch;
        int width = Width;
        // The source columns that land inside the image: x + dx in [0, W).
        int firstX = Math.Max(0, -dx), endX = Math.Min(width, width - dx);
        for (int c = 0; c < Channels; c++)
        {
            for (int y = 0; y < Height; y++)
            {
                Span<float> row = image.Slice((c * Height + y) * width, width);
                int sourceY = y + dy;
                if (sourceY < 0 || sourceY >= Height)
                {
                    row.Clear();
                    continue;
                }
                ReadOnlySpan<float> sourceRow = source.Slice((c * Height + sourceY) * width, width);
                if (!flip)
                {
                    row[..firstX].Clear();
                    sourceRow[(firstX + dx)..(endX + dx)].CopyTo(row[firstX..endX]);
                    row[endX..].Clear();
                }
                else
                {
                    for (int x = 0; x < width; x++)
                    {
                        int sourceX = width - 1 - x + dx;
                        row[x] = (uint)sourceX < (uint)width ? sourceRow[sourceX] : 0f;
                    }
                }
            }
        }
    }
}
