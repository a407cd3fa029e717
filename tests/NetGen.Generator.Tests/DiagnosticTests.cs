using System;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace NetGen.Generator.Tests;

/// <summary>
/// One test per diagnostic: a bad declaration, the id, the exact span the diagnostic points at (marked <c>[|...|]</c>),
/// and its message. A declaration with an error generates no source.
/// </summary>
public sealed partial class DiagnosticTests
{
    [Fact]
    public void Class_without_partial_reports_NG0001_at_the_class_name()
    {
        Expect("NG0001", """
            [Network, Input(2), Dense(1), Loss(LossKind.MeanSquaredError)]
            public class [|NotPartial|] { }
            """,
            "Network class 'NotPartial' must be declared 'partial' so that NetGen can add the generated members; add the 'partial' modifier");
    }

    [Fact]
    public void Network_without_input_reports_NG0002_at_the_network_attribute()
    {
        Expect("NG0002", """
            [[|Network|], Dense(1), Loss(LossKind.MeanSquaredError)]
            public partial class NoInput { }
            """,
            "Network 'NoInput' declares no input shape; add [Input(features)] or [Input(channels, height, width)]");
    }

    [Fact]
    public void Network_without_layers_reports_NG0003_at_the_network_attribute()
    {
        Expect("NG0003", """
            [[|Network|], Input(2), Loss(LossKind.MeanSquaredError)]
            public partial class NoLayers { }
            """,
            "Network 'NoLayers' declares no layers; add at least one layer such as [Dense(10)]");
    }

    [Fact]
    public void Network_with_only_a_flatten_reports_NG0003_because_flatten_computes_nothing()
    {
        Expect("NG0003", """
            [[|Network|], Input(1, 2, 2), Flatten, Loss(LossKind.MeanSquaredError)]
            public partial class OnlyFlatten { }
            """,
            "Network 'OnlyFlatten' declares no layers; add at least one layer such as [Dense(10)]");
    }

    [Theory]
    [InlineData("Dense([|0|])", "Layer 1 (Dense(0)): units must be at least 1, but is 0")]
    [InlineData("Dense([|-3|], Activation = Activation.ReLU)", "Layer 1 (Dense(-3)): units must be at least 1, but is -3")]
    [InlineData("Maxout(4, [|1|])", "Layer 1 (Maxout(4, 1)): pieces must be at least 2, but is 1")]
    [InlineData("Maxout([|0|], 3)", "Layer 1 (Maxout(0, 3)): units must be at least 1, but is 0")]
    public void Layer_size_below_its_minimum_reports_NG0004_at_the_argument(string layer, string message)
    {
        Expect("NG0004", "[Network, Input(2), " + layer + ", Dense(2), Loss(LossKind.MeanSquaredError)]\npublic partial class BadSize { }", message);
    }

    [Fact]
    public void Maxout_with_zero_units_and_one_piece_reports_NG0004_at_both_arguments()
    {
        Expect("NG0004", """
            [Network, Input(2), Dense(3), Maxout([|0|], [|1|]), Loss(LossKind.MeanSquaredError)]
            public partial class BadMaxout { }
            """,
            "Layer 2 (Maxout(0, 1)): units must be at least 1, but is 0",
            "Layer 2 (Maxout(0, 1)): pieces must be at least 2, but is 1");
    }

    [Fact]
    public void Network_without_loss_reports_NG0005_as_information_at_the_network_attribute_and_generates_an_inference_only_class()
    {
        GeneratorRun run = Expect("NG0005", """
            /// <summary>A public class, so that the generated public members' XML documentation is diagnosed too.</summary>
            [[|Network|], Input(2), Dense(1)]
            public partial class NoLoss { }
            """,
            "Network 'NoLoss' declares no loss, so it is inference-only: it implements INetwork (Forward, Predict, export, checkpoints) but not ITrainableNetwork, and has no TrainStep; add [Loss(LossKind.SoftmaxCrossEntropy)] or another LossKind to train it");

        Assert.Equal(DiagnosticSeverity.Info, run.GeneratorDiagnostics.Single().Severity);
        Assert.Contains("partial class NoLoss : global::NetGen.INetwork,", run.SingleSource, StringComparison.Ordinal);
        Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorHarness.Describe(run.OutputDiagnostics));
    }

    [Fact]
    public void Loss_outside_the_enum_reports_NG0006_at_the_loss_attribute()
    {
        Expect("NG0006", """
            [Network, Input(2), Dense(1), [|Loss((LossKind)42)|]]
            public partial class UnknownLoss { }
            """,
            "'42' is not a LossKind; use one of MeanSquaredError, L1, Hinge, SoftmaxCrossEntropy, BinaryCrossEntropy");
    }

    [Fact]
    public void Softmax_cross_entropy_with_one_output_reports_NG0007_at_the_loss_attribute()
    {
        Expect("NG0007", """
            [Network, Input(2), Dense(4, Activation = Activation.Tanh), Dense(1), [|Loss(LossKind.SoftmaxCrossEntropy)|]]
            public partial class OneClass { }
            """,
            "Loss SoftmaxCrossEntropy does not fit the output layer Dense(1, Identity): softmax cross-entropy needs at least 2 outputs (one per class); for a yes/no target use one Sigmoid output with BinaryCrossEntropy");
    }

    [Fact]
    public void Softmax_cross_entropy_after_a_relu_output_reports_NG0007_at_the_loss_attribute()
    {
        Expect("NG0007", """
            [Network, Input(2), Dense(3, Activation = Activation.ReLU), [|Loss(LossKind.SoftmaxCrossEntropy)|]]
            public partial class ReluLogits { }
            """,
            "Loss SoftmaxCrossEntropy does not fit the output layer Dense(3, ReLU): softmax cross-entropy applies the softmax itself and needs linear logits, but the output layer applies ReLU; remove its Activation");
    }

    [Theory]
    [InlineData("Dense(1)", "Dense(1, Identity)")]
    [InlineData("Dense(1, Activation = Activation.Tanh)", "Dense(1, Tanh)")]
    [InlineData("Maxout(1, 2)", "Maxout(1, 2)")]
    public void Binary_cross_entropy_without_a_sigmoid_output_reports_NG0007_at_the_loss_attribute(string output, string described)
    {
        Expect("NG0007", "[Network, Input(2), " + output + ", [|Loss(LossKind.BinaryCrossEntropy)|]]\npublic partial class NoSigmoid { }",
            "Loss BinaryCrossEntropy does not fit the output layer " + described + ": binary cross-entropy is defined on probabilities, so the output layer must be Dense with Activation = Activation.Sigmoid");
    }

    [Fact]
    public void Layer_on_a_second_partial_declaration_reports_NG0008_at_that_layer()
    {
        Expect("NG0008", """
            [Network, Input(2), Dense(3), Loss(LossKind.MeanSquaredError)]
            public partial class Split { }

            [[|Dense(1)|]]
            public partial class Split { }
            """,
            "Layer attribute [Dense] is on a different partial declaration of 'Split' than [Network]; layer order is only defined within one declaration, so move all layer attributes next to [Network]");
    }

    [Fact]
    public void Layer_on_a_partial_declaration_in_another_file_reports_NG0008_in_that_file()
    {
        var main = MarkedSource.Parse(GeneratorHarness.Usings + """
            [Network, Input(2), Dense(3), Loss(LossKind.MeanSquaredError)]
            public partial class Split { }
            """);
        var other = MarkedSource.Parse(GeneratorHarness.Usings + """
            [Flatten, [|Maxout(2, 2)|]]
            public partial class Split { }
            """);
        GeneratorRun run = GeneratorHarness.Run(main.Source, other.Source);

        // [Flatten] on the second declaration is reported too; the maxout is the marked one.
        Diagnostic[] reported = run.GeneratorDiagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToArray();
        Assert.Equal(new[] { "NG0008", "NG0008" }, reported.Select(d => d.Id));
        Assert.All(reported, d => Assert.Equal("Model2.cs", d.Location.GetLineSpan().Path));
        Assert.Equal(other.Spans.Single(), reported[1].Location.SourceSpan);
        Assert.Equal(
            "Layer attribute [Maxout] is on a different partial declaration of 'Split' than [Network]; layer order is only defined within one declaration, so move all layer attributes next to [Network]",
            reported[1].GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(run.GeneratedSources);
    }

    [Theory]
    [InlineData("Activation = Activation.LeakyReLU, [|Alpha = -0.5f|]", "the leaky ReLU slope Alpha must be a finite number >= 0 (typically 0.01), but is -0.5")]
    [InlineData("Activation = Activation.LeakyReLU, [|Alpha = float.PositiveInfinity|]", "the leaky ReLU slope Alpha must be a finite number >= 0 (typically 0.01), but is Infinity")]
    [InlineData("Activation = Activation.ELU, [|Alpha = 0f|]", "the ELU Alpha must be a finite number > 0 (typically 1), but is 0")]
    [InlineData("Activation = Activation.ReLU, [|Alpha = 0.2f|]", "Alpha = 0.2 has no meaning for ReLU; only LeakyReLU and ELU take a parameter, so remove it")]
    [InlineData("[|Alpha = 1f|]", "Alpha = 1 has no meaning for Identity; only LeakyReLU and ELU take a parameter, so remove it")]
    public void Invalid_activation_parameter_reports_NG0009_at_the_alpha_argument(string arguments, string problem)
    {
        Expect("NG0009", "[Network, Input(2), Dense(3, " + arguments + "), Dense(1), Loss(LossKind.MeanSquaredError)]\npublic partial class BadAlpha { }",
            "Layer 1 (Dense(3)): " + problem);
    }

    [Theory]
    [InlineData("[|Activation = (Activation)99|]", "99")]
    [InlineData("[|Activation = (Activation)(-1)|]", "-1")]
    public void Activation_outside_the_enum_reports_NG0010_at_the_activation_argument(string argument, string value)
    {
        Expect("NG0010", "[Network, Input(2), Dense(3), Dense(2, " + argument + "), Loss(LossKind.MeanSquaredError)]\npublic partial class UnknownActivation { }",
            "Layer 2: '" + value + "' is not an Activation; use one of Identity, Sigmoid, Tanh, ReLU, LeakyReLU, ELU, Softplus");
    }

    [Theory]
    [InlineData("[|Input(0)|]", "0")]
    [InlineData("[|Input(-4)|]", "-4")]
    [InlineData("[|Input(3, 0, 5)|]", "3x0x5")]
    public void Input_dimension_below_one_reports_NG0011_at_the_input_attribute(string input, string shape)
    {
        Expect("NG0011", "[Network, " + input + ", Flatten, Dense(2), Loss(LossKind.MeanSquaredError)]\npublic partial class BadInput { }",
            "Network 'BadInput': every input dimension must be at least 1, but the input is " + shape);
    }

    [Fact]
    public void Nested_network_class_reports_NG0012_at_its_name()
    {
        Expect("NG0012", """
            public partial class Outer
            {
                [Network, Input(2), Dense(1), Loss(LossKind.MeanSquaredError)]
                public partial class [|Inner|] { }
            }
            """,
            "Network class 'Inner' is nested in another type; declare it as a non-generic, top-level partial class");
    }

    [Fact]
    public void Generic_network_class_reports_NG0012_at_its_name()
    {
        Expect("NG0012", """
            [Network, Input(2), Dense(1), Loss(LossKind.MeanSquaredError)]
            public partial class [|Generic|]<T> { }
            """,
            "Network class 'Generic' is generic; declare it as a non-generic, top-level partial class");
    }

    [Fact]
    public void Static_network_class_reports_NG0012_at_its_name()
    {
        Expect("NG0012", """
            [Network, Input(2), Dense(1), Loss(LossKind.MeanSquaredError)]
            public static partial class [|Static|] { }
            """,
            "Network class 'Static' is static; declare it as a non-generic, top-level partial class");
    }

    [Theory]
    [InlineData("[|Dense(10)|]", "Dense(10)")]
    [InlineData("[|Maxout(4, 2)|]", "Maxout(4, 2)")]
    public void Dense_after_a_3D_input_without_flatten_reports_NG0013_at_the_layer(string layer, string description)
    {
        Expect("NG0013", "[Network, Input(1, 4, 4), " + layer + ", Loss(LossKind.MeanSquaredError)]\npublic partial class Unflattened { }",
            "Layer 1 (" + description + ") takes a vector, but its input is the 1x4x4 tensor; add [Flatten] before it");
    }

    [Fact]
    public void Flatten_on_a_flat_input_warns_NG0014_at_the_flatten_and_still_generates_code()
    {
        GeneratorRun run = Expect("NG0014", """
            /// <summary>A public class, so that the generated public members' XML documentation is diagnosed too.</summary>
            [Network, Input(4), [|Flatten|], Dense(2), Loss(LossKind.MeanSquaredError)]
            public partial class RedundantFlatten { }
            """,
            "Layer 1 (Flatten): its input 4 is already a vector; remove the [Flatten]");

        Assert.Equal(DiagnosticSeverity.Warning, run.GeneratorDiagnostics.Single().Severity);
        Assert.Contains("partial class RedundantFlatten", run.SingleSource, StringComparison.Ordinal);
        Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorHarness.Describe(run.OutputDiagnostics));
    }

    [Fact]
    public void Flatten_after_a_dense_layer_warns_NG0014_with_the_layer_number()
    {
        Expect("NG0014", """
            [Network, Input(1, 3, 3), Flatten, Dense(4), [|Flatten|], Dense(2), Loss(LossKind.MeanSquaredError)]
            public partial class SecondFlatten { }
            """,
            "Layer 3 (Flatten): its input 4 is already a vector; remove the [Flatten]");
    }

    [Theory]
    [InlineData("[Network, Input(784), Dense(128, Activation = Activation.ReLU), Dense(10), Loss(LossKind.SoftmaxCrossEntropy)]")]
    [InlineData("[Network, Input(2), Dense(4, Activation = Activation.Tanh), Dense(1, Activation = Activation.Sigmoid), Loss(LossKind.BinaryCrossEntropy)]")]
    [InlineData("[Network, Input(1, 28, 28), Flatten, Maxout(16, 3), Dense(10), Loss(LossKind.Hinge)]")]
    [InlineData("[Network, Input(5), Dense(3, Activation = Activation.LeakyReLU), Dense(3, Activation = Activation.ELU, Alpha = 0.5f), Dense(1), Loss(LossKind.L1)]")]
    [InlineData("[Network]\n[Input(3)]\n[Dense(2, Activation = Activation.Softplus)]\n[Dense(1)]\n[Loss(LossKind.Hinge)]")]
    public void Valid_declaration_reports_nothing_and_generates_code_that_compiles_cleanly(string attributes)
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Usings + "/// <summary>A valid network.</summary>\n" + attributes + "\npublic partial class Valid { }\n");

        Assert.True(run.GeneratorDiagnostics.IsEmpty, GeneratorHarness.Describe(run.GeneratorDiagnostics));
        Assert.Equal("Samples.Valid.g.cs", Assert.Single(run.GeneratedSources).HintName);
        Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorHarness.Describe(run.OutputDiagnostics));
    }

    [Fact]
    public void Class_without_network_attribute_is_ignored()
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Usings + "[Input(0), Dense(0)]\npublic partial class NotANetwork { }\n");

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void No_descriptor_has_a_help_link_that_resolves_nowhere()
    {
        // An IDE opens a help link as it is: a repository-relative path opens nothing, so a link is an absolute https
        // address or there is none (today none: the docs have no published address).
        DiagnosticDescriptor[] descriptors = typeof(DiagnosticDescriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.FieldType == typeof(DiagnosticDescriptor))
            .Select(field => (DiagnosticDescriptor)field.GetValue(null)!)
            .ToArray();
        Assert.True(descriptors.Length >= 38, $"found {descriptors.Length} descriptors");
        foreach (DiagnosticDescriptor descriptor in descriptors)
        {
            Assert.True(
                descriptor.HelpLinkUri.Length == 0
                    || (Uri.TryCreate(descriptor.HelpLinkUri, UriKind.Absolute, out Uri? uri) && uri.Scheme == Uri.UriSchemeHttps),
                $"{descriptor.Id}'s help link '{descriptor.HelpLinkUri}' is not an absolute https address");
        }
    }

    /// <summary>
    /// Runs the generator on <paramref name="markedDeclaration"/> (after the shared usings) and asserts one diagnostic
    /// <paramref name="id"/> per marked span, at exactly that span, with the given messages in span order. For errors,
    /// also asserts that nothing was generated.
    /// </summary>
    internal static GeneratorRun Expect(string id, string markedDeclaration, params string[] messages)
    {
        MarkedSource marked = MarkedSource.Parse(GeneratorHarness.Usings + markedDeclaration);
        Assert.True(marked.Spans.Length == messages.Length, "the test marks one span per expected message");
        GeneratorRun run = GeneratorHarness.Run(marked.Source);
        SyntaxTree tree = run.Compilation.SyntaxTrees.Single();

        Diagnostic[] reported = run.GeneratorDiagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToArray();
        Assert.True(reported.Length == marked.Spans.Length && reported.All(d => d.Id == id),
            $"expected {marked.Spans.Length} x {id}, got:{Environment.NewLine}{GeneratorHarness.Describe(reported)}");
        for (int i = 0; i < reported.Length; i++)
        {
            TextSpan expected = marked.Spans[i];
            Assert.True(expected == reported[i].Location.SourceSpan,
                $"{id} points at '{Text(marked.Source, reported[i].Location.SourceSpan)}' {reported[i].Location.SourceSpan}, expected '{Text(marked.Source, expected)}' {expected}");
            Assert.Equal(tree.GetLineSpan(expected), reported[i].Location.GetLineSpan());
            Assert.Equal(messages[i], reported[i].GetMessage(System.Globalization.CultureInfo.InvariantCulture));
            // No help link until the docs have an address that resolves (a relative path opened nowhere).
            Assert.Equal("", reported[i].Descriptor.HelpLinkUri);
        }
        if (reported.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            Assert.Empty(run.GeneratedSources);
        }
        return run;
    }

    private static string Text(string source, TextSpan span) =>
        span.End <= source.Length ? source.Substring(span.Start, span.Length) : "<outside the source>";
}
