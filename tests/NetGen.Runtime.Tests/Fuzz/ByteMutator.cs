using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace NetGen.Runtime.Tests.Fuzz;

/// <summary>A header field a mutation may set to a value chosen to provoke the reader: offset, width and byte order.</summary>
internal readonly record struct Field(string Name, int Offset, int Width, bool BigEndian);

/// <summary>
/// Random mutations of a valid file: bit flips, byte overwrites, truncations, insertions, deletions, duplicated ranges,
/// and header fields set to boundary values. Each mutation is described in words, so that a failure can be reproduced
/// from the seed and read without it.
/// </summary>
internal static class ByteMutator
{
    private static readonly ulong[] Interesting =
        [0, 1, 2, 3, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFF_FFC7, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x7FFF_FFFF_FFFF_FFFF, ulong.MaxValue];

    public static byte[] Mutate(byte[] original, Random random, IReadOnlyList<Field> fields, StringBuilder log)
    {
        var bytes = new List<byte>(original);
        int operations = 1 + random.Next(3);
        for (int op = 0; op < operations; op++)
        {
            int kind = random.Next(fields.Count > 0 ? 8 : 6);
            int length = bytes.Count;
            switch (kind)
            {
                case 0 when length > 0:
                    {
                        int at = random.Next(length), bit = random.Next(8);
                        bytes[at] ^= (byte)(1 << bit);
                        log.Append($"flip bit {bit} of byte {at}; ");
                        break;
                    }
                case 1 when length > 0:
                    {
                        int at = random.Next(length);
                        byte value = (byte)random.Next(256);
                        bytes[at] = value;
                        log.Append($"byte {at} = 0x{value:X2}; ");
                        break;
                    }
                case 2:
                    {
                        int keep = random.Next(length + 1);
                        bytes.RemoveRange(keep, length - keep);
                        log.Append($"truncate to {keep}; ");
                        break;
                    }
                case 3:
                    {
                        int at = random.Next(length + 1);
                        byte[] inserted = new byte[1 + random.Next(16)];
                        random.NextBytes(inserted);
                        bytes.InsertRange(at, inserted);
                        log.Append($"insert {Convert.ToHexString(inserted)} at {at}; ");
                        break;
                    }
                case 4 when length > 0:
                    {
                        int at = random.Next(length), count = 1 + random.Next(Math.Min(64, length - at));
                        bytes.RemoveRange(at, count);
                        log.Append($"delete {count} at {at}; ");
                        break;
                    }
                case 5 when length > 0:
                    {
                        int from = random.Next(length), count = 1 + random.Next(Math.Min(64, length - from)), to = random.Next(length + 1);
                        bytes.InsertRange(to, bytes.GetRange(from, count));
                        log.Append($"copy {count} from {from} to {to}; ");
                        break;
                    }
                case 6 or 7:
                    {
                        Field field = fields[random.Next(fields.Count)];
                        if (field.Offset + field.Width > bytes.Count)
                        {
                            break;
                        }
                        Span<byte> slot = stackalloc byte[field.Width];
                        for (int i = 0; i < field.Width; i++)
                        {
                            slot[i] = bytes[field.Offset + i];
                        }
                        ulong current = Read(slot, field);
                        ulong value = random.Next(4) switch
                        {
                            0 => current + 1,
                            1 => current - 1,
                            2 => (ulong)random.NextInt64(),
                            _ => Interesting[random.Next(Interesting.Length)],
                        };
                        Write(slot, field, value);
                        for (int i = 0; i < field.Width; i++)
                        {
                            bytes[field.Offset + i] = slot[i];
                        }
                        log.Append($"{field.Name} = 0x{Read(slot, field):X}; ");
                        break;
                    }
            }
        }
        return bytes.ToArray();
    }

    private static ulong Read(ReadOnlySpan<byte> slot, Field field) => (field.Width, field.BigEndian) switch
    {
        (4, true) => BinaryPrimitives.ReadUInt32BigEndian(slot),
        (4, false) => BinaryPrimitives.ReadUInt32LittleEndian(slot),
        (8, false) => BinaryPrimitives.ReadUInt64LittleEndian(slot),
        _ => throw new ArgumentException($"unsupported field {field}"),
    };

    private static void Write(Span<byte> slot, Field field, ulong value)
    {
        switch (field.Width, field.BigEndian)
        {
            case (4, true):
                BinaryPrimitives.WriteUInt32BigEndian(slot, unchecked((uint)value));
                break;
            case (4, false):
                BinaryPrimitives.WriteUInt32LittleEndian(slot, unchecked((uint)value));
                break;
            default:
                BinaryPrimitives.WriteUInt64LittleEndian(slot, value);
                break;
        }
    }
}
