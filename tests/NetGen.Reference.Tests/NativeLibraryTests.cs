using System;
using System.IO;
using System.Linq;
using NetGen.Tools;
using Xunit;

namespace NetGen.Reference.Tests;

/// <summary>
/// The build's patch of TorchSharp's native library (target WeakenLibTorchSharpVersionNeed in the project file, tool
/// tests/ElfVersionPatcher): applied to the output folder's copy, to exactly one version need, and never to the package.
/// </summary>
public sealed class NativeLibraryTests
{
    private const string PatchedVersion = "GLIBCXX_3.4.32";

    private static string OutputCopy => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Fact]
    public void The_output_copy_of_LibTorchSharp_needs_GLIBCXX_3_4_32_weakly_and_every_other_version_as_before()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // the patch and the library exist only on Linux
        }
        var needs = ElfVersionNeeds.Read(File.ReadAllBytes(OutputCopy));

        VersionNeed patched = Assert.Single(needs, need => need.Version == PatchedVersion);
        Assert.Equal("libstdc++.so.6", patched.File);
        Assert.True(patched.IsWeak, $"{OutputCopy} still needs {PatchedVersion} strictly: the build did not patch it.");
        Assert.All(needs.Where(need => need.Version != PatchedVersion), need => Assert.Equal(0, need.Flags));
    }

    [Fact]
    public void The_package_in_the_NuGet_cache_is_left_unpatched()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string original = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!File.Exists(original))
        {
            return; // restored elsewhere (a custom globalPackagesFolder): nothing to check here
        }
        VersionNeed need = Assert.Single(ElfVersionNeeds.Read(File.ReadAllBytes(original)), need => need.Version == PatchedVersion);
        Assert.False(need.IsWeak, $"{original} was patched: the build must patch only its output folder's copy.");
    }

    [Fact]
    public void The_ELF_reader_rejects_files_that_are_not_64_bit_little_endian_ELF_objects()
    {
        FormatException notElf = Assert.Throws<FormatException>(() => ElfVersionNeeds.Read(new byte[100]));
        Assert.Contains("bad magic number", notElf.Message);

        byte[] elf32 = new byte[100];
        new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 1, 1, 1 }.CopyTo(elf32, 0);
        Assert.Contains("not a 64-bit ELF file", Assert.Throws<FormatException>(() => ElfVersionNeeds.Read(elf32)).Message);

        Assert.Contains("shorter than an ELF64 header", Assert.Throws<FormatException>(() => ElfVersionNeeds.Read(new byte[10])).Message);
    }

    [Fact]
    public void The_ELF_reader_rejects_a_truncated_library_instead_of_reading_past_its_end()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        byte[] library = File.ReadAllBytes(OutputCopy);
        // The section header table sits at the end of the file: cutting the last kilobyte leaves it incomplete.
        FormatException error = Assert.Throws<FormatException>(() => ElfVersionNeeds.Read(library.AsSpan(0, library.Length - 1024)));
        Assert.Contains("section header", error.Message);
    }

    [Fact]
    public void The_ELF_hash_of_a_version_name_is_the_System_V_one()
    {
        // Values from the Vernaux entries of libLibTorchSharp.so, as readelf and the linker computed them.
        Assert.Equal(0x08922974u, ElfVersionNeeds.Hash("GLIBCXX_3.4"));
        Assert.Equal(0x0d696914u, ElfVersionNeeds.Hash("GLIBC_2.4"));
    }
}
