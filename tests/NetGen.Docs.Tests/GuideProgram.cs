using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using NetGen.Package.Tests;
using Xunit;

namespace NetGen.Docs.Tests;

/// <summary>
/// A program of the guides, compiled from its tagged blocks and written as an app (its assembly, a runtimeconfig and the
/// runtime's assemblies) into a folder of its own, so that it runs as a child process: in a working folder of the test's
/// choosing, with its own console, exit code and process (a second program really is another process).
/// </summary>
internal sealed class GuideProgram
{
    // Well above the few seconds the guides' programs take on small data on two busy cores, so that a hang fails the test.
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    private GuideProgram(string name, string appPath, GuideCompilation compilation)
    {
        Name = name;
        AppPath = appPath;
        Compilation = compilation;
    }

    public string Name { get; }

    /// <summary>The program's assembly, ready for <c>dotnet APP</c>.</summary>
    public string AppPath { get; }

    public GuideCompilation Compilation { get; }

    /// <summary>
    /// Compiles the program <paramref name="name"/> of the guides and writes it into <paramref name="folder"/>/bin-NAME;
    /// the generator is handed <paramref name="additionalFiles"/> (path as the project lists it, bytes) if given, else <see cref="OnnxModels"/>.
    /// </summary>
    public static GuideProgram Build(string name, string folder, IReadOnlyList<(string Listed, byte[] Bytes)>? additionalFiles = null)
    {
        var sources = Sources(name);
        GuideCompilation compilation = Compile(name, additionalFiles);
        byte[] image = compilation.Emit();

        string bin = Directory.CreateDirectory(Path.Combine(folder, "bin-" + name)).FullName;
        string app = Path.Combine(bin, name + ".dll");
        File.WriteAllBytes(app, image);
        File.WriteAllText(Path.Combine(bin, name + ".runtimeconfig.json"), """
            {
              "runtimeOptions": {
                "tfm": "net10.0",
                "framework": { "name": "Microsoft.NETCore.App", "version": "10.0.0" }
              }
            }
            """);
        // Without a deps.json the host loads every assembly of the app's folder: the runtime and its dependencies.
        foreach (string dependency in Directory.GetFiles(AppContext.BaseDirectory, "*.dll").Where(IsRuntimeAssembly))
        {
            File.Copy(dependency, Path.Combine(bin, Path.GetFileName(dependency)), overwrite: true);
        }
        if (sources.Any(s => s.Text.Contains("using Microsoft.ML.OnnxRuntime;", StringComparison.Ordinal)))
        {
            // ONNX Runtime: its managed assembly, and its native library where DllImport looks first, beside the app.
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Microsoft.ML.OnnxRuntime.dll"), Path.Combine(bin, "Microsoft.ML.OnnxRuntime.dll"), overwrite: true);
            string native = Path.Combine(AppContext.BaseDirectory, "runtimes", System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, "native");
            foreach (string library in Directory.GetFiles(native))
            {
                File.Copy(library, Path.Combine(bin, Path.GetFileName(library)), overwrite: true);
            }
        }
        return new GuideProgram(name, app, compilation);
    }

    /// <summary>Compiles the program <paramref name="name"/> of the guides as <see cref="Build"/> does, without emitting it.</summary>
    public static GuideCompilation Compile(string name, IReadOnlyList<(string Listed, byte[] Bytes)>? additionalFiles = null) =>
        additionalFiles is null
            ? GuideCompiler.Compile(name.Replace('-', '_'), Sources(name))
            : GuideCompiler.Compile(name.Replace('-', '_'), additionalFiles, Sources(name));

    private static (string Path, string Text)[] Sources(string name) =>
        Guides.Program(name).Select((b, i) => (Path: FileName(b, i), b.Text)).ToArray();

    /// <summary>Runs the program in <paramref name="workingFolder"/>; fails unless it exits with 0.</summary>
    public string Run(string workingFolder, params string[] arguments)
    {
        CommandResult result = DotnetCli.Run(workingFolder, RunTimeout, [AppPath, .. arguments]);
        Assert.True(result.ExitCode == 0, $"{Name}: {result}");
        return result.Output;
    }

    /// <summary>Runs the program in <paramref name="workingFolder"/> expecting it to fail; returns its output.</summary>
    public CommandResult RunFailing(string workingFolder, params string[] arguments)
    {
        CommandResult result = DotnetCli.Run(workingFolder, RunTimeout, [AppPath, .. arguments]);
        Assert.True(result.ExitCode != 0, $"{Name} was expected to fail: {result}");
        return result;
    }

    /// <summary>
    /// Checks <paramref name="output"/> against the guide's <c>output NAME</c> block: every line of the block must match
    /// a line of the output, in order (with <c>...</c> matching any text within a line); a block line <c>...</c> alone lets
    /// any number of output lines pass. Without a <c>...</c> line, the output must have exactly the block's lines.
    /// </summary>
    public static void AssertMatchesGuideOutput(string name, string output)
    {
        CodeBlock block = Assert.Single(Guides.AllBlocks, b => b.Kind == "output" && b.Arguments.Contains(name));
        string[] expected = block.Text.TrimEnd('\n').Split('\n');
        string[] actual = output.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
        int a = 0;
        bool skipping = false;
        foreach (string line in expected)
        {
            if (line == "...")
            {
                skipping = true;
                continue;
            }
            var pattern = new Regex("^" + string.Join(".*", line.Split("...").Select(Regex.Escape)) + "$");
            while (a < actual.Length && !pattern.IsMatch(actual[a]))
            {
                Assert.True(skipping, $"{block}: expected line '{line}', the program printed '{actual[a]}'.{Environment.NewLine}Output:{Environment.NewLine}{output}");
                a++;
            }
            Assert.True(a < actual.Length, $"{block}: the line '{line}' is missing from the program's output:{Environment.NewLine}{output}");
            a++;
            skipping = false;
        }
        Assert.True(skipping || a == actual.Length, $"{block}: the program printed more lines than the guide shows, from '{(a < actual.Length ? actual[a] : "")}'.{Environment.NewLine}Output:{Environment.NewLine}{output}");
    }

    // NetGen.Runtime and what it depends on (System.IO.Hashing, Spectre.Console and its parts), NetGen.Onnx and Google.Protobuf.
    private static bool IsRuntimeAssembly(string path) =>
        Path.GetFileName(path) is "NetGen.Runtime.dll" or "System.IO.Hashing.dll" or "NetGen.Onnx.dll" or "Google.Protobuf.dll"
        || Path.GetFileName(path).StartsWith("Spectre.Console", StringComparison.Ordinal);

    // The file name a block is shown under ("// IrisNetwork.cs" as its first line), else one of its own.
    private static string FileName(CodeBlock block, int index)
    {
        Match named = Regex.Match(block.Text, @"\A// (\w+\.cs)\n");
        return named.Success ? named.Groups[1].Value : $"{Path.GetFileNameWithoutExtension(block.Guide)}-{block.Line}-{index}.cs";
    }
}
