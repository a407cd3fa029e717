using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using NetGen.Generator;
using Xunit;

namespace NetGen.Docs.Tests;

/// <summary>
/// docs/diagnostics.md: every diagnostic the generator can report has a row in the table and a wrong and a fixed example;
/// each wrong example gets exactly its id and nothing else, each fixed one no diagnostic at all and compiles cleanly.
/// </summary>
public sealed class DiagnosticsGuideTests
{
    /// <summary>Every id of src/Generator/Diagnostics/DiagnosticDescriptors.cs.</summary>
    public static IReadOnlyList<string> DescriptorIds { get; } = typeof(NetGenGenerator).Assembly
        .GetType("NetGen.Generator.DiagnosticDescriptors", throwOnError: true)!
        .GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id)
        .Order(StringComparer.Ordinal)
        .ToArray();

    public static TheoryData<string> Ids() => new(DescriptorIds);

    [Fact]
    public void The_descriptors_are_found()
    {
        Assert.Contains("NG0001", DescriptorIds);
        Assert.True(DescriptorIds.Count >= 27, string.Join(", ", DescriptorIds));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Every_diagnostic_has_a_row_and_a_wrong_and_a_fixed_example(string id)
    {
        string guide = Guides.Read("diagnostics.md");
        Assert.Contains($"<a id=\"{id.ToLowerInvariant()}\"></a>{id} |", guide, StringComparison.Ordinal);
        Assert.Contains(Guides.AllBlocks, b => b.Guide == "diagnostics.md" && b.Kind == "wrong" && b.Arguments.SequenceEqual([id]));
        Assert.Contains(Guides.AllBlocks, b => b.Guide == "diagnostics.md" && b.Kind == "fixed" && b.Arguments.SequenceEqual([id]));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_wrong_example_gets_exactly_its_id_and_the_fixed_one_none(string id)
    {
        foreach (CodeBlock wrong in Guides.AllBlocks.Where(b => b.Kind == "wrong" && b.Arguments.SequenceEqual([id])))
        {
            GuideCompilation compilation = GuideCompiler.Compile("Wrong", (wrong.Guide, Expand(wrong.Text)));
            string[] reported = compilation.GeneratorDiagnostics.Select(d => d.Id).Distinct().ToArray();
            Assert.True(reported.SequenceEqual([id]), $"{wrong}: expected exactly {id}, got:{Environment.NewLine}{compilation.Describe()}");
            // The declaration is valid C#: what is wrong is NetGen's to say.
            Assert.True(!compilation.CompilerDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error), $"{wrong}: {compilation.Describe()}");
        }
        foreach (CodeBlock @fixed in Guides.AllBlocks.Where(b => b.Kind == "fixed" && b.Arguments.SequenceEqual([id])))
        {
            GuideCompilation compilation = GuideCompiler.Compile("Fixed", (@fixed.Guide, Expand(@fixed.Text)));
            Assert.True(compilation.GeneratorDiagnostics.IsEmpty && compilation.CompilerDiagnostics.IsEmpty,
                $"{@fixed}: expected no diagnostic, got:{Environment.NewLine}{compilation.Describe()}");
            Assert.NotEmpty(compilation.GeneratedSources);
        }
    }

    [Fact]
    public void Every_example_names_a_known_id()
    {
        foreach (CodeBlock block in Guides.AllBlocks.Where(b => b.Kind is "wrong" or "fixed"))
        {
            Assert.True(block.Arguments.Count == 1 && DescriptorIds.Contains(block.Arguments[0]), $"{block}: '{string.Join(" ", block.Arguments)}' is not one id of DiagnosticDescriptors.");
        }
    }

    // A line ending in "// written N times" stands for N copies of itself (a declaration too long to show).
    private static string Expand(string text)
    {
        var expanded = new StringBuilder();
        foreach (string line in text.Split('\n'))
        {
            Match repeat = Regex.Match(line, @"^(.*?)\s*// written ([0-9,]+) times$");
            int count = repeat.Success ? int.Parse(repeat.Groups[2].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) : 1;
            for (int i = 0; i < count; i++)
            {
                expanded.Append(repeat.Success ? repeat.Groups[1].Value : line).Append('\n');
            }
        }
        return expanded.ToString();
    }
}
