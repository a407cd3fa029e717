using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen;

/// <summary>
/// Reads the IDX files of MNIST (and of the datasets that share its format, such as Fashion-MNIST): an images file
/// (magic 0x00000803: unsigned bytes, 3 dimensions: count, rows, columns) and a labels file (magic 0x00000801: unsigned
/// bytes, 1 dimension: count), all header integers big-endian. Files are validated completely, and a damaged file fails
/// with an <see cref="InvalidDataException"/> that says what is wrong, instead of yielding a silently wrong dataset.
/// </summary>
public static class MnistIdx
{
    /// <summary>The magic number of an images file: data type 0x08 (unsigned byte), 3 dimensions.</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>The magic number of a labels file: data type 0x08 (unsigned byte), 1 dimension.</summary>
    public const int LabelsMagic = 0x00000801;

    private const int ImagesHeaderLength = 16;
    private const int LabelsHeaderLength = 8;
    private const int ClassCount = 10;

    // Large enough that per-call overhead vanishes (45 reads for MNIST's training images), small enough to stay in the
    // cache while it is converted.
    private const int ChunkLength = 1 << 20;

    // The first array for a stream of unknown length; it doubles as data arrives, so a damaged header that claims
    // gigabytes costs nothing before the stream ends.
    private const int UnknownLengthCapacity = 1 << 22;

    /// <summary>
    /// Loads an images file and its labels file as a dataset: inputs are the pixels in [0, 1] (<c>Rows * Columns</c> per
    /// sample), targets the class index as a float (one per sample). Paths ending in <c>.gz</c> are decompressed while reading.
    /// </summary>
    /// <param name="imagesPath">The images file, e.g. <c>train-images-idx3-ubyte</c>.</param>
    /// <param name="labelsPath">The labels file, e.g. <c>train-labels-idx1-ubyte</c>.</param>
    /// <exception cref="InvalidDataException">A file is not a valid MNIST file, or the two files hold different numbers of samples.</exception>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="IOException">A path is a directory, or a file cannot be read.</exception>
    public static Dataset Load(string imagesPath, string labelsPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagesPath);
        ArgumentException.ThrowIfNullOrEmpty(labelsPath);

        MnistImages images;
        using (Stream stream = OpenFile(imagesPath))
        {
            images = ReadImages(stream, Path.GetFileName(imagesPath));
        }
        byte[] labels;
        using (Stream stream = OpenFile(labelsPath))
        {
            labels = ReadLabels(stream, Path.GetFileName(labelsPath));
        }

        if (images.Count != labels.Length)
        {
            throw new InvalidDataException(
                $"MNIST files disagree: '{Path.GetFileName(imagesPath)}' holds {images.Count} images but '{Path.GetFileName(labelsPath)}' " +
                $"holds {labels.Length} labels. Pair the images with the labels of the same set (train-* with train-*, t10k-* with t10k-*).");
        }

        var targets = new float[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            targets[i] = labels[i];
        }
        return new Dataset(images.Pixels, targets, images.Rows * images.Columns, targetSize: 1);
    }

    /// <summary>Reads an images file from the current position of <paramref name="stream"/> to its end.</summary>
    /// <param name="stream">The file contents (uncompressed).</param>
    /// <param name="name">The name used in error messages; by default the file name of a <see cref="FileStream"/>.</param>
    /// <exception cref="InvalidDataException">The contents are not a valid MNIST images file.</exception>
    public static MnistImages ReadImages(Stream stream, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        name ??= NameOf(stream);

        Span<byte> header = stackalloc byte[ImagesHeaderLength];
        ReadHeader(stream, header, ImagesMagic, name, "images");
        int count = ReadDimension(header, 4, name, "image count");
        int rows = ReadDimension(header, 8, name, "row count");
        int columns = ReadDimension(header, 12, name, "column count");
        if (rows == 0 || columns == 0 || (long)rows * columns > Array.MaxLength)
        {
            throw new InvalidDataException($"MNIST file '{name}' declares images of {rows}x{columns} pixels. The file is damaged; download it again.");
        }

        string contents = $"{count} images of {rows}x{columns}";
        long length = (long)count * rows * columns;
        CheckPayloadLength(stream, length, ImagesHeaderLength, name, contents);

        // Read in chunks through a small buffer and convert each while it is in cache, instead of holding the whole file
        // (47 MB for MNIST) as bytes next to its floats. A stream of unknown length (a .gz file) may hold far less than
        // its header claims, so its array grows with the data that arrives rather than trusting the header.
        float[] pixels = GC.AllocateUninitializedArray<float>((int)(stream.CanSeek ? length : Math.Min(length, UnknownLengthCapacity)));
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkLength);
        try
        {
            for (int done = 0; done < length;)
            {
                int n = (int)Math.Min(ChunkLength, length - done);
                ReadExactly(stream, chunk.AsSpan(0, n), ImagesHeaderLength + done, ImagesHeaderLength + length, name, contents);
                pixels = Grown(pixels, done + n, length);
                ConvertPixels(chunk.AsSpan(0, n), pixels.AsSpan(done, n));
                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        CheckAtEnd(stream, ImagesHeaderLength + length, name, contents);
        return new MnistImages(pixels, count, rows, columns);
    }

    /// <summary>Reads a labels file from the current position of <paramref name="stream"/> to its end.</summary>
    /// <param name="stream">The file contents (uncompressed).</param>
    /// <param name="name">The name used in error messages; by default the file name of a <see cref="FileStream"/>.</param>
    /// <returns>One class index in 0..9 per sample.</returns>
    /// <exception cref="InvalidDataException">The contents are not a valid MNIST labels file, or a label is not a digit 0..9.</exception>
    public static byte[] ReadLabels(Stream stream, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        name ??= NameOf(stream);

        Span<byte> header = stackalloc byte[LabelsHeaderLength];
        ReadHeader(stream, header, LabelsMagic, name, "labels");
        int count = ReadDimension(header, 4, name, "label count");
        string contents = $"{count} labels";
        CheckPayloadLength(stream, count, LabelsHeaderLength, name, contents);
        byte[] labels = new byte[stream.CanSeek ? count : Math.Min(count, UnknownLengthCapacity)];
        for (int done = 0; done < count;)
        {
            int n = Math.Min(ChunkLength, count - done);
            labels = Grown(labels, done + n, count);
            ReadExactly(stream, labels.AsSpan(done, n), LabelsHeaderLength + done, LabelsHeaderLength + count, name, contents);
            done += n;
        }
        CheckAtEnd(stream, LabelsHeaderLength + count, name, contents);

        int bad = labels.AsSpan().IndexOfAnyExceptInRange((byte)0, (byte)(ClassCount - 1));
        if (bad >= 0)
        {
            throw new InvalidDataException(
                $"MNIST file '{name}' has label {labels[bad]} at index {bad}, but MNIST labels are the digits 0 to 9. " +
                "The file is damaged or is not an MNIST labels file.");
        }
        return labels;
    }

    private static Stream OpenFile(string path)
    {
        // No FileStream buffer: the payload is read in large chunks straight into the caller's buffer.
        FileStream file = ReadableFile.Open(path, "MNIST file", bufferSize: 0, FileOptions.SequentialScan);
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            return file;
        }
        try
        {
            CheckGzipMagic(file, Path.GetFileName(path));
        }
        catch
        {
            file.Dispose();
            throw;
        }
        return new GzipFile(file, Path.GetFileName(path));
    }

    /// <summary>A .gz path whose file is not gzip (an uncompressed file renamed, an HTML error page) is named as such.</summary>
    private static void CheckGzipMagic(FileStream file, string name)
    {
        Span<byte> magic = stackalloc byte[2];
        int read = file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        if (read == 2 && magic[0] == 0x1F && magic[1] == 0x8B)
        {
            file.Position = 0;
            return;
        }
        string start = read == 0 ? "is empty" : $"starts with {Convert.ToHexString(magic[..read])}";
        string hint = read == 2 && magic[0] == 0 && magic[1] == 0
            ? " It looks like an uncompressed IDX file: remove the .gz from its name."
            : " Check the path, and download the file again if it was damaged.";
        throw new InvalidDataException($"MNIST file '{name}' ends in .gz but is not gzip-compressed: it {start}, not the gzip signature 1F8B.{hint}");
    }

    /// <summary>
    /// <paramref name="array"/>, or a copy at least twice as long (at most <paramref name="length"/>), so that it holds
    /// <paramref name="needed"/> elements.
    /// </summary>
    private static T[] Grown<T>(T[] array, long needed, long length)
    {
        if (needed <= array.Length)
        {
            return array;
        }
        var grown = GC.AllocateUninitializedArray<T>((int)Math.Min(Math.Max(needed, 2L * array.Length), length));
        array.CopyTo(grown, 0);
        return grown;
    }

    private static string NameOf(Stream stream) => stream is FileStream file ? Path.GetFileName(file.Name) : "<stream>";

    /// <summary>
    /// Reads the header and checks its magic number. The magic number is checked before the header length, so that a
    /// short file of the wrong kind (a labels file given as images) is reported as what it is.
    /// </summary>
    private static void ReadHeader(Stream stream, Span<byte> header, int expectedMagic, string name, string kind)
    {
        int read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (read >= sizeof(int))
        {
            CheckMagic(header, expectedMagic, name);
        }
        if (read < header.Length)
        {
            throw new InvalidDataException(
                $"MNIST file '{name}' is truncated: it holds {read} bytes, fewer than the {header.Length}-byte header of an MNIST {kind} file. " +
                "Download it again.");
        }
    }

    private static void CheckMagic(ReadOnlySpan<byte> header, int expected, string name)
    {
        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic == expected)
        {
            return;
        }

        string expectedKind = expected == ImagesMagic ? "images" : "labels";
        string message;
        if (header[0] == 0x1F && header[1] == 0x8B)
        {
            message = $"MNIST file '{name}' is gzip-compressed. Decompress it first (gunzip), pass a path ending in .gz to MnistIdx.Load, " +
                "or wrap the stream in a GZipStream.";
        }
        else if (magic is ImagesMagic or LabelsMagic)
        {
            string actualKind = magic == ImagesMagic ? "images" : "labels";
            message = $"MNIST file '{name}' is a {actualKind} file (magic number 0x{magic:X8}), but an {expectedKind} file " +
                $"(0x{expected:X8}) was expected. Check the order of the paths: images first, then labels.";
        }
        else if (header[0] != 0 || header[1] != 0)
        {
            message = $"MNIST file '{name}' is not an IDX file: its magic number is 0x{magic:X8}, but IDX files start with two zero bytes. " +
                "Check the path, and that the file was not saved as text or HTML by a failed download.";
        }
        else if (header[2] != 0x08)
        {
            message = $"MNIST file '{name}' holds IDX data of type 0x{header[2]:X2}, but MNIST {expectedKind} are unsigned bytes (type 0x08).";
        }
        else
        {
            message = $"MNIST file '{name}' is an IDX file of {header[3]} dimensions, but MNIST {expectedKind} files have {expected & 0xFF} " +
                $"(magic number 0x{magic:X8}, expected 0x{expected:X8}).";
        }
        throw new InvalidDataException(message);
    }

    private static int ReadDimension(ReadOnlySpan<byte> header, int offset, string name, string what)
    {
        uint value = BinaryPrimitives.ReadUInt32BigEndian(header.Slice(offset));
        if (value > int.MaxValue)
        {
            throw new InvalidDataException($"MNIST file '{name}' declares a {what} of {value}, which is not plausible. The file is damaged; download it again.");
        }
        return (int)value;
    }

    /// <summary>
    /// Checks that <paramref name="length"/> payload bytes fit an array and, when the stream knows its length, that exactly
    /// that many follow the header: a truncated download or a file with trailing bytes fails before anything is read.
    /// </summary>
    private static void CheckPayloadLength(Stream stream, long length, int headerLength, string name, string contents)
    {
        long expectedFileLength = headerLength + length;
        if (length > Array.MaxLength)
        {
            throw new InvalidDataException(
                Format($"MNIST file '{name}' declares {contents} ({expectedFileLength:N0} bytes), more than one array can hold. The header is damaged; download the file again."));
        }
        if (stream.CanSeek)
        {
            long available = stream.Length - stream.Position;
            if (available != length)
            {
                throw SizeMismatch(name, contents, headerLength + available, expectedFileLength);
            }
        }
    }

    /// <summary>Fills <paramref name="destination"/>, which starts at <paramref name="fileOffset"/> of the file, or reports the file as truncated.</summary>
    private static void ReadExactly(Stream stream, Span<byte> destination, long fileOffset, long expectedFileLength, string name, string contents)
    {
        int read = stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        if (read < destination.Length)
        {
            throw SizeMismatch(name, contents, fileOffset + read, expectedFileLength);
        }
    }

    /// <summary>Checks that a stream of unknown length ends after the payload (a seekable one was checked up front).</summary>
    private static void CheckAtEnd(Stream stream, long expectedFileLength, string name, string contents)
    {
        if (!stream.CanSeek)
        {
            long extra = CountRemainingBytes(stream);
            if (extra > 0)
            {
                throw SizeMismatch(name, contents, expectedFileLength + extra, expectedFileLength);
            }
        }
    }

    private static InvalidDataException SizeMismatch(string name, string contents, long actual, long expected) =>
        new(actual < expected
            ? Format($"MNIST file '{name}' is truncated: header says {contents}, file holds {actual:N0} of {expected:N0} bytes.") +
                " Download it again."
            : Format($"MNIST file '{name}' is too long: header says {contents}, which is {expected:N0} bytes, but the file holds {actual:N0}.") +
                " The file is damaged or not an MNIST file; download it again.");

    private static long CountRemainingBytes(Stream stream)
    {
        Span<byte> buffer = stackalloc byte[4096];
        long total = 0;
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            total += read;
        }
        return total;
    }

    private static string Format(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Converts bytes to floats in [0, 1]. Dividing by 255 (rather than multiplying by its rounded reciprocal) gives each
    /// pixel the correctly rounded value, the same in the vector body and the scalar tail.
    /// </summary>
    private static void ConvertPixels(ReadOnlySpan<byte> source, Span<float> destination)
    {
        ref byte s = ref MemoryMarshal.GetReference(source);
        ref float d = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> maximum = Vector256.Create(255f);
            for (; i <= source.Length - Vector256<byte>.Count; i += Vector256<byte>.Count)
            {
                (Vector256<ushort> low, Vector256<ushort> high) = Vector256.Widen(Vector256.LoadUnsafe(ref s, (nuint)i));
                (Vector256<uint> q0, Vector256<uint> q1) = Vector256.Widen(low);
                (Vector256<uint> q2, Vector256<uint> q3) = Vector256.Widen(high);
                // Values are below 256, so the signed conversion (one instruction on AVX2) is exact.
                (Vector256.ConvertToSingle(q0.AsInt32()) / maximum).StoreUnsafe(ref d, (nuint)i);
                (Vector256.ConvertToSingle(q1.AsInt32()) / maximum).StoreUnsafe(ref d, (nuint)(i + 8));
                (Vector256.ConvertToSingle(q2.AsInt32()) / maximum).StoreUnsafe(ref d, (nuint)(i + 16));
                (Vector256.ConvertToSingle(q3.AsInt32()) / maximum).StoreUnsafe(ref d, (nuint)(i + 24));
            }
        }
        for (; i < source.Length; i++)
        {
            destination[i] = source[i] / 255f;
        }
    }

    /// <summary>
    /// Decompresses a .gz file; damaged compressed data is an <see cref="InvalidDataException"/> that names the file
    /// (<see cref="GZipStream"/>'s own says only "unsupported compression method" or "block length does not match").
    /// </summary>
    private sealed class GzipFile(FileStream file, string name) : Stream
    {
        private readonly GZipStream _gzip = new(file, CompressionMode.Decompress, leaveOpen: false);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(Span<byte> buffer)
        {
            try
            {
                return _gzip.Read(buffer);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException(
                    $"MNIST file '{name}' is damaged: its gzip data cannot be decompressed ({e.Message}). Download it again.", e);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _gzip.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
