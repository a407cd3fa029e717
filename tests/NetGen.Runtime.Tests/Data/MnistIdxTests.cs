using System;
using System.IO;
using System.IO.Compression;
using Xunit;

namespace NetGen.Runtime.Tests.Data;

public sealed class MnistIdxTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Load_round_trips_pixels_scaled_to_the_unit_interval_and_labels_as_class_indices()
    {
        string images = _folder.Write("train-images-idx3-ubyte", IdxFiles.Images(count: 3, rows: 4, columns: 5));
        string labels = _folder.Write("train-labels-idx1-ubyte", IdxFiles.Labels(7, 0, 9));

        Dataset data = MnistIdx.Load(images, labels);

        Assert.Equal(3, data.Count);
        Assert.Equal(20, data.InputSize);
        Assert.Equal(1, data.TargetSize);
        Assert.Equal([7f, 0f, 9f], data.Targets);
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 20; j++)
            {
                Assert.Equal(IdxFiles.Pixel(i, j) / 255f, data.GetInput(i)[j]);
            }
        }
    }

    [Fact]
    public void Every_byte_value_maps_to_itself_divided_by_255()
    {
        // One image of 1x300 pixels: the vector body converts 9 blocks of 32, the scalar tail the last 12.
        byte[] imageBytes = IdxFiles.Images(count: 1, rows: 1, columns: 300);
        for (int j = 0; j < 300; j++)
        {
            imageBytes[16 + j] = (byte)(299 - j);
        }

        MnistImages images = MnistIdx.ReadImages(new MemoryStream(imageBytes), "images");

        for (int j = 0; j < 300; j++)
        {
            Assert.Equal((byte)(299 - j) / 255f, images.Pixels[j]);
        }
        Assert.Equal(0f, images.Pixels[299 - 0]);
        Assert.Equal(1f, images.Pixels[299 - 255]);
    }

    [Fact]
    public void Load_decompresses_files_whose_path_ends_in_gz()
    {
        string images = _folder.Write("train-images-idx3-ubyte.gz", Gzip(IdxFiles.Images(count: 2, rows: 3, columns: 3)));
        string labels = _folder.Write("train-labels-idx1-ubyte.gz", Gzip(IdxFiles.Labels(4, 5)));

        Dataset data = MnistIdx.Load(images, labels);

        Assert.Equal(2, data.Count);
        Assert.Equal([4f, 5f], data.Targets);
        Assert.Equal(IdxFiles.Pixel(1, 8) / 255f, data.GetInput(1)[8]);
    }

    [Fact]
    public void Truncated_images_file_is_reported_with_the_expected_and_actual_sizes()
    {
        byte[] full = IdxFiles.Images(count: 3, rows: 4, columns: 5);
        string images = _folder.Write("train-images-idx3-ubyte", full[..50]);
        string labels = _folder.Write("train-labels-idx1-ubyte", IdxFiles.Labels(1, 2, 3));

        var error = Assert.Throws<InvalidDataException>(() => MnistIdx.Load(images, labels));

        Assert.Equal("MNIST file 'train-images-idx3-ubyte' is truncated: header says 3 images of 4x5, file holds 50 of 76 bytes. Download it again.", error.Message);
    }

    [Fact]
    public void Truncated_stream_without_a_length_is_reported_too()
    {
        byte[] full = IdxFiles.Labels(1, 2, 3, 4);
        using var stream = new NonSeekableStream(new MemoryStream(full[..10]));

        var error = Assert.Throws<InvalidDataException>(() => MnistIdx.ReadLabels(stream, "labels"));

        Assert.Contains("is truncated: header says 4 labels, file holds 10 of 12 bytes", error.Message);
    }

    [Fact]
    public void Header_shorter_than_an_IDX_header_is_reported_as_truncated()
    {
        byte[] start = IdxFiles.Images(count: 1, rows: 28, columns: 28)[..7];
        var error = Assert.Throws<InvalidDataException>(() => MnistIdx.ReadImages(new MemoryStream(start), "images"));
        Assert.Contains("truncated: it holds 7 bytes, fewer than the 16-byte header", error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void File_longer_than_its_header_says_is_reported(bool seekable)
    {
        byte[] bytes = [.. IdxFiles.Images(count: 2, rows: 2, columns: 2), 1, 2, 3];
        Stream stream = seekable ? new MemoryStream(bytes) : new NonSeekableStream(new MemoryStream(bytes));

        var error = Assert.Throws<InvalidDataException>(() => MnistIdx.ReadImages(stream, "images"));

        Assert.Contains("'images' is too long: header says 2 images of 2x2, which is 24 bytes, but the file holds 27", error.Message);
    }

    [Fact]
    public void Labels_file_given_as_images_is_reported_as_swapped_arguments()
    {
        string images = _folder.Write("images", IdxFiles.Images(count: 2, rows: 2, columns: 2));
        string labels = _folder.Write("labels", IdxFiles.Labels(1, 2));

        var error = Assert.Throws<InvalidDataException>(() => MnistIdx.Load(labels, images));

        Assert.Contains("'labels' is a labels file (magic number 0x00000801), but an images file (0x00000803) was expected", error.Message);
        Assert.Contains("Check the order of the paths", error.Message);
    }

    [Fact]
    public void File_that_is_not_IDX_is_reported_with_its_magic_number()
    {
        byte[] html = "<html><body>Not found</body></html>"u8.ToArray();
        var error = Assert.Throws<InvalidDataException>(() => MnistIdx.ReadImages(new MemoryStream(html), "images"));
        Assert.Contains("'images' is not an IDX file: its magic number is 0x3C68746D", error.Message);
    }

    [Fact]
    public void Wrong_dimension_count_is_reported()
    {
        byte[] bytes = IdxFiles.Images(count: 1, rows: 1, columns: 1, magic: 0x00000804);
        var error = Assert.Throws<InvalidDataException>(() => MnistIdx.ReadImages(new MemoryStream(bytes), "images"));
        Assert.Contains("is an IDX file of 4 dimensions, but MNIST images files have 3", error.Message);
    }

    [Fact]
    public void Wrong_data_type_is_reported()
    {
        byte[] bytes = IdxFiles.Images(count: 1, rows: 1, columns: 1, magic: 0x00000D03);
        var error = Assert.Throws<InvalidDataException>(() => MnistIdx.ReadImages(new MemoryStream(bytes), "images"));
        Assert.Contains("holds IDX data of type 0x0D, but MNIST images are unsigned bytes", error.Message);
    }

    [Fact]
    public void Compressed_file_without_the_gz_extension_is_recognized()
    {
        string images = _folder.Write("train-images-idx3-ubyte", Gzip(IdxFiles.Images(count: 1, rows: 2, columns: 2)));
        string labels = _folder.Write("train-labels-idx1-ubyte", IdxFiles.Labels(1));

        var error = Assert.Throws<InvalidDataException>(() => MnistIdx.Load(images, labels));

        Assert.Contains("'train-images-idx3-ubyte' is gzip-compressed", error.Message);
    }

    [Fact]
    public void Image_and_label_count_mismatch_names_both_files()
    {
        string images = _folder.Write("train-images-idx3-ubyte", IdxFiles.Images(count: 3, rows: 2, columns: 2));
        string labels = _folder.Write("t10k-labels-idx1-ubyte", IdxFiles.Labels(1, 2));

        var error = Assert.Throws<InvalidDataException>(() => MnistIdx.Load(images, labels));

        Assert.Contains("'train-images-idx3-ubyte' holds 3 images but 't10k-labels-idx1-ubyte' holds 2 labels", error.Message);
    }

    [Fact]
    public void Label_outside_zero_to_nine_is_reported_with_its_index()
    {
        using var stream = new MemoryStream(IdxFiles.Labels(3, 9, 10, 4));

        var error = Assert.Throws<InvalidDataException>(() => MnistIdx.ReadLabels(stream, "labels"));

        Assert.Contains("'labels' has label 10 at index 2", error.Message);
    }

    [Fact]
    public void Image_size_too_large_for_an_array_is_rejected_even_without_images()
    {
        var error = Assert.Throws<InvalidDataException>(() => MnistIdx.ReadImages(new MemoryStream(IdxFiles.Images(count: 0, rows: 65536, columns: 65536)), "images"));
        Assert.Contains("declares images of 65536x65536 pixels", error.Message);
    }

    [Fact]
    public void Image_size_of_zero_is_rejected()
    {
        var error = Assert.Throws<InvalidDataException>(() => MnistIdx.ReadImages(new MemoryStream(IdxFiles.Images(count: 1, rows: 0, columns: 28)), "images"));
        Assert.Contains("declares images of 0x28 pixels", error.Message);
    }

    [Fact]
    public void ReadImages_reports_the_shape_and_names_a_file_stream_by_its_file_name()
    {
        string path = _folder.Write("some-images", IdxFiles.Images(count: 2, rows: 3, columns: 4));
        using (FileStream stream = File.OpenRead(path))
        {
            MnistImages images = MnistIdx.ReadImages(stream);
            Assert.Equal((2, 3, 4), (images.Count, images.Rows, images.Columns));
            Assert.Equal(IdxFiles.Pixel(1, 11) / 255f, images.GetImage(1)[11]);
        }

        File.WriteAllBytes(path, IdxFiles.Labels(1));
        using (FileStream stream = File.OpenRead(path))
        {
            var error = Assert.Throws<InvalidDataException>(() => MnistIdx.ReadImages(stream));
            Assert.StartsWith("MNIST file 'some-images'", error.Message);
        }
    }

    internal static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }
        return output.ToArray();
    }
}
