using System;
using System.IO;
using Xunit;

namespace NetGen.Runtime.Tests.Data;

/// <summary>Dataset files that are not what their path promises: directories, .gz files that are not gzip, damaged gzip data.</summary>
public sealed class DataFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void R5_a_gz_path_whose_file_is_not_gzip_names_the_file()
    {
        string images = _folder.Write("train-images-idx3-ubyte.gz", IdxFiles.Images(count: 2, rows: 3, columns: 3));
        string labels = _folder.Write("train-labels-idx1-ubyte", IdxFiles.Labels(4, 5));

        var error = Assert.Throws<InvalidDataException>(() => MnistIdx.Load(images, labels));

        Assert.StartsWith("MNIST file 'train-images-idx3-ubyte.gz' ends in .gz but is not gzip-compressed: it starts with 0000", error.Message);
        Assert.Contains("remove the .gz from its name", error.Message);
    }

    [Fact]
    public void R5_an_empty_or_text_gz_file_names_the_file()
    {
        string labels = _folder.Write("train-labels-idx1-ubyte", IdxFiles.Labels(4, 5));
        string empty = _folder.Write("empty.gz", []);
        string html = _folder.Write("page.gz", "<html>Not found</html>"u8.ToArray());

        Assert.StartsWith("MNIST file 'empty.gz' ends in .gz but is not gzip-compressed: it is empty",
            Assert.Throws<InvalidDataException>(() => MnistIdx.Load(empty, labels)).Message);
        Assert.StartsWith("MNIST file 'page.gz' ends in .gz but is not gzip-compressed: it starts with 3C68",
            Assert.Throws<InvalidDataException>(() => MnistIdx.Load(html, labels)).Message);
    }

    [Fact]
    public void R5_damaged_gzip_data_names_the_file()
    {
        byte[] gzip = MnistIdxTests.Gzip(IdxFiles.Images(count: 20, rows: 8, columns: 8));
        gzip[12] ^= 0xFF; // inside the deflate data, after the 10-byte gzip header
        string images = _folder.Write("images.gz", gzip);
        string labels = _folder.Write("labels", IdxFiles.Labels(new byte[20]));

        var error = Assert.Throws<InvalidDataException>(() => MnistIdx.Load(images, labels));

        Assert.Contains("'images.gz'", error.Message);
    }

    [Fact]
    public void A_gz_file_whose_header_claims_far_more_images_than_it_holds_fails_without_allocating_for_the_claim()
    {
        byte[] idx = IdxFiles.Images(count: 2, rows: 28, columns: 28);
        idx[4] = 0x00; idx[5] = 0x03; idx[6] = 0x0D; idx[7] = 0x40; // 200,000 images: 627 MB of floats
        string images = _folder.Write("images.gz", MnistIdxTests.Gzip(idx));
        string labels = _folder.Write("labels", IdxFiles.Labels(1, 2));
        long before = GC.GetAllocatedBytesForCurrentThread();

        var error = Assert.Throws<InvalidDataException>(() => MnistIdx.Load(images, labels));

        Assert.StartsWith("MNIST file 'images.gz' is truncated: header says 200000 images of 28x28", error.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20, "the array follows the data, not the header");
    }

    [Fact]
    public void R6_a_directory_passed_as_an_MNIST_file_is_an_IOException_that_says_so()
    {
        string labels = _folder.Write("labels", IdxFiles.Labels(4, 5));
        var error = Assert.Throws<IOException>(() => MnistIdx.Load(_folder.Path, labels));
        Assert.Equal($"MNIST file '{_folder.Path}' is a directory, not a file. Pass the path of the file itself.", error.Message);

        Directory.CreateDirectory(Path.Combine(_folder.Path, "labels.gz"));
        string images = _folder.Write("images", IdxFiles.Images(count: 2, rows: 3, columns: 3));
        Assert.Contains("is a directory", Assert.Throws<IOException>(() => MnistIdx.Load(images, Path.Combine(_folder.Path, "labels.gz"))).Message);
    }

    [Fact]
    public void R6_a_directory_passed_as_a_CSV_file_is_an_IOException_that_says_so()
    {
        var error = Assert.Throws<IOException>(() => CsvDataset.Load(_folder.Path, "label"));
        Assert.Equal($"CSV file '{_folder.Path}' is a directory, not a file. Pass the path of the file itself.", error.Message);
        Assert.Throws<IOException>(() => CsvDataset.Load(_folder.Path, -1));
    }
}
