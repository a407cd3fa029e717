using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace NetGen.Docs.Tests;

/// <summary>
/// One fenced code block of a guide, with the test tag on the line above it: <c>&lt;!-- test: KIND ARGS --&gt;</c>.
/// The tags the tests understand:
/// <list type="bullet">
/// <item><c>program NAME [NAME...]</c>: a source file of each named program (one file per program holds its top-level statements).</item>
/// <item><c>wrong NGxxxx</c> / <c>fixed NGxxxx</c>: a declaration that must get exactly that diagnostic id, and its correction that must get none.</item>
/// <item><c>generated NAME</c>: an excerpt of the code generated for program NAME; lines <c>// ...</c> separate parts that must appear in order.</item>
/// <item><c>output NAME</c> (a text block): lines the program prints; <c>...</c> stands for any run of text within a line, and a line
/// <c>...</c> alone for any lines.</item>
/// </list>
/// </summary>
/// <param name="Guide">The guide's file name, e.g. <c>training.md</c>.</param>
/// <param name="Line">The line of the opening fence, from 1.</param>
/// <param name="Language">The fence's language, e.g. <c>csharp</c>.</param>
/// <param name="Kind">The tag's first word, or null when the block has no tag.</param>
/// <param name="Arguments">The tag's further words.</param>
/// <param name="Text">The block's text, with a final line break.</param>
internal sealed record CodeBlock(string Guide, int Line, string Language, string? Kind, IReadOnlyList<string> Arguments, string Text)
{
    public override string ToString() => $"{Guide} line {Line}";
}

/// <summary>The guides in docs/ and their tagged code blocks.</summary>
internal static class Guides
{
    private const string TagStart = "<!-- test:", TagEnd = "-->";

    /// <summary>The repository's docs/ folder.</summary>
    public static string Folder { get; } = Path.Combine(RepositoryRoot(), "docs");

    /// <summary>Every guide's code blocks, in file and then line order.</summary>
    public static IReadOnlyList<CodeBlock> AllBlocks { get; } = Directory.GetFiles(Folder, "*.md")
        .Order(StringComparer.Ordinal)
        .SelectMany(path => Parse(Path.GetFileName(path), File.ReadAllText(path)))
        .ToArray();

    /// <summary>The text of a guide.</summary>
    public static string Read(string guide) => File.ReadAllText(Path.Combine(Folder, guide));

    /// <summary>The code blocks of a markdown text.</summary>
    public static IEnumerable<CodeBlock> Parse(string guide, string markdown)
    {
        string[] lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (!line.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }
            string language = line[3..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
            string? kind = null;
            string[] arguments = [];
            if (i > 0 && lines[i - 1].StartsWith(TagStart, StringComparison.Ordinal))
            {
                string tag = lines[i - 1];
                if (!tag.EndsWith(TagEnd, StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"{guide} line {i}: a test tag must end on its line with '{TagEnd}'.");
                }
                string[] words = tag[TagStart.Length..^TagEnd.Length].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words.Length == 0)
                {
                    throw new InvalidDataException($"{guide} line {i}: an empty test tag.");
                }
                kind = words[0];
                arguments = words[1..];
            }
            var text = new StringBuilder();
            int start = i + 1;
            for (i++; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++)
            {
                text.Append(lines[i]).Append('\n');
            }
            if (i == lines.Length)
            {
                throw new InvalidDataException($"{guide} line {start}: the code block is not closed.");
            }
            yield return new CodeBlock(guide, start, language, kind, arguments, text.ToString());
        }
    }

    /// <summary>The blocks of the program <paramref name="name"/>, in guide order.</summary>
    public static IReadOnlyList<CodeBlock> Program(string name)
    {
        CodeBlock[] blocks = AllBlocks.Where(b => b.Kind == "program" && b.Arguments.Contains(name)).ToArray();
        if (blocks.Length == 0)
        {
            throw new InvalidOperationException($"No guide in docs/ has a block tagged 'program {name}'.");
        }
        return blocks;
    }

    /// <summary>The names of every program of the guides.</summary>
    public static IReadOnlyList<string> ProgramNames =>
        AllBlocks.Where(b => b.Kind == "program").SelectMany(b => b.Arguments).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The folder holding NetGen.sln, above the test's output folder.</summary>
    public static string RepositoryRoot()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "NetGen.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"No NetGen.sln above '{AppContext.BaseDirectory}'; the docs tests run from the repository's build output.");
    }
}
