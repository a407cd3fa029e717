// ElfVersionPatcher: marks version needs of an ELF shared object as weak (VER_FLG_WEAK), in place and idempotently.
//
// Why: TorchSharp-cpu 0.107.0's libLibTorchSharp.so was linked against a libstdc++ newer than Debian 12's. Its version
// needs ask libstdc++.so.6 for GLIBCXX_3.4.32, which Debian 12's libstdc++ (GCC 12) does not define (it stops at
// GLIBCXX_3.4.30), so the dynamic linker refuses to load the library and every TorchSharp call throws. The only symbol
// bound to that version is std::ios_base_library_init(), which GCC 13's <iostream> references to pin the library but
// which is never called. A version need marked VER_FLG_WEAK makes glibc's loader tolerate the missing version (it only
// reports it under LD_VERBOSE), and the unresolved, never-called function is left to lazy binding.
//
// What: for each version name given, find every Vernaux entry of .gnu.version_r whose vna_name is that name and set
// vna_flags |= VER_FLG_WEAK. Only those 2-byte fields change. The file is rewritten through a temporary file and a
// rename, so a hard- or symbolic link into the NuGet cache is replaced rather than written through, and it keeps its
// permissions and modification time, so that MSBuild's incremental copy (which compares size and time) keeps the patched
// copy instead of overwriting it with the package's original on every build. A file whose needs are already weak is left
// untouched.
//
// Errors are printed in MSBuild's canonical format ("origin : error CODE: text"), so an Exec task shows them as build
// errors, and the exit code is 1. An unexpected layout, or a version the file does not need, is an error: a silently
// skipped patch would surface only later as a DllNotFoundException in the tests.
//
// Usage: dotnet ElfVersionPatcher.dll <shared-object> <version-name> [<version-name>...]
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NetGen.Tools;

if (args.Length < 2)
{
    return Fail("EVP001", "usage: ElfVersionPatcher <shared-object> <version-name> [<version-name>...]");
}
string path = args[0];
string[] versions = args[1..];
try
{
    byte[] image = File.ReadAllBytes(path);
    List<VersionNeed> needs = ElfVersionNeeds.Read(image);

    var toPatch = new List<VersionNeed>();
    foreach (string version in versions)
    {
        VersionNeed[] matches = needs.Where(need => need.Version == version).ToArray();
        if (matches.Length == 0)
        {
            return Fail("EVP002", $"{path}: it needs no version {version} (its needs: {string.Join(", ", needs.Select(n => n.Version).Distinct())}). "
                + "The package changed: check with 'readelf -V' whether the patch is still needed and update the build target.");
        }
        toPatch.AddRange(matches.Where(need => !need.IsWeak));
    }
    if (toPatch.Count == 0)
    {
        Console.WriteLine($"ElfVersionPatcher: {path}: {string.Join(", ", versions)} already weak; unchanged.");
        return 0;
    }

    foreach (VersionNeed need in toPatch)
    {
        ushort flags = (ushort)(need.Flags | ElfVersionNeeds.WeakFlag);
        image[need.FlagsOffset] = (byte)flags;
        image[need.FlagsOffset + 1] = (byte)(flags >> 8);
    }

    // Re-read the patched image: exactly the requested needs (and no other) must have changed, and only by the weak flag.
    List<VersionNeed> after = ElfVersionNeeds.Read(image);
    for (int i = 0; i < needs.Count; i++)
    {
        bool requested = versions.Contains(needs[i].Version);
        ushort expected = requested ? (ushort)(needs[i].Flags | ElfVersionNeeds.WeakFlag) : needs[i].Flags;
        if (after[i].Version != needs[i].Version || after[i].Flags != expected)
        {
            return Fail("EVP003", $"{path}: internal error, version need {i} ({needs[i].Version}) reads back with flags {after[i].Flags}, expected {expected}.");
        }
    }

    // Replace the file instead of writing into it (see the header), keeping its mode and timestamp.
    DateTime modified = File.GetLastWriteTimeUtc(path);
    UnixFileMode mode = OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(path);
    string temporary = path + ".weakening";
    File.WriteAllBytes(temporary, image);
    if (!OperatingSystem.IsWindows())
    {
        File.SetUnixFileMode(temporary, mode);
    }
    File.SetLastWriteTimeUtc(temporary, modified);
    File.Move(temporary, path, overwrite: true);

    foreach (VersionNeed need in toPatch)
    {
        Console.WriteLine($"ElfVersionPatcher: {path}: marked {need.File} {need.Version} weak (vna_flags at 0x{need.FlagsOffset:x}: {need.Flags} -> {need.Flags | ElfVersionNeeds.WeakFlag}).");
    }
    return 0;
}
catch (FormatException e)
{
    return Fail("EVP004", $"{path}: unexpected ELF layout: {e.Message}. Nothing was changed.");
}
catch (IOException e)
{
    return Fail("EVP005", $"{path}: {e.Message}");
}
catch (UnauthorizedAccessException e)
{
    return Fail("EVP005", $"{path}: {e.Message}");
}

static int Fail(string code, string message)
{
    Console.Error.WriteLine($"ElfVersionPatcher : error {code}: {message}");
    return 1;
}
