using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using static NetGen.Generator.Tests.DiagnosticTests;

namespace NetGen.Generator.Tests;

/// <summary>
/// Declarations that broke the build or misled the user (issue 15, G1..G10), and the generated API's answers to a
/// batch size that overflows and to non-finite outputs (R1, R3), each through the generator driver.
/// </summary>
public sealed class HardeningTests
{
    private const string Mlp = "[Network, Input(4), Dense(3, Activation = Activation.ReLU), Dense(2), Loss(LossKind.SoftmaxCrossEntropy)]\n";

    [Fact]
    public void G1_networks_differing_only_in_case_both_get_code()
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Usings
            + Mlp + "public partial class Mlp { }\n"
            + Mlp + "public partial class MLP { }\n"
            + "public static class User { public static int Total() => new Mlp().Parameters.Length + new MLP().Parameters.Length; }\n");

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(new[] { "Samples.MLP.g.cs", "Samples.Mlp.2.g.cs" }, run.GeneratedSources.Select(s => s.HintName).OrderBy(h => h, StringComparer.Ordinal));
        AssertNoProblems(run);
    }

    [Fact]
    public void G1_hint_names_do_not_depend_on_the_order_of_the_networks()
    {
        var a = new GeneratedFile("App.Mlp", "a");
        var b = new GeneratedFile("App.MLP", "b");
        var c = new GeneratedFile("App.mlp", "c");

        var forward = NetGenGenerator.AssignHintNames(new[] { a, b, c }).ToArray();
        var backward = NetGenGenerator.AssignHintNames(new[] { c, b, a }).ToArray();

        Assert.Equal(forward, backward);
        Assert.Equal(3, forward.Select(f => f.Hint.ToUpperInvariant()).Distinct().Count());
    }

    [Theory]
    [InlineData("Loss")]
    [InlineData("Parameters")]
    [InlineData("Forward")]
    [InlineData("Threads")]
    [InlineData("InputSize")]
    [InlineData("Dense1Weights")]
    [InlineData("MaxBatchSize")]
    public void G2_network_named_like_a_generated_member_reports_NG0026(string name)
    {
        // NetGen.Loss spelled out: inside the namespace, [Loss] would find the network class named Loss.
        Expect("NG0026", "[Network, Input(4), Dense(3), NetGen.Loss(LossKind.MeanSquaredError)]\npublic partial class [|" + name + "|] { }",
            $"'{name}' (the network class's own name) is also the name of a member NetGen generates for network '{name}'; rename it");
    }

    [Fact]
    public void G2_member_declared_in_another_part_with_a_generated_name_reports_NG0026_at_the_member()
    {
        Expect("NG0026", Mlp + """
            public partial class Clash { }

            public partial class Clash
            {
                public int [|Threads|];

                // A method named like a generated method is an overload, not a clash.
                public void Forward(float[] input) { }
            }
            """,
            "'Threads' (a member declared in the class) is also the name of a member NetGen generates for network 'Clash'; rename it");
    }

    [Fact]
    public void G2_member_inherited_with_a_generated_name_reports_NG0026_at_the_class()
    {
        Expect("NG0026", Mlp + """
            public partial class [|Derived|] : Base { }

            public class Base
            {
                public float[] Parameters { get; } = new float[1];
            }
            """,
            "'Parameters' (a member inherited from 'Base') is also the name of a member NetGen generates for network 'Derived'; rename it");
    }

    [Fact]
    public void G2_generated_member_names_list_every_member_of_the_network_class()
    {
        // The name check relies on NetworkEmitter.MemberNames: every member the class declares must be in it.
        const string source = GeneratorHarness.Usings + """
            [Network, Input(1, 6, 6), Conv2D(2, 3, Activation = Activation.ReLU), BatchNorm, MaxPool2D(2), ResidualStart, Dropout(0.5), ResidualEnd, Flatten, Dense(3), Loss(LossKind.SoftmaxCrossEntropy)]
            public partial class Everything { }

            [Network, Input(3), Dense(2, Activation = Activation.Sigmoid), Loss(LossKind.BinaryCrossEntropy)]
            public partial class Labels { }
            """;
        GeneratorRun run = GeneratorHarness.Run(source);
        AssertNoProblems(run);
        Compilation compiled = run.Compilation.AddSyntaxTrees(run.GeneratedSources.Select(s => s.SyntaxTree));
        NetworkPlan[] plans = run.Steps(NetGenGenerator.Steps.Plan).SelectMany(s => s.Outputs).Select(o => ((PlanResult)o.Value).Plan!).ToArray();
        Assert.Equal(2, plans.Length);
        foreach (NetworkPlan plan in plans)
        {
            string name = plan.ClassName;
            INamedTypeSymbol type = compiled.GetTypeByMetadataName("Samples." + name)!;
            HashSet<string> listed = NetworkEmitter.MemberNames(plan).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
            Assert.All(listed, n => Assert.True(NetworkEmitter.IsGeneratedMemberName(n), n + " is generated, but the parser would not keep a user member of that name"));
            string[] missing = type.GetMembers()
                .Where(m => !m.IsImplicitlyDeclared && m is not IMethodSymbol { MethodKind: not MethodKind.Ordinary } && !m.Name.Contains('.', StringComparison.Ordinal))
                .Select(m => m.Name).Where(n => !listed.Contains(n)).Distinct().ToArray();
            Assert.True(missing.Length == 0, name + " declares members MemberNames does not list: " + string.Join(", ", missing));
        }
    }

    [Theory]
    [InlineData("@var")]
    [InlineData("@record")]
    [InlineData("@class")]
    [InlineData("nameof")]
    [InlineData("dynamic")]
    [InlineData("nint")]
    [InlineData("nuint")]
    [InlineData("async")]
    [InlineData("await")]
    [InlineData("value")]
    public void G4_network_named_like_a_keyword_compiles_in_a_namespace_and_in_the_global_namespace(string name)
    {
        foreach (string ns in new[] { "namespace Samples;\n\n", "" })
        {
            AssertNoProblems(GeneratorHarness.Run("using NetGen;\n\n" + ns + Mlp + "public partial class " + name + " { }\n"));
        }
    }

    [Fact]
    public void G5_network_deriving_from_another_network_reports_NG0012_and_no_hiding_warnings()
    {
        MarkedSource marked = MarkedSource.Parse(GeneratorHarness.Usings + Mlp + """
            public partial class BaseNet { }

            [Network, Input(4), Dense(2), Loss(LossKind.MeanSquaredError)]
            public partial class [|DerivedNet|] : BaseNet { }
            """);
        GeneratorRun run = GeneratorHarness.Run(marked.Source);

        Diagnostic reported = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("NG0012", reported.Id);
        Assert.Equal(marked.Spans.Single(), reported.Location.SourceSpan);
        Assert.Equal("Network class 'DerivedNet' derives from the network class 'BaseNet', whose generated members it would hide; declare it as a non-generic, top-level partial class",
            reported.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        // The base network still gets its code, and nothing warns inside it.
        Assert.Equal("Samples.BaseNet.g.cs", Assert.Single(run.GeneratedSources).HintName);
        Assert.DoesNotContain(run.OutputDiagnostics, d => d.Id == "CS0108" || d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true);
    }

    [Theory]
    // A field, not a constant: the compiler reports CS0182 and the attribute has no value.
    [InlineData("Dense(Sizes.Hidden)", "CS0182")]
    // A misspelled parameter name: CS1739, and the attribute binds to no constructor.
    [InlineData("Conv2D(filter: 4, kernel: 3)", "CS1739")]
    // A named argument of another layer kind.
    [InlineData("Dense(3, Stride = 2)", "CS0246")]
    [InlineData("MaxPool2D(2, Padding = 1)", "CS0246")]
    // A named argument given twice: CS0643, and which value would count is the compiler's to say.
    [InlineData("Conv2D(2, 3, Activation = Activation.ELU, Alpha = 1.5f, Alpha = 2f)", "CS0643")]
    public void G6_an_argument_the_compiler_rejects_gets_no_NG_diagnostic(string layer, string compilerError)
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Usings
            + "public static class Sizes { public static int Hidden = 8; }\n"
            + "[Network, Input(1, 6, 6), " + layer + ", Flatten, Dense(2), Loss(LossKind.MeanSquaredError)]\npublic partial class Rejected { }\n");

        Assert.True(run.GeneratorDiagnostics.IsEmpty, GeneratorHarness.Describe(run.GeneratorDiagnostics));
        Assert.Empty(run.GeneratedSources);
        Diagnostic[] errors = run.Compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length > 0, "the declaration was meant to be a compile error");
        _ = compilerError; // the id differs with the compiler version for some forms; any compiler error will do
    }

    [Fact]
    public void G7_network_attribute_on_two_partial_declarations_gets_only_the_compiler_error()
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Usings + """
            [Network, Input(4), Dense(3), Loss(LossKind.MeanSquaredError)]
            public partial class Twice { }

            [Network]
            public partial class Twice { }
            """);

        Assert.True(run.GeneratorDiagnostics.IsEmpty, GeneratorHarness.Describe(run.GeneratorDiagnostics));
        Assert.Contains(run.Compilation.GetDiagnostics(), d => d.Id == "CS0579");
    }

    [Fact]
    public void G8_too_large_dense_network_reports_NG0021_without_naming_convolutions()
    {
        Expect("NG0021", """
            [[|Network|], Input(4), Dense(int.MaxValue), Loss(LossKind.MeanSquaredError)]
            public partial class Huge { }
            """,
            "Network 'Huge' is too large: it needs 10,737,418,235 parameters and 2,147,483,647 activation floats per sample and 8,589,934,588 floats of scratch for the transposed weights of layer 1 (Dense(2147483647)); NetGen's buffers hold at most 1,073,741,823 floats each, so use smaller layers");
    }

    [Fact]
    public void G9_more_layers_than_the_maximum_report_NG0027_at_the_first_layer_beyond_it()
    {
        string layers = string.Concat(Enumerable.Repeat("[Dense(4)]\n", Planner.MaxLayers)) + "[[|Dense(4)|]]\n" + "[Dense(4)]\n";
        Expect("NG0027", "[Network, Input(4)]\n" + layers + "[Loss(LossKind.MeanSquaredError)]\npublic partial class Deep { }",
            "Network 'Deep' declares 1,002 layers, more than the 1,000 NetGen generates code for (the generated file, and the compiler's time, would grow without bound); this is layer 1001: use fewer, wider layers");
    }

    [Fact]
    public void G9_layers_of_the_same_shape_share_their_kernels()
    {
        string layers = string.Concat(Enumerable.Repeat("[Dense(4, Activation = Activation.ReLU)]\n", 100));
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Usings + "[Network, Input(4)]\n" + layers + "[Dense(4)]\n[Loss(LossKind.MeanSquaredError)]\npublic partial class Deep { }\n");

        string source = run.SingleSource;
        AssertNoProblems(run);
        // Layers 1..100 share Dense1's kernels; the linear output layer has its own.
        Assert.Equal(1, Count(source, "private static void Dense1Forward("));
        Assert.Equal(0, Count(source, "private static void Dense2Forward("));
        Assert.Equal(1, Count(source, "private static void Dense101Forward("));
        Assert.Contains("// Layer 1's kernels also serve layers 2-100: the same shapes and arguments.", source, StringComparison.Ordinal);
        Assert.Equal(1 + 100, Count(source, "Dense1Forward(ref ")); // its definition and the 100 layers' calls
        // Before sharing, 101 layers emitted about 2.3 MB; what is left per layer is its calls, constants and accessors.
        Assert.True(source.Length < 400_000, $"{source.Length:N0} characters");
    }

    // A 2x2 max pool's vectors along a row, the gathering col2im's accumulators along a row and a maxout layer's pieces
    // were each written out one by one: 65,536-wide rows emitted 40 MB (the compiler then ran out of memory), a maxout of
    // 46,341 pieces 13 MB. Past a few dozen they are loops now, so the size of the file does not follow the size.
    [Theory]
    [InlineData("[Input(3, 4, {0})]\n[MaxPool2D(2)]\n[Flatten]\n[Dense(1)]", 1024, 65536)]
    [InlineData("[Input(3, 3, {0})]\n[Conv2D(1, 2, Padding = ConvPadding.Same, Dilation = 2)]\n[GlobalAvgPool]\n[Dense(3)]", 1024, 65536)]
    [InlineData("[Input(9)]\n[Maxout(4, {0})]\n[Dense(2)]", 4096, 100000)]
    public void G9_generated_code_does_not_grow_with_a_row_width_or_a_number_of_pieces(string layers, int size, int larger)
    {
        string Source(int n) => GeneratorHarness.Usings + "[Network]\n" + string.Format(System.Globalization.CultureInfo.InvariantCulture, layers, n)
            + "\n[Loss(LossKind.MeanSquaredError)]\npublic partial class Wide { }\n";
        GeneratorRun small = GeneratorHarness.Run(Source(size)), large = GeneratorHarness.Run(Source(larger));
        Assert.Empty(small.GeneratorDiagnostics);
        Assert.Empty(large.GeneratorDiagnostics);
        // The same code but for the constants' digits.
        Assert.InRange(large.SingleSource.Length, small.SingleSource.Length - 2_000, small.SingleSource.Length + 2_000);
    }

    [Fact]
    public void G9_shared_kernels_compute_what_separate_kernels_compute()
    {
        // Dropout layers differ in their mask salt, so they never share; equal dense layers do. The network trains.
        const string source = GeneratorHarness.Usings + """
            [Network, Input(5), Dense(5, Activation = Activation.Tanh), Dropout(0.25), Dense(5, Activation = Activation.Tanh), Dropout(0.25), Dense(5, Activation = Activation.Tanh), Dense(2), Loss(LossKind.MeanSquaredError)]
            public partial class Shared { }
            """;
        GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Equal(1, Count(run.SingleSource, "private static void Dropout1Forward("));
        Assert.Equal(1, Count(run.SingleSource, "private static void Dropout2Forward("));
        Assert.Equal(0, Count(run.SingleSource, "private static void Dense2Forward("));
        using EmittedAssembly assembly = EmittedAssembly.Load(GeneratorHarness.Compile(source));
        ITrainableNetwork network = assembly.Create("Samples.Shared");
        float[] inputs = Enumerable.Range(0, 10).Select(i => (float)Math.Sin(i)).ToArray();
        float[] targets = { 0.5f, -0.5f, 0.25f, 0f };
        float first = network.TrainStep(inputs, targets, 2);
        Assert.True(float.IsFinite(first));
        Assert.Contains(network.Gradients, g => g != 0);
    }

    [Theory]
    [InlineData("MaxPool2D")]
    [InlineData("AvgPool2D")]
    public void G10_pooling_with_stride_zero_reports_NG0017(string pool)
    {
        Expect("NG0017", "[Network, Input(1, 8, 8), " + pool + "(2, [|Stride = 0|]), Flatten, Dense(2), Loss(LossKind.MeanSquaredError)]\npublic partial class ZeroStride { }",
            $"Layer 1 ({pool}(2)): stride must be at least 1, but is 0");
    }

    [Fact]
    public void R1_batch_size_whose_product_with_the_input_size_overflows_throws_ArgumentOutOfRangeException()
    {
        using EmittedAssembly assembly = EmittedAssembly.Load(GeneratorHarness.Compile(GeneratorHarness.Usings
            + "[Network, Input(4), Dense(4), Loss(LossKind.MeanSquaredError)]\npublic partial class Small { }\n"
            + "[Network, Input(784), Dense(10), Loss(LossKind.SoftmaxCrossEntropy)]\npublic partial class Digits { }\n"));
        ITrainableNetwork small = assembly.Create("Samples.Small"), digits = assembly.Create("Samples.Digits");
        int huge = (1 << 30) + 1; // 4 x huge wraps around to 4

        AssertBatchRejected(() => small.TrainStep(new float[4], new float[4], huge));
        AssertBatchRejected(() => small.EvaluateLoss(new float[4], new float[4], huge));
        AssertBatchRejected(() => small.Forward(new float[4], new float[4], huge));
        AssertBatchRejected(() => digits.Forward(new float[784], new float[10], int.MaxValue));
        AssertBatchRejected(() => digits.TrainStep(new float[784], new float[1], int.MinValue));
        AssertBatchRejected(() => digits.Forward(new float[784], new float[10], 0));
    }

    private static void AssertBatchRejected(Action call)
    {
        ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(call);
        Assert.Equal("batchSize", e.ParamName);
        Assert.Contains("The batch size must be between 1 and ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void R3_Predict_on_a_non_finite_output_throws_instead_of_answering_a_class()
    {
        using EmittedAssembly assembly = EmittedAssembly.Load(GeneratorHarness.Compile(GeneratorHarness.Usings + Mlp + "public partial class Classes { }\n"
            + "[Network, Input(4), Dense(3, Activation = Activation.Sigmoid), Loss(LossKind.BinaryCrossEntropy)]\npublic partial class Labels { }\n"
            + "public static class Calls\n{\n"
            + "    public static int PredictClass(Classes network, float[] input) => network.Predict(input);\n"
            + "    public static void PredictLabels(Labels network, float[] input) => network.Predict(input, new bool[Labels.OutputSize]);\n}\n"));
        ITrainableNetwork classes = assembly.Create("Samples.Classes"), labels = assembly.Create("Samples.Labels");
        MethodInfo predictClass = assembly.Assembly.GetType("Samples.Calls")!.GetMethod("PredictClass")!;
        MethodInfo predictLabels = assembly.Assembly.GetType("Samples.Calls")!.GetMethod("PredictLabels")!;

        foreach (float bad in new[] { float.NaN, float.PositiveInfinity })
        {
            float[] input = { 0.5f, bad, 0.25f, 1f };
            var argument = Assert.Throws<ArgumentException>(() => Call(predictClass, classes, input));
            Assert.Equal("input", argument.ParamName);
            Assert.Contains("input[1] is", argument.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => Call(predictLabels, labels, input));
        }

        // A NaN output bias: the output is NaN whatever the input.
        float[] finite = { 0.5f, -1f, 0.25f, 1f };
        Assert.InRange((int)Call(predictClass, classes, finite)!, 0, 1);
        classes.Parameters[^1] = float.NaN;
        labels.Parameters[^1] = float.NaN;
        var state = Assert.Throws<InvalidOperationException>(() => Call(predictClass, classes, finite));
        Assert.Contains("parameters are not finite", state.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => Call(predictLabels, labels, finite));
    }

    private static object? Call(MethodInfo method, params object[] arguments)
    {
        try
        {
            return method.Invoke(null, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    /// <summary>No NG diagnostic, no warning or error in generated code, no error anywhere (the test's own declarations lack doc comments).</summary>
    internal static void AssertNoProblems(GeneratorRun run)
    {
        Assert.True(run.GeneratorDiagnostics.IsEmpty, GeneratorHarness.Describe(run.GeneratorDiagnostics));
        Diagnostic[] problems = run.OutputDiagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error || d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true).ToArray();
        Assert.True(problems.Length == 0, GeneratorHarness.Describe(problems));
    }

    private static int Count(string text, string value)
    {
        int count = 0;
        for (int at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

}
