namespace NetGen;

/// <summary>The element-wise function a layer applies to its linear output.</summary>
public enum Activation
{
    /// <summary>f(x) = x.</summary>
    Identity = 0,
    /// <summary>f(x) = 1 / (1 + e^-x).</summary>
    Sigmoid = 1,
    /// <summary>f(x) = tanh(x).</summary>
    Tanh = 2,
    /// <summary>f(x) = max(0, x).</summary>
    ReLU = 3,
    /// <summary>f(x) = x for x &gt; 0, else slope * x; the slope is the layer's <c>Alpha</c> (default 0.01).</summary>
    LeakyReLU = 4,
    /// <summary>f(x) = x for x &gt; 0, else alpha * (e^x - 1); alpha is the layer's <c>Alpha</c> (default 1).</summary>
    ELU = 5,
    /// <summary>f(x) = ln(1 + e^x).</summary>
    Softplus = 6,
}
