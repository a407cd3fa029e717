using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace NetGen.Docs.Tests;

/// <summary>Every C# block of the guides is tested, every program has a test that runs it, and the guides' links resolve.</summary>
public sealed class GuideCoverageTests
{
    /// <summary>The programs the tests of this project build and run; a program added to a guide needs a test and a place here.</summary>
    private static readonly string[] TestedPrograms =
    [
        "data", "declarations", "embedded", "generated", "iris-predict", "iris-train", "onnx", "onnx-import", "saving", "threads", "training", "training-loop",
    ];

    private static readonly string[] CSharpKinds = ["program", "wrong", "fixed", "generated"];

    [Fact]
    public void Every_csharp_block_of_the_guides_is_compiled_by_a_test()
    {
        string[] untested = Guides.AllBlocks
            .Where(b => b.Language == "csharp" && !CSharpKinds.Contains(b.Kind))
            .Select(b => $"{b} ({(b.Kind is null ? "no test tag" : "tag '" + b.Kind + "'")})")
            .ToArray();
        Assert.True(untested.Length == 0,
            "C# blocks without a test tag (<!-- test: program NAME -->, wrong/fixed NGxxxx, generated NAME) on the line above:"
            + Environment.NewLine + string.Join(Environment.NewLine, untested));
    }

    [Fact]
    public void Every_program_of_the_guides_is_run_by_a_test()
    {
        Assert.Equal(TestedPrograms.Order(StringComparer.Ordinal), Guides.ProgramNames);
    }

    [Fact]
    public void Every_output_and_project_block_belongs_to_a_program()
    {
        foreach (CodeBlock block in Guides.AllBlocks.Where(b => b.Kind is "output" or "project"))
        {
            Assert.True(block.Arguments.Count == 1 && Guides.ProgramNames.Contains(block.Arguments[0]), $"{block}: '{block.Kind}' names no program of the guides.");
        }
    }

    [Fact]
    public void Every_guide_is_linked_from_the_readme_and_the_package_readme()
    {
        string root = Guides.RepositoryRoot();
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        string package = File.ReadAllText(Path.Combine(root, "src", "Runtime", "PACKAGE.md"));
        foreach (string guide in Directory.GetFiles(Guides.Folder, "*.md").Select(path => Path.GetFileName(path)))
        {
            Assert.True(readme.Contains($"](docs/{guide})", StringComparison.Ordinal), $"README.md does not link docs/{guide}.");
            Assert.True(package.Contains($"](../../docs/{guide})", StringComparison.Ordinal), $"src/Runtime/PACKAGE.md does not link docs/{guide}.");
        }
    }

    [Fact]
    public void Relative_links_of_the_guides_and_the_readmes_point_at_files_that_exist()
    {
        string root = Guides.RepositoryRoot();
        string[] documents = Directory.GetFiles(Guides.Folder, "*.md")
            .Append(Path.Combine(root, "README.md"))
            .Append(Path.Combine(root, "src", "Runtime", "PACKAGE.md"))
            .ToArray();
        var broken = new List<string>();
        foreach (string document in documents)
        {
            foreach (Match link in Regex.Matches(File.ReadAllText(document), @"\]\(([^)\s]+)\)"))
            {
                string target = link.Groups[1].Value;
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith('#') || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }
                string path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(document)!, target.Split('#')[0]));
                if (!File.Exists(path) && !Directory.Exists(path))
                {
                    broken.Add($"{Path.GetRelativePath(root, document)}: {target}");
                }
            }
        }
        Assert.True(broken.Count == 0, "Links to missing files:" + Environment.NewLine + string.Join(Environment.NewLine, broken));
    }
}
