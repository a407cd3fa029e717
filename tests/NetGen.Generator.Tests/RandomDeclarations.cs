using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NetGen.Generator.Tests;

/// <summary>One NetGen attribute as text parts: a name, positional arguments and named arguments, rendered in order.</summary>
internal sealed class AttributeDecl(string name, params string[] positional)
{
    public string Name { get; set; } = name;

    public List<string> Positional { get; } = positional.ToList();

    public List<(string Name, string Value)> Named { get; } = new();

    public AttributeDecl With(string name, string value)
    {
        Named.RemoveAll(n => n.Name == name);
        Named.Add((name, value));
        return this;
    }

    public override string ToString()
    {
        IEnumerable<string> arguments = Positional.Concat(Named.Select(n => n.Name + " = " + n.Value));
        return arguments.Any() ? Name + "(" + string.Join(", ", arguments) + ")" : Name;
    }
}

/// <summary>A random network declaration: whether it was built to be valid, and its source.</summary>
/// <param name="ExpectedParameters">For a declaration built valid, its parameter count by the layer formulas (a layer the generator dropped would show here).</param>
internal sealed record RandomDeclaration(string ClassName, bool IntendedValid, string Mutation, string Source, long ExpectedParameters)
{
    /// <summary>The declaration's own namespace (the build fuzz gives each one its own, so that names may repeat).</summary>
    public string Namespace { get; init; } = "Fuzz";

    /// <summary>Whether the declaration was made to be a compiler error (a second [Network], an argument the compiler rejects).</summary>
    public bool CompilerRejects { get; init; }

    /// <summary>
    /// Whether the declaration's names or neighbours could clash with generated code: a wild name, framework-named types
    /// beside it, a twin differing in case, a network deriving from it or a second [Network].
    /// </summary>
    public bool NearGeneratedNames { get; init; }
}

/// <summary>
/// Builds random network declarations from a seed. A declaration starts valid by construction: every layer kind
/// (Dense, Maxout, Conv2D, MaxPool2D, AvgPool2D, GlobalAvgPool, Flatten, Dropout, BatchNorm, residual blocks) is
/// chosen only where its input shape allows it, with arguments in range, and the loss fits the output layer. Half of
/// them then get one or two mutations (a bad size, stride, padding, dilation, rate, alpha, activation, loss or input, a
/// layer inserted, removed or swapped, partial removed) that may or may not make them invalid.
/// </summary>
internal sealed class RandomDeclarations(int seed)
{
    private static readonly string[] Activations = { "Identity", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "Softplus" };

    private readonly Random _random = new(seed);

    /// <summary>Parameters of the layers added so far: weights and biases, batch-norm scale and shift, shortcut projections.</summary>
    private long _parameters;

    public RandomDeclaration Next(string className)
    {
        var layers = new List<AttributeDecl>();
        _parameters = 0;
        int[] shape = RandomInput();
        int[] inputShape = shape;
        int depth = _random.Next(0, 6);
        (int Position, int[] Shape)? open = null;
        int layersInBlock = 0;

        for (int i = 0; i < depth; i++)
        {
            if (open is { } block && layersInBlock > 0 && _random.Next(3) == 0 && ShortcutFits(block.Shape, shape))
            {
                layers.Add(WithActivation(new AttributeDecl("ResidualEnd")));
                _parameters += ProjectionParameters(block.Shape, shape);
                open = null;
                continue;
            }
            if (open is null && _random.Next(6) == 0)
            {
                open = (layers.Count, shape);
                layersInBlock = 0;
                layers.Add(new AttributeDecl("ResidualStart"));
                continue;
            }
            int[]? next = shape.Length == 3 ? AddImageLayer(layers, shape) : AddVectorLayer(layers, shape);
            if (next is null)
            {
                continue;
            }
            shape = next;
            layersInBlock++;
        }
        if (open is { } unclosed)
        {
            if (layersInBlock > 0 && ShortcutFits(unclosed.Shape, shape))
            {
                layers.Add(WithActivation(new AttributeDecl("ResidualEnd")));
                _parameters += ProjectionParameters(unclosed.Shape, shape);
            }
            else
            {
                layers.RemoveAt(unclosed.Position);
            }
        }
        if (shape.Length == 3)
        {
            bool flatten = _random.Next(2) == 0;
            layers.Add(new AttributeDecl(flatten ? "Flatten" : "GlobalAvgPool"));
            shape = flatten ? new[] { shape[0] * shape[1] * shape[2] } : new[] { shape[0] };
        }

        // The output layer and a loss that fits it.
        string loss = Pick("MeanSquaredError", "L1", "Hinge", "SoftmaxCrossEntropy", "BinaryCrossEntropy");
        AttributeDecl output = loss switch
        {
            "SoftmaxCrossEntropy" => new AttributeDecl("Dense", Int(_random.Next(2, 6))),
            "BinaryCrossEntropy" => new AttributeDecl("Dense", Int(_random.Next(1, 5))).With("Activation", "Activation.Sigmoid"),
            _ => WithActivation(new AttributeDecl("Dense", Int(_random.Next(1, 5)))),
        };
        layers.Add(output);
        int outputs = int.Parse(output.Positional[0], CultureInfo.InvariantCulture);
        _parameters += (Size(shape) + 1) * outputs;
        var lossAttribute = new AttributeDecl("Loss", "LossKind." + loss);
        var input = new AttributeDecl("Input", inputShape.Select(Int).ToArray());

        bool partial = true;
        var mutations = new List<string>();
        if (_random.Next(2) == 0)
        {
            for (int m = _random.Next(1, 3); m > 0; m--)
            {
                mutations.Add(Mutate(layers, input, lossAttribute, ref partial));
            }
        }

        var attributes = new List<AttributeDecl> { new("Network") };
        if (input.Positional.Count > 0)
        {
            attributes.Add(input);
        }
        attributes.AddRange(layers);
        if (lossAttribute.Positional.Count > 0)
        {
            attributes.Add(lossAttribute);
        }
        // Half on one line, half one attribute per line, as users write them.
        string attributeText = _random.Next(2) == 0
            ? "[" + string.Join(", ", attributes) + "]"
            : string.Join("\n", attributes.Select(a => "[" + a + "]"));
        string source = "using NetGen;\n\nnamespace Fuzz;\n\n" + attributeText + "\npublic " + (partial ? "partial " : "") + "class " + className + " { }\n";
        return new RandomDeclaration(className, mutations.Count == 0, string.Join("; ", mutations), source, _parameters);
    }

    private int[] RandomInput()
    {
        return _random.Next(2) == 0
            ? new[] { _random.Next(1, 11) }
            : new[] { _random.Next(1, 4), _random.Next(3, 10), _random.Next(3, 10) };
    }

    /// <summary>Adds a layer that takes a channels x height x width tensor; null when the chosen one does not fit.</summary>
    private int[]? AddImageLayer(List<AttributeDecl> layers, int[] shape)
    {
        int c = shape[0], h = shape[1], w = shape[2];
        switch (_random.Next(7))
        {
            case 0:
            case 1:
            {
                int filters = _random.Next(1, 5), kh = _random.Next(1, 4), kw = _random.Next(2) == 0 ? kh : _random.Next(1, 4);
                int stride = _random.Next(1, 3), dilation = _random.Next(4) == 0 ? 2 : 1;
                int ekh = dilation * (kh - 1) + 1, ekw = dilation * (kw - 1) + 1;
                bool same = stride == 1 && ekh % 2 == 1 && ekw % 2 == 1 && kh == kw && _random.Next(3) == 0;
                int padding = same ? 0 : _random.Next(0, 2);
                int oh, ow;
                if (same)
                {
                    oh = h;
                    ow = w;
                }
                else
                {
                    if (ekh > h + 2 * padding || ekw > w + 2 * padding)
                    {
                        return null;
                    }
                    oh = (h + 2 * padding - ekh) / stride + 1;
                    ow = (w + 2 * padding - ekw) / stride + 1;
                }
                var conv = kh == kw ? new AttributeDecl("Conv2D", Int(filters), Int(kh)) : new AttributeDecl("Conv2D", Int(filters), Int(kh), Int(kw));
                if (stride != 1) conv.With("Stride", Int(stride));
                if (same) conv.With("Padding", "ConvPadding.Same");
                else if (padding != 0) conv.With("Padding", Int(padding));
                if (dilation != 1) conv.With("Dilation", Int(dilation));
                if (_random.Next(4) == 0) conv.With("Bias", "false");
                layers.Add(WithActivation(conv));
                _parameters += (long)filters * c * kh * kw + (conv.Named.Contains(("Bias", "false")) ? 0 : filters);
                return new[] { filters, oh, ow };
            }
            case 2:
            case 3:
            {
                int size = _random.Next(1, 4), stride = _random.Next(3) == 0 ? _random.Next(1, size + 1) : size;
                if (size > h || size > w)
                {
                    return null;
                }
                var pool = new AttributeDecl(_random.Next(2) == 0 ? "MaxPool2D" : "AvgPool2D", Int(size));
                if (stride != size) pool.With("Stride", Int(stride));
                layers.Add(pool);
                return new[] { c, (h - size) / stride + 1, (w - size) / stride + 1 };
            }
            case 4:
                layers.Add(new AttributeDecl("GlobalAvgPool"));
                return new[] { c };
            case 5:
                layers.Add(new AttributeDecl("Flatten"));
                return new[] { c * h * w };
            default:
                return AddShapeKeepingLayer(layers, shape);
        }
    }

    /// <summary>Adds a layer that takes a vector.</summary>
    private int[]? AddVectorLayer(List<AttributeDecl> layers, int[] shape)
    {
        switch (_random.Next(5))
        {
            case 0:
            case 1:
            {
                int units = _random.Next(1, 13);
                layers.Add(WithActivation(new AttributeDecl("Dense", Int(units))));
                _parameters += (shape[0] + 1L) * units;
                return new[] { units };
            }
            case 2:
            {
                int units = _random.Next(1, 7), pieces = _random.Next(2, 5);
                layers.Add(new AttributeDecl("Maxout", Int(units), Int(pieces)));
                _parameters += (shape[0] + 1L) * units * pieces;
                return new[] { units };
            }
            default:
                return AddShapeKeepingLayer(layers, shape);
        }
    }

    private int[] AddShapeKeepingLayer(List<AttributeDecl> layers, int[] shape)
    {
        if (_random.Next(2) == 0)
        {
            layers.Add(new AttributeDecl("Dropout", Pick("0.0", "0.1", "0.25", "0.5", "0.9")));
        }
        else
        {
            var norm = WithActivation(new AttributeDecl("BatchNorm"));
            if (_random.Next(3) == 0) norm.With("Momentum", Pick("0.01f", "0.5f", "1f"));
            if (_random.Next(3) == 0) norm.With("Epsilon", Pick("1e-3f", "1e-5f", "0.1f"));
            layers.Add(norm);
            _parameters += 2L * shape[0]; // scale and shift per feature or channel
        }
        return shape;
    }

    /// <summary>The rule of ResidualEnd's shortcut: identity for equal shapes, a linear map between vectors, a strided 1x1 convolution between tensors when a stride maps the sizes.</summary>
    private static bool ShortcutFits(int[] from, int[] to)
    {
        if (from.SequenceEqual(to) || (from.Length == 1 && to.Length == 1))
        {
            return true;
        }
        if (from.Length != to.Length)
        {
            return false;
        }
        for (int stride = 1; stride <= Math.Max(from[1], from[2]); stride++)
        {
            if ((from[1] - 1) / stride + 1 == to[1] && (from[2] - 1) / stride + 1 == to[2])
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The shortcut's parameters: none for the identity, a bias-free linear map between vectors, a bias-free 1x1 convolution between tensors.</summary>
    private static long ProjectionParameters(int[] from, int[] to) =>
        from.SequenceEqual(to) ? 0 : from.Length == 1 ? (long)from[0] * to[0] : (long)from[0] * to[0];

    private static long Size(int[] shape) => shape.Aggregate(1L, (product, d) => product * d);

    private AttributeDecl WithActivation(AttributeDecl layer)
    {
        int choice = _random.Next(Activations.Length + 2);
        if (choice >= Activations.Length)
        {
            return layer; // the default: identity
        }
        string activation = Activations[choice];
        layer.With("Activation", "Activation." + activation);
        if (activation is "LeakyReLU" or "ELU" && _random.Next(2) == 0)
        {
            layer.With("Alpha", Pick("0.01f", "0.2f", "1f", "1.5f"));
        }
        return layer;
    }

    private string Mutate(List<AttributeDecl> layers, AttributeDecl input, AttributeDecl loss, ref bool partial)
    {
        AttributeDecl? RandomLayer(params string[] kinds)
        {
            AttributeDecl[] candidates = layers.Where(l => kinds.Length == 0 || kinds.Contains(l.Name)).ToArray();
            return candidates.Length == 0 ? null : candidates[_random.Next(candidates.Length)];
        }

        switch (_random.Next(16))
        {
            case 0:
            {
                AttributeDecl? layer = RandomLayer("Dense", "Maxout", "Conv2D", "MaxPool2D", "AvgPool2D");
                if (layer is null) return "none";
                int index = _random.Next(layer.Positional.Count);
                layer.Positional[index] = Pick("0", "-1", "1", "2", "100");
                return $"size argument {index} of {layer.Name} changed";
            }
            case 1:
            {
                AttributeDecl? layer = RandomLayer("Conv2D", "MaxPool2D", "AvgPool2D");
                if (layer is null) return "none";
                string name = layer.Name == "Conv2D" ? Pick("Stride", "Padding", "Dilation") : "Stride";
                layer.With(name, Pick("0", "-1", "-2", "2", "3", "ConvPadding.Same"));
                return $"{name} of {layer.Name} changed";
            }
            case 2:
            {
                AttributeDecl? layer = RandomLayer("Dense", "Conv2D", "BatchNorm", "ResidualEnd");
                if (layer is null) return "none";
                layer.With("Alpha", Pick("-0.5f", "0f", "0.2f", "1f", "float.PositiveInfinity", "float.NaN"));
                return $"Alpha of {layer.Name} changed";
            }
            case 3:
            {
                AttributeDecl? layer = RandomLayer("Dense", "Conv2D", "BatchNorm", "ResidualEnd");
                if (layer is null) return "none";
                layer.With("Activation", Pick("(Activation)99", "(Activation)(-1)", "Activation.ReLU", "Activation.Sigmoid", "Activation.LeakyReLU", "Activation.ELU"));
                return $"Activation of {layer.Name} changed";
            }
            case 4:
                loss.Positional.Clear();
                loss.Positional.Add(Pick("(LossKind)42", "LossKind.SoftmaxCrossEntropy", "LossKind.BinaryCrossEntropy", "LossKind.Hinge", "LossKind.L1"));
                return "loss changed to " + loss.Positional[0];
            case 5:
                loss.Positional.Clear();
                return "loss removed";
            case 6:
                input.Positional.Clear();
                if (_random.Next(2) == 0)
                {
                    return "input removed";
                }
                input.Positional.AddRange(_random.Next(2) == 0 ? new[] { Pick("0", "-3", "5") } : new[] { Pick("1", "0", "2"), Pick("4", "0", "6"), Pick("5", "-1", "3") });
                return "input changed to " + input;
            case 7:
            case 8:
            {
                AttributeDecl inserted = RandomAnyLayer();
                layers.Insert(_random.Next(layers.Count + 1), inserted);
                return "inserted " + inserted;
            }
            case 9:
            {
                if (layers.Count == 0) return "none";
                int index = _random.Next(layers.Count);
                string removed = layers[index].ToString();
                layers.RemoveAt(index);
                return "removed " + removed;
            }
            case 10:
            {
                if (layers.Count < 2) return "none";
                int index = _random.Next(layers.Count - 1);
                (layers[index], layers[index + 1]) = (layers[index + 1], layers[index]);
                return $"swapped layers {index + 1} and {index + 2}";
            }
            case 11:
            {
                AttributeDecl? layer = RandomLayer("Dropout");
                if (layer is null) return "none";
                layer.Positional[0] = Pick("1.0", "-0.1", "0.99", "double.NaN");
                return "dropout rate changed to " + layer.Positional[0];
            }
            case 12:
            {
                AttributeDecl? layer = RandomLayer("BatchNorm");
                if (layer is null) return "none";
                if (_random.Next(2) == 0) layer.With("Momentum", Pick("0f", "1.5f", "-0.1f", "1f"));
                else layer.With("Epsilon", Pick("0f", "-1f", "float.PositiveInfinity", "1f"));
                return "batch-norm argument changed: " + layer;
            }
            case 13:
                partial = false;
                return "partial removed";
            case 14:
            {
                AttributeDecl? layer = RandomLayer("Conv2D");
                if (layer is null) return "none";
                layer.Positional[1] = Pick("7", "9", "0");
                return "kernel changed to " + layer.Positional[1];
            }
            default:
            {
                AttributeDecl? layer = RandomLayer("Dense");
                if (layer is null) return "none";
                layer.Positional[0] = Pick("1", "2", "0");
                return "units changed to " + layer.Positional[0];
            }
        }
    }

    /// <summary>Any layer kind with arguments from a wide range, valid or not, without regard to where it goes.</summary>
    private AttributeDecl RandomAnyLayer() => _random.Next(11) switch
    {
        0 => WithActivation(new AttributeDecl("Dense", Pick("0", "1", "3", "8"))),
        1 => new AttributeDecl("Maxout", Pick("0", "2", "4"), Pick("1", "2", "3")),
        2 => WithActivation(new AttributeDecl("Conv2D", Pick("0", "1", "3"), Pick("0", "1", "2", "3", "5"))),
        3 => new AttributeDecl("MaxPool2D", Pick("0", "1", "2", "3", "9")),
        4 => new AttributeDecl("AvgPool2D", Pick("1", "2", "4")),
        5 => new AttributeDecl("GlobalAvgPool"),
        6 => new AttributeDecl("Flatten"),
        7 => new AttributeDecl("Dropout", Pick("0.0", "0.5", "1.0")),
        8 => WithActivation(new AttributeDecl("BatchNorm")),
        9 => new AttributeDecl("ResidualStart"),
        _ => WithActivation(new AttributeDecl("ResidualEnd")),
    };

    private string Pick(params string[] choices) => choices[_random.Next(choices.Length)];

    // ---- The wild part of the declaration fuzz (issue 15): names, extreme values, forms the compiler rejects ----

    private static readonly string[] WildNames =
    {
        // Keywords and contextual keywords.
        "@var", "@record", "@class", "@event", "nameof", "dynamic", "nint", "nuint", "async", "await", "value", "global", "partial", "unmanaged",
        // Framework types the generated code uses.
        "Math", "MathF", "Unsafe", "Span", "ReadOnlySpan", "Array", "MemoryMarshal", "Vector256", "Vector512", "Vector128", "ArgumentException", "NetGen", "Generated",
        // Generated members (NG0026).
        "Loss", "Parameters", "Forward", "Threads", "InputSize", "Dense1Weights", "MaxBatchSize", "Predict", "Conv1Bias",
    };

    private static readonly string[] ShadowTypes =
    {
        "internal static class Math { }", "internal static class MathF { }", "internal static class Array { }", "internal static class Unsafe { }",
        "internal static class MemoryMarshal { }", "internal static class Vector128 { }", "internal static class Vector256 { }", "internal static class Vector512 { }",
        "internal sealed class ArgumentException { }", "internal sealed class ArgumentOutOfRangeException { }", "internal sealed class InvalidOperationException { }",
        "internal readonly struct Span<T> { }", "internal readonly struct ReadOnlySpan<T> { }", "internal sealed class Vector256<T> { }", "internal sealed class MethodImpl { }",
        "internal sealed class NetGen { }", "internal sealed class nuint { }",
    };

    /// <summary>
    /// A declaration for the build fuzz: <see cref="Next"/>'s, in its own namespace <c>Fuzz.D{index}</c>, then with
    /// probability about one half one of: a name from <see cref="WildNames"/>, types named like the framework's beside
    /// it, a twin whose name differs only in case, a network deriving from it, a second [Network], extreme argument
    /// values, or an argument the compiler rejects (non-constant, misspelled, of another layer kind).
    /// </summary>
    public RandomDeclaration NextWild(int index)
    {
        string className = "Net" + index.ToString(CultureInfo.InvariantCulture);
        RandomDeclaration declaration = Next(className);
        string source = declaration.Source.Replace("namespace Fuzz;", "namespace Fuzz.D" + index.ToString(CultureInfo.InvariantCulture) + ";", StringComparison.Ordinal);
        string mutation = declaration.Mutation;
        bool compilerRejects = false, nearGeneratedNames = false;
        void Mutated(string what) => mutation = mutation.Length == 0 ? what : mutation + "; " + what;

        // Distinct kinds, applied in order: the name first, so that what refers to the class uses its final name.
        var chosen = new SortedSet<int>();
        for (int m = _random.Next(2) == 0 ? 0 : _random.Next(1, 3); m > 0; m--)
        {
            chosen.Add(_random.Next(9));
        }
        foreach (int choice in chosen)
        {
            nearGeneratedNames |= choice <= 4;
            switch (choice)
            {
                case 0:
                {
                    string name = Pick(WildNames);
                    source = source.Replace("class " + className + " ", "class " + name + " ", StringComparison.Ordinal);
                    className = name;
                    Mutated("named " + name);
                    break;
                }
                case 1:
                    string own = className.TrimStart('@');
                    source += "\n" + string.Join("\n", ShadowTypes.Where(t => _random.Next(2) == 0 && !t.Contains(" " + own + " ", StringComparison.Ordinal) && !t.Contains(" " + own + "<", StringComparison.Ordinal))) + "\n";
                    Mutated("framework-named types beside it");
                    break;
                case 2:
                {
                    string bare = className.TrimStart('@');
                    string twin = bare.ToUpperInvariant() != bare ? bare.ToUpperInvariant() : bare.ToLowerInvariant();
                    if (twin == bare)
                    {
                        break;
                    }
                    source += "\n" + AttributeText(source) + "\npublic partial class " + twin + " { }\n";
                    Mutated("twin " + twin);
                    break;
                }
                case 3:
                    source += "\n[Network, Input(2), Dense(2), Loss(LossKind.MeanSquaredError)]\npublic partial class Derived" + index.ToString(CultureInfo.InvariantCulture) + " : " + className + " { }\n";
                    Mutated("a network deriving from it");
                    break;
                case 4:
                    source += "\n[Network]\npublic partial class " + className + " { }\n";
                    compilerRejects = true;
                    Mutated("[Network] on a second declaration");
                    break;
                case 5:
                case 6:
                {
                    // An extreme value for an argument: int.MaxValue and the like, in place of a small number. Only a whole
                    // argument is replaced, never the divisor of an earlier "int.MaxValue / 2" (a constant divided by 0 is CS0020).
                    var numbers = System.Text.RegularExpressions.Regex.Matches(AttributeText(source), @"(?<=[(,] *)[0-9]+(?=[,)])").ToArray();
                    if (numbers.Length == 0)
                    {
                        break;
                    }
                    string value = Pick("int.MaxValue", "int.MinValue", "-1", "0", "65536", "1 << 20", "46341", "int.MaxValue / 2");
                    var target = numbers[_random.Next(numbers.Length)];
                    int at = source.IndexOf(AttributeText(source), StringComparison.Ordinal) + target.Index;
                    source = source.Substring(0, at) + value + source.Substring(at + target.Length);
                    Mutated("argument " + target.Value + " became " + value);
                    break;
                }
                case 7:
                {
                    // Named arguments with extreme values.
                    string attributes = AttributeText(source);
                    string named = Pick("Stride = int.MaxValue", "Padding = int.MaxValue", "Dilation = int.MaxValue", "Stride = int.MinValue", "Alpha = float.MaxValue", "Alpha = float.Epsilon",
                        "Momentum = float.Epsilon", "Epsilon = float.MaxValue");
                    string kind = named.StartsWith("Alpha", StringComparison.Ordinal) ? "Dense(" : named.StartsWith("Momentum", StringComparison.Ordinal) || named.StartsWith("Epsilon", StringComparison.Ordinal) ? "BatchNorm" : "Conv2D(";
                    int at = attributes.IndexOf(kind, StringComparison.Ordinal);
                    if (at < 0 || named.Contains("Dilation", StringComparison.Ordinal) && kind != "Conv2D(")
                    {
                        break;
                    }
                    string rest = attributes.Substring(at);
                    int close = kind == "BatchNorm" && !rest.StartsWith("BatchNorm(", StringComparison.Ordinal) ? kind.Length : ClosingParenthesis(rest);
                    // A layer that already has the argument now has it twice: CS0643.
                    compilerRejects |= rest.Substring(0, close).Contains(named.Substring(0, named.IndexOf(' ', StringComparison.Ordinal)) + " =", StringComparison.Ordinal);
                    string replaced = kind == "BatchNorm" && !rest.StartsWith("BatchNorm(", StringComparison.Ordinal)
                        ? "BatchNorm(" + named + ")" + rest.Substring(kind.Length)
                        : rest.Substring(0, close) + ", " + named + rest.Substring(close);
                    replaced = System.Text.RegularExpressions.Regex.Replace(replaced, @"\(, ", "(");
                    source = source.Replace(attributes, attributes.Substring(0, at) + replaced, StringComparison.Ordinal);
                    Mutated(named + " on " + kind.TrimEnd('('));
                    break;
                }
                default:
                {
                    // An argument the compiler rejects: the declaration is the compiler's to report, not NetGen's.
                    string attributes = AttributeText(source);
                    string broken = Pick("non-constant", "misspelled", "foreign");
                    string? edited = broken switch
                    {
                        "non-constant" => ReplaceFirst(attributes, "Input(", "Input(Sizes.Width, "),
                        "misspelled" => ReplaceFirst(attributes, "Network", "Network, Dense(2, Activaton = Activation.ReLU)"),
                        _ => ReplaceFirst(attributes, "Network", "Network, Dense(3, Stride = 2)"),
                    };
                    if (edited is null)
                    {
                        break;
                    }
                    source = source.Replace(attributes, edited, StringComparison.Ordinal) + "\ninternal static class Sizes { public static int Width = 3; }\n";
                    compilerRejects = true;
                    Mutated("an argument the compiler rejects: " + broken);
                    break;
                }
            }
        }
        return new RandomDeclaration(className, declaration.IntendedValid && mutation == declaration.Mutation, mutation, source, declaration.ExpectedParameters)
        {
            Namespace = "Fuzz.D" + index.ToString(CultureInfo.InvariantCulture),
            CompilerRejects = compilerRejects,
            NearGeneratedNames = nearGeneratedNames,
        };
    }

    /// <summary>The attribute list of the declaration's first class: from its first '[' up to the line of "class".</summary>
    private static string AttributeText(string source)
    {
        int start = source.IndexOf('[', StringComparison.Ordinal);
        int end = source.IndexOf("\npublic ", start, StringComparison.Ordinal);
        return source.Substring(start, end - start);
    }

    /// <summary>The index of the parenthesis that closes the first one in <paramref name="text"/> (arguments may hold casts).</summary>
    private static int ClosingParenthesis(string text)
    {
        int depth = 0;
        for (int i = text.IndexOf('(', StringComparison.Ordinal); i < text.Length; i++)
        {
            depth += text[i] == '(' ? 1 : text[i] == ')' ? -1 : 0;
            if (depth == 0)
            {
                return i;
            }
        }
        return text.Length;
    }

    private static string? ReplaceFirst(string text, string value, string replacement)
    {
        int at = text.IndexOf(value, StringComparison.Ordinal);
        return at < 0 ? null : text.Substring(0, at) + replacement + text.Substring(at + value.Length);
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
