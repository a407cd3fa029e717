using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using Xunit;

namespace NetGen.Generator.Tests;

/// <summary>
/// Byte-for-byte comparison of generated source with an expected file in <c>Snapshots/</c> next to this file.
/// </summary>
/// <remarks>
/// After an intentional change to the emitted code, regenerate the expected files and commit them with the change,
/// so that review sees the difference:
/// <code>NETGEN_UPDATE_SNAPSHOTS=1 dotnet test tests/NetGen.Generator.Tests</code>
/// With that variable set, a snapshot test rewrites its file (creating it if missing) and passes; otherwise a
/// mismatch fails with the first differing line.
/// </remarks>
internal static class Snapshot
{
    public const string UpdateVariable = "NETGEN_UPDATE_SNAPSHOTS";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static void AssertMatches(string actual, string fileName, [CallerFilePath] string callerPath = "")
    {
        string sourceDirectory = Path.Combine(Path.GetDirectoryName(callerPath) ?? "", "Snapshots");
        string path = Path.Combine(sourceDirectory, fileName);
        byte[] actualBytes = Utf8.GetBytes(actual);

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Assert.True(Directory.Exists(sourceDirectory), $"cannot update snapshots: the source directory {sourceDirectory} does not exist (is the build's PathMap hiding it?)");
            File.WriteAllBytes(path, actualBytes);
            return;
        }

        if (!File.Exists(path))
        {
            // The source tree is not where the compiler saw it (mapped paths): use the copy in the output directory.
            path = Path.Combine(AppContext.BaseDirectory, "Snapshots", fileName);
        }
        Assert.True(File.Exists(path), $"snapshot {fileName} does not exist; run with {UpdateVariable}=1 to create it");
        byte[] expectedBytes = File.ReadAllBytes(path);
        if (expectedBytes.AsSpan().SequenceEqual(actualBytes))
        {
            return;
        }
        Assert.Fail($"generated source differs from {path}:{Environment.NewLine}{FirstDifference(Utf8.GetString(expectedBytes), actual)}"
            + $"{Environment.NewLine}If the change is intended, run with {UpdateVariable}=1 and commit the updated snapshot.");
    }

    /// <summary>Describes the first differing line (line endings count: the emitter writes \n only).</summary>
    internal static string FirstDifference(string expected, string actual)
    {
        string[] expectedLines = expected.Split('\n');
        string[] actualLines = actual.Split('\n');
        for (int i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            string? e = i < expectedLines.Length ? expectedLines[i] : null;
            string? a = i < actualLines.Length ? actualLines[i] : null;
            if (e != a)
            {
                return $"line {i + 1}:{Environment.NewLine}  expected: {Show(e)}{Environment.NewLine}  actual:   {Show(a)}";
            }
        }
        return "the texts differ only in encoding";
    }

    private static string Show(string? line) =>
        line is null ? "<end of file>" : line.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);
}
