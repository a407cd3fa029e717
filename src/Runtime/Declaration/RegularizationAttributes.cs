using System;

namespace NetGen;

/// <summary>
/// Inverted dropout: in training, each value is zeroed with probability <c>rate</c> and the survivors are scaled by
/// 1 / (1 - rate), so inference (which keeps every value unchanged) needs no rescaling. Masks come from the network's
/// dropout seed and training step, so they are reproducible.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute : Attribute
{
    /// <summary>Drops each value with probability <paramref name="rate"/>, in [0, 1) (typically 0.5 for hidden layers, 0.2 for inputs).</summary>
    public DropoutAttribute(double rate) => Rate = rate;

    /// <summary>The probability of dropping a value.</summary>
    public double Rate { get; }
}

/// <summary>
/// Batch normalization (Ioffe and Szegedy 2015) per feature of a vector or per channel of a channels x height x width
/// tensor: training normalizes with the batch's mean and (biased) variance and updates running statistics; inference
/// uses the running statistics. Learnable scale (gamma, initially 1) and shift (beta, initially 0), then an optional
/// activation. Running statistics follow PyTorch: running = (1 - momentum) running + momentum batch, with the unbiased
/// variance.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BatchNormAttribute : Attribute
{
    /// <summary>Weight of the current batch in the running statistics (default 0.1).</summary>
    public float Momentum { get; set; } = 0.1f;

    /// <summary>Added to the variance before the square root (default 1e-5).</summary>
    public float Epsilon { get; set; } = 1e-5f;

    /// <summary>The element-wise activation after the normalization (default: identity).</summary>
    public Activation Activation { get; set; }

    /// <summary>The activation's parameter: the negative slope of leaky ReLU (default 0.01) or the alpha of ELU (default 1).</summary>
    public float Alpha { get; set; } = float.NaN;
}

/// <summary>Marks where a residual block starts: the tensor here is added back at the matching <see cref="ResidualEndAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ResidualStartAttribute : Attribute
{
}

/// <summary>
/// Ends a residual block (He et al. 2016): y = f(block(x) + shortcut(x)). The shortcut is the identity when the block
/// keeps the shape, else a learned projection without bias: a 1x1 convolution (with the stride that matches the
/// block's downsampling) for channels x height x width tensors, a linear map for vectors.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ResidualEndAttribute : Attribute
{
    /// <summary>The element-wise activation applied to the sum (default: identity; ReLU in ResNet).</summary>
    public Activation Activation { get; set; }

    /// <summary>The activation's parameter: the negative slope of leaky ReLU (default 0.01) or the alpha of ELU (default 1).</summary>
    public float Alpha { get; set; } = float.NaN;
}
