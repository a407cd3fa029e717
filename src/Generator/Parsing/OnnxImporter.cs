using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>
/// Translates an ONNX graph into the layers a declaration would list, so that planning and emission treat an imported
/// network exactly like a declared one. The graph is walked in its (topological) node order along one activation
/// tensor; each operator becomes a NetGen layer, is folded into the previous one (an activation, a bias Add), is a
/// no-op (Identity, a zero Pad, a Flatten of a vector) or only computes a shape (Shape, Gather, Unsqueeze, Concat,
/// Constant). A tensor read twice opens a residual block, which the Add of the two paths closes. Whatever NetGen's
/// layers cannot express is a diagnostic that names the node, its operator and attributes; nothing is approximated.
/// </summary>
internal sealed class OnnxImporter
{
    public const int MinimumOpset = 11, MaximumOpset = 17;

    // A shape value standing for the batch dimension (which Shape reads from the activation at run time).
    private const long Batch = long.MinValue;

    private readonly string _path;
    private readonly LocationInfo? _location;
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly Dictionary<string, OnnxTensor> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long[]> _shapeValues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _consumers = new(StringComparer.Ordinal);
    private readonly List<Layer> _layers = new();
    private long _opset;

    // The activation the walk follows: its tensor name, NetGen shape (per sample) and ONNX shape (per sample).
    private string _current = "";
    private int[] _shape = Array.Empty<int>();
    private long[] _onnxShape = Array.Empty<long>();

    // The open residual block: the tensor where it starts, its shape, and the shortcut's projection (if seen yet).
    private string? _residualStart;
    private int[] _residualShape = Array.Empty<int>();
    private (string Output, OnnxNode Node, float[] Weights)? _projection;
    private string? _finalSoftmax;

    // A Dense layer whose output a Reshape viewed as [batch, pieces, units]: the ReduceMax over the pieces makes it Maxout.
    private (Layer Layer, int Pieces, int Units)? _maxoutView;

    private OnnxImporter(string path, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        _path = path;
        _location = location;
        _diagnostics = diagnostics;
    }

    /// <summary>One imported layer: its spec, its parameters in NetGen's layout, and the tensor it outputs.</summary>
    private sealed class Layer
    {
        public Layer(LayerSpec spec, string output, string node)
        {
            Spec = spec;
            Output = output;
            Node = node;
        }

        public LayerSpec Spec { get; set; }

        public string Output { get; set; }

        public string Node { get; }

        public float[] Weights { get; set; } = Array.Empty<float>();

        public float[] Bias { get; set; } = Array.Empty<float>();

        public float[] RunningMean { get; set; } = Array.Empty<float>();

        public float[] RunningVariance { get; set; } = Array.Empty<float>();

        /// <summary>A MatMul's or bias-free convolution's output, which a following Add of a constant may give a bias.</summary>
        public bool AwaitsBias { get; set; }
    }

    /// <summary>The translated network: input shape, layers and the parameters and buffers they start from.</summary>
    public sealed record Result(int[] InputShape, LayerSpec[] Layers, float[] Parameters, float[] Buffers, string? FinalSoftmax, long Opset, string Producer);

    /// <summary>Reads <paramref name="bytes"/> as an ONNX model; null (and diagnostics) when it cannot be imported.</summary>
    public static Result? Import(byte[] bytes, string path, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        OnnxModel model;
        try
        {
            model = OnnxModel.Parse(bytes);
        }
        catch (FormatException e)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OnnxFileUnreadable, location, path, "it is not a valid ONNX (protobuf) file: " + e.Message));
            return null;
        }
        if (model.Graph is null || model.Graph.Nodes.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OnnxFileUnreadable, location, path,
                bytes.Length == 0 ? "the file is empty" : "it holds no ONNX graph (is it an ONNX model?)"));
            return null;
        }
        if (!model.Opsets.TryGetValue("", out long opset))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OnnxFileUnreadable, location, path, "it declares no operator set of the default ONNX domain"));
            return null;
        }
        if (opset < MinimumOpset || opset > MaximumOpset)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OnnxOpsetUnsupported, location, path, opset));
            return null;
        }
        var importer = new OnnxImporter(path, location, diagnostics) { _opset = opset };
        int before = diagnostics.Count;
        Result? result = importer.Translate(model.Graph, model.ProducerName);
        return diagnostics.Count > before ? null : result;
    }

    private Result? Translate(OnnxGraph graph, string producer)
    {
        foreach (OnnxTensor tensor in graph.Initializers)
        {
            if (tensor.IsExternal)
            {
                Fail(DiagnosticDescriptors.OnnxFileUnreadable, _path, Invariant($"initializer '{tensor.Name}' keeps its data in an external file, which the import cannot read; export the model without external data (under 2 GB)"));
                return null;
            }
            _constants[tensor.Name] = tensor;
        }
        OnnxValueInfo[] inputs = graph.Inputs.Where(i => !_constants.ContainsKey(i.Name)).ToArray();
        if (inputs.Length != 1)
        {
            Fail(DiagnosticDescriptors.OnnxInputUnsupported, _path, string.Join(", ", inputs.Select(i => i.Name)),
                Invariant($"is {inputs.Length} inputs"));
            return null;
        }
        if (!ReadInput(inputs[0], out int[] inputShape))
        {
            return null;
        }
        foreach (OnnxNode node in graph.Nodes)
        {
            // Shape reads only the (static) dimensions, not the values: it does not make a tensor a branch.
            foreach (string input in node.Inputs.Where(i => i.Length > 0 && node.OpType != "Shape"))
            {
                _consumers[input] = _consumers.TryGetValue(input, out int n) ? n + 1 : 1;
            }
        }
        foreach (OnnxValueInfo output in graph.Outputs)
        {
            _consumers[output.Name] = _consumers.TryGetValue(output.Name, out int n) ? n + 1 : 1;
        }
        if (graph.Outputs.Count != 1)
        {
            Fail(DiagnosticDescriptors.OnnxNodeUnsupported, _path, "(graph)", "outputs", Invariant($"the graph has {graph.Outputs.Count} outputs; NetGen networks have one"));
            return null;
        }

        _current = inputs[0].Name;
        _shape = inputShape;
        _onnxShape = inputShape.Select(d => (long)d).ToArray();
        OpenResidualIfBranching(null);
        string output0 = graph.Outputs[0].Name;
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            OnnxNode node = graph.Nodes[i];
            if (!Translate(node, isLast: node.Outputs.Contains(output0)))
            {
                return null;
            }
        }
        if (_residualStart is not null)
        {
            Fail(DiagnosticDescriptors.OnnxNodeUnsupported, _path, "(graph)", "branch", Invariant($"tensor '{_residualStart}' is read by two paths that never join in an Add; NetGen expresses branches only as residual blocks (y = f(block(x) + shortcut(x)))"));
            return null;
        }
        if (_current != output0)
        {
            Fail(DiagnosticDescriptors.OnnxNodeUnsupported, _path, "(graph)", "output", Invariant($"the graph output '{output0}' is not the end of the chain of layers ('{_current}')"));
            return null;
        }
        if (_layers.Count == 0)
        {
            Fail(DiagnosticDescriptors.OnnxNodeUnsupported, _path, "(graph)", "layers", "the graph has no operator that NetGen computes as a layer (only shape operations and no-ops)");
            return null;
        }

        var parameters = new List<float>();
        var buffers = new List<float>();
        foreach (Layer layer in _layers)
        {
            parameters.AddRange(layer.Weights);
            parameters.AddRange(layer.Bias);
            buffers.AddRange(layer.RunningMean);
            buffers.AddRange(layer.RunningVariance);
        }
        return new Result(inputShape, _layers.Select(l => l.Spec).ToArray(), parameters.ToArray(), buffers.ToArray(), _finalSoftmax, _opset, producer);
    }

    private bool ReadInput(OnnxValueInfo input, out int[] shape)
    {
        shape = Array.Empty<int>();
        if (input.ElementType != OnnxTensor.FloatType)
        {
            Fail(DiagnosticDescriptors.OnnxInputUnsupported, _path, input.Name, Invariant($"has element type {input.ElementType}, not float (1)"));
            return false;
        }
        if (!input.HasShape || input.Dimensions.Count is not (2 or 4))
        {
            Fail(DiagnosticDescriptors.OnnxInputUnsupported, _path, input.Name,
                input.HasShape ? Invariant($"has rank {input.Dimensions.Count}") : "has no shape");
            return false;
        }
        for (int d = 1; d < input.Dimensions.Count; d++)
        {
            if (input.Dimensions[d] is not { } size || size < 1 || size > int.MaxValue)
            {
                Fail(DiagnosticDescriptors.OnnxInputUnsupported, _path, input.Name,
                    Invariant($"has dimension {d} '{(input.DimensionNames[d].Length > 0 ? input.DimensionNames[d] : "?")}' that is not a fixed size (only the batch, dimension 0, may vary); export with fixed sizes there"));
                return false;
            }
        }
        shape = input.Dimensions.Skip(1).Select(d => (int)d!.Value).ToArray();
        return true;
    }

    private bool Translate(OnnxNode node, bool isLast)
    {
        if (node.Domain.Length > 0 && node.Domain != "ai.onnx")
        {
            return Unsupported(node, Invariant($"operators of domain '{node.Domain}' are not supported; NetGen imports the default ONNX domain only"));
        }
        if (TryShapeComputation(node, out bool handled))
        {
            return handled;
        }
        string[] activations = node.Inputs.Where(i => i.Length > 0 && !_constants.ContainsKey(i) && !_shapeValues.ContainsKey(i)).ToArray();
        if (activations.Length == 0)
        {
            return Unsupported(node, "a computation on constants only, which NetGen does not fold (only Shape, Gather, Unsqueeze, Concat, Cast and Constant)");
        }
        if (node.OpType == "Add" && activations.Length == 2)
        {
            return ResidualAdd(node, activations);
        }
        if (activations.Length != 1)
        {
            return Unsupported(node, "an operator over several activations; NetGen joins two paths only in the Add that closes a residual block");
        }
        if (activations[0] != _current)
        {
            return Shortcut(node, activations[0]);
        }
        if (node.Inputs.Count == 0 || node.Inputs[0] != _current)
        {
            return Unsupported(node, "the activation is not its first input");
        }
        if (_finalSoftmax is not null)
        {
            return Unsupported(node, Invariant($"it follows the final {_finalSoftmax}; NetGen supports Softmax and LogSoftmax only as the last node"));
        }

        switch (node.OpType)
        {
            case "Gemm": return Gemm(node);
            case "MatMul": return MatMul(node);
            case "Add": return AddConstant(node);
            case "Conv": return Conv(node);
            case "MaxPool":
            case "AveragePool": return Pool(node);
            case "GlobalAveragePool": return GlobalAveragePool(node);
            case "Flatten": return Flatten(node);
            case "Reshape": return Reshape(node);
            case "ReduceMax": return ReduceMax(node);
            case "BatchNormalization": return BatchNormalization(node);
            case "Relu": return Activation(node, ActivationKind.ReLU, float.NaN);
            case "Sigmoid": return Activation(node, ActivationKind.Sigmoid, float.NaN);
            case "Tanh": return Activation(node, ActivationKind.Tanh, float.NaN);
            case "Softplus": return Activation(node, ActivationKind.Softplus, float.NaN);
            case "LeakyRelu": return Activation(node, ActivationKind.LeakyReLU, node.Float("alpha", 0.01f));
            case "Elu": return Activation(node, ActivationKind.ELU, node.Float("alpha", 1f));
            case "Dropout": return Dropout(node);
            case "Identity": return PassThrough(node);
            case "Pad": return Pad(node);
            case "Softmax":
            case "LogSoftmax": return FinalSoftmax(node, isLast);
            default:
                return Unsupported(node, "NetGen has no layer for this operator");
        }
    }

    // ---- shapes ----------------------------------------------------------------------------------------------------

    /// <summary>Constant, Shape, Gather, Unsqueeze, Concat and Cast on shape values: evaluated here, no layer.</summary>
    private bool TryShapeComputation(OnnxNode node, out bool handled)
    {
        handled = true;
        switch (node.OpType)
        {
            case "Constant":
                if (node.Attribute("value")?.Tensor is { } value)
                {
                    value.Name = node.Outputs[0];
                    _constants[value.Name] = value;
                    return true;
                }
                handled = Unsupported(node, "a Constant without a tensor 'value'");
                return true;
            case "Shape" when node.Inputs.Count == 1 && node.Inputs[0] == _current:
                if (node.Attribute("start") is not null || node.Attribute("end") is not null)
                {
                    handled = Unsupported(node, "Shape with start or end is not supported");
                    return true;
                }
                _shapeValues[node.Outputs[0]] = new[] { Batch }.Concat(_onnxShape).ToArray();
                return true;
        }
        if (node.Inputs.Count == 0 || !node.Inputs.Where(i => i.Length > 0).All(i => _shapeValues.ContainsKey(i) || IsIntConstant(i)))
        {
            return false;
        }
        if (!node.Inputs.Any(_shapeValues.ContainsKey))
        {
            return false;
        }
        long[]? result = node.OpType switch
        {
            "Gather" when node.Int("axis", 0) == 0 && node.Inputs.Count == 2 => Gather(Values(node.Inputs[0]), Values(node.Inputs[1])),
            "Unsqueeze" or "Cast" or "Squeeze" => Values(node.Inputs[0]),
            "Concat" when node.Int("axis", 0) == 0 => node.Inputs.SelectMany(i => Values(i) ?? new long[] { long.MaxValue }).ToArray(),
            _ => null,
        };
        if (result is null || result.Contains(long.MaxValue))
        {
            handled = Unsupported(node, "a shape computation NetGen cannot evaluate at build time");
            return true;
        }
        _shapeValues[node.Outputs[0]] = result;
        return true;
    }

    private bool IsIntConstant(string name) => _constants.TryGetValue(name, out OnnxTensor? t) && t.DataType is OnnxTensor.Int64Type or OnnxTensor.Int32Type;

    private long[]? Values(string name) =>
        _shapeValues.TryGetValue(name, out long[]? values) ? values : _constants.TryGetValue(name, out OnnxTensor? t) ? t.IntData : null;

    private static long[]? Gather(long[]? data, long[]? indices)
    {
        if (data is null || indices is null)
        {
            return null;
        }
        var result = new long[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            long index = indices[i] < 0 ? indices[i] + data.Length : indices[i];
            if (index < 0 || index >= data.Length)
            {
                return null;
            }
            result[i] = data[index];
        }
        return result;
    }

    // ---- layers ----------------------------------------------------------------------------------------------------

    private bool Gemm(OnnxNode node)
    {
        if (_shape.Length != 1)
        {
            return Unsupported(node, Invariant($"its input is the {Planner.FormatShape(_shape)} tensor; Gemm needs a vector per sample (flatten first)"));
        }
        if (node.Int("transA", 0) != 0)
        {
            return Unsupported(node, "transA = 1 would multiply the transposed batch; NetGen imports Gemm with transA = 0");
        }
        if (node.Inputs.Count < 2 || !Float(node.Inputs[1], out OnnxTensor? b) || b.Dims.Count != 2)
        {
            return Unsupported(node, "its weights B are not a constant 2-D float initializer");
        }
        bool transB = node.Int("transB", 0) != 0;
        int inputs = _shape[0];
        long units = transB ? b.Dims[0] : b.Dims[1];
        if ((transB ? b.Dims[1] : b.Dims[0]) != inputs || units < 1 || units > int.MaxValue)
        {
            return Unsupported(node, Invariant($"its weights are {b.Dims[0]}x{b.Dims[1]} with transB = {(transB ? 1 : 0)}, which do not take the {inputs} inputs"));
        }
        float alpha = node.Float("alpha", 1f), beta = node.Float("beta", 1f);
        float[] weights = DenseWeights(b.FloatData, inputs, (int)units, transB, alpha);
        float[] bias = new float[units];
        if (node.Inputs.Count > 2 && node.Inputs[2].Length > 0)
        {
            if (!Float(node.Inputs[2], out OnnxTensor? c) || !Broadcast(c, (int)units, out bias))
            {
                return Unsupported(node, Invariant($"its bias C is not a constant of {units} values (or one value)"));
            }
            for (int i = 0; i < bias.Length; i++)
            {
                bias[i] *= beta;
            }
        }
        AddLayer(node, Spec(LayerKind.Dense, units: (int)units), weights, bias, new[] { (int)units });
        return true;
    }

    private bool MatMul(OnnxNode node)
    {
        if (_shape.Length != 1)
        {
            return Unsupported(node, Invariant($"its input is the {Planner.FormatShape(_shape)} tensor; NetGen imports MatMul of a vector per sample by a constant matrix"));
        }
        if (node.Inputs.Count != 2 || !Float(node.Inputs[1], out OnnxTensor? b) || b.Dims.Count != 2 || b.Dims[0] != _shape[0] || b.Dims[1] < 1 || b.Dims[1] > int.MaxValue)
        {
            return Unsupported(node, Invariant($"its second input is not a constant float matrix of {_shape[0]} rows"));
        }
        int units = (int)b.Dims[1];
        AddLayer(node, Spec(LayerKind.Dense, units: units), DenseWeights(b.FloatData, _shape[0], units, transposed: false, 1f), new float[units], new[] { units });
        _layers[_layers.Count - 1].AwaitsBias = true;
        return true;
    }

    /// <summary>Add of a constant right after a MatMul or a bias-free convolution: that layer's bias.</summary>
    private bool AddConstant(OnnxNode node)
    {
        Layer? last = _layers.Count > 0 ? _layers[_layers.Count - 1] : null;
        string? constant = node.Inputs.FirstOrDefault(i => i != _current);
        if (last is null || !last.AwaitsBias || last.Output != _current || constant is null || !Float(constant, out OnnxTensor? c))
        {
            return Unsupported(node, "an Add of a constant that is not the bias of the MatMul or bias-free Conv right before it; NetGen adds constants only as a layer's bias");
        }
        int units = last.Spec.Kind == LayerKind.Conv2D ? last.Spec.Units : _shape[0];
        bool perChannel = last.Spec.Kind != LayerKind.Conv2D || c.Dims.Skip(c.Dims.Count - 2).All(d => d == 1) || c.ElementCount == 1;
        if (!perChannel || !Broadcast(c, units, out float[] bias))
        {
            return Unsupported(node, Invariant($"the constant {Dims(c)} is not one value per output ({units})"));
        }
        last.Bias = bias;
        last.AwaitsBias = false;
        if (last.Spec.Kind == LayerKind.Conv2D)
        {
            last.Spec = last.Spec with { Bias = true };
        }
        Advance(node, _shape, _onnxShape, last);
        return true;
    }

    private bool Conv(OnnxNode node)
    {
        if (_shape.Length != 3)
        {
            return Unsupported(node, Invariant($"its input is {Planner.FormatShape(_shape)}; Conv needs channels x height x width"));
        }
        if (node.Int("group", 1) != 1)
        {
            return Unsupported(node, "grouped (or depthwise) convolution; NetGen's Conv2D has group = 1");
        }
        if (node.Inputs.Count < 2 || !Float(node.Inputs[1], out OnnxTensor? w) || w.Dims.Count != 4 || w.Dims[1] != _shape[0])
        {
            return Unsupported(node, Invariant($"its weights are not a constant [filters, {_shape[0]}, kh, kw] float initializer"));
        }
        int filters = (int)w.Dims[0], kh = (int)w.Dims[2], kw = (int)w.Dims[3];
        if (!Window(node, kh, kw, out int stride, out int padding, out int dilation))
        {
            return false;
        }
        float[] bias = Array.Empty<float>();
        bool hasBias = node.Inputs.Count > 2 && node.Inputs[2].Length > 0;
        if (hasBias && (!Float(node.Inputs[2], out OnnxTensor? b) || !Broadcast(b, filters, out bias)))
        {
            return Unsupported(node, Invariant($"its bias is not a constant of {filters} values"));
        }
        int outH = (_shape[1] + 2 * padding - dilation * (kh - 1) - 1) / stride + 1;
        int outW = (_shape[2] + 2 * padding - dilation * (kw - 1) - 1) / stride + 1;
        LayerSpec spec = Spec(LayerKind.Conv2D, units: filters) with
        {
            KernelHeight = kh, KernelWidth = kw, Stride = stride, Padding = padding, Dilation = dilation, Bias = hasBias,
        };
        AddLayer(node, spec, w.FloatData, bias, new[] { filters, outH, outW });
        _layers[_layers.Count - 1].AwaitsBias = !hasBias;
        return true;
    }

    /// <summary>A window's strides, pads and dilations as NetGen's single stride, symmetric padding and dilation.</summary>
    private bool Window(OnnxNode node, int kh, int kw, out int stride, out int padding, out int dilation)
    {
        stride = padding = 0;
        dilation = 1;
        long[] strides = node.Ints("strides") ?? new long[] { 1, 1 };
        long[] dilations = node.Ints("dilations") ?? new long[] { 1, 1 };
        long[] pads = node.Ints("pads") ?? new long[] { 0, 0, 0, 0 };
        long[]? kernel = node.Ints("kernel_shape");
        if (kernel is not null && (kernel.Length != 2 || kernel[0] != kh || kernel[1] != kw))
        {
            return Unsupported(node, "kernel_shape contradicts the weights' shape");
        }
        if (strides.Length != 2 || strides[0] != strides[1] || strides[0] < 1)
        {
            return Unsupported(node, Invariant($"strides [{string.Join(", ", strides)}]; NetGen uses one stride for height and width"));
        }
        if (dilations.Length != 2 || dilations[0] != dilations[1] || dilations[0] < 1)
        {
            return Unsupported(node, Invariant($"dilations [{string.Join(", ", dilations)}]; NetGen uses one dilation for height and width"));
        }
        stride = (int)strides[0];
        dilation = (int)dilations[0];
        string autoPad = node.Text("auto_pad", "NOTSET");
        if (autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            // ONNX pads so that the output is ceil(input / stride); NetGen pads both sides equally.
            long[] total = new long[2];
            for (int d = 0; d < 2; d++)
            {
                long input = _shape[d + 1], effective = dilation * ((d == 0 ? kh : kw) - 1) + 1;
                long output = (input + stride - 1) / stride;
                total[d] = Math.Max(0, (output - 1) * stride + effective - input);
            }
            if (total[0] != total[1] || total[0] % 2 != 0)
            {
                return Unsupported(node, Invariant($"auto_pad {autoPad} needs {total[0]} rows and {total[1]} columns of padding, split unevenly between the sides; NetGen pads every side equally (use explicit symmetric pads)"));
            }
            pads = new[] { total[0] / 2, total[0] / 2, total[0] / 2, total[0] / 2 };
        }
        else if (autoPad == "VALID")
        {
            pads = new long[] { 0, 0, 0, 0 };
        }
        else if (autoPad != "NOTSET")
        {
            return Unsupported(node, Invariant($"auto_pad '{autoPad}' is not an ONNX value"));
        }
        if (pads.Length != 4 || pads.Any(p => p != pads[0]) || pads[0] < 0)
        {
            return Unsupported(node, Invariant($"pads [{string.Join(", ", pads)}] are not the same on every side; NetGen pads top, left, bottom and right equally"));
        }
        padding = (int)pads[0];
        return true;
    }

    private bool Pool(OnnxNode node)
    {
        bool max = node.OpType == "MaxPool";
        if (_shape.Length != 3)
        {
            return Unsupported(node, Invariant($"its input is {Planner.FormatShape(_shape)}; pooling needs channels x height x width"));
        }
        if (node.Outputs.Count > 1 && node.Outputs[1].Length > 0)
        {
            return Unsupported(node, "MaxPool with an Indices output; NetGen's pooling returns values only");
        }
        long[]? kernel = node.Ints("kernel_shape");
        if (kernel is null || kernel.Length != 2 || kernel[0] != kernel[1] || kernel[0] < 1)
        {
            return Unsupported(node, "a non-square window; NetGen's pooling windows are square");
        }
        if (node.Int("storage_order", 0) != 0)
        {
            return Unsupported(node, "storage_order = 1 is not supported");
        }
        int size = (int)kernel[0];
        if (!Window(node, size, size, out int stride, out int padding, out int dilation))
        {
            return false;
        }
        if (padding != 0)
        {
            return Unsupported(node, Invariant($"pooling with padding {padding}; NetGen's {(max ? "MaxPool2D" : "AvgPool2D")} has no padding, so {(max ? "the padded border" : "count_include_pad")} cannot be expressed"));
        }
        if (dilation != 1)
        {
            return Unsupported(node, "pooling with dilation; NetGen's pooling windows are dense");
        }
        int outH = (_shape[1] - size) / stride + 1, outW = (_shape[2] - size) / stride + 1;
        if (node.Int("ceil_mode", 0) != 0 && ((_shape[1] - size) % stride != 0 || (_shape[2] - size) % stride != 0))
        {
            return Unsupported(node, Invariant($"ceil_mode = 1 adds a partial window at the edge of the {_shape[1]}x{_shape[2]} input; NetGen pools whole windows only (ceil_mode = 0), which is the same only when the window ends on the edge"));
        }
        LayerSpec spec = Spec(max ? LayerKind.MaxPool2D : LayerKind.AvgPool2D) with { KernelHeight = size, KernelWidth = size, Stride = stride };
        AddLayer(node, spec, Array.Empty<float>(), Array.Empty<float>(), new[] { _shape[0], outH, outW });
        return true;
    }

    private bool GlobalAveragePool(OnnxNode node)
    {
        if (_shape.Length != 3)
        {
            return Unsupported(node, Invariant($"its input is {Planner.FormatShape(_shape)}; it needs channels x height x width"));
        }
        int channels = _shape[0];
        AddLayer(node, Spec(LayerKind.GlobalAvgPool), Array.Empty<float>(), Array.Empty<float>(), new[] { channels });
        _onnxShape = new long[] { channels, 1, 1 }; // ONNX keeps 1x1 spatial dimensions that NetGen drops
        return true;
    }

    private bool Flatten(OnnxNode node)
    {
        long axis = node.Int("axis", 1);
        if (axis != 1 && !(axis == -1 && _onnxShape.Length == 1))
        {
            return Unsupported(node, Invariant($"Flatten with axis {axis}; NetGen flattens each sample (axis 1)"));
        }
        return ToVector(node);
    }

    private bool Reshape(OnnxNode node)
    {
        long[]? target = node.Inputs.Count == 2 ? Values(node.Inputs[1]) : null;
        long size = _onnxShape.Aggregate(1L, (a, d) => a * d);
        if (target is null)
        {
            return Unsupported(node, "its shape is not a constant or a shape computation NetGen can evaluate");
        }
        Layer? last = _layers.Count > 0 ? _layers[_layers.Count - 1] : null;
        if (target.Length == 3 && (target[0] == Batch || target[0] == 0 || target[0] == -1) && target[1] > 1 && target[2] > 0 && target[1] * target[2] == size
            && last is { Spec.Kind: LayerKind.Dense, Spec.Activation: 0 } && last.Output == _current)
        {
            // Maxout as NetGen exports it: Gemm to pieces x units columns, this view, then ReduceMax over the pieces.
            _maxoutView = (last, (int)target[1], (int)target[2]);
            Advance(node, _shape, new[] { target[1], target[2] }, null);
            return true;
        }
        bool batchFirst = target.Length == 2 && (target[0] == Batch || target[0] == 0 || (target[0] == -1 && target[1] == size));
        if (!batchFirst || !(target[1] == size || (target[1] == -1 && target[0] != -1)))
        {
            return Unsupported(node, Invariant($"Reshape to [{string.Join(", ", target.Select(d => d == Batch ? "batch" : d.ToString(CultureInfo.InvariantCulture)))}]; NetGen imports only a reshape of each sample into a vector ([batch, {size}])"));
        }
        return ToVector(node);
    }

    private bool ReduceMax(OnnxNode node)
    {
        long[]? axes = node.Ints("axes") ?? (node.Inputs.Count > 1 ? Values(node.Inputs[1]) : null);
        if (_maxoutView is not { } view || axes is null || axes.Length != 1 || axes[0] != 1 || node.Int("keepdims", 1) != 0)
        {
            return Unsupported(node, "a ReduceMax that is not the maxout of a Gemm viewed as [batch, pieces, units] (axes [1], keepdims 0)");
        }
        _maxoutView = null;
        view.Layer.Spec = view.Layer.Spec with { Kind = LayerKind.Maxout, Units = view.Units, Pieces = view.Pieces };
        Advance(node, new[] { view.Units }, new long[] { view.Units }, view.Layer);
        return true;
    }

    /// <summary>Flatten or Reshape to [batch, features]: NetGen's Flatten, or nothing when the activation is a vector already.</summary>
    private bool ToVector(OnnxNode node)
    {
        int size = _shape.Aggregate(1, (a, d) => a * d);
        if (_shape.Length == 1)
        {
            Advance(node, _shape, new long[] { size }, null);
            return true;
        }
        AddLayer(node, Spec(LayerKind.Flatten), Array.Empty<float>(), Array.Empty<float>(), new[] { size });
        return true;
    }

    private bool BatchNormalization(OnnxNode node)
    {
        if (node.Outputs.Count(o => o.Length > 0) > 1 || node.Int("training_mode", 0) != 0)
        {
            return Unsupported(node, "BatchNormalization in training form (running statistics as outputs); export the model in eval mode");
        }
        int channels = _shape[0];
        var tensors = new float[4][];
        for (int i = 0; i < 4; i++)
        {
            if (node.Inputs.Count <= i + 1 || !Float(node.Inputs[i + 1], out OnnxTensor? t) || t.ElementCount != channels)
            {
                return Unsupported(node, Invariant($"its scale, bias, mean and variance are not constants of {channels} values"));
            }
            tensors[i] = t.FloatData;
        }
        float epsilon = node.Float("epsilon", 1e-5f);
        // ONNX's momentum weighs the running value (0.9); NetGen's, like PyTorch's, weighs the new batch (0.1).
        float momentum = 1f - node.Float("momentum", 0.9f);
        AddLayer(node, Spec(LayerKind.BatchNorm) with { Momentum = momentum, Epsilon = epsilon }, tensors[0], tensors[1], _shape);
        Layer layer = _layers[_layers.Count - 1];
        layer.RunningMean = tensors[2];
        layer.RunningVariance = tensors[3];
        return true;
    }

    /// <summary>An activation function: the activation of the layer right before it, which must not have one yet.</summary>
    private bool Activation(OnnxNode node, ActivationKind activation, float alpha)
    {
        Layer? last = _layers.Count > 0 ? _layers[_layers.Count - 1] : null;
        if (last is null || last.Output != _current || _current == _residualStart
            || last.Spec.Kind is not (LayerKind.Dense or LayerKind.Conv2D or LayerKind.BatchNorm or LayerKind.ResidualEnd)
            || last.Spec.Activation != (int)ActivationKind.Identity)
        {
            string after = last is null || last.Output != _current ? "the input or a no-op" : last.Spec.Kind.ToString() + (last.Spec.Activation != 0 ? " that already applies " + (ActivationKind)last.Spec.Activation : "");
            return Unsupported(node, Invariant($"an activation after {after}; NetGen applies activations as part of a Dense, Conv2D, BatchNorm or ResidualEnd layer"));
        }
        last.Spec = last.Spec with { Activation = (int)activation, Alpha = alpha };
        Advance(node, _shape, _onnxShape, last);
        return true;
    }

    private bool Dropout(OnnxNode node)
    {
        if (node.Outputs.Count > 1 && node.Outputs[1].Length > 0 && _consumers.ContainsKey(node.Outputs[1]))
        {
            return Unsupported(node, "a Dropout whose mask is used; NetGen's dropout has no mask output");
        }
        double ratio = node.Float("ratio", 0.5f);
        if (node.Inputs.Count > 1 && node.Inputs[1].Length > 0)
        {
            if (!Float(node.Inputs[1], out OnnxTensor? r) || r.FloatData.Length != 1)
            {
                return Unsupported(node, "its ratio is not a constant");
            }
            ratio = r.FloatData[0];
        }
        if (ratio <= 0)
        {
            return PassThrough(node);
        }
        // Inference skips it; kept as a layer so that fine-tuning drops out as the original training did.
        AddLayer(node, Spec(LayerKind.Dropout) with { Rate = (float)ratio }, Array.Empty<float>(), Array.Empty<float>(), _shape);
        return true;
    }

    private bool PassThrough(OnnxNode node)
    {
        Advance(node, _shape, _onnxShape, _layers.Count > 0 && _layers[_layers.Count - 1].Output == _current ? _layers[_layers.Count - 1] : null);
        return true;
    }

    private bool Pad(OnnxNode node)
    {
        long[]? pads = node.Inputs.Count > 1 ? Values(node.Inputs[1]) : node.Ints("pads");
        if (pads is null || pads.Any(p => p != 0))
        {
            return Unsupported(node, "a Pad that changes the tensor; NetGen pads only inside Conv2D");
        }
        return PassThrough(node);
    }

    private bool FinalSoftmax(OnnxNode node, bool isLast)
    {
        long axis = node.Int("axis", _opset >= 13 ? -1 : 1);
        if (!isLast || _shape.Length != 1 || (axis != 1 && axis != -1))
        {
            return Unsupported(node, "NetGen supports Softmax and LogSoftmax only as the last node, over the features of a vector");
        }
        _finalSoftmax = node.OpType;
        Advance(node, _shape, _onnxShape, null);
        return true;
    }

    // ---- residual blocks -------------------------------------------------------------------------------------------

    /// <summary>A node reading the open block's start (not the current activation): the shortcut's projection.</summary>
    private bool Shortcut(OnnxNode node, string input)
    {
        if (input != _residualStart || _projection is not null)
        {
            return Unsupported(node, Invariant($"it reads '{input}', which is not the current activation '{_current}'; NetGen expresses branches only as residual blocks whose shortcut is the identity or one projection"));
        }
        int outputSize;
        float[] weights;
        if (node.OpType == "Conv" && _residualShape.Length == 3 && Float(node.Inputs[1], out OnnxTensor? w) && w.Dims.Count == 4
            && w.Dims[1] == _residualShape[0] && w.Dims[2] == 1 && w.Dims[3] == 1 && (node.Inputs.Count < 3 || node.Inputs[2].Length == 0)
            && node.Int("group", 1) == 1)
        {
            long[] pads = node.Ints("pads") ?? new long[4];
            long[] dilations = node.Ints("dilations") ?? new long[] { 1, 1 };
            if (pads.Any(p => p != 0) || dilations.Any(d => d != 1) || node.Text("auto_pad", "NOTSET") is not ("NOTSET" or "VALID"))
            {
                return Unsupported(node, "a shortcut projection with padding or dilation; NetGen's is a strided 1x1 convolution");
            }
            outputSize = (int)w.Dims[0];
            weights = w.FloatData;
        }
        else if ((node.OpType is "Gemm" or "MatMul") && _residualShape.Length == 1 && Float(node.Inputs[1], out OnnxTensor? b) && b.Dims.Count == 2
            && (node.Inputs.Count < 3 || node.Inputs[2].Length == 0) && node.Int("transA", 0) == 0)
        {
            bool transB = node.Int("transB", 0) != 0;
            long inputs = transB ? b.Dims[1] : b.Dims[0];
            outputSize = (int)(transB ? b.Dims[0] : b.Dims[1]);
            if (inputs != _residualShape[0])
            {
                return Unsupported(node, "a shortcut projection whose weights do not take the block's input");
            }
            weights = DenseWeights(b.FloatData, (int)inputs, outputSize, transB, node.Float("alpha", 1f));
        }
        else
        {
            return Unsupported(node, "a shortcut that is neither the identity nor a projection NetGen has (a bias-free strided 1x1 Conv for images, a bias-free Gemm or MatMul for vectors)");
        }
        _projection = (node.Outputs[0], node, weights);
        return outputSize > 0;
    }

    /// <summary>Add(block, shortcut): closes the open residual block.</summary>
    private bool ResidualAdd(OnnxNode node, string[] inputs)
    {
        string? other = inputs[0] == _current ? inputs[1] : inputs[1] == _current ? inputs[0] : null;
        bool identity = other is not null && other == _residualStart;
        bool projected = other is not null && _projection is { } p && other == p.Output;
        if (_residualStart is null || !(identity || projected))
        {
            return Unsupported(node, "an Add of two activations that is not the end of a residual block (block output + shortcut from the block's start)");
        }
        if (_layers.Count == 0 || _layers[_layers.Count - 1].Spec.Kind == LayerKind.ResidualStart)
        {
            return Unsupported(node, "a residual block without layers");
        }
        float[] weights = Array.Empty<float>();
        if (projected)
        {
            (_, OnnxNode projection, weights) = _projection!.Value;
            if (projection.OpType == "Conv")
            {
                // NetGen infers the projection's stride from the shapes: it must be the one the file uses.
                long stride = (projection.Ints("strides") ?? new long[] { 1, 1 })[0];
                long expected = -1;
                for (int s = 1; s <= Math.Max(_residualShape[1], _residualShape[2]); s++)
                {
                    if ((_residualShape[1] - 1) / s + 1 == _shape[1] && (_residualShape[2] - 1) / s + 1 == _shape[2])
                    {
                        expected = s;
                        break;
                    }
                }
                long[] strides = projection.Ints("strides") ?? new long[] { 1, 1 };
                if (strides.Any(s => s != expected))
                {
                    return Unsupported(projection, Invariant($"a shortcut projection with strides [{string.Join(", ", strides)}]; NetGen projects {Planner.FormatShape(_residualShape)} onto {Planner.FormatShape(_shape)} with stride {expected}"));
                }
            }
        }
        else if (!_residualShape.SequenceEqual(_shape))
        {
            return Unsupported(node, Invariant($"an identity shortcut of shape {Planner.FormatShape(_residualShape)} added to {Planner.FormatShape(_shape)}"));
        }
        // Closed before the layer is added: the sum may be where the next block starts (an end without activation).
        _residualStart = null;
        _projection = null;
        AddLayer(node, Spec(LayerKind.ResidualEnd), weights, Array.Empty<float>(), _shape);
        return true;
    }

    /// <summary>When the current activation is read by two nodes, a residual block starts there.</summary>
    private bool OpenResidualIfBranching(OnnxNode? node)
    {
        int readers = _consumers.TryGetValue(_current, out int n) ? n : 0;
        if (readers <= 1)
        {
            return true;
        }
        if (readers > 2 || _residualStart is not null)
        {
            string what = readers > 2 ? Invariant($"is read by {readers} nodes") : "starts a block inside an open residual block";
            Fail(DiagnosticDescriptors.OnnxNodeUnsupported, _path, node?.Name ?? "(input)", node?.OpType ?? "input",
                Invariant($"tensor '{_current}' {what}; NetGen expresses branches only as residual blocks, one at a time"));
            return false;
        }
        _residualStart = _current;
        _residualShape = _shape;
        _layers.Add(new Layer(Spec(LayerKind.ResidualStart), _current, node?.Name ?? "(input)"));
        return true;
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private void AddLayer(OnnxNode node, LayerSpec spec, float[] weights, float[] bias, int[] outputShape)
    {
        var layer = new Layer(spec, node.Outputs[0], NodeLabel(node)) { Weights = weights, Bias = bias };
        _layers.Add(layer);
        Advance(node, outputShape, outputShape.Select(d => (long)d).ToArray(), layer);
    }

    /// <summary>Moves the walk to the node's output (which <paramref name="layer"/>, if any, now produces).</summary>
    private void Advance(OnnxNode node, int[] shape, long[] onnxShape, Layer? layer)
    {
        _current = node.Outputs[0];
        _shape = shape;
        _onnxShape = onnxShape;
        if (layer is not null)
        {
            layer.Output = _current;
            if (layer.Spec.Kind != LayerKind.Dense && layer.Spec.Kind != LayerKind.Conv2D)
            {
                layer.AwaitsBias = false;
            }
        }
        OpenResidualIfBranching(node);
    }

    private LayerSpec Spec(LayerKind kind, int units = 0) =>
        new(kind, units, 0, (int)ActivationKind.Identity, float.NaN, _location, _location, _location, _location, _location,
            StrideLocation: _location, PaddingLocation: _location, DilationLocation: _location, KernelLocation: _location, KernelWidthLocation: _location,
            Stride: kind is LayerKind.MaxPool2D or LayerKind.AvgPool2D ? 0 : 1);

    /// <summary>Weights of x W (+ b) in NetGen's dense layout [inputs, units], scaled by Gemm's alpha.</summary>
    private static float[] DenseWeights(float[] b, int inputs, int units, bool transposed, float alpha)
    {
        var weights = new float[(long)inputs * units];
        for (int i = 0; i < inputs; i++)
        {
            for (int u = 0; u < units; u++)
            {
                float value = transposed ? b[(long)u * inputs + i] : b[(long)i * units + u];
                weights[(long)i * units + u] = alpha == 1f ? value : alpha * value;
            }
        }
        return weights;
    }

    private static bool Broadcast(OnnxTensor tensor, int count, out float[] values)
    {
        values = new float[count];
        if (tensor.FloatData.Length == count)
        {
            Array.Copy(tensor.FloatData, values, count);
            return true;
        }
        if (tensor.FloatData.Length == 1)
        {
            for (int i = 0; i < count; i++)
            {
                values[i] = tensor.FloatData[0];
            }
            return true;
        }
        return false;
    }

    private bool Float(string name, out OnnxTensor tensor)
    {
        if (_constants.TryGetValue(name, out OnnxTensor? t) && t.DataType is OnnxTensor.FloatType or OnnxTensor.DoubleType && t.FloatData.LongLength == t.ElementCount)
        {
            tensor = t;
            return true;
        }
        tensor = null!;
        return false;
    }

    private static string Dims(OnnxTensor tensor) => "[" + string.Join(", ", tensor.Dims) + "]";

    private static string NodeLabel(OnnxNode node) => node.Name.Length > 0 ? node.Name : node.OpType + " -> " + node.Outputs.FirstOrDefault();

    private bool Unsupported(OnnxNode node, string reason)
    {
        Fail(DiagnosticDescriptors.OnnxNodeUnsupported, _path, NodeLabel(node), node.OpType + FormatAttributes(node), reason);
        return false;
    }

    private static string FormatAttributes(OnnxNode node)
    {
        if (node.Attributes.Count == 0)
        {
            return "";
        }
        var text = new StringBuilder(" ");
        foreach (OnnxAttribute a in node.Attributes.OrderBy(a => a.Name, StringComparer.Ordinal))
        {
            string value = a.Ints.Count > 0 ? "[" + string.Join(", ", a.Ints) + "]"
                : a.Floats.Count > 0 ? "[" + string.Join(", ", a.Floats.Select(f => f.ToString("R", CultureInfo.InvariantCulture))) + "]"
                : a.Text.Length > 0 ? a.Text
                : a.Tensor is not null ? "tensor"
                : a.Float != 0 ? a.Float.ToString("R", CultureInfo.InvariantCulture)
                : a.Int.ToString(CultureInfo.InvariantCulture);
            text.Append(text.Length > 1 ? ", " : "").Append(a.Name).Append('=').Append(value);
        }
        return text.ToString();
    }

    private void Fail(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, params object[] arguments) =>
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, _location, arguments));
}
