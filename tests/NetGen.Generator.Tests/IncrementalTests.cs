using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace NetGen.Generator.Tests;

/// <summary>
/// The pipeline's values are equatable, so an edit that does not change a network leaves planning and emission
/// cached. Each test runs the driver once, edits the compilation, runs the same driver again and reads the reasons
/// of the tracked steps (<see cref="NetGenGenerator.Steps"/>).
/// </summary>
public sealed class IncrementalTests
{
    private const string Model = GeneratorHarness.Usings + """
        [Network, Input(4), Dense(8, Activation = Activation.ReLU), Dense(3), Loss(LossKind.SoftmaxCrossEntropy)]
        public partial class Cached
        {
            public int Helper() => 1;
        }
        """;

    private static readonly IncrementalStepRunReason[] CachedOrUnchanged = { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged };

    [Fact]
    public void First_run_tracks_new_parse_and_plan_steps()
    {
        GeneratorRun run = GeneratorHarness.Run(Model);

        Assert.Equal(new[] { IncrementalStepRunReason.New }, Reasons(run, NetGenGenerator.Steps.Parse));
        Assert.Equal(new[] { IncrementalStepRunReason.New }, Reasons(run, NetGenGenerator.Steps.Plan));
    }

    [Fact]
    public void Adding_an_unrelated_file_leaves_parse_plan_and_emission_cached()
    {
        GeneratorRun first = GeneratorHarness.Run(Model);

        GeneratorRun second = GeneratorHarness.Run(first.Driver,
            first.Compilation.AddSyntaxTrees(GeneratorHarness.Parse("public class Unrelated { public int X => 2; }", "Unrelated.cs")));

        // The parse transform reads the semantic model, which a new file can change, so Roslyn re-runs it (Unchanged);
        // its equal output keeps the plan Cached.
        Assert.Subset(CachedOrUnchanged.ToHashSet(), Reasons(second, NetGenGenerator.Steps.Parse).ToHashSet());
        Assert.Equal(new[] { IncrementalStepRunReason.Cached }, Reasons(second, NetGenGenerator.Steps.Plan));
        AssertNotReEmitted(second);
        Assert.Equal(first.SingleSource, second.SingleSource);
    }

    [Theory]
    [InlineData("public int Helper() => 2;")]
    [InlineData("public int Helper() => 1 + 2 + 3 + 4 + 5;")]
    [InlineData("public int Helper() => 1;\n    public string Name { get; } = \"renamed\";")]
    public void Editing_a_member_of_the_network_class_re_parses_but_leaves_plan_and_emission_cached(string edited)
    {
        GeneratorRun first = GeneratorHarness.Run(Model);

        GeneratorRun second = GeneratorHarness.Run(first.Driver, Edit(first.Compilation, "public int Helper() => 1;", edited));

        Assert.Subset(CachedOrUnchanged.ToHashSet(), Reasons(second, NetGenGenerator.Steps.Parse).ToHashSet());
        Assert.Equal(new[] { IncrementalStepRunReason.Cached }, Reasons(second, NetGenGenerator.Steps.Plan));
        AssertNotReEmitted(second);
    }

    [Fact]
    public void Moving_the_declaration_changes_the_parse_but_not_the_plan_so_nothing_is_re_emitted()
    {
        GeneratorRun first = GeneratorHarness.Run(Model);

        // Lines above the class move every location the parser records; the plan holds no locations.
        GeneratorRun second = GeneratorHarness.Run(first.Driver, Edit(first.Compilation, "[Network", "// A comment that moves the declaration.\n[Network"));

        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(second, NetGenGenerator.Steps.Parse));
        Assert.Equal(new[] { IncrementalStepRunReason.Unchanged }, Reasons(second, NetGenGenerator.Steps.Plan));
        AssertNotReEmitted(second);
    }

    [Fact]
    public void Moving_a_declaration_with_a_warning_re_reports_it_at_the_new_location()
    {
        const string warned = GeneratorHarness.Usings + "[Network, Input(4), Flatten, Dense(3), Loss(LossKind.MeanSquaredError)]\npublic partial class Warned { }\n";
        GeneratorRun first = GeneratorHarness.Run(warned);
        int before = Assert.Single(first.GeneratorDiagnostics).Location.SourceSpan.Start;

        GeneratorRun second = GeneratorHarness.Run(first.Driver, Edit(first.Compilation, "[Network", "// moved\n[Network"));

        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(second, NetGenGenerator.Steps.Plan));
        Diagnostic moved = Assert.Single(second.GeneratorDiagnostics);
        Assert.Equal("NG0014", moved.Id);
        Assert.Equal(before + "// moved\n".Length, moved.Location.SourceSpan.Start);
        Assert.Equal("Flatten", second.Compilation.SyntaxTrees.Single().GetText().ToString(moved.Location.SourceSpan));
    }

    [Theory]
    [InlineData("Dense(8, Activation = Activation.ReLU)", "Dense(9, Activation = Activation.ReLU)")]
    [InlineData("Dense(8, Activation = Activation.ReLU)", "Dense(8, Activation = Activation.Tanh)")]
    [InlineData("Dense(8, Activation = Activation.ReLU)", "Maxout(8, 2)")]
    [InlineData("Input(4)", "Input(5)")]
    [InlineData("Loss(LossKind.SoftmaxCrossEntropy)", "Loss(LossKind.Hinge)")]
    public void Changing_a_layer_attribute_modifies_the_plan_and_the_generated_source(string before, string after)
    {
        GeneratorRun first = GeneratorHarness.Run(Model);

        GeneratorRun second = GeneratorHarness.Run(first.Driver, Edit(first.Compilation, before, after));

        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(second, NetGenGenerator.Steps.Parse));
        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(second, NetGenGenerator.Steps.Plan));
        Assert.NotEqual(first.SingleSource, second.SingleSource);
        Assert.Equal(GeneratorHarness.Run(second.Compilation).SingleSource, second.SingleSource);
    }

    [Fact]
    public void Removing_the_network_attribute_removes_the_generated_source()
    {
        GeneratorRun first = GeneratorHarness.Run(Model);

        GeneratorRun second = GeneratorHarness.Run(first.Driver, Edit(first.Compilation, "[Network, ", "["));

        Assert.Equal(new[] { IncrementalStepRunReason.Removed }, Reasons(second, NetGenGenerator.Steps.Parse));
        Assert.Empty(second.GeneratedSources);
    }

    private static CSharpCompilation Edit(CSharpCompilation compilation, string oldText, string newText)
    {
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        string text = tree.GetText().ToString();
        Assert.Contains(oldText, text, StringComparison.Ordinal);
        return compilation.ReplaceSyntaxTree(tree, GeneratorHarness.Parse(text.Replace(oldText, newText, StringComparison.Ordinal), tree.FilePath));
    }

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRun run, string step)
    {
        IncrementalGeneratorRunStep[] steps = run.Steps(step).ToArray();
        Assert.True(steps.Length > 0, $"step {step} did not run");
        return steps.SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
    }

    /// <summary>
    /// The emission step (fed by the plan step) saw no new input, so it did not run: its output is cached. The output
    /// that reports diagnostics is fed by the compilation too, so it runs after every edit, by design.
    /// </summary>
    private static void AssertNotReEmitted(GeneratorRun run)
    {
        IncrementalStepRunReason[] reasons = Reasons(run, NetGenGenerator.Steps.Emit).ToArray();
        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }
}
