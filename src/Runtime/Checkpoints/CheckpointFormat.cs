using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace NetGen;

/// <summary>
/// The constants of the checkpoint format, version 2 (docs/checkpoint-format.md is the specification; version 1 is
/// still read). All numbers are
/// little-endian; strings are a u32 byte count and UTF-8 bytes; float arrays are a u32 count and IEEE 754 binary32
/// values; the file ends with the CRC-32 (IEEE 802.3, as zlib's <c>crc32</c>) of every byte before it.
/// </summary>
internal static class CheckpointFormat
{
    /// <summary>
    /// "\x89NGC\r\n\x1A\n", built like PNG's signature: the high-bit byte catches 7-bit transfers, CR LF and LF catch
    /// line-ending conversion, 0x1A stops a DOS <c>type</c>, and "NGC" names the format.
    /// </summary>
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'N', (byte)'G', (byte)'C', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The version written: 2 added the preprocessing and class-name sections.</summary>
    public const uint Version = 2;

    /// <summary>The oldest version read: a version 1 file is a version 2 file without the two new sections.</summary>
    public const uint OldestReadableVersion = 1;

    /// <summary>Magic, version, flags and total length.</summary>
    public const int HeaderLength = 24;

    public const int ChecksumLength = 4;

    public const uint HasOptimizerState = 1;
    public const uint HasTrainerState = 2;
    public const uint HasStandardizer = 4;
    public const uint HasClassNames = 8;

    /// <summary>The flags a file of <paramref name="version"/> may set.</summary>
    public static uint KnownFlags(uint version) =>
        version >= 2 ? HasOptimizerState | HasTrainerState | HasStandardizer | HasClassNames : HasOptimizerState | HasTrainerState;

    /// <summary>The longest string (fingerprint, optimizer or buffer name) a reader accepts, in UTF-8 bytes.</summary>
    public const int MaxStringLength = 4096;
}

/// <summary>
/// Writes the fields of a checkpoint, appending every byte to a CRC-32. Without a stream it only counts, which is how
/// the total length is known before the header is written.
/// </summary>
internal sealed class CheckpointWriter(Stream? stream)
{
    private readonly Crc32 _crc = new();

    public long Length { get; private set; }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        if (stream is not null)
        {
            stream.Write(bytes);
            _crc.Append(bytes);
        }
        Length += bytes.Length;
    }

    public void WriteByte(byte value) => WriteBytes([value]);

    public void WriteUInt32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        WriteBytes(bytes);
    }

    public void WriteInt32(int value) => WriteUInt32(unchecked((uint)value));

    public void WriteInt64(long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        WriteBytes(bytes);
    }

    public void WriteUInt128(UInt128 value)
    {
        WriteInt64(unchecked((long)(ulong)value));
        WriteInt64(unchecked((long)(ulong)(value >> 64)));
    }

    public void WriteSingle(float value) => WriteInt32(BitConverter.SingleToInt32Bits(value));

    public void WriteDouble(double value) => WriteInt64(BitConverter.DoubleToInt64Bits(value));

    public void WriteString(string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > CheckpointFormat.MaxStringLength)
        {
            throw new ArgumentException($"'{value[..40]}...' is {bytes.Length} UTF-8 bytes long; checkpoint strings hold at most {CheckpointFormat.MaxStringLength}.");
        }
        WriteInt32(bytes.Length);
        WriteBytes(bytes);
    }

    /// <summary>A u32 count and the values.</summary>
    public void WriteFloats(ReadOnlySpan<float> values)
    {
        WriteInt32(values.Length);
        if (BitConverter.IsLittleEndian)
        {
            WriteBytes(MemoryMarshal.AsBytes(values));
            return;
        }
        foreach (float value in values)
        {
            WriteSingle(value);
        }
    }

    /// <summary>Writes the CRC-32 of everything written so far (not itself part of the checksum).</summary>
    public void WriteChecksum()
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, _crc.GetCurrentHashAsUInt32());
        stream?.Write(bytes);
        Length += bytes.Length;
    }
}

/// <summary>
/// Reads the fields of a checkpoint whose length and checksum have been verified, checking every count against the
/// bytes that remain, so that even a file written by a faulty writer cannot make the reader over-allocate or over-read.
/// </summary>
internal sealed class CheckpointReader(Stream stream, string name, long position, long end)
{
    public long Position => position;

    public void ReadBytes(Span<byte> destination, string field)
    {
        if (end - position < destination.Length)
        {
            throw Inconsistent($"its {field} at byte {position} needs {destination.Length} bytes, but only {end - position} remain before the checksum");
        }
        stream.ReadExactly(destination);
        position += destination.Length;
    }

    public byte ReadByte(string field)
    {
        Span<byte> bytes = stackalloc byte[1];
        ReadBytes(bytes, field);
        return bytes[0];
    }

    public bool ReadBoolean(string field)
    {
        long at = position;
        byte value = ReadByte(field);
        return value switch
        {
            0 => false,
            1 => true,
            _ => throw Inconsistent($"its {field} at byte {at} is {value}, but a flag must be 0 or 1"),
        };
    }

    public uint ReadUInt32(string field)
    {
        Span<byte> bytes = stackalloc byte[4];
        ReadBytes(bytes, field);
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    public int ReadInt32(string field) => unchecked((int)ReadUInt32(field));

    /// <summary>A count in [0, int.MaxValue].</summary>
    public int ReadCount(string field)
    {
        long at = position;
        uint value = ReadUInt32(field);
        if (value > int.MaxValue)
        {
            throw Inconsistent($"its {field} at byte {at} is {value}, more than any array can hold");
        }
        return (int)value;
    }

    public long ReadInt64(string field)
    {
        Span<byte> bytes = stackalloc byte[8];
        ReadBytes(bytes, field);
        return BinaryPrimitives.ReadInt64LittleEndian(bytes);
    }

    public UInt128 ReadUInt128(string field)
    {
        ulong low = unchecked((ulong)ReadInt64(field));
        ulong high = unchecked((ulong)ReadInt64(field));
        return new UInt128(high, low);
    }

    public float ReadSingle(string field) => BitConverter.Int32BitsToSingle(ReadInt32(field));

    public double ReadDouble(string field) => BitConverter.Int64BitsToDouble(ReadInt64(field));

    public string ReadString(string field)
    {
        long at = position;
        int length = ReadCount(field + " length");
        if (length > CheckpointFormat.MaxStringLength)
        {
            throw Inconsistent($"its {field} at byte {at} claims {length} bytes; strings hold at most {CheckpointFormat.MaxStringLength}");
        }
        byte[] bytes = new byte[length];
        ReadBytes(bytes, field);
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Inconsistent($"its {field} at byte {at} is not valid UTF-8");
        }
    }

    /// <summary>A u32 count and the values; the count is checked against the remaining bytes before allocating.</summary>
    public float[] ReadFloats(string field)
    {
        long at = position;
        int count = ReadCount(field + " count");
        if ((long)count * sizeof(float) > end - position)
        {
            throw Inconsistent($"its {field} at byte {at} claims {count} floats ({(long)count * sizeof(float)} bytes), but only {end - position} bytes remain before the checksum");
        }
        var values = new float[count];
        ReadBytes(MemoryMarshal.AsBytes(values.AsSpan()), field);
        if (!BitConverter.IsLittleEndian)
        {
            Span<int> bits = MemoryMarshal.Cast<float, int>(values.AsSpan());
            BinaryPrimitives.ReverseEndianness(bits, bits);
        }
        return values;
    }

    public InvalidDataException Inconsistent(string problem) =>
        new($"Checkpoint '{name}' passes its checksum but is inconsistent: {problem}. It was not written by a correct NetGen writer; save it again.");
}
