using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetGen.Generator;

/// <summary>
/// What [Network(Weights = "model.ngck")] builds into the assembly from a checkpoint (docs/checkpoint-format.md): the
/// parameters and buffers, the dropout seed and training steps, and the standardizer and class names when it has them.
/// The optimizer and trainer states are read past (a class built from a file starts afresh if trained further).
/// </summary>
internal sealed record CheckpointContents(
    string Fingerprint,
    float[] Parameters,
    float[] Buffers,
    int DropoutSeed,
    long TrainingSteps,
    float[]? StandardizerMeans,
    float[]? StandardizerScales,
    string[]? ClassNames);

/// <summary>Why a file cannot be built in: not a checkpoint at all, or a checkpoint that is damaged or of another version.</summary>
internal enum CheckpointProblem
{
    None,
    NotACheckpoint,
    Unreadable,
}

/// <summary>
/// Reads a checkpoint as the runtime's <c>Checkpoint.Read</c> does, with the same checks in the same order (magic,
/// version, length, CRC-32, flags, every field within the bytes before the checksum), answering a sentence instead of
/// throwing, so that a bad file is a build error and never a generator crash. netstandard2.0 has no CRC-32, so the
/// table-driven IEEE 802.3 one of zlib is here.
/// </summary>
internal static class CheckpointFile
{
    private static readonly byte[] Magic = { 0x89, (byte)'N', (byte)'G', (byte)'C', 0x0D, 0x0A, 0x1A, 0x0A };
    private const uint NewestVersion = 2;
    private const int HeaderLength = 24;
    private const int ChecksumLength = 4;
    private const int MaxStringLength = 4096;
    private const uint HasOptimizerState = 1, HasTrainerState = 2, HasStandardizer = 4, HasClassNames = 8;

    /// <summary>The contents, or null with <paramref name="problem"/> and a <paramref name="reason"/> that completes "it ...".</summary>
    public static CheckpointContents? Read(byte[] bytes, out CheckpointProblem problem, out string reason)
    {
        problem = CheckpointProblem.NotACheckpoint;
        if (bytes.Length == 0)
        {
            reason = "is empty (0 bytes)";
            return null;
        }
        int magicBytes = Math.Min(bytes.Length, Magic.Length);
        for (int i = 0; i < magicBytes; i++)
        {
            if (bytes[i] != Magic[i])
            {
                reason = "does not start with the checkpoint magic number 89 4E 47 43 0D 0A 1A 0A (a checkpoint is written by Checkpoint.Save or the Trainer)";
                return null;
            }
        }
        problem = CheckpointProblem.Unreadable;
        if (bytes.Length < HeaderLength + ChecksumLength)
        {
            reason = Invariant($"is truncated: it holds {bytes.Length} bytes, fewer than the {HeaderLength + ChecksumLength} of a header and checksum");
            return null;
        }
        uint version = UInt32(bytes, 8);
        uint flags = UInt32(bytes, 12);
        ulong declaredLength = UInt64(bytes, 16);
        if (version < 1 || version > NewestVersion)
        {
            reason = version > NewestVersion
                ? Invariant($"has format version {version}, but this NetGen reads versions 1 to {NewestVersion}: update NetGen")
                : Invariant($"has format version {version}, which never existed (the file is damaged)");
            return null;
        }
        if (declaredLength != (ulong)bytes.Length)
        {
            reason = (ulong)bytes.Length < declaredLength
                ? Invariant($"is truncated: its header says {declaredLength} bytes, but the file holds {bytes.Length}")
                : Invariant($"holds {bytes.Length} bytes, but its header says {declaredLength}: {(ulong)bytes.Length - declaredLength} unexpected bytes follow its end");
            return null;
        }
        uint stored = UInt32(bytes, bytes.Length - ChecksumLength);
        uint computed = Crc32(bytes, bytes.Length - ChecksumLength);
        if (stored != computed)
        {
            reason = Invariant($"is damaged: its CRC-32 is 0x{computed:X8}, but the file records 0x{stored:X8}");
            return null;
        }
        uint known = version >= 2 ? HasOptimizerState | HasTrainerState | HasStandardizer | HasClassNames : HasOptimizerState | HasTrainerState;
        if ((flags & ~known) != 0)
        {
            reason = Invariant($"sets flags 0x{flags:X8}, of which only 0x{known:X8} are defined in format version {version} (the file is damaged)");
            return null;
        }
        var reader = new FieldReader(bytes, HeaderLength, bytes.Length - ChecksumLength);
        CheckpointContents? contents = ReadBody(reader, flags);
        if (contents is null)
        {
            reason = reader.Problem!;
            return null;
        }
        if (reader.Position != bytes.Length - ChecksumLength)
        {
            reason = Invariant($"passes its checksum but is inconsistent: its fields end at byte {reader.Position}, but the checksum starts at byte {bytes.Length - ChecksumLength}");
            return null;
        }
        problem = CheckpointProblem.None;
        reason = "";
        return contents;
    }

    private static CheckpointContents? ReadBody(FieldReader reader, uint flags)
    {
        string? fingerprint = reader.String("fingerprint");
        float[]? parameters = reader.Floats("parameters");
        float[]? buffers = reader.Floats("buffers");
        int? dropoutSeed = reader.Int32("dropout seed");
        long? trainingSteps = reader.Int64("training steps");
        if (fingerprint is null || parameters is null || buffers is null || dropoutSeed is null || trainingSteps is null)
        {
            return null;
        }
        if (fingerprint.Length == 0)
        {
            return reader.Fail("its fingerprint is empty");
        }
        if (trainingSteps < 0)
        {
            return reader.Fail(Invariant($"its training step count is {trainingSteps}"));
        }
        if ((flags & HasOptimizerState) != 0 && !SkipOptimizerState(reader, parameters.Length))
        {
            return null;
        }
        if ((flags & HasTrainerState) != 0 && !SkipTrainerState(reader, parameters.Length, buffers.Length))
        {
            return null;
        }
        float[]? means = null, scales = null;
        if ((flags & HasStandardizer) != 0)
        {
            means = reader.Floats("standardizer means");
            scales = reader.Floats("standardizer scales");
            if (means is null || scales is null)
            {
                return null;
            }
            if (means.Length == 0 || means.Length != scales.Length)
            {
                return reader.Fail(Invariant($"its standardizer has {means.Length} means and {scales.Length} scales"));
            }
            for (int i = 0; i < means.Length; i++)
            {
                if (!IsFinite(means[i]) || !IsFinite(scales[i]) || !(scales[i] > 0))
                {
                    return reader.Fail(Invariant($"its standardizer's feature {i} has mean {means[i]:R} and scale {scales[i]:R} (means must be finite, scales positive and finite)"));
                }
            }
        }
        string[]? classNames = null;
        if ((flags & HasClassNames) != 0)
        {
            int? count = reader.Count("class name count");
            if (count is null)
            {
                return null;
            }
            if (count == 0)
            {
                return reader.Fail("its class-name list is empty");
            }
            // Each name takes at least its 4-byte length, so a count beyond the remaining bytes is refused before allocating.
            if ((long)count * 4 > reader.Remaining)
            {
                return reader.Fail(Invariant($"it claims {count} class names, more than the {reader.Remaining} remaining bytes can hold"));
            }
            classNames = new string[count.Value];
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < classNames.Length; i++)
            {
                string? name = reader.String("class name");
                if (name is null)
                {
                    return null;
                }
                if (name.Length == 0 || !seen.Add(name))
                {
                    return reader.Fail(Invariant($"its class name {i} ('{name}') is empty or repeats an earlier one"));
                }
                classNames[i] = name;
            }
        }
        return new CheckpointContents(fingerprint, parameters, buffers, dropoutSeed.Value, trainingSteps.Value, means, scales, classNames);
    }

    /// <summary>Reads past the optimizer state, checking it as the runtime does (the file must be one the runtime loads).</summary>
    private static bool SkipOptimizerState(FieldReader reader, int parameterCount)
    {
        string? kind = reader.String("optimizer name");
        long? stepCount = kind is null ? null : reader.Int64("optimizer step count");
        float? learningRate = stepCount is null ? null : reader.Single("optimizer learning rate");
        if (learningRate is null)
        {
            return false;
        }
        if (kind!.Length == 0 || stepCount < 0 || !IsFinite(learningRate.Value) || learningRate < 0f)
        {
            reader.Fail(Invariant($"its optimizer state is invalid (name '{kind}', step count {stepCount}, learning rate {learningRate:R})"));
            return false;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int? hyperparameters = reader.Count("hyperparameter count");
        for (int i = 0; i < (hyperparameters ?? 0); i++)
        {
            string? name = reader.String("hyperparameter name");
            if (name is null || reader.Int64("hyperparameter value") is null)
            {
                return false;
            }
            if (name.Length == 0 || !seen.Add(name))
            {
                reader.Fail(Invariant($"its optimizer hyperparameter name '{name}' is empty or repeated"));
                return false;
            }
        }
        int? buffers = hyperparameters is null ? null : reader.Count("optimizer buffer count");
        for (int i = 0; i < (buffers ?? 0); i++)
        {
            string? name = reader.String("optimizer buffer name");
            if (name is null || reader.Floats("optimizer buffer") is not { } values)
            {
                return false;
            }
            if (name.Length == 0 || !seen.Add(name))
            {
                reader.Fail(Invariant($"its optimizer buffer name '{name}' is empty or repeated"));
                return false;
            }
            if (values.Length != parameterCount)
            {
                reader.Fail(Invariant($"its optimizer buffer '{name}' holds {values.Length} values for {parameterCount} parameters"));
                return false;
            }
        }
        return buffers is not null;
    }

    /// <summary>Reads past the trainer state, checking it as the runtime does.</summary>
    private static bool SkipTrainerState(FieldReader reader, int parameterCount, int bufferCount)
    {
        int? completedEpochs = reader.Int32("completed epochs");
        long? step = reader.Int64("step");
        int? sampleCount = reader.Int32("sample count");
        int? batchSize = reader.Int32("batch size");
        long? shuffleLow = reader.Int64("shuffle generator state"), shuffleHigh = reader.Int64("shuffle generator state");
        long? augmentationLow = reader.Int64("augmentation generator state"), augmentationHigh = reader.Int64("augmentation generator state");
        bool? early = reader.Flag("early-stopping flag");
        if (early is null)
        {
            return false;
        }
        if (early.Value)
        {
            reader.Skip(8, "early-stopping best value");
            int? bestEpoch = reader.Int32("early-stopping best epoch");
            int? wait = reader.Int32("early-stopping wait");
            bool? stopped = reader.Flag("early-stopping stopped flag");
            bool? hasBest = stopped is null ? null : reader.Flag("early-stopping best-parameters flag");
            if (hasBest is null)
            {
                return false;
            }
            float[]? best = null, bestBuffers = null;
            if (hasBest.Value && ((best = reader.Floats("early-stopping best parameters")) is null || (bestBuffers = reader.Floats("early-stopping best buffers")) is null))
            {
                return false;
            }
            if (bestEpoch < 0 || wait < 0 || best is not null && (best.Length != parameterCount || bestBuffers!.Length != bufferCount))
            {
                reader.Fail(Invariant($"its early-stopping state is invalid (best epoch {bestEpoch}, wait {wait}, {best?.Length} best parameters, {bestBuffers?.Length} best buffers)"));
                return false;
            }
        }
        if (completedEpochs < 0 || step < 0 || sampleCount <= 0 || batchSize <= 0 || (shuffleLow == 0 && shuffleHigh == 0) || (augmentationLow == 0 && augmentationHigh == 0))
        {
            reader.Fail(Invariant($"its trainer state is invalid (epoch {completedEpochs}, step {step}, {sampleCount} samples, batch size {batchSize})"));
            return false;
        }
        return true;
    }

    /// <summary>The fields between the header and the checksum, each checked against the bytes that remain.</summary>
    private sealed class FieldReader(byte[] bytes, int position, int end)
    {
        public int Position => position;

        public int Remaining => end - position;

        public string? Problem { get; private set; }

        public CheckpointContents? Fail(string problem)
        {
            Problem ??= "passes its checksum but is inconsistent: " + problem + " (it was not written by a correct NetGen writer)";
            return null;
        }

        public int? Skip(int length, string field)
        {
            if (end - position < length)
            {
                Fail(Invariant($"its {field} at byte {position} needs {length} bytes, but only {end - position} remain before the checksum"));
                return null;
            }
            int at = position;
            position += length;
            return at;
        }

        public int? Int32(string field) => Skip(4, field) is { } at ? (int)UInt32(bytes, at) : null;

        public long? Int64(string field) => Skip(8, field) is { } at ? (long)UInt64(bytes, at) : null;

        public float? Single(string field) => Skip(4, field) is { } at ? CheckpointFile.Single(bytes, at) : null;

        public bool? Flag(string field)
        {
            if (Skip(1, field) is not { } at)
            {
                return null;
            }
            if (bytes[at] > 1)
            {
                Fail(Invariant($"its {field} at byte {at} is {bytes[at]}, but a flag must be 0 or 1"));
                return null;
            }
            return bytes[at] == 1;
        }

        public int? Count(string field)
        {
            int at = position;
            if (Skip(4, field) is null)
            {
                return null;
            }
            uint value = UInt32(bytes, at);
            if (value > int.MaxValue)
            {
                Fail(Invariant($"its {field} at byte {at} is {value}, more than any array can hold"));
                return null;
            }
            return (int)value;
        }

        public string? String(string field)
        {
            int at = position;
            if (Count(field + " length") is not { } length)
            {
                return null;
            }
            if (length > MaxStringLength)
            {
                Fail(Invariant($"its {field} at byte {at} claims {length} bytes; strings hold at most {MaxStringLength}"));
                return null;
            }
            if (Skip(length, field) is not { } start)
            {
                return null;
            }
            try
            {
                return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes, start, length);
            }
            catch (DecoderFallbackException)
            {
                Fail(Invariant($"its {field} at byte {at} is not valid UTF-8"));
                return null;
            }
        }

        public float[]? Floats(string field)
        {
            int at = position;
            if (Count(field + " count") is not { } count)
            {
                return null;
            }
            if ((long)count * 4 > end - position)
            {
                Fail(Invariant($"its {field} at byte {at} claims {count} floats ({(long)count * 4} bytes), but only {end - position} bytes remain before the checksum"));
                return null;
            }
            int start = Skip(count * 4, field)!.Value;
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = CheckpointFile.Single(bytes, start + 4 * i);
            }
            return values;
        }
    }

    private static uint UInt32(byte[] bytes, int at) =>
        bytes[at] | (uint)bytes[at + 1] << 8 | (uint)bytes[at + 2] << 16 | (uint)bytes[at + 3] << 24;

    private static ulong UInt64(byte[] bytes, int at) => UInt32(bytes, at) | (ulong)UInt32(bytes, at + 4) << 32;

    private static float Single(byte[] bytes, int at)
    {
        byte[] value = { bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3] };
        if (!BitConverter.IsLittleEndian)
        {
            Array.Reverse(value);
        }
        return BitConverter.ToSingle(value, 0);
    }

    private static bool IsFinite(float value) => !float.IsNaN(value) && !float.IsInfinity(value);

    private static readonly uint[] CrcTable = BuildCrcTable();

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            table[n] = c;
        }
        return table;
    }

    /// <summary>CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF) of the first <paramref name="length"/> bytes.</summary>
    private static uint Crc32(byte[] bytes, int length)
    {
        uint crc = 0xFFFFFFFFu;
        for (int i = 0; i < length; i++)
        {
            crc = CrcTable[(crc ^ bytes[i]) & 0xFF] ^ (crc >> 8);
        }
        return crc ^ 0xFFFFFFFFu;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
