using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace NetGen.Generator.Tests;

/// <summary>
/// IntelliSense explains generated members: public networks of every layer kind and output form, compiled with
/// documentation diagnosed and CS1591 (missing XML comment) as an error, have no documentation warning at all.
/// </summary>
public sealed class GeneratedDocumentationTests
{
    private const string Networks = GeneratorHarness.Usings + """
        /// <summary>Dense, maxout, dropout and batch normalization; class labels.</summary>
        [Network, Input(6), Dense(8, Activation = Activation.LeakyReLU, Alpha = 0.1f), BatchNorm(Activation = Activation.ReLU), Maxout(5, 3), Dropout(0.2), Dense(3), Loss(LossKind.SoftmaxCrossEntropy)]
        public partial class Classifier { }

        /// <summary>Convolution, pooling, residual blocks with and without projection, global average pooling.</summary>
        [Network, Input(2, 9, 9), Conv2D(4, 3, Padding = 1, Activation = Activation.ReLU), BatchNorm, ResidualStart, Conv2D(4, 3, Padding = ConvPadding.Same, Activation = Activation.ELU), ResidualEnd(Activation = Activation.ReLU),
         MaxPool2D(2), ResidualStart, Conv2D(6, 3, Stride = 2, Padding = 1, Bias = false), ResidualEnd, AvgPool2D(2, Stride = 1), GlobalAvgPool, Dense(4), Loss(LossKind.Hinge)]
        public partial class Convolutional { }

        /// <summary>Flatten, multi-label sigmoid outputs.</summary>
        [Network, Input(1, 4, 4), Conv2D(2, 2, 3, Dilation = 1, Activation = Activation.Softplus), Flatten, ResidualStart, Dense(5, Activation = Activation.Tanh), ResidualEnd, Dense(3, Activation = Activation.Sigmoid), Loss(LossKind.BinaryCrossEntropy)]
        public partial class Tagger { }

        /// <summary>One regression output.</summary>
        [Network, Input(3), Dense(4, Activation = Activation.Sigmoid), Dense(1), Loss(LossKind.MeanSquaredError)]
        public partial class Regressor { }

        /// <summary>Several regression outputs, L1.</summary>
        [Network, Input(3), Dense(2), Loss(LossKind.L1)]
        public partial class MultiRegressor { }

        /// <summary>One hinge output with targets -1 and +1.</summary>
        [Network, Input(3), Dense(1), Loss(LossKind.Hinge)]
        public partial class Margin { }
        """;

    // CS1570-CS1599: documentation comment warnings (missing, malformed, unresolved cref, wrong param name, ...);
    // CS1710-CS1739: duplicate, misplaced or missing param and typeparam tags.
    private static bool IsDocumentationWarning(Diagnostic d) =>
        d.Id.Length == 6 && d.Id.StartsWith("CS", StringComparison.Ordinal) && int.TryParse(d.Id.AsSpan(2), out int n)
        && (n is >= 1570 and <= 1599 || n is >= 1710 and <= 1739);

    private static IReadOnlyList<Diagnostic> DocumentationProblems(string source)
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(source);
        compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(
            new Dictionary<string, ReportDiagnostic> { ["CS1591"] = ReportDiagnostic.Error }));
        GeneratorOutput output = GeneratorOutput.Run(compilation);
        Assert.Null(output.Exception);
        Assert.DoesNotContain(output.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(compilation.SyntaxTrees.Count(), output.Compilation.SyntaxTrees.Count() - output.GeneratedSources.Length);
        return output.Compilation.GetDiagnostics().Where(d => IsDocumentationWarning(d) || d.Severity == DiagnosticSeverity.Error).ToList();
    }

    [Fact]
    public void Generated_public_members_of_every_layer_kind_and_output_form_are_documented()
    {
        IReadOnlyList<Diagnostic> problems = DocumentationProblems(Networks);

        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));
    }

    [Fact]
    public void Missing_documentation_is_detected_in_the_same_setting()
    {
        // The negative control: an undocumented public member next to the networks is reported (as an error here),
        // so the test above would see one in generated code.
        IReadOnlyList<Diagnostic> problems = DocumentationProblems(Networks + "\n/// <summary>Has one undocumented member.</summary>\npublic static class Helper { public static int Undocumented => 1; }\n");

        Diagnostic missing = Assert.Single(problems);
        Assert.Equal("CS1591", missing.Id);
        Assert.Equal(DiagnosticSeverity.Error, missing.Severity);
    }
}
