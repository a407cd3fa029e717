using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Package.Tests;

/// <summary>
/// The packages are reproducible: the README's <c>dotnet pack -c Release -o DIR</c> at the root of two clean copies of the
/// repository's sources, at the same path one after the other, gives byte-identical files. The compiler is deterministic
/// (Deterministic in Directory.Build.props); the zip entries carry a fixed time (DeterministicTimestamp) instead of the
/// time of the pack.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class DeterministicPackTests(PackedFeed feed, ITestOutputHelper log)
{
    // Well above a clean build and pack of the packed projects (~90 s on two busy cores).
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(8);

    [Fact]
    [Trait("Category", "Slow")]
    public void Packing_clean_sources_twice_gives_byte_identical_packages()
    {
        string work = Directory.CreateDirectory(Path.Combine(feed.Root, "deterministic")).FullName;
        string first = PackCleanCopy(work, "first");
        string second = PackCleanCopy(work, "second");

        string[] packages = Directory.GetFiles(first).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(new[] { "NetGen.0.1.0.nupkg", "NetGen.0.1.0.snupkg", "NetGen.Templates.0.1.0.nupkg" }, packages);
        Assert.Equal(packages, Directory.GetFiles(second).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
        foreach (string package in packages)
        {
            byte[] a = File.ReadAllBytes(Path.Combine(first, package)), b = File.ReadAllBytes(Path.Combine(second, package));
            Assert.True(a.AsSpan().SequenceEqual(b), $"{package} differs between the two packs: {Differences(a, b)}");
        }
    }

    /// <summary>Copies the repository's sources (no bin/ or obj/) to one folder, packs there, and returns the output folder.</summary>
    private string PackCleanCopy(string work, string name)
    {
        // The same path both times: paths are compiled into the PDBs (mapped to /_/ only with ContinuousIntegrationBuild).
        string repository = Path.Combine(work, "repository");
        if (Directory.Exists(repository))
        {
            Directory.Delete(repository, recursive: true);
        }
        string root = PackedFeed.RepositoryRoot();
        foreach (string file in SourceFiles(root))
        {
            string target = Path.Combine(repository, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(root, file), target);
        }
        string output = Path.Combine(work, name);
        CommandResult pack = DotnetCli.Run(repository, PackTimeout, "pack", "-c", "Release", "-o", output, "-nodeReuse:false");
        log.WriteLine($"{pack.Command} ({name}): exit {pack.ExitCode} in {pack.Elapsed.TotalSeconds:F1} s");
        Assert.True(pack.ExitCode == 0, pack.ToString());
        return output;
    }

    /// <summary>The files git tracks or would track (untracked ones it does not ignore), as they are in the working tree.</summary>
    private static IEnumerable<string> SourceFiles(string root)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { "ls-files", "-z", "--cached", "--others", "--exclude-standard" })
        {
            start.ArgumentList.Add(argument);
        }
        using Process git = Process.Start(start) ?? throw new InvalidOperationException("git did not start; the test copies the files git lists.");
        string listing = git.StandardOutput.ReadToEnd();
        string errors = git.StandardError.ReadToEnd();
        Assert.True(git.WaitForExit(TimeSpan.FromMinutes(1)) && git.ExitCode == 0, $"git ls-files failed in {root}: {errors}");
        // A file deleted in the working tree but still in the index is not a source any more.
        return listing.Split('\0', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).Where(f => File.Exists(Path.Combine(root, f)));
    }

    /// <summary>The entries whose content or time differ, for the failure message.</summary>
    private static string Differences(byte[] a, byte[] b)
    {
        using var first = new ZipArchive(new MemoryStream(a));
        using var second = new ZipArchive(new MemoryStream(b));
        var differences = new List<string>();
        Dictionary<string, ZipArchiveEntry> others = second.Entries.ToDictionary(e => e.FullName, StringComparer.Ordinal);
        foreach (ZipArchiveEntry entry in first.Entries)
        {
            if (!others.Remove(entry.FullName, out ZipArchiveEntry? other))
            {
                differences.Add(entry.FullName + " only in the first");
            }
            else if (!Hash(entry).SequenceEqual(Hash(other)))
            {
                differences.Add(entry.FullName + " (content)");
            }
            else if (entry.LastWriteTime != other.LastWriteTime)
            {
                differences.Add($"{entry.FullName} (time {entry.LastWriteTime:O} and {other.LastWriteTime:O})");
            }
        }
        differences.AddRange(others.Keys.Select(name => name + " only in the second"));
        return differences.Count == 0 ? "same entries, contents and times; the zip structure differs" : string.Join(", ", differences);
    }

    private static byte[] Hash(ZipArchiveEntry entry)
    {
        using Stream stream = entry.Open();
        return SHA256.HashData(stream);
    }
}
