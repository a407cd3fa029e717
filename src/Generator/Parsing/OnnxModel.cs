using System;
using System.Collections.Generic;
using System.Text;

namespace NetGen.Generator;

/// <summary>
/// The few parts of an ONNX file (onnx.proto: ModelProto, GraphProto, NodeProto, TensorProto, AttributeProto,
/// ValueInfoProto) that the import reads, decoded from the protobuf wire format by hand: the generator targets
/// netstandard2.0 and ships as one analyzer assembly, so it takes no dependency on Google.Protobuf. Unknown fields are
/// skipped, as protobuf requires; malformed input throws <see cref="FormatException"/>, which the importer reports.
/// </summary>
internal sealed class OnnxModel
{
    public long IrVersion { get; private set; }

    /// <summary>Operator set versions by domain ("" is the default ONNX domain).</summary>
    public Dictionary<string, long> Opsets { get; } = new(StringComparer.Ordinal);

    public OnnxGraph? Graph { get; private set; }

    public string ProducerName { get; private set; } = "";

    public static OnnxModel Parse(byte[] bytes)
    {
        var model = new OnnxModel();
        var reader = new ProtoReader(bytes, 0, bytes.Length);
        while (reader.Next(out int field, out int wire))
        {
            switch (field)
            {
                case 1 when wire == ProtoReader.Varint: model.IrVersion = reader.Int64(); break;
                case 2 when wire == ProtoReader.Bytes: model.ProducerName = reader.String(); break;
                case 7 when wire == ProtoReader.Bytes: model.Graph = OnnxGraph.Parse(reader.Message()); break;
                case 8 when wire == ProtoReader.Bytes:
                {
                    ProtoReader opset = reader.Message();
                    string domain = "";
                    long version = 0;
                    while (opset.Next(out int f, out int w))
                    {
                        if (f == 1 && w == ProtoReader.Bytes) domain = opset.String();
                        else if (f == 2 && w == ProtoReader.Varint) version = opset.Int64();
                        else opset.Skip(w);
                    }
                    model.Opsets[domain == "ai.onnx" ? "" : domain] = version;
                    break;
                }
                default: reader.Skip(wire); break;
            }
        }
        return model;
    }
}

internal sealed class OnnxGraph
{
    public List<OnnxNode> Nodes { get; } = new();

    public List<OnnxTensor> Initializers { get; } = new();

    public List<OnnxValueInfo> Inputs { get; } = new();

    public List<OnnxValueInfo> Outputs { get; } = new();

    public static OnnxGraph Parse(ProtoReader reader)
    {
        var graph = new OnnxGraph();
        while (reader.Next(out int field, out int wire))
        {
            switch (field)
            {
                case 1 when wire == ProtoReader.Bytes: graph.Nodes.Add(OnnxNode.Parse(reader.Message())); break;
                case 5 when wire == ProtoReader.Bytes: graph.Initializers.Add(OnnxTensor.Parse(reader.Message())); break;
                case 11 when wire == ProtoReader.Bytes: graph.Inputs.Add(OnnxValueInfo.Parse(reader.Message())); break;
                case 12 when wire == ProtoReader.Bytes: graph.Outputs.Add(OnnxValueInfo.Parse(reader.Message())); break;
                default: reader.Skip(wire); break;
            }
        }
        return graph;
    }
}

internal sealed class OnnxNode
{
    public List<string> Inputs { get; } = new();

    public List<string> Outputs { get; } = new();

    public string Name { get; private set; } = "";

    public string OpType { get; private set; } = "";

    public string Domain { get; private set; } = "";

    public List<OnnxAttribute> Attributes { get; } = new();

    public OnnxAttribute? Attribute(string name) => Attributes.Find(a => a.Name == name);

    public long Int(string name, long fallback) => Attribute(name) is { } a ? a.Int : fallback;

    public float Float(string name, float fallback) => Attribute(name) is { } a ? a.Float : fallback;

    public string Text(string name, string fallback) => Attribute(name) is { } a ? a.Text : fallback;

    public long[]? Ints(string name) => Attribute(name)?.Ints.ToArray();

    public static OnnxNode Parse(ProtoReader reader)
    {
        var node = new OnnxNode();
        while (reader.Next(out int field, out int wire))
        {
            switch (field)
            {
                case 1 when wire == ProtoReader.Bytes: node.Inputs.Add(reader.String()); break;
                case 2 when wire == ProtoReader.Bytes: node.Outputs.Add(reader.String()); break;
                case 3 when wire == ProtoReader.Bytes: node.Name = reader.String(); break;
                case 4 when wire == ProtoReader.Bytes: node.OpType = reader.String(); break;
                case 5 when wire == ProtoReader.Bytes: node.Attributes.Add(OnnxAttribute.Parse(reader.Message())); break;
                case 7 when wire == ProtoReader.Bytes: node.Domain = reader.String(); break;
                default: reader.Skip(wire); break;
            }
        }
        return node;
    }
}

internal sealed class OnnxAttribute
{
    public string Name { get; private set; } = "";

    public float Float { get; private set; }

    public long Int { get; private set; }

    public string Text { get; private set; } = "";

    public OnnxTensor? Tensor { get; private set; }

    public List<float> Floats { get; } = new();

    public List<long> Ints { get; } = new();

    public static OnnxAttribute Parse(ProtoReader reader)
    {
        var attribute = new OnnxAttribute();
        while (reader.Next(out int field, out int wire))
        {
            switch (field)
            {
                case 1 when wire == ProtoReader.Bytes: attribute.Name = reader.String(); break;
                case 2 when wire == ProtoReader.Fixed32: attribute.Float = reader.Float(); break;
                case 3 when wire == ProtoReader.Varint: attribute.Int = reader.Int64(); break;
                case 4 when wire == ProtoReader.Bytes: attribute.Text = reader.String(); break;
                case 5 when wire == ProtoReader.Bytes: attribute.Tensor = OnnxTensor.Parse(reader.Message()); break;
                case 7: reader.Floats(wire, attribute.Floats); break;
                case 8: reader.Int64s(wire, attribute.Ints); break;
                default: reader.Skip(wire); break;
            }
        }
        return attribute;
    }
}

/// <summary>A tensor's name, shape and values (float tensors as floats, integer tensors as longs).</summary>
internal sealed class OnnxTensor
{
    public const int FloatType = 1, Int32Type = 6, Int64Type = 7, DoubleType = 11;

    public string Name { get; set; } = "";

    public List<long> Dims { get; } = new();

    public int DataType { get; private set; }

    public bool IsExternal { get; private set; }

    public float[] FloatData { get; private set; } = Array.Empty<float>();

    public long[] IntData { get; private set; } = Array.Empty<long>();

    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (long d in Dims)
            {
                count *= d;
            }
            return count;
        }
    }

    public static OnnxTensor Parse(ProtoReader reader)
    {
        var tensor = new OnnxTensor();
        var floats = new List<float>();
        var longs = new List<long>();
        var doubles = new List<double>();
        ProtoReader? raw = null;
        while (reader.Next(out int field, out int wire))
        {
            switch (field)
            {
                case 1: reader.Int64s(wire, tensor.Dims); break;
                case 2 when wire == ProtoReader.Varint: tensor.DataType = (int)reader.Int64(); break;
                case 4: reader.Floats(wire, floats); break;
                case 5: reader.Int64s(wire, longs); break; // int32_data (varints, sign-extended)
                case 7: reader.Int64s(wire, longs); break; // int64_data
                case 8 when wire == ProtoReader.Bytes: tensor.Name = reader.String(); break;
                case 9 when wire == ProtoReader.Bytes: raw = reader.Message(); break;
                case 10: reader.Doubles(wire, doubles); break;
                case 14 when wire == ProtoReader.Varint: tensor.IsExternal = reader.Int64() == 1; break;
                default: reader.Skip(wire); break;
            }
        }
        long count = tensor.ElementCount;
        if (tensor.IsExternal || count < 0 || count > int.MaxValue / 8)
        {
            return tensor;
        }
        switch (tensor.DataType)
        {
            case FloatType:
                tensor.FloatData = raw is { } r ? r.RawFloats((int)count) : floats.ToArray();
                break;
            case DoubleType:
                tensor.FloatData = raw is { } d ? Array.ConvertAll(d.RawDoubles((int)count), v => (float)v) : doubles.ConvertAll(v => (float)v).ToArray();
                break;
            case Int64Type:
                tensor.IntData = raw is { } l ? l.RawInt64s((int)count) : longs.ToArray();
                break;
            case Int32Type:
                tensor.IntData = raw is { } i ? Array.ConvertAll(i.RawInt32s((int)count), v => (long)v) : longs.ToArray();
                break;
        }
        return tensor;
    }
}

/// <summary>A graph input or output: its name, element type and dimensions (a symbolic dimension is null).</summary>
internal sealed class OnnxValueInfo
{
    public string Name { get; private set; } = "";

    public int ElementType { get; private set; }

    public bool HasShape { get; private set; }

    /// <summary>The dimensions; null for a symbolic or unknown one, with its name in <see cref="DimensionNames"/>.</summary>
    public List<long?> Dimensions { get; } = new();

    public List<string> DimensionNames { get; } = new();

    public static OnnxValueInfo Parse(ProtoReader reader)
    {
        var info = new OnnxValueInfo();
        while (reader.Next(out int field, out int wire))
        {
            if (field == 1 && wire == ProtoReader.Bytes)
            {
                info.Name = reader.String();
            }
            else if (field == 2 && wire == ProtoReader.Bytes)
            {
                ProtoReader type = reader.Message();
                while (type.Next(out int f, out int w))
                {
                    if (f == 1 && w == ProtoReader.Bytes)
                    {
                        info.ReadTensorType(type.Message());
                    }
                    else
                    {
                        type.Skip(w);
                    }
                }
            }
            else
            {
                reader.Skip(wire);
            }
        }
        return info;
    }

    private void ReadTensorType(ProtoReader reader)
    {
        while (reader.Next(out int field, out int wire))
        {
            if (field == 1 && wire == ProtoReader.Varint)
            {
                ElementType = (int)reader.Int64();
            }
            else if (field == 2 && wire == ProtoReader.Bytes)
            {
                HasShape = true;
                ProtoReader shape = reader.Message();
                while (shape.Next(out int f, out int w))
                {
                    if (f != 1 || w != ProtoReader.Bytes)
                    {
                        shape.Skip(w);
                        continue;
                    }
                    ProtoReader dimension = shape.Message();
                    long? value = null;
                    string name = "";
                    while (dimension.Next(out int df, out int dw))
                    {
                        if (df == 1 && dw == ProtoReader.Varint) value = dimension.Int64();
                        else if (df == 2 && dw == ProtoReader.Bytes) name = dimension.String();
                        else dimension.Skip(dw);
                    }
                    Dimensions.Add(value);
                    DimensionNames.Add(name);
                }
            }
            else
            {
                reader.Skip(wire);
            }
        }
    }
}

/// <summary>A protobuf wire-format reader over a slice of bytes: fields, varints, fixed-width and length-delimited values.</summary>
internal struct ProtoReader
{
    public const int Varint = 0, Fixed64 = 1, Bytes = 2, Fixed32 = 5;

    private readonly byte[] _bytes;
    private readonly int _end;
    private int _position;

    public ProtoReader(byte[] bytes, int start, int end)
    {
        _bytes = bytes;
        _position = start;
        _end = end;
    }

    /// <summary>Reads the next field's key; false at the end of the message.</summary>
    public bool Next(out int field, out int wire)
    {
        if (_position >= _end)
        {
            field = wire = 0;
            return false;
        }
        ulong key = ReadVarint();
        field = (int)(key >> 3);
        wire = (int)(key & 7);
        if (field == 0)
        {
            throw new FormatException("a protobuf field number 0");
        }
        return true;
    }

    public long Int64() => (long)ReadVarint();

    public float Float()
    {
        Need(4);
        float value = BitConverter.ToSingle(LittleEndian(_position, 4), 0);
        _position += 4;
        return value;
    }

    public string String()
    {
        ProtoReader slice = Message();
        return Encoding.UTF8.GetString(_bytes, slice._position, slice._end - slice._position);
    }

    /// <summary>A length-delimited value as a reader of its own.</summary>
    public ProtoReader Message()
    {
        ulong length = ReadVarint();
        if (length > (ulong)(_end - _position))
        {
            throw new FormatException($"a length-delimited field of {length} bytes runs past the end of its message");
        }
        var slice = new ProtoReader(_bytes, _position, _position + (int)length);
        _position += (int)length;
        return slice;
    }

    public void Skip(int wire)
    {
        switch (wire)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: Need(8); _position += 8; break;
            case Bytes: Message(); break;
            case Fixed32: Need(4); _position += 4; break;
            default: throw new FormatException($"an unknown protobuf wire type {wire}");
        }
    }

    /// <summary>A repeated float field, packed or not.</summary>
    public void Floats(int wire, List<float> into)
    {
        if (wire == Fixed32)
        {
            into.Add(Float());
            return;
        }
        if (wire != Bytes)
        {
            Skip(wire);
            return;
        }
        ProtoReader packed = Message();
        if ((packed._end - packed._position) % 4 != 0)
        {
            throw new FormatException("a packed float field whose length is not a multiple of 4");
        }
        into.AddRange(packed.RawFloats((packed._end - packed._position) / 4));
    }

    public void Doubles(int wire, List<double> into)
    {
        if (wire == Fixed64)
        {
            Need(8);
            into.Add(BitConverter.ToDouble(LittleEndian(_position, 8), 0));
            _position += 8;
            return;
        }
        if (wire != Bytes)
        {
            Skip(wire);
            return;
        }
        ProtoReader packed = Message();
        into.AddRange(packed.RawDoubles((packed._end - packed._position) / 8));
    }

    /// <summary>A repeated integer field, packed or not.</summary>
    public void Int64s(int wire, List<long> into)
    {
        if (wire == Varint)
        {
            into.Add(Int64());
            return;
        }
        if (wire != Bytes)
        {
            Skip(wire);
            return;
        }
        ProtoReader packed = Message();
        while (packed._position < packed._end)
        {
            into.Add(packed.Int64());
        }
    }

    public float[] RawFloats(int count)
    {
        CheckRaw(count, 4);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = BitConverter.IsLittleEndian ? BitConverter.ToSingle(_bytes, _position + 4 * i) : BitConverter.ToSingle(LittleEndian(_position + 4 * i, 4), 0);
        }
        return values;
    }

    public double[] RawDoubles(int count)
    {
        CheckRaw(count, 8);
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = BitConverter.ToDouble(LittleEndian(_position + 8 * i, 8), 0);
        }
        return values;
    }

    public long[] RawInt64s(int count)
    {
        CheckRaw(count, 8);
        var values = new long[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = BitConverter.ToInt64(LittleEndian(_position + 8 * i, 8), 0);
        }
        return values;
    }

    public int[] RawInt32s(int count)
    {
        CheckRaw(count, 4);
        var values = new int[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = BitConverter.ToInt32(LittleEndian(_position + 4 * i, 4), 0);
        }
        return values;
    }

    private void CheckRaw(int count, int size)
    {
        if ((long)count * size != _end - _position)
        {
            throw new FormatException($"raw tensor data of {_end - _position} bytes for {count} values of {size} bytes");
        }
    }

    // ONNX stores little-endian; BitConverter reads the machine's order.
    private byte[] LittleEndian(int offset, int size)
    {
        var value = new byte[size];
        Array.Copy(_bytes, offset, value, 0, size);
        if (!BitConverter.IsLittleEndian)
        {
            Array.Reverse(value);
        }
        return value;
    }

    private void Need(int count)
    {
        if (_end - _position < count)
        {
            throw new FormatException("a fixed-width field runs past the end of its message");
        }
    }

    private ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _end)
            {
                throw new FormatException("a varint runs past the end of its message");
            }
            byte b = _bytes[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw new FormatException("a varint longer than 10 bytes");
    }
}
