using System;
using System.IO;
using System.IO.Hashing;
using System.Linq;
using NetGen.Runtime.Tests.Training;
using Xunit;

namespace NetGen.Runtime.Tests.Checkpoints;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-checkpoints-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    /// <summary>A trained linear model with an Adam state and a trainer state with early-stopping bookkeeping.</summary>
    private static Checkpoint Sample(int inputSize = 3)
    {
        var model = new LinearRegressionNetwork(inputSize);
        model.InitializeParameters(seed: 1);
        var adam = new Adam(0.01f);
        adam.Step(model.Parameters, Enumerable.Range(0, inputSize + 1).Select(i => 0.1f * i).ToArray());
        var early = new EarlyStoppingState(0.25, bestEpoch: 2, epochsWithoutImprovement: 1, stopped: false, bestParameters: (float[])model.Parameters.Clone());
        var state = new TrainerState(3, 42, sampleCount: 100, batchSize: 8, new SeededRandom(5).State, new SeededRandom(6).State, early);
        return Checkpoint.Capture(model, adam, state);
    }

    [Fact]
    public void A_saved_checkpoint_loads_with_every_field_intact()
    {
        Checkpoint original = Sample();
        string path = PathOf("model.ckpt");
        original.Save(path);

        Checkpoint loaded = Checkpoint.Load(path);

        Assert.Equal("linear-3", loaded.Fingerprint);
        Assert.Equal(original.Parameters, loaded.Parameters);
        Assert.Equal(original.OptimizerState!.Optimizer, loaded.OptimizerState!.Optimizer);
        Assert.Equal(1, loaded.OptimizerState.StepCount);
        Assert.Equal(0.01f, loaded.OptimizerState.LearningRate);
        Assert.Equal(original.OptimizerState.Hyperparameters, loaded.OptimizerState.Hyperparameters);
        Assert.Equal(original.OptimizerState.Buffers, loaded.OptimizerState.Buffers);
        TrainerState trainer = loaded.TrainerState!;
        Assert.Equal((3, 42L, 100, 8), (trainer.CompletedEpochs, trainer.Step, trainer.SampleCount, trainer.BatchSize));
        Assert.Equal(new SeededRandom(5).State, trainer.ShuffleRandomState);
        Assert.Equal(new SeededRandom(6).State, trainer.AugmentationRandomState);
        Assert.Equal((0.25, 2, 1, false), (trainer.EarlyStopping!.BestValue, trainer.EarlyStopping.BestEpoch, trainer.EarlyStopping.EpochsWithoutImprovement, trainer.EarlyStopping.Stopped));
        Assert.Equal(original.Parameters, trainer.EarlyStopping.BestParameters);
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void The_model_state_is_captured_and_restored()
    {
        var model = new StatefulNetwork(2);
        model.InitializeParameters(seed: 7);
        model.TrainStep([1f, 2f, 3f, 4f], [1f, 0f], 2);
        string path = PathOf("model.ckpt");
        Checkpoint.Capture(model).Save(path);

        var restored = new StatefulNetwork(2);
        Checkpoint loaded = Checkpoint.Load(path, restored);

        Assert.Equal(model.Buffers, loaded.Buffers);
        Assert.Equal(model.Parameters, restored.Parameters);
        Assert.Equal(model.Buffers, restored.Buffers);
        Assert.Equal((7, 1L), (restored.DropoutSeed, restored.TrainingSteps));
    }

    [Fact]
    public void Buffers_of_another_length_are_refused()
    {
        var checkpoint = new Checkpoint("stateful-2", new float[3]) { Buffers = new float[5] };
        var error = Assert.Throws<InvalidDataException>(() => checkpoint.Restore(new StatefulNetwork(2)));
        Assert.Contains("holds 5 buffer values (running statistics), but this model (StatefulNetwork) has 2", error.Message);
    }

    [Fact]
    public void A_checkpoint_without_optional_state_round_trips()
    {
        var checkpoint = new Checkpoint("fp", [1f, -2f, float.Epsilon]);
        using var stream = new MemoryStream();
        checkpoint.WriteTo(stream);
        stream.Position = 0;

        Checkpoint loaded = Checkpoint.Read(stream);

        Assert.Equal([1f, -2f, float.Epsilon], loaded.Parameters);
        Assert.Null(loaded.OptimizerState);
        Assert.Null(loaded.TrainerState);
    }

    [Fact]
    public void The_file_layout_is_the_documented_one()
    {
        // docs/checkpoint-format.md: magic, version 2, flags 0, total length, fingerprint, parameters, buffers,
        // dropout seed, training steps, CRC-32.
        var checkpoint = new Checkpoint("ab", [1.5f]) { Buffers = [2f], DropoutSeed = 3, TrainingSteps = 4 };
        using var stream = new MemoryStream();
        checkpoint.WriteTo(stream);
        byte[] bytes = stream.ToArray();

        byte[] expected =
        [
            0x89, 0x4E, 0x47, 0x43, 0x0D, 0x0A, 0x1A, 0x0A, // magic
            2, 0, 0, 0, // version
            0, 0, 0, 0, // flags
            62, 0, 0, 0, 0, 0, 0, 0, // total length
            2, 0, 0, 0, (byte)'a', (byte)'b', // fingerprint
            1, 0, 0, 0, 0x00, 0x00, 0xC0, 0x3F, // one parameter, 1.5f
            1, 0, 0, 0, 0x00, 0x00, 0x00, 0x40, // one buffer value, 2f
            3, 0, 0, 0, // dropout seed
            4, 0, 0, 0, 0, 0, 0, 0, // training steps
        ];
        Assert.Equal(expected, bytes[..^4]);
        Assert.Equal(Crc32.Hash(expected), bytes[^4..]);
        // The same value as Python's zlib.crc32 of those 58 bytes (0x36C7861B), so other tools can verify a checkpoint.
        Assert.Equal([0x1B, 0x86, 0xC7, 0x36], bytes[^4..]);
    }

    [Fact]
    public void The_preprocessing_and_class_name_sections_have_the_documented_layout()
    {
        var checkpoint = new Checkpoint("ab", [1.5f]) { Buffers = [2f], DropoutSeed = 3, TrainingSteps = 4, Standardizer = new([0.5f], [2f]), ClassNames = ["x", "yz"] };
        using var stream = new MemoryStream();
        checkpoint.WriteTo(stream);
        byte[] bytes = stream.ToArray();

        byte[] expected =
        [
            0x89, 0x4E, 0x47, 0x43, 0x0D, 0x0A, 0x1A, 0x0A, // magic
            2, 0, 0, 0, // version
            12, 0, 0, 0, // flags: standardizer (4) and class names (8)
            93, 0, 0, 0, 0, 0, 0, 0, // total length
            2, 0, 0, 0, (byte)'a', (byte)'b', // fingerprint
            1, 0, 0, 0, 0x00, 0x00, 0xC0, 0x3F, // one parameter, 1.5f
            1, 0, 0, 0, 0x00, 0x00, 0x00, 0x40, // one buffer value, 2f
            3, 0, 0, 0, // dropout seed
            4, 0, 0, 0, 0, 0, 0, 0, // training steps
            1, 0, 0, 0, 0x00, 0x00, 0x00, 0x3F, // standardizer means: 0.5f
            1, 0, 0, 0, 0x00, 0x00, 0x00, 0x40, // standardizer scales: 2f
            2, 0, 0, 0, // two class names
            1, 0, 0, 0, (byte)'x',
            2, 0, 0, 0, (byte)'y', (byte)'z',
        ];
        Assert.Equal(expected, bytes[..^4]);
        Assert.Equal([0x62, 0xF3, 0x2E, 0x6E], bytes[^4..]); // zlib.crc32 of the bytes above, 0x6E2EF362
    }

    [Fact]
    public void A_version_1_file_still_loads()
    {
        // The bytes the version 1 writer produced for the checkpoint of the layout test (its CRC-32 is 0x61E5AA49).
        byte[] version1 =
        [
            0x89, 0x4E, 0x47, 0x43, 0x0D, 0x0A, 0x1A, 0x0A, 1, 0, 0, 0, 0, 0, 0, 0, 62, 0, 0, 0, 0, 0, 0, 0,
            2, 0, 0, 0, (byte)'a', (byte)'b', 1, 0, 0, 0, 0x00, 0x00, 0xC0, 0x3F, 1, 0, 0, 0, 0x00, 0x00, 0x00, 0x40,
            3, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0x49, 0xAA, 0xE5, 0x61,
        ];

        Checkpoint loaded = Checkpoint.Read(new MemoryStream(version1), "old.ngck");

        Assert.Equal("ab", loaded.Fingerprint);
        Assert.Equal([1.5f], loaded.Parameters);
        Assert.Equal([2f], loaded.Buffers);
        Assert.Equal(3, loaded.DropoutSeed);
        Assert.Equal(4, loaded.TrainingSteps);
        Assert.Null(loaded.Standardizer);
        Assert.Null(loaded.ClassNames);
    }

    [Fact]
    public void A_version_1_file_cannot_set_the_flags_of_version_2()
    {
        byte[] bytes = Bytes(new Checkpoint("ab", [1.5f]) { ClassNames = ["only"] });
        bytes[8] = 1;
        Rechecksum(bytes);
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Read(new MemoryStream(bytes), "model.ngck"));
        Assert.Equal("Checkpoint 'model.ngck' sets flags 0x00000008, of which only 0x00000003 are defined in format version 1. The file is damaged.", error.Message);
    }

    [Fact]
    public void The_model_travels_with_its_standardizer_and_class_names()
    {
        var model = new LinearRegressionNetwork(3);
        model.InitializeParameters(seed: 4);
        var standardizer = new Standardizer([1f, -2f, 30f], [0.5f, 4f, 100f]);
        string path = PathOf("iris.ngck");
        Checkpoint.Capture(model, standardizer: standardizer, classNames: ["low", "high"]).Save(path);

        var restored = new LinearRegressionNetwork(3);
        Checkpoint loaded = Checkpoint.Load(path, restored);

        Assert.Equal(model.Parameters, restored.Parameters);
        Assert.Equal([1f, -2f, 30f], loaded.Standardizer!.Means);
        Assert.Equal([0.5f, 4f, 100f], loaded.Standardizer.Scales);
        Assert.Equal(["low", "high"], loaded.ClassNames);
    }

    [Fact]
    public void Preprocessing_or_class_names_that_do_not_fit_the_model_are_refused()
    {
        var model = new LinearRegressionNetwork(3); // 3 inputs, 1 output: one or two class names fit
        var wrongFeatures = Assert.Throws<ArgumentException>(() => Checkpoint.Capture(model, standardizer: new Standardizer([0f, 0f], [1f, 1f])));
        Assert.Equal("The standardizer was fitted on 2 features, but the model (LinearRegressionNetwork) takes 3 inputs. (Parameter 'standardizer')", wrongFeatures.Message);
        var wrongClasses = Assert.Throws<ArgumentException>(() => Checkpoint.Capture(model, classNames: ["a", "b", "c"]));
        Assert.StartsWith("3 class names do not fit the model (LinearRegressionNetwork), which has 1 outputs", wrongClasses.Message);
        var repeated = Assert.Throws<ArgumentException>(() => Checkpoint.Capture(model, classNames: ["a", "a"]));
        Assert.StartsWith("Class name 1 ('a') is empty or repeats an earlier one", repeated.Message);

        // A checkpoint of the same fingerprint whose names do not fit (written by hand) is refused on restore.
        string path = PathOf("odd.ngck");
        new Checkpoint(model.Fingerprint, new float[4]) { ClassNames = ["a", "b", "c"] }.Save(path);
        var onRestore = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, model));
        Assert.StartsWith("Checkpoint 'odd.ngck' holds 3 class names, but this model (LinearRegressionNetwork) has 1 outputs", onRestore.Message);
    }

    [Fact]
    public void A_network_that_keeps_class_names_gets_them_from_the_checkpoint_and_gives_them_to_it()
    {
        var trained = new IdentityNetwork(3, targetSize: 1, LossKind.SoftmaxCrossEntropy) { ClassNames = ["setosa", "versicolor", "virginica"] };
        string path = PathOf("names.ngck");
        Checkpoint.Capture(trained).Save(path);

        var fresh = new IdentityNetwork(3, targetSize: 1, LossKind.SoftmaxCrossEntropy);
        Checkpoint.Load(path, fresh);

        Assert.Equal(["setosa", "versicolor", "virginica"], fresh.ClassNames);
        // Names given to Capture win over the model's own.
        Assert.Equal(["a", "b", "c"], Checkpoint.Capture(trained, classNames: ["a", "b", "c"]).ClassNames);
    }

    [Fact]
    public void A_damaged_class_name_section_is_reported()
    {
        byte[] bytes = Bytes(new Checkpoint("ab", [1.5f]) { ClassNames = ["x", "y"] });
        bytes[^5] = (byte)'x'; // the second name becomes a repeat of the first
        Rechecksum(bytes);
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Read(new MemoryStream(bytes), "model.ngck"));
        Assert.Contains("its class names are invalid (Class name 1 ('x') is empty or repeats an earlier one", error.Message);
    }

    private static void Rechecksum(byte[] bytes) =>
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4)));

    [Fact]
    public void Every_truncation_is_detected()
    {
        byte[] bytes = Bytes(Sample());
        for (int length = 0; length < bytes.Length; length++)
        {
            var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Read(new MemoryStream(bytes, 0, length), "model.ckpt"));
            Assert.StartsWith("Checkpoint 'model.ckpt' ", error.Message);
            Assert.True(error.Message.Contains("truncated") || error.Message.Contains("empty"), $"length {length}: {error.Message}");
        }
    }

    [Fact]
    public void A_truncated_file_names_both_lengths()
    {
        string path = PathOf("model.ckpt");
        Sample().Save(path);
        long length = new FileInfo(path).Length;
        using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(length - 10);
        }

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path));

        Assert.Equal($"Checkpoint 'model.ckpt' is truncated: its header says {length} bytes, but the file holds {length - 10}. " +
            "The save that wrote it was interrupted, or the copy is incomplete; use an earlier checkpoint.", error.Message);
    }

    [Fact]
    public void Every_flipped_byte_is_detected()
    {
        byte[] bytes = Bytes(Sample());
        for (int i = 0; i < bytes.Length; i++)
        {
            byte[] damaged = (byte[])bytes.Clone();
            damaged[i] ^= 0x10;
            var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Read(new MemoryStream(damaged), "model.ckpt"));
            Assert.Contains("model.ckpt", error.Message);
        }
    }

    [Fact]
    public void A_flipped_parameter_byte_is_a_checksum_error()
    {
        string path = PathOf("model.ckpt");
        Sample().Save(path);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[50] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path));

        Assert.Matches(@"^Checkpoint 'model\.ckpt' is damaged: its CRC-32 is 0x[0-9A-F]{8}, but the file records 0x[0-9A-F]{8}\. " +
            @"Some bytes changed after it was saved \(a disk or transfer error\); use an earlier checkpoint\.$", error.Message);
    }

    [Fact]
    public void A_checkpoint_of_another_architecture_is_refused_naming_both()
    {
        string path = PathOf("model.ckpt");
        Sample(inputSize: 3).Save(path);
        var other = new LinearRegressionNetwork(inputSize: 4);
        float[] before = (float[])other.Parameters.Clone();

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, other));

        Assert.Equal("Checkpoint 'model.ckpt' was saved from architecture 'linear-3', but this model (LinearRegressionNetwork) is architecture 'linear-4'. " +
            "Load it into the model it was saved from: any change of a layer, shape, activation or loss makes another architecture.", error.Message);
        Assert.Equal(before, other.Parameters);
    }

    [Fact]
    public void Restoring_copies_the_parameters_and_the_optimizer_state()
    {
        Checkpoint checkpoint = Sample();
        string path = PathOf("model.ckpt");
        checkpoint.Save(path);
        var model = new LinearRegressionNetwork(3);
        var adam = new Adam(0.01f);

        Checkpoint.Load(path, model, adam);

        Assert.Equal(checkpoint.Parameters, model.Parameters);
        Assert.Equal(1, adam.StepCount);
    }

    [Fact]
    public void Restoring_into_another_optimizer_kind_changes_nothing()
    {
        Checkpoint checkpoint = Sample();
        var model = new LinearRegressionNetwork(3);
        var sgd = new Sgd(0.1f, momentum: 0.9f);

        Assert.Throws<ArgumentException>(() => checkpoint.Restore(model, sgd));

        Assert.All(model.Parameters, p => Assert.Equal(0f, p));
        Assert.Equal(0, sgd.StepCount);
    }

    [Fact]
    public void An_interrupted_save_leaves_the_previous_checkpoint_intact_and_loadable()
    {
        string path = PathOf("model.ckpt");
        Checkpoint first = Sample();
        first.Save(path);
        byte[] before = File.ReadAllBytes(path);
        var second = new Checkpoint("linear-3", [9f, 9f, 9f, 9f], first.OptimizerState, first.TrainerState);

        // The disk "fails" after 60 bytes of the new file: mid-way through the parameters.
        var error = Assert.Throws<IOException>(() => second.Save(path, stream => new FailingStream(stream, failAfter: 60)));

        Assert.Equal("Simulated failure after 60 bytes.", error.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(first.Parameters, Checkpoint.Load(path).Parameters);
        Assert.Equal(new[] { path }, Directory.GetFiles(_folder)); // a failed save removes its temporary file
    }

    [Fact]
    public void A_temporary_file_left_by_a_crash_neither_disturbs_loading_nor_the_next_save()
    {
        string path = PathOf("model.ckpt");
        Checkpoint first = Sample();
        first.Save(path);
        string leftover = path + ".0123456789abcdef.tmp";
        File.WriteAllBytes(leftover, [0x89, 0x4E, 0x47]); // a process died while writing

        Assert.Equal(first.Parameters, Checkpoint.Load(path).Parameters);
        var second = new Checkpoint("linear-3", [1f, 2f, 3f, 4f]);
        second.Save(path);
        Assert.Equal([1f, 2f, 3f, 4f], Checkpoint.Load(path).Parameters);
        Assert.Equal([0x89, 0x4E, 0x47], File.ReadAllBytes(leftover));
        Assert.Equal(new[] { "model.ckpt", "model.ckpt.0123456789abcdef.tmp" }, Directory.GetFiles(_folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_file_of_another_kind_is_named_as_not_a_checkpoint()
    {
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Read(new MemoryStream("{\"weights\": []}"u8.ToArray()), "weights.json"));
        Assert.Equal("'weights.json' is not a NetGen checkpoint: it does not start with the checkpoint magic number 89 4E 47 43 0D 0A 1A 0A. " +
            "Check the path; a checkpoint is written by Checkpoint.Save or by the Trainer (TrainerOptions.CheckpointPath).", error.Message);
    }

    [Fact]
    public void A_newer_format_version_asks_for_an_update()
    {
        byte[] bytes = Bytes(Sample());
        bytes[8] = 3;
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Read(new MemoryStream(bytes), "model.ckpt"));
        Assert.Equal("Checkpoint 'model.ckpt' has format version 3, but this NetGen runtime reads versions 1 to 2. Update NetGen to load it.", error.Message);
    }

    [Fact]
    public void Bytes_after_the_end_are_reported()
    {
        byte[] bytes = [.. Bytes(Sample()), 0, 0, 0];
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Read(new MemoryStream(bytes), "model.ckpt"));
        Assert.Contains("3 unexpected bytes follow its end", error.Message);
    }

    [Fact]
    public void A_missing_file_is_a_FileNotFoundException()
    {
        Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(PathOf("missing.ckpt")));
    }

    [Fact]
    public void Optimizer_state_of_another_length_is_refused_when_building_a_checkpoint()
    {
        var adam = new Adam();
        adam.Step(new float[5], new float[5]);
        var error = Assert.Throws<ArgumentException>(() => new Checkpoint("fp", new float[4], adam.ExportState()));
        Assert.Contains("holds 5 values, but there are 4 parameters", error.Message);
    }

    [Fact]
    public void A_checkpoint_can_be_read_from_a_stream_that_cannot_seek()
    {
        byte[] bytes = Bytes(Sample());
        Checkpoint loaded = Checkpoint.Read(new ForwardOnlyStream(bytes), "pipe");
        Assert.Equal(Sample().Parameters, loaded.Parameters);
    }

    private static byte[] Bytes(Checkpoint checkpoint)
    {
        using var stream = new MemoryStream();
        checkpoint.WriteTo(stream);
        return stream.ToArray();
    }

    /// <summary>Passes writes through until <c>failAfter</c> bytes, then throws as a full or failing disk would.</summary>
    private sealed class FailingStream(Stream inner, int failAfter) : Stream
    {
        private long _written;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _written; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            long room = failAfter - _written;
            if (buffer.Length > room)
            {
                inner.Write(buffer[..(int)Math.Max(room, 0)]);
                inner.Flush();
                throw new IOException($"Simulated failure after {failAfter} bytes.");
            }
            inner.Write(buffer);
            _written += buffer.Length;
        }
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
