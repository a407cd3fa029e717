using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Google.Protobuf;
using NetGen.Interop.Onnx;

namespace NetGen.Interop;

/// <summary>
/// Appends nodes and initializers to an ONNX graph, naming every value after the layer that produces it
/// (<c>Dense1.weight</c>, <c>Conv2/Conv</c>, ...), so that an exported file reads like the generated class in a viewer
/// such as Netron.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    // ONNX names values and nodes in two separate namespaces; a node and the value it produces share a name here.
    private readonly HashSet<string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodes = new(StringComparer.Ordinal);

    public OnnxGraphBuilder(string name) => Graph = new GraphProto { Name = name };

    public GraphProto Graph { get; }

    /// <summary>Adds a float32 constant of shape <paramref name="dims"/>, stored little-endian in raw_data.</summary>
    public string AddFloats(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var bytes = new byte[checked(values.Length * sizeof(float))];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }
        var tensor = new TensorProto
        {
            Name = Claim(_values, name),
            DataType = (int)TensorProto.Types.DataType.Float,
            // The array is not touched again, so protobuf may keep it instead of copying it.
            RawData = UnsafeByteOperations.UnsafeWrap(bytes),
        };
        tensor.Dims.AddRange(dims);
        Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds a one-dimensional int64 constant (a shape, for Reshape).</summary>
    public string AddInt64s(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = Claim(_values, name), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds a node of the standard operator set with one output, named <paramref name="output"/>.</summary>
    public string AddNode(string opType, string nodeName, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = Claim(_nodes, nodeName) };
        node.Input.AddRange(inputs);
        node.Output.Add(Claim(_values, output));
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return output;
    }

    /// <summary>Declares a float32 graph input or output of shape [<paramref name="batchName"/>, dims...].</summary>
    public static ValueInfoProto FloatTensor(string name, string batchName, IReadOnlyList<int> dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batchName });
        foreach (int dim in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    // ONNX requires every value to be assigned once (static single assignment) and node names to be unique; a clash is an
    // exporter bug.
    private static string Claim(HashSet<string> names, string name) =>
        names.Add(name) ? name : throw new InvalidOperationException($"The ONNX graph already has a value or node named '{name}' (an exporter bug).");
}
