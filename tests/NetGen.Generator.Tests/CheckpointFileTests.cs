using System;
using System.IO;
using System.IO.Hashing;
using Xunit;

namespace NetGen.Generator.Tests;

/// <summary>
/// The generator's checkpoint reader (for [Network(Weights = ...)]) against the runtime's writer and reader: it reads
/// every section the runtime writes, and accepts exactly the files the runtime accepts, never throwing.
/// </summary>
public sealed class CheckpointFileTests
{
    private static readonly float[] Parameters = [0.5f, -1.25f, float.Epsilon, -0f, 3e-38f, 1e30f, 7f];

    private static byte[] Write(bool everySection)
    {
        OptimizerState? optimizer = null;
        TrainerState? trainer = null;
        if (everySection)
        {
            optimizer = new OptimizerState("Adam", 12, 1e-3f);
            optimizer.AddHyperparameter("beta1", 0.9);
            optimizer.AddHyperparameter("beta2", 0.999);
            optimizer.AddBuffer("exp_avg", new float[Parameters.Length]);
            optimizer.AddBuffer("exp_avg_sq", new float[Parameters.Length]);
            trainer = new TrainerState(3, 12, 40, 10, new UInt128(1, 2), new UInt128(3, 4),
                new EarlyStoppingState(0.25, 2, 1, false, (float[])Parameters.Clone(), [1f, 2f]));
        }
        var checkpoint = new Checkpoint("Input(2)|Dense(3)|Loss(SoftmaxCrossEntropy)", (float[])Parameters.Clone(), optimizer, trainer)
        {
            Buffers = [1f, 2f],
            DropoutSeed = 17,
            TrainingSteps = 12,
            Standardizer = everySection ? new Standardizer([1f, -2f], [0.5f, 4f]) : null,
            ClassNames = everySection ? ["setosa", "versicolor", "virginica"] : null,
        };
        using var stream = new MemoryStream();
        checkpoint.WriteTo(stream);
        return stream.ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_every_section_the_runtime_writes(bool everySection)
    {
        CheckpointContents? contents = CheckpointFile.Read(Write(everySection), out CheckpointProblem problem, out string reason);

        Assert.True(contents is not null, reason);
        Assert.Equal(CheckpointProblem.None, problem);
        Assert.Equal("Input(2)|Dense(3)|Loss(SoftmaxCrossEntropy)", contents.Fingerprint);
        // Bit for bit: negative zero and subnormals survive.
        Assert.Equal(Array.ConvertAll(Parameters, BitConverter.SingleToInt32Bits), Array.ConvertAll(contents.Parameters, BitConverter.SingleToInt32Bits));
        Assert.Equal([1f, 2f], contents.Buffers);
        Assert.Equal(17, contents.DropoutSeed);
        Assert.Equal(12, contents.TrainingSteps);
        if (everySection)
        {
            Assert.Equal([1f, -2f], contents.StandardizerMeans!);
            Assert.Equal([0.5f, 4f], contents.StandardizerScales!);
            Assert.Equal(["setosa", "versicolor", "virginica"], contents.ClassNames!);
        }
        else
        {
            Assert.Null(contents.StandardizerMeans);
            Assert.Null(contents.ClassNames);
        }
    }

    [Fact]
    public void A_file_of_another_kind_is_not_a_checkpoint()
    {
        Assert.Null(CheckpointFile.Read("PK\u0003\u0004 a zip file"u8.ToArray(), out CheckpointProblem problem, out string reason));
        Assert.Equal(CheckpointProblem.NotACheckpoint, problem);
        Assert.Contains("magic number", reason, StringComparison.Ordinal);
        Assert.Null(CheckpointFile.Read([], out problem, out reason));
        Assert.Equal(CheckpointProblem.NotACheckpoint, problem);
        Assert.Contains("empty", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_truncation_is_refused_with_a_reason()
    {
        byte[] bytes = Write(everySection: true);
        for (int length = 1; length < bytes.Length; length++)
        {
            CheckpointContents? contents = CheckpointFile.Read(bytes.AsSpan(0, length).ToArray(), out CheckpointProblem problem, out string reason);
            Assert.Null(contents);
            Assert.Equal(CheckpointProblem.Unreadable, problem);
            Assert.Contains("truncated", reason, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Every byte changed in turn, once with the checksum left as it was (the CRC must catch it) and once sealed again
    /// with a correct checksum (the fields must be checked): the generator accepts the file exactly when the runtime does.
    /// </summary>
    [Fact]
    public void Accepts_exactly_what_the_runtime_accepts_for_every_changed_byte()
    {
        byte[] original = Write(everySection: true);
        int accepted = 0;
        for (int at = 0; at < original.Length - 4; at++)
        {
            foreach (byte value in new byte[] { (byte)(original[at] ^ 0x01), (byte)(original[at] ^ 0x80), 0x00, 0xFF })
            {
                if (value == original[at])
                {
                    continue;
                }
                byte[] changed = (byte[])original.Clone();
                changed[at] = value;
                Assert.Null(CheckpointFile.Read(changed, out _, out _));

                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(changed.AsSpan(changed.Length - 4), Crc32.HashToUInt32(changed.AsSpan(0, changed.Length - 4)));
                bool runtimeAccepts = RuntimeAccepts(changed);
                CheckpointContents? contents = CheckpointFile.Read(changed, out CheckpointProblem problem, out string reason);
                Assert.True(runtimeAccepts == contents is not null,
                    $"byte {at} set to 0x{value:X2}: the runtime {(runtimeAccepts ? "accepts" : "refuses")} the file, the generator {(contents is null ? "refuses it: " + reason : "accepts it")}");
                Assert.Equal(contents is null, problem != CheckpointProblem.None);
                accepted += runtimeAccepts ? 1 : 0;
            }
        }
        // Changes inside float values are valid files: the comparison covered accepted files, not only refused ones.
        Assert.True(accepted > 0);
    }

    private static bool RuntimeAccepts(byte[] bytes)
    {
        try
        {
            Checkpoint.Read(new MemoryStream(bytes));
            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }
}
