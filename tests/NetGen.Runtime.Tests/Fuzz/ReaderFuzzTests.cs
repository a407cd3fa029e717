using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.IO.Hashing;
using System.Linq;
using System.Text;
using System.Threading;
using NetGen.Runtime.Tests.Data;
using NetGen.Runtime.Tests.Training;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Runtime.Tests.Fuzz;

/// <summary>
/// Random mutations of valid IDX (plain and gzip), CSV and checkpoint files, read from memory and from files: a reader
/// either returns consistent data or throws the documented <see cref="InvalidDataException"/>, never anything else; every
/// case ends in bounded time; and reading never changes a file. The seed is printed and can be set with
/// NETGEN_FUZZ_SEED; each case draws from its own generator (seed and case number), so one case reruns alone.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class ReaderFuzzTests(ITestOutputHelper output) : IDisposable
{
    private static readonly int Seed =
        int.TryParse(Environment.GetEnvironmentVariable("NETGEN_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed) ? seed : 20261203;

    // Every case through a file as well as from memory would spend the run on the file system: one in FileShare does.
    private const int FileShare = 10;

    // Far above the slowest case (milliseconds): only a hang or a runaway allocation gets near it.
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(3);

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private const int ImageCount = 12, Rows = 5, Columns = 4;
    private static readonly byte[] s_images = IdxFiles.Images(ImageCount, Rows, Columns);
    private static readonly byte[] s_labels = IdxFiles.Labels(Enumerable.Range(0, ImageCount).Select(i => (byte)(i % 10)).ToArray());

    private static readonly Field[] s_imageFields =
        [new("magic", 0, 4, true), new("image count", 4, 4, true), new("rows", 8, 4, true), new("columns", 12, 4, true)];

    private static readonly Field[] s_labelFields = [new("magic", 0, 4, true), new("label count", 4, 4, true)];

    [Fact]
    public void Mutated_IDX_files_plain_and_gzip_are_read_or_rejected_as_InvalidDataException_and_never_modified()
    {
        Run("IDX", cases: 4000, fuzz =>
        {
            (Random random, StringBuilder log) = (fuzz.Random, fuzz.Log);
            bool images = random.Next(2) == 0;
            byte[] valid = images ? s_images : s_labels;
            int mode = random.Next(10);
            log.Append(images ? "images, " : "labels, ").Append(mode switch
            {
                < 6 => "memory",
                6 => "memory without length",
                7 => "file",
                8 => "gzip file, compressed bytes mutated",
                _ => "gzip file, gzipped after mutation",
            }).Append(": ");
            if (mode >= 8)
            {
                byte[] file = mode == 8
                    ? ByteMutator.Mutate(MnistIdxTests.Gzip(valid), random, [], log)
                    : MnistIdxTests.Gzip(ByteMutator.Mutate(valid, random, images ? s_imageFields : s_labelFields, log));
                LoadFiles(fuzz, images, file, ".gz");
                return;
            }
            byte[] bytes = ByteMutator.Mutate(valid, random, images ? s_imageFields : s_labelFields, log);
            if (mode == 7)
            {
                LoadFiles(fuzz, images, bytes, "");
                return;
            }
            fuzz.Name = images ? "'fuzz-images'" : "'fuzz-labels'";
            Stream stream = mode == 6 ? new NonSeekableStream(new MemoryStream(bytes)) : new MemoryStream(bytes);
            if (images)
            {
                MnistImages read = MnistIdx.ReadImages(stream, "fuzz-images");
                Assert.Equal((long)read.Count * read.Rows * read.Columns, read.Pixels.Length);
                Assert.All(read.Pixels, p => Assert.InRange(p, 0f, 1f));
            }
            else
            {
                Assert.All(MnistIdx.ReadLabels(stream, "fuzz-labels"), label => Assert.InRange(label, 0, 9));
            }
        });
    }

    // Loads a mutated file beside a valid partner through MnistIdx.Load, and checks that neither file changed.
    private void LoadFiles(FuzzCase fuzz, bool imagesMutated, byte[] mutated, string extension)
    {
        string images = _folder.Write($"images-{fuzz.Index}{(imagesMutated ? extension : "")}", imagesMutated ? mutated : s_images);
        string labels = _folder.Write($"labels-{fuzz.Index}{(imagesMutated ? "" : extension)}", imagesMutated ? s_labels : mutated);
        fuzz.Name = $"'{Path.GetFileName(imagesMutated ? images : labels)}'";
        try
        {
            Unchanged([images, labels], () =>
            {
                Dataset data = MnistIdx.Load(images, labels);
                Assert.Equal(data.Count * data.InputSize, data.Inputs.Length);
                Assert.All(data.Targets, t => Assert.InRange(t, 0f, 9f));
            });
        }
        finally
        {
            File.Delete(images);
            File.Delete(labels);
        }
    }

    private const string Iris =
        "sepal_length,sepal_width,petal_length,petal_width,species\n" +
        "5.1,3.5,1.4,0.2,setosa\n" +
        "7.0,3.2,4.7,1.4,versicolor\n" +
        "\n" +
        "6.3,3.3,6.0,2.5,virginica\r\n" +
        "\"4.9\", 3.0 ,1.4,0.2,\"setosa\"\n" +
        "5.8,2.7,5.1,1.9,virginica\n";

    private const string Regression =
        "x1;x2;\"target \"\"y\"\"\"\n" +
        "1.5;-2e-3;0.25\n" +
        "-7;1E+2;3\n" +
        "0.001;.5;-1.75\n";

    private static readonly string[] s_tokens =
        [",", ";", "\"", "\"\"", "\n", "\r\n", "\r", " ", "NaN", "nan", "inf", "-Infinity", "∞", "1e39", "-1e-50", "", "abc", "\0", "1,5", "-", "e", "0x10", "\uFEFF", "setosa", "\u00A0"];

    [Fact]
    public void Mutated_CSV_files_are_read_or_rejected_as_InvalidDataException_and_never_modified()
    {
        Run("CSV", cases: 3000, fuzz =>
        {
            (Random random, StringBuilder log, int index) = (fuzz.Random, fuzz.Log, fuzz.Index);
            bool iris = random.Next(2) == 0;
            log.Append(iris ? "iris: " : "regression: ");
            byte[] bytes = Encoding.UTF8.GetBytes(MutateText(iris ? Iris : Regression, random, log));
            if (random.Next(2) == 0)
            {
                bytes = ByteMutator.Mutate(bytes, random, [], log);
            }
            var options = iris ? new CsvOptions { LabelKind = CsvLabelKind.ClassName } : new CsvOptions { Separator = ';' };
            CsvData data;
            if (index % FileShare == 0)
            {
                string path = _folder.Write($"data-{index}.csv", bytes);
                fuzz.Name = Path.GetFileName(path);
                try
                {
                    CsvData? read = null;
                    Unchanged([path], () => read = iris ? CsvDataset.Load(path, "species", options) : CsvDataset.Load(path, -1, options));
                    data = read!;
                }
                finally
                {
                    File.Delete(path);
                }
            }
            else
            {
                fuzz.Name = "fuzz.csv";
                using var reader = new StreamReader(new MemoryStream(bytes));
                data = iris ? CsvDataset.Read(reader, "fuzz.csv", "species", options) : CsvDataset.Read(reader, "fuzz.csv", -1, options);
            }
            Dataset set = data.Dataset;
            Assert.Equal(set.Count * data.FeatureNames.Count, set.Inputs.Length);
            Assert.All(set.Inputs, v => Assert.True(float.IsFinite(v)));
            Assert.All(set.Targets, v => Assert.True(float.IsFinite(v)));
            if (data.ClassNames is { } names)
            {
                Assert.All(set.Targets, t => Assert.InRange(t, 0f, names.Count - 1));
            }
        });
    }

    private static string MutateText(string text, Random random, StringBuilder log)
    {
        var builder = new StringBuilder(text);
        int operations = 1 + random.Next(3);
        for (int op = 0; op < operations; op++)
        {
            string[] lines = builder.ToString().Split('\n');
            switch (random.Next(4))
            {
                case 0 or 1:
                    {
                        string token = s_tokens[random.Next(s_tokens.Length)];
                        int at = random.Next(builder.Length + 1);
                        builder.Insert(at, token);
                        log.Append($"insert \"{Escape(token)}\" at {at}; ");
                        break;
                    }
                case 2:
                    {
                        int line = random.Next(lines.Length);
                        builder.Clear().AppendJoin('\n', lines.Where((_, i) => i != line));
                        log.Append($"delete line {line}; ");
                        break;
                    }
                default:
                    {
                        int line = random.Next(lines.Length);
                        builder.Clear().AppendJoin('\n', lines.Take(line + 1).Append(lines[line]).Concat(lines.Skip(line + 1)));
                        log.Append($"repeat line {line}; ");
                        break;
                    }
            }
        }
        return builder.ToString();
    }

    private static string Escape(string token) => token.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\0", "\\0");

    private static readonly byte[] s_fullCheckpoint = CheckpointBytes(full: true);
    private static readonly byte[] s_bareCheckpoint = CheckpointBytes(full: false);

    private static byte[] CheckpointBytes(bool full)
    {
        var model = new LinearRegressionNetwork(3);
        model.InitializeParameters(seed: 1);
        Checkpoint checkpoint = full
            ? Checkpoint.Capture(model, AdamAfterOneStep(model), new TrainerState(3, 42, 100, 8, new SeededRandom(5).State, new SeededRandom(6).State,
                new EarlyStoppingState(0.25, 2, 1, false, (float[])model.Parameters.Clone())))
            : Checkpoint.Capture(model);
        using var stream = new MemoryStream();
        checkpoint.WriteTo(stream);
        return stream.ToArray();
    }

    private static Adam AdamAfterOneStep(INetwork model)
    {
        var adam = new Adam(0.01f);
        adam.Step((float[])model.Parameters.Clone(), [0.1f, 0.2f, 0.3f, 0.4f]);
        return adam;
    }

    // "linear-3" is 8 bytes, so the parameter count follows at 24 + 4 + 8.
    private static readonly Field[] s_checkpointFields =
        [new("magic", 0, 8, false), new("version", 8, 4, false), new("flags", 12, 4, false), new("length", 16, 8, false),
         new("fingerprint length", 24, 4, false), new("parameter count", 36, 4, false), new("buffer count", 56, 4, false)];

    [Fact]
    public void Mutated_checkpoints_are_read_or_rejected_as_InvalidDataException_and_never_modified()
    {
        Run("checkpoint", cases: 4000, fuzz =>
        {
            (Random random, StringBuilder log, int index) = (fuzz.Random, fuzz.Log, fuzz.Index);
            bool full = random.Next(4) != 0;
            log.Append(full ? "with optimizer and trainer state: " : "parameters only: ");
            byte[] bytes = ByteMutator.Mutate(full ? s_fullCheckpoint : s_bareCheckpoint, random, s_checkpointFields, log);
            // Half the cases are sealed again (length and CRC-32 made to match), so that the mutation reaches the parser of
            // the fields behind the checksum, which a correct writer never exercises.
            if (random.Next(2) == 0 && bytes.Length >= 28)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(16), (ulong)bytes.Length);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4)));
                log.Append("sealed; ");
            }
            Checkpoint? checkpoint = null;
            if (index % FileShare == 0)
            {
                string path = _folder.Write($"model-{index}.ckpt", bytes);
                fuzz.Name = $"'{Path.GetFileName(path)}'";
                try
                {
                    Unchanged([path], () => checkpoint = Checkpoint.Load(path));
                }
                finally
                {
                    File.Delete(path);
                }
            }
            else
            {
                fuzz.Name = "'fuzz.ckpt'";
                checkpoint = Checkpoint.Read(new MemoryStream(bytes), "fuzz.ckpt");
            }
            // What a load would do next: restore into the model it claims to belong to (sizes are checked there).
            if (checkpoint!.Fingerprint == "linear-3")
            {
                checkpoint.Restore(new LinearRegressionNetwork(3));
            }
        });
    }

    /// <summary>
    /// Runs <paramref name="action"/> on files and checks, whether it returns or throws, that their bytes and times are
    /// as before and that the folder holds no other file.
    /// </summary>
    private void Unchanged(string[] paths, Action action)
    {
        var before = paths.Select(p => (Bytes: File.ReadAllBytes(p), Time: File.GetLastWriteTimeUtc(p))).ToArray();
        try
        {
            action();
        }
        finally
        {
            for (int i = 0; i < paths.Length; i++)
            {
                Assert.Equal(before[i].Bytes, File.ReadAllBytes(paths[i]));
                Assert.Equal(before[i].Time, File.GetLastWriteTimeUtc(paths[i]));
            }
            Assert.Equal(paths.Order(), Directory.GetFiles(_folder.Path).Order());
        }
    }

    /// <summary>One mutated file: its generator, its description, and the name the reader's messages must give it.</summary>
    private sealed class FuzzCase(Random random, int index)
    {
        public Random Random { get; } = random;
        public int Index { get; } = index;
        public StringBuilder Log { get; } = new();
        public string Name { get; set; } = "";
    }

    /// <summary>
    /// Runs the cases on a thread of their own, so that a case that hangs fails the test (naming itself) instead of
    /// stalling the run. A case returns normally when the reader accepted the file, or throws an InvalidDataException,
    /// whose message must name the file; anything else fails the test.
    /// </summary>
    private void Run(string reader, int cases, Action<FuzzCase> runCase)
    {
        var failures = new List<string>();
        int accepted = 0, rejected = 0, current = -1;
        string currentLog = "";
        TimeSpan slowest = TimeSpan.Zero;
        string slowestCase = "";
        long start = Stopwatch.GetTimestamp();
        var thread = new Thread(() =>
        {
            for (int i = 0; i < cases; i++)
            {
                var fuzzCase = new FuzzCase(new Random(unchecked(Seed * 1_000_003 + i)), i);
                StringBuilder log = fuzzCase.Log;
                Volatile.Write(ref current, i);
                long caseStart = Stopwatch.GetTimestamp();
                try
                {
                    runCase(fuzzCase);
                    accepted++;
                }
                catch (InvalidDataException e) when (e.Message.Contains($"{fuzzCase.Name}", StringComparison.Ordinal))
                {
                    rejected++;
                }
                catch (Exception e)
                {
                    failures.Add($"case {i} ({log}): {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                }
                currentLog = log.ToString();
                TimeSpan elapsed = Stopwatch.GetElapsedTime(caseStart);
                if (elapsed > slowest)
                {
                    (slowest, slowestCase) = (elapsed, $"case {i} ({log})");
                }
            }
        })
        { IsBackground = true, Name = $"{reader} fuzz" };
        thread.Start();
        bool finished = thread.Join(Budget);
        TimeSpan total = Stopwatch.GetElapsedTime(start);

        string summary = string.Create(CultureInfo.InvariantCulture,
            $"{reader} fuzz, seed {Seed} (NETGEN_FUZZ_SEED): {cases} mutated files, {accepted} read, {rejected} rejected as InvalidDataException, " +
            $"{failures.Count} failed, in {total.TotalSeconds:F2} s; slowest {slowest.TotalMilliseconds:F1} ms: {slowestCase}");
        output.WriteLine(summary);
        Console.WriteLine(summary);
        Assert.True(finished, $"{reader} fuzz, seed {Seed}: case {Volatile.Read(ref current)} did not finish within {Budget} (the case before it: {currentLog})");
        Assert.True(failures.Count == 0, $"{summary}\n\n" + string.Join("\n\n", failures.Take(5)));
        Assert.True(accepted > 0 && rejected > 0, $"{summary}: the mutations should sometimes keep a file valid and mostly break it");
    }
}
