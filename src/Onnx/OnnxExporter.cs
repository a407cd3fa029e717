using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Google.Protobuf;
using NetGen.Interop;
using NetGen.Interop.Onnx;
using static NetGen.Interop.OnnxGraphBuilder;

namespace NetGen;

/// <summary>
/// Writes a generated network, with its current parameters, as a standard ONNX model (ai.onnx operator set 13 to 17,
/// float32), so that it runs in ONNX Runtime and the rest of the ONNX ecosystem.
/// </summary>
/// <remarks>
/// <para>
/// The graph has one input named <see cref="InputName"/> of shape [batch, ...input shape] and one output named
/// <see cref="OutputName"/> of shape [batch, ...output shape]; the batch dimension is symbolic
/// (<see cref="BatchDimension"/>), so any batch size runs. The output is exactly what
/// <see cref="INetwork.Forward(ReadOnlySpan{float}, Span{float}, int)"/> computes: the logits for
/// <see cref="LossKind.SoftmaxCrossEntropy"/> (unless <see cref="OnnxExportOptions.AppendSoftmax"/>), the probabilities for
/// <see cref="LossKind.BinaryCrossEntropy"/> (whose output layer applies its sigmoid), the raw outputs otherwise.
/// </para>
/// <para>
/// Layers map to operators as follows; weights become initializers named after the layer (<c>Dense1.weight</c>).
/// Dense: Gemm (weights [inputs, units], the layout NetGen stores, so transB = 0). Maxout: Gemm to pieces x units
/// columns, Reshape to [batch, pieces, units], ReduceMax over the pieces. Conv2D: Conv with strides, pads and
/// dilations (no bias input when the layer has none). MaxPool2D, AvgPool2D: MaxPool, AveragePool. GlobalAvgPool:
/// GlobalAveragePool, then Flatten (NetGen's output is a vector of channels). Flatten: Flatten (channel-major in both).
/// Dropout: Dropout with its ratio and no training mode, which is the identity (inference keeps every value).
/// BatchNorm: BatchNormalization in inference form, with gamma and beta as scale and bias, the running mean and
/// variance from <see cref="INetwork.Buffers"/> and NetGen's epsilon, over channels (axis 1) after an image layer or
/// features after a dense one. ResidualStart: nothing (it names the shortcut's tensor). ResidualEnd: Add of the
/// block's output and the shortcut; a shortcut that changes the shape is first projected as NetGen projects it, by a
/// Conv with a 1x1 kernel, the block's stride and no bias for images, by a Gemm without bias (weights [shortcut features,
/// features]) for vectors. Activations: Relu, Sigmoid, Tanh, LeakyRelu (alpha), Elu (alpha), Softplus. Every layer
/// NetGen declares is exported, and <c>[Network(Onnx = ...)]</c> imports the file back into the same layers.
/// </para>
/// <para>The same network and parameters always give the same bytes (no time stamps, no unordered collections).</para>
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The name of the graph's input.</summary>
    public const string InputName = "input";

    /// <summary>The name of the graph's output.</summary>
    public const string OutputName = "output";

    /// <summary>The symbolic name of the batch dimension of the input and the output.</summary>
    public const string BatchDimension = "batch";

    /// <summary>The producer name written into every model.</summary>
    public const string ProducerName = "NetGen";

    // IR version 8 (ONNX 1.10 to 1.12) covers operator sets up to 17; every ONNX Runtime since 1.10 reads it.
    private const long IrVersion = 8;

    /// <summary>Writes <paramref name="model"/> as an ONNX model to <paramref name="output"/>.</summary>
    /// <param name="model">A generated network; its current <see cref="INetwork.Parameters"/> become the weights.</param>
    /// <param name="output">A writable stream; it is written to, not closed.</param>
    /// <param name="options">Operator set version and output form; null for the defaults.</param>
    /// <exception cref="NotSupportedException">The network has a layer or activation the exporter does not support.</exception>
    public static void Export(INetwork model, Stream output, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(output);
        if (!output.CanWrite)
        {
            throw new ArgumentException("The ONNX model cannot be written: the stream is not writable.", nameof(output));
        }
        Build(model, options ?? new OnnxExportOptions()).WriteTo(output);
    }

    /// <summary>
    /// Saves <paramref name="model"/> as an ONNX file, atomically: the model is written to a new temporary file of a
    /// unique name in the same folder (<c>model.onnx.3f9c0a1b7e2d4c65.tmp</c> for <c>model.onnx</c>), flushed to the
    /// disk, and renamed over <paramref name="path"/>. An interrupted save never leaves a truncated model behind, a failed
    /// one deletes its temporary file, no other file is touched (a file the user named <c>model.onnx.tmp</c> stays as it
    /// is), and saves to one path from several threads or processes at once each succeed.
    /// </summary>
    /// <param name="model">A generated network; its current <see cref="INetwork.Parameters"/> become the weights.</param>
    /// <param name="path">The file to write (conventionally with the extension <c>.onnx</c>); its folder must exist.</param>
    /// <param name="options">Operator set version and output form; null for the defaults.</param>
    /// <exception cref="NotSupportedException">The network has a layer or activation the exporter does not support.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException">The path is a directory, or the folder cannot be written.</exception>
    public static void Save(INetwork model, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        // Built before any file is touched: an unsupported network leaves the disk as it was.
        ModelProto proto = Build(model, options ?? new OnnxExportOptions());
        string fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            throw new IOException($"Cannot save the ONNX model to '{fullPath}': it is a directory. Pass a file path, such as '{Path.Combine(fullPath, "model.onnx")}'.");
        }
        string folder = Path.GetDirectoryName(fullPath) ?? fullPath;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Cannot save the ONNX model to '{fullPath}': the folder '{folder}' does not exist. Create it first.");
        }
        (FileStream stream, string temporary) = CreateTemporaryFile(fullPath, folder);
        try
        {
            using (stream)
            {
                proto.WriteTo(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temporary);
            }
            catch (IOException)
            {
                // The save's own error is the one to report.
            }
            throw;
        }
    }

    /// <summary>
    /// A new file of a random name beside <paramref name="fullPath"/>, as checkpoints save: <see cref="FileMode.CreateNew"/>
    /// never opens an existing file, so neither a user's file nor another save's temporary file is overwritten.
    /// </summary>
    private static (FileStream Stream, string Path) CreateTemporaryFile(string fullPath, string folder)
    {
        for (int attempt = 0; ; attempt++)
        {
            string candidate = string.Create(CultureInfo.InvariantCulture, $"{fullPath}.{Random.Shared.NextInt64():x16}.tmp");
            try
            {
                return (new FileStream(candidate, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16), candidate);
            }
            catch (IOException) when (attempt < 3 && Path.Exists(candidate))
            {
                // A name taken by chance (one in 2^63 per file in the folder): draw another.
            }
            catch (UnauthorizedAccessException e)
            {
                throw new IOException(
                    $"Cannot save the ONNX model to '{fullPath}': the folder '{folder}' does not allow creating files ({e.Message}). Save it in a folder you can write to.", e);
            }
        }
    }

    /// <summary>The ONNX model of <paramref name="model"/> as a message (tests inspect it).</summary>
    internal static ModelProto Build(INetwork model, OnnxExportOptions options)
    {
        if (options.OpsetVersion is < OnnxExportOptions.MinimumOpsetVersion or > OnnxExportOptions.MaximumOpsetVersion)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.OpsetVersion,
                $"ONNX operator set {options.OpsetVersion} is not supported: choose a version from {OnnxExportOptions.MinimumOpsetVersion} to {OnnxExportOptions.MaximumOpsetVersion}.");
        }
        NetworkDescription description = model.Description;
        float[] parameters = model.Parameters;
        // A protobuf message is at most 2 GB; larger models would need ONNX's external data files.
        if ((long)parameters.Length * sizeof(float) > int.MaxValue - (1 << 20))
        {
            throw new NotSupportedException(
                $"{description.Name} has {parameters.Length:N0} parameters ({(long)parameters.Length * sizeof(float) / 1e9:F1} GB), more than an ONNX file without external data can hold (2 GB).");
        }

        var graph = new OnnxGraphBuilder(description.Name);
        var writer = new LayerWriter(graph, description, parameters, model.Buffers);
        string current = InputName;
        int[] shape = description.InputShape.ToArray();
        for (int index = 0; index < description.Layers.Count; index++)
        {
            (current, shape) = writer.Write(index, current, shape);
        }
        string outputMeaning = description.Loss switch
        {
            LossKind.SoftmaxCrossEntropy when options.AppendSoftmax => "class probabilities (softmax of the logits)",
            LossKind.SoftmaxCrossEntropy => "logits (apply softmax for class probabilities)",
            LossKind.BinaryCrossEntropy => "probabilities (the output layer's sigmoid)",
            _ => "the network's outputs",
        };
        if (description.Loss == LossKind.SoftmaxCrossEntropy && options.AppendSoftmax)
        {
            current = graph.AddNode("Softmax", "Softmax", new[] { current }, "Softmax", Int("axis", 1));
        }
        NameOutput(graph.Graph, current);

        graph.Graph.Input.Add(FloatTensor(InputName, BatchDimension, description.InputShape));
        graph.Graph.Output.Add(FloatTensor(OutputName, BatchDimension, shape));
        graph.Graph.DocString = Invariant($"NetGen network {description.Name} ({(description.Loss is { } loss ? "loss " + loss : "inference-only")}); output: {outputMeaning}.");

        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
            ModelVersion = 1,
            DocString = graph.Graph.DocString,
            Graph = graph.Graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.OpsetVersion });
        proto.MetadataProps.Add(new StringStringEntryProto { Key = "netgen.network", Value = description.Name });
        proto.MetadataProps.Add(new StringStringEntryProto { Key = "netgen.fingerprint", Value = model.Fingerprint });
        if (description.Loss is { } trainedWith)
        {
            proto.MetadataProps.Add(new StringStringEntryProto { Key = "netgen.loss", Value = trainedWith.ToString() });
        }
        return proto;
    }

    // The last node's output becomes the graph output. A graph without nodes cannot happen (every layer writes one),
    // but would get an Identity so that input and output stay distinct values.
    private static void NameOutput(GraphProto graph, string current)
    {
        NodeProto? last = graph.Node.LastOrDefault();
        if (last is null || last.Output[0] != current)
        {
            var identity = new NodeProto { OpType = "Identity", Name = "Output" };
            identity.Input.Add(current);
            identity.Output.Add(OutputName);
            graph.Node.Add(identity);
            return;
        }
        last.Output[0] = OutputName;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Writes one layer at a time, checking the description against ONNX's shape arithmetic as it goes.</summary>
    private sealed class LayerWriter(OnnxGraphBuilder graph, NetworkDescription description, float[] parameters, float[] buffers)
    {
        private static readonly string Supported = "Dense, Maxout, Flatten, Conv2D, MaxPool2D, AvgPool2D, GlobalAvgPool, Dropout, BatchNorm, ResidualStart and ResidualEnd";

        // Where each open residual block starts: the tensor and shape its shortcut reads, by the ResidualStart's index.
        private readonly Dictionary<int, (string Tensor, int[] Shape)> _blockStarts = new();

        public (string Output, int[] Shape) Write(int index, string input, int[] shape)
        {
            LayerDescription layer = description.Layers[index];
            if (Size(layer.InputShape) != Size(shape))
            {
                throw Inconsistent(index, layer, $"its input shape {Format(layer.InputShape)} does not follow the previous layer's output {Format(shape)}");
            }
            (string output, int[] outputShape) = layer.Kind switch
            {
                LayerKind.Dense => Dense(index, layer, input, shape),
                LayerKind.Maxout => Maxout(index, layer, input, shape),
                LayerKind.Flatten => Flatten(layer.Name, input, shape),
                LayerKind.Conv2D => Conv(index, layer, input, shape),
                LayerKind.MaxPool2D => Pool("MaxPool", index, layer, input, shape),
                LayerKind.AvgPool2D => Pool("AveragePool", index, layer, input, shape),
                LayerKind.GlobalAvgPool => GlobalAveragePool(index, layer, input, shape),
                LayerKind.Dropout => Dropout(index, layer, input, shape),
                LayerKind.BatchNorm => BatchNorm(index, layer, input, shape),
                LayerKind.ResidualStart => ResidualStart(index, input, shape),
                LayerKind.ResidualEnd => ResidualEnd(index, layer, input, shape),
                _ => throw new NotSupportedException(
                    $"Layer {index} ({layer.Name}, {layer.Kind}) of {description.Name} cannot be exported to ONNX: the exporter writes {Supported} layers."),
            };
            output = Activate(index, layer, output);
            if (!outputShape.AsSpan().SequenceEqual(layer.OutputShape))
            {
                throw Inconsistent(index, layer, $"ONNX computes an output of {Format(outputShape)}, the description says {Format(layer.OutputShape)}");
            }
            return (output, outputShape);
        }

        // y = x W + b with W [inputs, units] as NetGen stores it: Gemm without transposition.
        private (string, int[]) Dense(int index, LayerDescription layer, string input, int[] shape)
        {
            (input, shape) = EnsureFlat(layer.Name, input, shape);
            int inputs = shape[0];
            string weight = Weights(index, layer, new long[] { inputs, layer.Units });
            var inputsOfGemm = new List<string> { input, weight };
            if (layer.BiasLength > 0)
            {
                inputsOfGemm.Add(Bias(index, layer, new long[] { layer.Units }));
            }
            string output = graph.AddNode("Gemm", layer.Name + "/Gemm", inputsOfGemm.ToArray(), layer.Name + "/Gemm",
                Float("alpha", 1f), Float("beta", 1f), Int("transA", 0), Int("transB", 0));
            return (output, new[] { layer.Units });
        }

        // Maxout: W [inputs, pieces, units] is W [inputs, pieces * units] with piece-major columns, so one Gemm computes
        // every piece; viewing its output as [batch, pieces, units] puts the pieces of a unit on axis 1 for ReduceMax.
        private (string, int[]) Maxout(int index, LayerDescription layer, string input, int[] shape)
        {
            (input, shape) = EnsureFlat(layer.Name, input, shape);
            int inputs = shape[0];
            int columns = checked(layer.Pieces * layer.Units);
            string weight = Weights(index, layer, new long[] { inputs, columns });
            var inputsOfGemm = new List<string> { input, weight };
            if (layer.BiasLength > 0)
            {
                inputsOfGemm.Add(Bias(index, layer, new long[] { columns }));
            }
            string pieces = graph.AddNode("Gemm", layer.Name + "/Gemm", inputsOfGemm.ToArray(), layer.Name + "/Gemm",
                Float("alpha", 1f), Float("beta", 1f), Int("transA", 0), Int("transB", 0));
            string viewShape = graph.AddInt64s(layer.Name + ".pieces_shape", -1, layer.Pieces, layer.Units);
            string view = graph.AddNode("Reshape", layer.Name + "/Reshape", new[] { pieces, viewShape }, layer.Name + "/Reshape");
            // Operator sets 13 to 17 take ReduceMax's axes as an attribute (18 made it an input).
            string output = graph.AddNode("ReduceMax", layer.Name + "/ReduceMax", new[] { view }, layer.Name + "/ReduceMax",
                Ints("axes", 1), Int("keepdims", 0));
            return (output, new[] { layer.Units });
        }

        // ONNX's Dropout without training_mode is the identity, as NetGen's inverted dropout is in inference; the ratio is
        // kept so that a model imported back drops out as the original did when it is trained further.
        private (string, int[]) Dropout(int index, LayerDescription layer, string input, int[] shape)
        {
            if (!(layer.Rate >= 0 && layer.Rate < 1))
            {
                throw Inconsistent(index, layer, $"its rate {layer.Rate} is not in [0, 1)");
            }
            string ratio = graph.AddFloats(layer.Name + ".ratio", new[] { layer.Rate });
            return (graph.AddNode("Dropout", layer.Name + "/Dropout", new[] { input, ratio }, layer.Name + "/Dropout"), shape);
        }

        // Inference form: y = gamma (x - mean) / sqrt(variance + epsilon) + beta per channel (axis 1) with the running
        // statistics, which is what NetGen's forward pass computes outside training.
        private (string, int[]) BatchNorm(int index, LayerDescription layer, string input, int[] shape)
        {
            int channels = shape[0];
            if (layer.Units != channels)
            {
                throw Inconsistent(index, layer, $"it normalizes {layer.Units} channels of a {Format(shape)} input");
            }
            if (!(layer.Epsilon > 0) || float.IsInfinity(layer.Epsilon) || !(layer.Momentum > 0 && layer.Momentum <= 1))
            {
                throw Inconsistent(index, layer, $"its epsilon {layer.Epsilon} or momentum {layer.Momentum} is not a batch normalization's");
            }
            long[] dims = { channels };
            string scale = Weights(index, layer, dims);
            string bias = Bias(index, layer, dims);
            if (layer.BufferOffset < 0 || (long)layer.BufferOffset + 2L * channels > buffers.Length)
            {
                throw Inconsistent(index, layer, $"its running statistics [{layer.BufferOffset}, {(long)layer.BufferOffset + 2L * channels}) lie outside the {buffers.Length} buffers");
            }
            string mean = graph.AddFloats(layer.Name + ".running_mean", buffers.AsSpan(layer.BufferOffset, channels), dims);
            string variance = graph.AddFloats(layer.Name + ".running_var", buffers.AsSpan(layer.BufferOffset + channels, channels), dims);
            string output = graph.AddNode("BatchNormalization", layer.Name + "/BatchNormalization", new[] { input, scale, bias, mean, variance },
                layer.Name + "/BatchNormalization",
                Float("epsilon", layer.Epsilon),
                // ONNX's momentum weighs the running value; NetGen's, like PyTorch's, weighs the batch. Inference ignores it.
                Float("momentum", 1f - layer.Momentum));
            return (output, shape);
        }

        // A block's start computes nothing: it marks the tensor that its end adds back.
        private (string, int[]) ResidualStart(int index, string input, int[] shape)
        {
            _blockStarts[index] = (input, shape);
            return (input, shape);
        }

        // y = block + shortcut, the shortcut being the start's tensor, projected when the block changes the shape: a strided
        // 1x1 convolution without bias for images, a product without bias for vectors (weights [shortcut, units], as a
        // dense layer stores them). The projection is written right before the Add, so a reader meets the block first.
        private (string, int[]) ResidualEnd(int index, LayerDescription layer, string input, int[] shape)
        {
            if (!_blockStarts.Remove(layer.ShortcutStart, out (string Tensor, int[] Shape) start))
            {
                throw Inconsistent(index, layer, $"its shortcut starts at layer {layer.ShortcutStart}, which is not an open residual block's start before it");
            }
            string shortcut = start.Tensor;
            int[] shortcutShape = start.Shape;
            if (layer.WeightLength > 0)
            {
                if (shortcutShape.Length == 3)
                {
                    RequireImage(index, layer, shape);
                    string weight = Weights(index, layer, new long[] { shape[0], shortcutShape[0], 1, 1 });
                    shortcut = graph.AddNode("Conv", layer.Name + "/Projection", new[] { shortcut, weight }, layer.Name + "/Projection",
                        Ints("kernel_shape", 1, 1),
                        Ints("strides", layer.Stride, layer.Stride),
                        Ints("pads", 0, 0, 0, 0),
                        Ints("dilations", 1, 1),
                        Int("group", 1));
                    shortcutShape = new[]
                    {
                        shape[0],
                        WindowOutput(shortcutShape[1], 1, layer.Stride, 0, 1),
                        WindowOutput(shortcutShape[2], 1, layer.Stride, 0, 1),
                    };
                }
                else
                {
                    string weight = Weights(index, layer, new long[] { Size(shortcutShape), Size(shape) });
                    shortcut = graph.AddNode("Gemm", layer.Name + "/Projection", new[] { shortcut, weight }, layer.Name + "/Projection",
                        Float("alpha", 1f), Float("beta", 1f), Int("transA", 0), Int("transB", 0));
                    shortcutShape = new[] { Size(shape) };
                }
            }
            if (!shortcutShape.AsSpan().SequenceEqual(shape))
            {
                throw Inconsistent(index, layer, $"its shortcut {Format(shortcutShape)} does not match the block's output {Format(shape)}");
            }
            return (graph.AddNode("Add", layer.Name + "/Add", new[] { input, shortcut }, layer.Name + "/Add"), shape);
        }

        private (string, int[]) Flatten(string prefix, string input, int[] shape) =>
            (graph.AddNode("Flatten", prefix + "/Flatten", new[] { input }, prefix + "/Flatten", Int("axis", 1)), new[] { Size(shape) });

        // Dense layers read a vector; after an image layer that is the channel-major flattening, as ONNX's Flatten does.
        private (string, int[]) EnsureFlat(string prefix, string input, int[] shape) =>
            shape.Length == 1 ? (input, shape) : Flatten(prefix, input, shape);

        // Cross-correlation with weights [filters, channels, kernel height, kernel width]: ONNX's Conv layout.
        private (string, int[]) Conv(int index, LayerDescription layer, string input, int[] shape)
        {
            RequireImage(index, layer, shape);
            int channels = shape[0];
            string weight = Weights(index, layer, new long[] { layer.Units, channels, layer.KernelHeight, layer.KernelWidth });
            var inputsOfConv = new List<string> { input, weight };
            if (layer.BiasLength > 0)
            {
                inputsOfConv.Add(Bias(index, layer, new long[] { layer.Units }));
            }
            string output = graph.AddNode("Conv", layer.Name + "/Conv", inputsOfConv.ToArray(), layer.Name + "/Conv",
                Ints("kernel_shape", layer.KernelHeight, layer.KernelWidth),
                Ints("strides", layer.Stride, layer.Stride),
                // ONNX pads are [top, left, bottom, right]: NetGen pads both sides of an axis equally.
                Ints("pads", layer.PaddingHeight, layer.PaddingWidth, layer.PaddingHeight, layer.PaddingWidth),
                Ints("dilations", layer.Dilation, layer.Dilation),
                Int("group", 1));
            return (output, new[]
            {
                layer.Units,
                WindowOutput(shape[1], layer.KernelHeight, layer.Stride, layer.PaddingHeight, layer.Dilation),
                WindowOutput(shape[2], layer.KernelWidth, layer.Stride, layer.PaddingWidth, layer.Dilation),
            });
        }

        private (string, int[]) Pool(string opType, int index, LayerDescription layer, string input, int[] shape)
        {
            RequireImage(index, layer, shape);
            if (layer.PaddingHeight != 0 || layer.PaddingWidth != 0 || layer.Dilation != 1)
            {
                throw new NotSupportedException(
                    $"Layer {index} ({layer.Name}, {layer.Kind}) of {description.Name} pads or dilates its windows, which the ONNX export does not write: export pooling without padding and dilation.");
            }
            var attributes = new List<AttributeProto>
            {
                Ints("kernel_shape", layer.KernelHeight, layer.KernelWidth),
                Ints("strides", layer.Stride, layer.Stride),
                Ints("pads", 0, 0, 0, 0),
                // Windows that do not fit are dropped (floor), as NetGen's output size formula does.
                Int("ceil_mode", 0),
            };
            if (opType == "AveragePool")
            {
                attributes.Add(Int("count_include_pad", 0));
            }
            string output = graph.AddNode(opType, layer.Name + "/" + opType, new[] { input }, layer.Name + "/" + opType, attributes.ToArray());
            return (output, new[]
            {
                shape[0],
                WindowOutput(shape[1], layer.KernelHeight, layer.Stride, 0, 1),
                WindowOutput(shape[2], layer.KernelWidth, layer.Stride, 0, 1),
            });
        }

        // ONNX keeps [batch, channels, 1, 1]; NetGen's output is the vector of channel means.
        private (string, int[]) GlobalAveragePool(int index, LayerDescription layer, string input, int[] shape)
        {
            RequireImage(index, layer, shape);
            string pooled = graph.AddNode("GlobalAveragePool", layer.Name + "/GlobalAveragePool", new[] { input }, layer.Name + "/GlobalAveragePool");
            return Flatten(layer.Name, pooled, new[] { shape[0], 1, 1 });
        }

        private string Activate(int index, LayerDescription layer, string input)
        {
            string Node(string opType, params AttributeProto[] attributes) =>
                graph.AddNode(opType, layer.Name + "/" + opType, new[] { input }, layer.Name + "/" + opType, attributes);

            return layer.Activation switch
            {
                Activation.Identity => input,
                Activation.ReLU => Node("Relu"),
                Activation.Sigmoid => Node("Sigmoid"),
                Activation.Tanh => Node("Tanh"),
                // The description carries the resolved parameter; NaN (not given) means NetGen's defaults.
                Activation.LeakyReLU => Node("LeakyRelu", Float("alpha", float.IsNaN(layer.Alpha) ? 0.01f : layer.Alpha)),
                Activation.ELU => Node("Elu", Float("alpha", float.IsNaN(layer.Alpha) ? 1f : layer.Alpha)),
                Activation.Softplus => Node("Softplus"),
                _ => throw new NotSupportedException(
                    $"Layer {index} ({layer.Name}) of {description.Name} uses the activation {layer.Activation}, which the ONNX export does not know."),
            };
        }

        private string Weights(int index, LayerDescription layer, long[] dims) =>
            graph.AddFloats(layer.Name + ".weight", Slice(index, layer, "weights", layer.WeightOffset, layer.WeightLength, dims), dims);

        private string Bias(int index, LayerDescription layer, long[] dims) =>
            graph.AddFloats(layer.Name + ".bias", Slice(index, layer, "biases", layer.BiasOffset, layer.BiasLength, dims), dims);

        private ReadOnlySpan<float> Slice(int index, LayerDescription layer, string what, int offset, int length, long[] dims)
        {
            long expected = dims.Aggregate(1L, (a, b) => a * b);
            if (length != expected)
            {
                throw Inconsistent(index, layer, $"it has {length} {what}, but its shapes need {Format(dims)} = {expected}");
            }
            if (offset < 0 || (long)offset + length > parameters.Length)
            {
                throw Inconsistent(index, layer, $"its {what} [{offset}, {(long)offset + length}) lie outside the {parameters.Length} parameters");
            }
            return parameters.AsSpan(offset, length);
        }

        private void RequireImage(int index, LayerDescription layer, int[] shape)
        {
            if (shape.Length != 3)
            {
                throw Inconsistent(index, layer, $"it needs a channels x height x width input, but receives {Format(shape)}");
            }
        }

        private InvalidOperationException Inconsistent(int index, LayerDescription layer, string problem) =>
            new($"Cannot export {description.Name} to ONNX: layer {index} ({layer.Name}, {layer.Kind}) is inconsistent: {problem}. The generated Description and the exporter disagree; please report this.");

        // floor((size + 2 padding - dilation (kernel - 1) - 1) / stride) + 1, as both NetGen and ONNX define it.
        private static int WindowOutput(int size, int kernel, int stride, int padding, int dilation) =>
            (size + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;

        private static int Size(IReadOnlyList<int> shape) => shape.Aggregate(1, (a, b) => checked(a * b));

        private static string Format(IEnumerable<int> shape) => "[" + string.Join(", ", shape) + "]";

        private static string Format(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
    }
}
