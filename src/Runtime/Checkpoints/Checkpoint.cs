using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Hashing;

namespace NetGen;

/// <summary>
/// A snapshot of a model's parameters, with the architecture fingerprint they belong to and, optionally, the optimizer
/// state and the trainer state of the run, so that training can resume exactly where it stopped. Saved in a versioned
/// binary format with a CRC-32 (docs/checkpoint-format.md), atomically: a crash while saving never damages the previous
/// checkpoint. Loading checks the format, the length and the checksum before anything is used; restoring checks the
/// architecture. Every failure says what is wrong with which file.
/// </summary>
public sealed class Checkpoint
{
    /// <summary>The format version this runtime writes; it reads this one and every earlier one (version 1).</summary>
    public const int FormatVersion = (int)CheckpointFormat.Version;

    /// <summary>Creates a checkpoint from its parts (held, not copied).</summary>
    /// <param name="fingerprint">The <see cref="INetwork.Fingerprint"/> of the architecture the parameters belong to.</param>
    /// <param name="parameters">The parameters, in the layout of <see cref="INetwork.Parameters"/>.</param>
    /// <param name="optimizerState">The optimizer state, if any; its buffers must have the length of the parameters.</param>
    /// <param name="trainerState">The trainer state, if any.</param>
    /// <exception cref="ArgumentException">The fingerprint is empty, or an optimizer buffer does not match the parameters.</exception>
    public Checkpoint(string fingerprint, float[] parameters, OptimizerState? optimizerState = null, TrainerState? trainerState = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(fingerprint);
        ArgumentNullException.ThrowIfNull(parameters);
        if (optimizerState is not null)
        {
            foreach ((string name, float[] buffer) in optimizerState.Buffers)
            {
                if (buffer.Length != parameters.Length)
                {
                    throw new ArgumentException(
                        $"The optimizer buffer '{name}' holds {buffer.Length} values, but there are {parameters.Length} parameters; " +
                        "the optimizer state belongs to another parameter buffer.", nameof(optimizerState));
                }
            }
        }
        if (trainerState?.EarlyStopping?.BestParameters is float[] best && best.Length != parameters.Length)
        {
            throw new ArgumentException(
                $"The early-stopping best parameters hold {best.Length} values, but there are {parameters.Length} parameters.", nameof(trainerState));
        }
        Fingerprint = fingerprint;
        Parameters = parameters;
        OptimizerState = optimizerState;
        TrainerState = trainerState;
    }

    /// <summary>The architecture fingerprint of the model the parameters came from.</summary>
    public string Fingerprint { get; }

    /// <summary>The parameters.</summary>
    public float[] Parameters { get; }

    /// <summary>
    /// The model's non-trainable state (<see cref="INetwork.Buffers"/>: batch-normalization running statistics), in its
    /// layout; empty for a model without any.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public float[] Buffers
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Buffers));
            field = value;
        }
    } = [];

    /// <summary>The model's <see cref="INetwork.DropoutSeed"/>.</summary>
    public int DropoutSeed { get; init; }

    /// <summary>The model's <see cref="INetwork.TrainingSteps"/>, which with the seed determines the next dropout masks.</summary>
    public long TrainingSteps
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(TrainingSteps));
            field = value;
        }
    }

    /// <summary>
    /// The input preprocessing the model was trained with, if the checkpoint carries it: apply
    /// <see cref="Standardizer.Transform(Span{float})"/> to every input before <see cref="INetwork.Forward(ReadOnlySpan{float}, Span{float})"/>.
    /// </summary>
    public Standardizer? Standardizer { get; init; }

    /// <summary>
    /// The name of each class, by class index, if the checkpoint carries them (e.g. <see cref="CsvData.ClassNames"/>):
    /// one per output, or two (negative, positive) for a model with a single output.
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty, or a name is empty or repeated.</exception>
    public IReadOnlyList<string>? ClassNames
    {
        get;
        init
        {
            if (value is not null)
            {
                CheckClassNames(value, nameof(ClassNames));
                value = [.. value];
            }
            field = value;
        }
    }

    /// <summary>The optimizer state, if the checkpoint has one.</summary>
    public OptimizerState? OptimizerState { get; }

    /// <summary>The trainer state, if the checkpoint has one.</summary>
    public TrainerState? TrainerState { get; }

    /// <summary>
    /// Captures copies of a model's parameters and state (buffers, dropout seed, training steps) and, optionally, an
    /// optimizer's state, the trainer's state, and what a program that predicts needs besides the weights: the input
    /// standardization and the class names. Saved, that is the whole model in one file.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="optimizer">The optimizer training the model, to resume training later; or <see langword="null"/>.</param>
    /// <param name="trainerState">The trainer state, e.g. <see cref="TrainingHistory.State"/>; or <see langword="null"/>.</param>
    /// <param name="standardizer">The standardization fitted on the training inputs; or <see langword="null"/>.</param>
    /// <param name="classNames">
    /// The class names by index (e.g. <see cref="CsvData.ClassNames"/>); or <see langword="null"/> for the model's own
    /// <see cref="INetwork.ClassNames"/>, if it has any.
    /// </param>
    /// <exception cref="ArgumentException">
    /// The optimizer's state belongs to a parameter buffer of another length, the standardizer has another number of
    /// features than the model's inputs, or the class names do not fit the model's outputs.
    /// </exception>
    public static Checkpoint Capture(
        INetwork model, IOptimizer? optimizer = null, TrainerState? trainerState = null, Standardizer? standardizer = null, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        classNames ??= model.ClassNames;
        if (standardizer is not null && standardizer.FeatureCount != model.InputSize)
        {
            throw new ArgumentException(
                $"The standardizer was fitted on {standardizer.FeatureCount} features, but the model ({model.GetType().Name}) takes {model.InputSize} inputs.", nameof(standardizer));
        }
        if (classNames is not null && !ClassNamesFit(classNames.Count, model.OutputSize))
        {
            throw new ArgumentException(
                $"{classNames.Count} class names do not fit the model ({model.GetType().Name}), which has {model.OutputSize} outputs: " +
                "give one name per output, or two (negative, positive) for a single output.", nameof(classNames));
        }
        return new Checkpoint(model.Fingerprint, (float[])model.Parameters.Clone(), optimizer?.ExportState(), trainerState)
        {
            Buffers = (float[])model.Buffers.Clone(),
            DropoutSeed = model.DropoutSeed,
            TrainingSteps = model.TrainingSteps,
            Standardizer = standardizer,
            ClassNames = classNames,
        };
    }

    private static bool ClassNamesFit(int names, int outputs) => names == outputs || (outputs == 1 && names == 2);

    private static void CheckClassNames(IReadOnlyList<string> names, string parameter)
    {
        if (names.Count == 0)
        {
            throw new ArgumentException("The class names are an empty list; leave them out (null) instead.", parameter);
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            if (string.IsNullOrEmpty(names[i]) || !seen.Add(names[i]))
            {
                throw new ArgumentException($"Class name {i} ('{names[i]}') is empty or repeats an earlier one; each class needs a name of its own.", parameter);
            }
        }
    }

    /// <summary>
    /// Copies the parameters, the model state (buffers, dropout seed, training steps) and the class names, if the
    /// checkpoint has them, into <paramref name="model"/> and, if given, the optimizer state into
    /// <paramref name="optimizer"/>, after checking that both fit; on failure neither is changed.
    /// </summary>
    /// <param name="model">A model of the architecture the checkpoint was saved from.</param>
    /// <param name="optimizer">An optimizer of the kind and settings the state came from; or <see langword="null"/> to load the parameters only.</param>
    /// <exception cref="InvalidDataException">The checkpoint belongs to another architecture, or its sizes do not fit the model.</exception>
    /// <exception cref="ArgumentException">
    /// An optimizer is given but the checkpoint has no optimizer state, or the state belongs to another kind of optimizer or other settings.
    /// </exception>
    public void Restore(INetwork model, IOptimizer? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!string.Equals(model.Fingerprint, Fingerprint, StringComparison.Ordinal))
        {
            throw new InvalidDataException(
                $"{Describe()} was saved from architecture '{Fingerprint}', but this model ({model.GetType().Name}) is architecture " +
                $"'{model.Fingerprint}'. Load it into the model it was saved from: any change of a layer, shape, activation or loss makes another architecture.");
        }
        if (model.Parameters.Length != Parameters.Length)
        {
            throw new InvalidDataException(
                $"{Describe()} holds {Parameters.Length} parameters, but this model ({model.GetType().Name}) has {model.Parameters.Length}, " +
                "although the fingerprints match. The model's generated code and its fingerprint disagree; rebuild the project.");
        }
        if (model.Buffers.Length != Buffers.Length)
        {
            throw new InvalidDataException(
                $"{Describe()} holds {Buffers.Length} buffer values (running statistics), but this model ({model.GetType().Name}) has {model.Buffers.Length}, " +
                "although the fingerprints match. The model's generated code and its fingerprint disagree; rebuild the project.");
        }
        if (Standardizer is not null && Standardizer.FeatureCount != model.InputSize)
        {
            throw new InvalidDataException(
                $"{Describe()} holds a standardizer of {Standardizer.FeatureCount} features, but this model ({model.GetType().Name}) takes {model.InputSize} inputs, " +
                "although the fingerprints match. The file is damaged or was written by hand.");
        }
        if (ClassNames is not null && !ClassNamesFit(ClassNames.Count, model.OutputSize))
        {
            throw new InvalidDataException(
                $"{Describe()} holds {ClassNames.Count} class names, but this model ({model.GetType().Name}) has {model.OutputSize} outputs, " +
                "although the fingerprints match. The file is damaged or was written by hand.");
        }
        if (optimizer is not null)
        {
            if (OptimizerState is null)
            {
                throw new ArgumentException(
                    $"{Describe()} holds no optimizer state. Restore it without an optimizer to load the parameters only.", nameof(optimizer));
            }
            optimizer.ImportState(OptimizerState);
        }
        Parameters.CopyTo(model.Parameters, 0);
        Buffers.CopyTo(model.Buffers, 0);
        model.DropoutSeed = DropoutSeed;
        model.TrainingSteps = TrainingSteps;
        if (ClassNames is not null)
        {
            model.ClassNames = ClassNames;
        }
    }

    /// <summary>
    /// Loads a checkpoint and restores it into <paramref name="model"/> (and <paramref name="optimizer"/>): the usual way to
    /// use a trained model. See <see cref="Load(string)"/> and <see cref="Restore"/>.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="model">A model of the architecture the checkpoint was saved from.</param>
    /// <param name="optimizer">An optimizer to restore the state of, or <see langword="null"/>.</param>
    /// <returns>The checkpoint, e.g. for its <see cref="TrainerState"/>.</returns>
    /// <exception cref="InvalidDataException">The file is not a valid checkpoint, or belongs to another architecture.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a directory, or the file cannot be read.</exception>
    public static Checkpoint Load(string path, INetwork model, IOptimizer? optimizer = null)
    {
        Checkpoint checkpoint = Load(path);
        checkpoint.Restore(model, optimizer);
        return checkpoint;
    }

    /// <summary>
    /// Saves the checkpoint atomically: it is written to a new temporary file of a unique name in the same folder
    /// (<c>model.ckpt.3f9c0a1b7e2d4c65.tmp</c> for <c>model.ckpt</c>), flushed to the disk, and then renamed over
    /// <paramref name="path"/>. If anything fails (or the process dies) before the rename, the previous file at
    /// <paramref name="path"/> is untouched; a failed save deletes its temporary file. No other file is touched: a file
    /// the user named <c>model.ckpt.tmp</c> stays as it is. Saves to one path from several threads or processes at once
    /// each succeed, and the file is always one complete checkpoint: the one renamed last.
    /// </summary>
    /// <param name="path">The checkpoint file; its folder must exist.</param>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException">
    /// The path is a directory, the folder cannot be written (read-only, no permission, a file system that holds no
    /// files such as /proc), or the disk is full.
    /// </exception>
    public void Save(string path) => Save(path, wrapForTesting: null);

    /// <summary>As <see cref="Save(string)"/>, writing through a wrapper of the temporary file's stream (tests inject failures with it).</summary>
    internal void Save(string path, Func<Stream, Stream>? wrapForTesting)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            throw new IOException(
                $"Cannot save the checkpoint to '{fullPath}': it is a directory. Pass a file path, such as '{Path.Combine(fullPath, "model.ckpt")}'.");
        }
        string folder = Path.GetDirectoryName(fullPath) ?? fullPath;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Cannot save the checkpoint to '{fullPath}': the folder '{folder}' does not exist. Create it first.");
        }
        (FileStream file, string temporary) = CreateTemporaryFile(fullPath, folder);
        try
        {
            using (file)
            {
                Stream stream = wrapForTesting?.Invoke(file) ?? file;
                WriteTo(stream);
                stream.Flush();
                // Data on the disk before the rename makes it visible: otherwise a power loss could leave the new name
                // pointing at a file whose blocks were never written.
                file.Flush(flushToDisk: true);
            }
            Rename(temporary, fullPath);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Creates a new file of a random name beside <paramref name="fullPath"/>. <see cref="FileMode.CreateNew"/> never
    /// opens an existing file, so neither a user's file nor another save's temporary file can be overwritten.
    /// </summary>
    private static (FileStream File, string Path) CreateTemporaryFile(string fullPath, string folder)
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
                    $"Cannot save the checkpoint to '{fullPath}': the folder '{folder}' does not allow creating files (it is read-only, " +
                    $"or this process lacks write permission: {e.Message}). Save it in a folder you can write to.", e);
            }
            catch (IOException e) when (e is not PathTooLongException)
            {
                throw new IOException(
                    $"Cannot save the checkpoint to '{fullPath}': creating a file in the folder '{folder}' failed ({e.Message}). " +
                    "Save it in a folder of a writable file system.", e);
            }
        }
    }

    private static void Rename(string temporary, string fullPath)
    {
        try
        {
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException(
                $"Cannot save the checkpoint to '{fullPath}': the file written could not replace it ({e.Message}). " +
                "Check that the existing file is not read-only or in use, and that it is not a directory.", e);
        }
        catch (IOException e)
        {
            throw new IOException(
                $"Cannot save the checkpoint to '{fullPath}': the file written could not replace it ({e.Message}).", e);
        }
    }

    /// <summary>Writes the checkpoint in the checkpoint format to <paramref name="stream"/> (not atomic; see <see cref="Save(string)"/>).</summary>
    /// <param name="stream">A writable stream.</param>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        // Measure first, so that the header can state the total length (which lets a reader tell truncation from damage).
        var counter = new CheckpointWriter(null);
        Write(counter, totalLength: 0);
        Write(new CheckpointWriter(stream), counter.Length);
    }

    /// <summary>
    /// Loads a checkpoint file, checking (in this order) the magic number, the format version, the length the header
    /// states, the CRC-32, and the consistency of every field. Nothing of a damaged file is used.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, is of a newer format, truncated or damaged.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a directory, or the file cannot be read.</exception>
    public static Checkpoint Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream file = ReadableFile.Open(path, "Checkpoint", bufferSize: 1 << 16);
        return Read(file, Path.GetFileName(path));
    }

    /// <summary>As <see cref="Load(string)"/>, from a stream holding exactly one checkpoint from its current position to its end.</summary>
    /// <param name="stream">The checkpoint's bytes; a stream that cannot seek is copied into memory first.</param>
    /// <param name="name">The name used in error messages.</param>
    /// <exception cref="InvalidDataException">The bytes are not a checkpoint, are of a newer format, truncated or damaged.</exception>
    public static Checkpoint Read(Stream stream, string name = "(stream)")
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        long origin = stream.Position;
        long actualLength = stream.Length - origin;

        // Magic and version first: a file of another kind or a newer format should be named as such, not as damaged.
        Span<byte> header = stackalloc byte[CheckpointFormat.HeaderLength];
        int headerBytes = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        ReadOnlySpan<byte> magic = CheckpointFormat.Magic;
        int magicBytes = Math.Min(headerBytes, magic.Length);
        if (headerBytes == 0)
        {
            throw new InvalidDataException(
                $"Checkpoint '{name}' is empty (0 bytes). The save that wrote it was interrupted, or the copy is incomplete; use an earlier checkpoint.");
        }
        if (!header[..magicBytes].SequenceEqual(magic[..magicBytes]))
        {
            throw new InvalidDataException(
                $"'{name}' is not a NetGen checkpoint: it does not start with the checkpoint magic number 89 4E 47 43 0D 0A 1A 0A. " +
                "Check the path; a checkpoint is written by Checkpoint.Save or by the Trainer (TrainerOptions.CheckpointPath).");
        }
        if (headerBytes < CheckpointFormat.HeaderLength || actualLength < CheckpointFormat.HeaderLength + CheckpointFormat.ChecksumLength)
        {
            throw new InvalidDataException(
                $"Checkpoint '{name}' is truncated: it holds {actualLength} bytes, fewer than the {CheckpointFormat.HeaderLength + CheckpointFormat.ChecksumLength} " +
                "of a header and checksum. The save that wrote it was interrupted, or the copy is incomplete; use an earlier checkpoint.");
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        ulong declaredLength = BinaryPrimitives.ReadUInt64LittleEndian(header[16..]);
        if (version is < CheckpointFormat.OldestReadableVersion or > CheckpointFormat.Version)
        {
            throw new InvalidDataException(version > CheckpointFormat.Version
                ? $"Checkpoint '{name}' has format version {version}, but this NetGen runtime reads versions {CheckpointFormat.OldestReadableVersion} to {CheckpointFormat.Version}. Update NetGen to load it."
                : $"Checkpoint '{name}' has format version {version}, which never existed (versions start at 1). The file is damaged.");
        }
        if (declaredLength != (ulong)actualLength)
        {
            throw new InvalidDataException((ulong)actualLength < declaredLength
                ? $"Checkpoint '{name}' is truncated: its header says {declaredLength} bytes, but the file holds {actualLength}. " +
                  "The save that wrote it was interrupted, or the copy is incomplete; use an earlier checkpoint."
                : $"Checkpoint '{name}' holds {actualLength} bytes, but its header says {declaredLength}: {(ulong)actualLength - declaredLength} unexpected bytes " +
                  "follow its end. The file was appended to or damaged.");
        }

        // The checksum covers every byte before it; nothing is parsed until it matches.
        VerifyChecksum(stream, origin, actualLength, header[..headerBytes], name);

        if ((flags & ~CheckpointFormat.KnownFlags(version)) != 0)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"Checkpoint '{name}' sets flags 0x{flags:X8}, of which only 0x{CheckpointFormat.KnownFlags(version):X8} are defined in format version {version}. The file is damaged."));
        }
        stream.Position = origin + CheckpointFormat.HeaderLength;
        var reader = new CheckpointReader(stream, name, CheckpointFormat.HeaderLength, actualLength - CheckpointFormat.ChecksumLength);
        Checkpoint checkpoint = ReadBody(reader, flags);
        if (reader.Position != actualLength - CheckpointFormat.ChecksumLength)
        {
            throw reader.Inconsistent($"its fields end at byte {reader.Position}, but the checksum starts at byte {actualLength - CheckpointFormat.ChecksumLength}");
        }
        checkpoint.Source = name;
        return checkpoint;
    }

    /// <summary>The file the checkpoint was loaded from, for error messages.</summary>
    private string? Source { get; set; }

    private string Describe() => Source is null ? "The checkpoint" : $"Checkpoint '{Source}'";

    private void Write(CheckpointWriter writer, long totalLength)
    {
        uint flags = (OptimizerState is null ? 0 : CheckpointFormat.HasOptimizerState) | (TrainerState is null ? 0 : CheckpointFormat.HasTrainerState)
            | (Standardizer is null ? 0 : CheckpointFormat.HasStandardizer) | (ClassNames is null ? 0 : CheckpointFormat.HasClassNames);
        writer.WriteBytes(CheckpointFormat.Magic);
        writer.WriteUInt32(CheckpointFormat.Version);
        writer.WriteUInt32(flags);
        writer.WriteInt64(totalLength);
        writer.WriteString(Fingerprint);
        writer.WriteFloats(Parameters);
        writer.WriteFloats(Buffers);
        writer.WriteInt32(DropoutSeed);
        writer.WriteInt64(TrainingSteps);
        if (OptimizerState is OptimizerState optimizer)
        {
            writer.WriteString(optimizer.Optimizer);
            writer.WriteInt64(optimizer.StepCount);
            writer.WriteSingle(optimizer.LearningRate);
            writer.WriteInt32(optimizer.Hyperparameters.Count);
            foreach ((string name, double value) in optimizer.Hyperparameters)
            {
                writer.WriteString(name);
                writer.WriteDouble(value);
            }
            writer.WriteInt32(optimizer.Buffers.Count);
            foreach ((string name, float[] values) in optimizer.Buffers)
            {
                writer.WriteString(name);
                writer.WriteFloats(values);
            }
        }
        if (TrainerState is TrainerState trainer)
        {
            writer.WriteInt32(trainer.CompletedEpochs);
            writer.WriteInt64(trainer.Step);
            writer.WriteInt32(trainer.SampleCount);
            writer.WriteInt32(trainer.BatchSize);
            writer.WriteUInt128(trainer.ShuffleRandomState);
            writer.WriteUInt128(trainer.AugmentationRandomState);
            writer.WriteByte(trainer.EarlyStopping is null ? (byte)0 : (byte)1);
            if (trainer.EarlyStopping is EarlyStoppingState early)
            {
                writer.WriteDouble(early.BestValue);
                writer.WriteInt32(early.BestEpoch);
                writer.WriteInt32(early.EpochsWithoutImprovement);
                writer.WriteByte(early.Stopped ? (byte)1 : (byte)0);
                writer.WriteByte(early.BestParameters is null ? (byte)0 : (byte)1);
                if (early.BestParameters is float[] best)
                {
                    writer.WriteFloats(best);
                    writer.WriteFloats(early.BestBuffers ?? []);
                }
            }
        }
        if (Standardizer is Standardizer standardizer)
        {
            writer.WriteFloats([.. standardizer.Means]);
            writer.WriteFloats([.. standardizer.Scales]);
        }
        if (ClassNames is IReadOnlyList<string> classNames)
        {
            writer.WriteInt32(classNames.Count);
            foreach (string className in classNames)
            {
                writer.WriteString(className);
            }
        }
        writer.WriteChecksum();
    }

    private static Checkpoint ReadBody(CheckpointReader reader, uint flags)
    {
        string fingerprint = reader.ReadString("fingerprint");
        if (fingerprint.Length == 0)
        {
            throw reader.Inconsistent("its fingerprint is empty");
        }
        float[] parameters = reader.ReadFloats("parameters");
        float[] buffers = reader.ReadFloats("buffers");
        int dropoutSeed = reader.ReadInt32("dropout seed");
        long trainingSteps = reader.ReadInt64("training steps");
        if (trainingSteps < 0)
        {
            throw reader.Inconsistent($"its training step count is {trainingSteps}");
        }

        OptimizerState? optimizer = null;
        if ((flags & CheckpointFormat.HasOptimizerState) != 0)
        {
            string kind = reader.ReadString("optimizer name");
            long stepCount = reader.ReadInt64("optimizer step count");
            float learningRate = reader.ReadSingle("optimizer learning rate");
            if (kind.Length == 0 || stepCount < 0 || !float.IsFinite(learningRate) || learningRate < 0f)
            {
                throw reader.Inconsistent($"its optimizer state is invalid (name '{kind}', step count {stepCount}, learning rate {learningRate})");
            }
            optimizer = new OptimizerState(kind, stepCount, learningRate);
            int hyperparameterCount = reader.ReadCount("hyperparameter count");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < hyperparameterCount; i++)
            {
                string name = reader.ReadString("hyperparameter name");
                double value = reader.ReadDouble("hyperparameter value");
                if (name.Length == 0 || !seen.Add(name))
                {
                    throw reader.Inconsistent($"its optimizer hyperparameter name '{name}' is empty or repeated");
                }
                optimizer.AddHyperparameter(name, value);
            }
            int bufferCount = reader.ReadCount("optimizer buffer count");
            for (int i = 0; i < bufferCount; i++)
            {
                string name = reader.ReadString("optimizer buffer name");
                float[] values = reader.ReadFloats($"optimizer buffer '{name}'");
                if (name.Length == 0 || !seen.Add(name))
                {
                    throw reader.Inconsistent($"its optimizer buffer name '{name}' is empty or repeated");
                }
                if (values.Length != parameters.Length)
                {
                    throw reader.Inconsistent($"its optimizer buffer '{name}' holds {values.Length} values for {parameters.Length} parameters");
                }
                optimizer.AddBuffer(name, values);
            }
        }

        TrainerState? trainer = null;
        if ((flags & CheckpointFormat.HasTrainerState) != 0)
        {
            int completedEpochs = reader.ReadInt32("completed epochs");
            long step = reader.ReadInt64("step");
            int sampleCount = reader.ReadInt32("sample count");
            int batchSize = reader.ReadInt32("batch size");
            UInt128 shuffleState = reader.ReadUInt128("shuffle generator state");
            UInt128 augmentationState = reader.ReadUInt128("augmentation generator state");
            EarlyStoppingState? early = null;
            if (reader.ReadBoolean("early-stopping flag"))
            {
                double bestValue = reader.ReadDouble("early-stopping best value");
                int bestEpoch = reader.ReadInt32("early-stopping best epoch");
                int wait = reader.ReadInt32("early-stopping wait");
                bool stopped = reader.ReadBoolean("early-stopping stopped flag");
                float[]? best = null, bestBuffers = null;
                if (reader.ReadBoolean("early-stopping best-parameters flag"))
                {
                    best = reader.ReadFloats("early-stopping best parameters");
                    bestBuffers = reader.ReadFloats("early-stopping best buffers");
                }
                if (bestEpoch < 0 || wait < 0 || best is not null && (best.Length != parameters.Length || bestBuffers!.Length != buffers.Length))
                {
                    throw reader.Inconsistent(
                        $"its early-stopping state is invalid (best epoch {bestEpoch}, wait {wait}, {best?.Length} best parameters, {bestBuffers?.Length} best buffers)");
                }
                early = new EarlyStoppingState(bestValue, bestEpoch, wait, stopped, best, bestBuffers);
            }
            if (completedEpochs < 0 || step < 0 || sampleCount <= 0 || batchSize <= 0 || shuffleState == UInt128.Zero || augmentationState == UInt128.Zero)
            {
                throw reader.Inconsistent($"its trainer state is invalid (epoch {completedEpochs}, step {step}, {sampleCount} samples, batch size {batchSize})");
            }
            trainer = new TrainerState(completedEpochs, step, sampleCount, batchSize, shuffleState, augmentationState, early);
        }

        Standardizer? standardizer = null;
        if ((flags & CheckpointFormat.HasStandardizer) != 0)
        {
            float[] means = reader.ReadFloats("standardizer means");
            float[] scales = reader.ReadFloats("standardizer scales");
            try
            {
                standardizer = new Standardizer(means, scales);
            }
            catch (ArgumentException e)
            {
                throw reader.Inconsistent($"its standardizer is invalid ({e.Message})");
            }
        }
        string[]? classNames = null;
        if ((flags & CheckpointFormat.HasClassNames) != 0)
        {
            classNames = new string[reader.ReadCount("class name count")];
            for (int i = 0; i < classNames.Length; i++)
            {
                classNames[i] = reader.ReadString("class name");
            }
            try
            {
                CheckClassNames(classNames, "classNames");
            }
            catch (ArgumentException e)
            {
                throw reader.Inconsistent($"its class names are invalid ({e.Message})");
            }
        }
        return new Checkpoint(fingerprint, parameters, optimizer, trainer)
        {
            Buffers = buffers, DropoutSeed = dropoutSeed, TrainingSteps = trainingSteps, Standardizer = standardizer, ClassNames = classNames,
        };
    }

    private static void VerifyChecksum(Stream stream, long origin, long length, ReadOnlySpan<byte> header, string name)
    {
        var crc = new Crc32();
        crc.Append(header);
        long remaining = length - header.Length - CheckpointFormat.ChecksumLength;
        byte[] buffer = new byte[(int)Math.Min(1 << 20, Math.Max(remaining, 0) + CheckpointFormat.ChecksumLength)];
        stream.Position = origin + header.Length;
        while (remaining > 0)
        {
            int chunk = (int)Math.Min(buffer.Length, remaining);
            stream.ReadExactly(buffer, 0, chunk);
            crc.Append(buffer.AsSpan(0, chunk));
            remaining -= chunk;
        }
        stream.ReadExactly(buffer, 0, CheckpointFormat.ChecksumLength);
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(buffer);
        uint computed = crc.GetCurrentHashAsUInt32();
        if (stored != computed)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"Checkpoint '{name}' is damaged: its CRC-32 is 0x{computed:X8}, but the file records 0x{stored:X8}. ") +
                "Some bytes changed after it was saved (a disk or transfer error); use an earlier checkpoint.");
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The save failed already; a leftover temporary file is harmless, and its name is the save's own.
        }
    }
}
