using System;
using System.IO;

namespace NetGen;

/// <summary>
/// Opens the files the runtime reads (datasets, checkpoints) so that every failure is an <see cref="IOException"/> that
/// names the file and what is wrong with it: .NET reports a directory, or a file the process may not read, as
/// <see cref="UnauthorizedAccessException"/> "Access to the path is denied", which is neither.
/// </summary>
internal static class ReadableFile
{
    /// <summary>Opens <paramref name="path"/> for reading, sharing it with other readers only.</summary>
    /// <param name="path">The file.</param>
    /// <param name="kind">What the file should be, for messages: "MNIST file", "Checkpoint", "CSV file".</param>
    /// <param name="bufferSize">The <see cref="FileStream"/> buffer (0 for none).</param>
    /// <param name="options">The <see cref="FileStream"/> options.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DirectoryNotFoundException">A folder of the path does not exist.</exception>
    /// <exception cref="IOException">The path is a directory, or the file cannot be read.</exception>
    public static FileStream Open(string path, string kind, int bufferSize, FileOptions options = FileOptions.None)
    {
        if (Directory.Exists(path))
        {
            throw new IOException($"{kind} '{path}' is a directory, not a file. Pass the path of the file itself.");
        }
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize, options);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException(
                $"{kind} '{path}' cannot be read: the operating system denied access ({e.Message}). Check the file's permissions.", e);
        }
    }
}
