using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace NetGen.Generator.Tests;

/// <summary>
/// Regression tests for generator bugs found by probing beyond the declared features: argument locations with
/// reordered named arguments, foreign attributes in a NetGen namespace, networks too large for one array, records,
/// file-local classes, and keywords used as names.
/// </summary>
public sealed class RegressionTests
{
    [Fact]
    public void Reordered_named_constructor_argument_is_located_by_name()
    {
        MarkedSource marked = MarkedSource.Parse(GeneratorHarness.Usings + """
            [Network, Input(2), Dense(3), Maxout(units: 4, [|pieces: 1|]), Dense(2), Maxout([|pieces: 1|], units: 4), Loss(LossKind.MeanSquaredError)]
            public partial class Named { }
            """);

        GeneratorRun run = GeneratorHarness.Run(marked.Source);

        Assert.Equal(marked.Spans, run.GeneratorDiagnostics.Where(d => d.Id == "NG0004").Select(d => d.Location.SourceSpan).OrderBy(s => s.Start));
    }

    [Fact]
    public void Other_attribute_in_a_NetGen_namespace_is_ignored()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            namespace NetGen { public sealed class Tag : System.Attribute { } }

            namespace Samples
            {
                using NetGen;

                [Network, Tag, Input(2), Dense(3), Loss(LossKind.MeanSquaredError)]
                internal partial class Tagged { }
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.GeneratedSources);
    }

    [Theory]
    [InlineData("Input(65536), Dense(65536)")]
    [InlineData("Input(50000), Dense(50000)")]
    [InlineData("Input(2048, 2048, 2048), Flatten, Dense(1)")]
    public void Network_too_large_for_one_float_array_is_an_error_not_wrapped_offsets(string layers)
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Usings + "[Network, " + layers + ", Loss(LossKind.MeanSquaredError)]\ninternal partial class Huge { }\n");

        Assert.Contains(run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void Network_on_a_record_is_reported_or_generated()
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Usings + "[Network, Input(2), Dense(3), Loss(LossKind.MeanSquaredError)]\ninternal partial record Recorded { }\n");

        Assert.True(run.GeneratorDiagnostics.Any(d => d.Id == "NG0012") || run.GeneratedSources.Length == 1);
    }

    [Fact]
    public void File_local_network_class_is_reported()
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Usings + "[Network, Input(2), Dense(3), Loss(LossKind.MeanSquaredError)]\nfile partial class Local { }\n");

        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "NG0012");
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void Keyword_class_name_is_escaped_in_generated_code()
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Usings + "[Network, Input(2), Dense(3), Loss(LossKind.MeanSquaredError)]\ninternal partial class @class { }\n");

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorHarness.Describe(run.OutputDiagnostics));
    }

    [Fact]
    public void Keyword_namespace_gives_a_valid_hint_name()
    {
        GeneratorRun run = GeneratorHarness.Run("using NetGen;\n\nnamespace Samples.@event;\n\n[Network, Input(2), Dense(3), Loss(LossKind.MeanSquaredError)]\ninternal partial class Eventful { }\n");

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.GeneratedSources);
        Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorHarness.Describe(run.OutputDiagnostics));
    }
}
