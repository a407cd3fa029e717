using System;
using System.IO;
using System.Linq;
using Xunit;

namespace NetGen.Docs.Tests;

/// <summary>docs/generated-code.md: its excerpts appear, in order, in the code generated for its declaration, and its program runs.</summary>
public sealed class GeneratedCodeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-docs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Every_excerpt_is_in_the_generated_code_in_the_guides_order()
    {
        CodeBlock[] excerpts = Guides.AllBlocks.Where(b => b.Kind == "generated").ToArray();
        Assert.NotEmpty(excerpts);
        foreach (IGrouping<string, CodeBlock> program in excerpts.GroupBy(b => Assert.Single(b.Arguments)))
        {
            GuideProgram built = GuideProgram.Build(program.Key, _folder);
            string generated = Normalize(string.Concat(built.Compilation.GeneratedSources.Values));
            int position = 0;
            foreach (CodeBlock excerpt in program)
            {
                foreach (string part in excerpt.Text.Split("\n// ...\n"))
                {
                    string text = Normalize(part);
                    int found = generated.IndexOf(text, position, StringComparison.Ordinal);
                    Assert.True(found >= 0, $"{excerpt}: this part is not in the generated code (after the previous excerpt):{Environment.NewLine}{text}");
                    position = found + text.Length;
                }
            }
        }
    }

    [Fact]
    public void The_program_prints_the_generated_constants()
    {
        GuideProgram program = GuideProgram.Build("generated", _folder);
        GuideProgram.AssertMatchesGuideOutput("generated", program.Run(_folder));
    }

    // Lines without their indentation: an excerpt shows code at the indentation that reads best.
    private static string Normalize(string text) =>
        string.Join("\n", text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim('\n').Split('\n').Select(l => l.TrimStart()));
}
