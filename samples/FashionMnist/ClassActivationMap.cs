using System;
using System.Linq;
using NetGen;

namespace NetGen.Samples.FashionMnist;

/// <summary>
/// Class activation maps (Zhou, Khosla, Lapedriza, Oliva and Torralba 2016, "Learning Deep Features for Discriminative
/// Localization"). In a network that ends in conv -> global average pool -> dense, the logit of class c is
/// <c>sum_k w[k, c] mean_xy f_k(x, y) + b[c]</c>, where <c>f_k</c> is feature map k of the last convolution and
/// <c>w</c> the dense weights. Moving the sum inside the mean gives <c>CAM_c(x, y) = sum_k w[k, c] f_k(x, y)</c>, a map
/// whose mean is the logit (less the bias): it shows where in the image the evidence for class c lies.
/// </summary>
internal sealed class ClassActivationMap
{
    private ClassActivationMap(float[] values, int height, int width, int predicted, float[] probabilities)
    {
        Values = values;
        Height = height;
        Width = width;
        Predicted = predicted;
        Probabilities = probabilities;
        _min = values.Min();
        _max = values.Max();
    }

    private readonly float _min, _max;

    /// <summary>The map of the predicted class, row-major, <see cref="Height"/> x <see cref="Width"/> (the last convolution's grid).</summary>
    public float[] Values { get; }

    /// <summary>Rows of the map.</summary>
    public int Height { get; }

    /// <summary>Columns of the map.</summary>
    public int Width { get; }

    /// <summary>The predicted class: the largest logit.</summary>
    public int Predicted { get; }

    /// <summary>The softmax of the logits.</summary>
    public float[] Probabilities { get; }

    /// <summary>The last convolution's output shape (channels, height, width), from the generated description.</summary>
    public static (int Channels, int Height, int Width) FeatureShape { get; } = FindFeatureShape();

    /// <summary>Runs <paramref name="model"/> on one image and returns the class activation map of its predicted class.</summary>
    public static ClassActivationMap Compute(FashionCnn model, ReadOnlySpan<float> image)
    {
        var activations = new float[FashionCnn.ActivationCount];
        model.ForwardAll(image, activations);
        (int channels, int height, int width) = FeatureShape;
        int mapSize = height * width;
        ReadOnlySpan<float> features = activations.AsSpan(FashionCnn.Conv3OutputOffset, channels * mapSize);   // [channels, height, width]
        ReadOnlySpan<float> logits = activations.AsSpan(FashionCnn.Dense1OutputOffset, FashionCnn.OutputSize);
        ReadOnlySpan<float> weights = model.Dense1Weights;                                                        // [channels, classes]

        int predicted = 0;
        for (int c = 1; c < logits.Length; c++)
        {
            if (logits[c] > logits[predicted])
            {
                predicted = c;
            }
        }
        var map = new float[mapSize];
        for (int k = 0; k < channels; k++)
        {
            float w = weights[k * FashionCnn.OutputSize + predicted];
            ReadOnlySpan<float> f = features.Slice(k * mapSize, mapSize);
            for (int i = 0; i < mapSize; i++)
            {
                map[i] += w * f[i];
            }
        }

        float max = logits[predicted];
        var probabilities = new float[logits.Length];
        float sum = 0;
        for (int c = 0; c < logits.Length; c++)
        {
            probabilities[c] = MathF.Exp(logits[c] - max);
            sum += probabilities[c];
        }
        for (int c = 0; c < logits.Length; c++)
        {
            probabilities[c] /= sum;
        }
        return new ClassActivationMap(map, height, width, predicted, probabilities);
    }

    /// <summary>
    /// The map resampled bilinearly at the point (<paramref name="x"/>, <paramref name="y"/>) of an input image of
    /// <paramref name="imageWidth"/> x <paramref name="imageHeight"/> pixels (coordinates in pixels, 0 at the left edge),
    /// scaled so that the map's minimum is 0 and its maximum 1. Each map cell covers an equal block of input pixels, with
    /// its value at the block's center; beyond the outer centers the value is held.
    /// </summary>
    public float Sample(float x, float y, int imageWidth, int imageHeight)
    {
        float u = Math.Clamp(x * Width / imageWidth - 0.5f, 0f, Width - 1);
        float v = Math.Clamp(y * Height / imageHeight - 0.5f, 0f, Height - 1);
        int u0 = Math.Min((int)u, Width - 2), v0 = Math.Min((int)v, Height - 2);
        float fu = u - u0, fv = v - v0;
        float top = Values[v0 * Width + u0] * (1 - fu) + Values[v0 * Width + u0 + 1] * fu;
        float bottom = Values[(v0 + 1) * Width + u0] * (1 - fu) + Values[(v0 + 1) * Width + u0 + 1] * fu;
        float value = top * (1 - fv) + bottom * fv;
        return _max > _min ? (value - _min) / (_max - _min) : 0f;
    }

    private static (int, int, int) FindFeatureShape()
    {
        // The maps are the input of the global average pool; checked against the generated offsets, so that changing the
        // architecture cannot make this read the wrong part of ForwardAll's activations.
        LayerDescription pool = FashionCnn.Description.Layers.Single(layer => layer.Kind == LayerKind.GlobalAvgPool);
        LayerDescription dense = FashionCnn.Description.Layers[^1];
        int[] shape = pool.InputShape;
        if (shape.Length != 3 || shape[1] < 2 || shape[2] < 2 ||
            shape[0] * shape[1] * shape[2] != FashionCnn.GlobalAvgPool1OutputOffset - FashionCnn.Conv3OutputOffset ||
            dense.Kind != LayerKind.Dense || dense.WeightLength != shape[0] * FashionCnn.OutputSize)
        {
            throw new InvalidOperationException(
                $"FashionCnn must end in Conv3 -> GlobalAvgPool -> Dense for class activation maps; the pool's input is [{string.Join(", ", shape)}].");
        }
        return (shape[0], shape[1], shape[2]);
    }
}
