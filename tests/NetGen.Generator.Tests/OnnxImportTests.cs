using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace NetGen.Generator.Tests;

/// <summary>
/// [Network(Onnx = ...)] in-process: the generator gets the model as the build targets hand it over (a base64 additional
/// file with NetGenOnnxSource metadata). Every case NetGen cannot import is an NG diagnostic on the [Network] attribute
/// that names the node, its operator and attributes; nothing throws. The fixtures come from
/// tests/NetGen.Onnx.Tests/Fixtures (torch.onnx.export); the other models are written here, field by field.
/// </summary>
public sealed class OnnxImportTests
{
    private const string Declaration = "/// <summary>An imported model.</summary>\n[[|Network(Onnx = \"models/model.onnx\")|]]\npublic partial class Imported { }\n";

    [Theory]
    // PyTorch writes AvgPool2d(padding=1, count_include_pad=True) as a zero Pad before an unpadded AveragePool.
    [InlineData("unsupported_avgpool_padding", "node '/0/Pad' (Pad mode=constant): a Pad that changes the tensor; NetGen pads only inside Conv2D")]
    [InlineData("unsupported_ceil_mode", "node '/0/MaxPool' (MaxPool ceil_mode=1, kernel_shape=[2, 2], pads=[0, 0, 0, 0], strides=[2, 2]): ceil_mode = 1 adds a partial window at the edge of the 7x7 input")]
    [InlineData("unsupported_operator", "node '/1/HardSwish' (HardSwish): NetGen has no layer for this operator")]
    [InlineData("unsupported_asymmetric_padding", "pads=[1, 2, 1, 2], strides=[1, 1]): pads [1, 2, 1, 2] are not the same on every side")]
    public void Unsupported_fixture_reports_NG0044_naming_the_node(string fixture, string expected)
    {
        Diagnostic diagnostic = ExpectSingle("NG0044", Fixture(fixture));
        Assert.Contains(expected, diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("NetGen imports Gemm, MatMul", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(18)]
    public void Opset_outside_11_to_17_reports_NG0042(int opset)
    {
        Diagnostic diagnostic = ExpectSingle("NG0042", Base64(OnnxWriter.Mlp(opset: opset)));
        Assert.Equal($"'models/model.onnx' uses ONNX operator set {opset}; NetGen imports operator sets 11 to 17, so export the model with an opset_version in that range", diagnostic.GetMessage());
    }

    [Fact]
    public void Model_written_here_imports_cleanly_so_that_the_other_cases_fail_for_their_own_reason()
    {
        GeneratorRun run = Run(Declaration.Replace("[|", "").Replace("|]", ""), Base64(OnnxWriter.Mlp(opset: 13)));
        Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Contains("//   [Dense(3, Activation = Activation.ReLU)]", run.SingleSource, StringComparison.Ordinal);
        Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorHarness.Describe(run.OutputDiagnostics));
    }

    [Fact]
    public void Symbolic_dimension_other_than_the_batch_reports_NG0043()
    {
        Diagnostic diagnostic = ExpectSingle("NG0043", Base64(OnnxWriter.Mlp(opset: 13, featureDimension: "features")));
        Assert.StartsWith("'models/model.onnx': the graph input 'input' has dimension 1 'features' that is not a fixed size", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("group", 2L, "grouped (or depthwise) convolution; NetGen's Conv2D has group = 1")]
    [InlineData("strides", new long[] { 1, 2 }, "strides [1, 2]; NetGen uses one stride for height and width")]
    [InlineData("auto_pad", "SAME_UPPER", "auto_pad SAME_UPPER needs 1 rows and 1 columns of padding, split unevenly")]
    public void Convolution_NetGen_cannot_express_reports_NG0044(string attribute, object value, string expected)
    {
        // 2 input channels, 4 filters of 2x2: with group 2 the weights would be [4, 1, 2, 2], but the attribute alone is enough.
        Diagnostic diagnostic = ExpectSingle("NG0044", Base64(OnnxWriter.Conv(attribute, value)));
        Assert.Contains("node 'conv' (Conv " + attribute + "=", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains(expected, diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_pad_same_with_an_odd_kernel_imports_as_symmetric_padding()
    {
        GeneratorRun run = Run(Declaration.Replace("[|", "").Replace("|]", ""), Base64(OnnxWriter.Conv("auto_pad", "SAME_UPPER", kernel: 3)));
        Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Contains("//   [Conv2D(4, kernel: 3, Padding = 1, Bias = false)]", run.SingleSource, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[0], "'models/model.onnx' cannot be imported: the file is empty")]
    [InlineData(new byte[] { 0x08, 0x07, 0x12 }, "'models/model.onnx' cannot be imported: it is not a valid ONNX (protobuf) file: a varint runs past the end of its message")]
    [InlineData(new byte[] { 0x68, 0x65, 0x6c, 0x6c, 0x6f }, "'models/model.onnx' cannot be imported: it is not a valid ONNX (protobuf) file: an unknown protobuf wire type 4")]
    public void Corrupt_or_non_ONNX_file_reports_NG0041(byte[] bytes, string expected)
    {
        Assert.Equal(expected, ExpectSingle("NG0041", Base64(bytes)).GetMessage());
    }

    [Fact]
    public void Truncated_real_model_reports_NG0041()
    {
        byte[] bytes = Convert.FromBase64String(Fixture("lenet5"));
        Diagnostic diagnostic = ExpectSingle("NG0041", Base64(bytes.AsSpan(0, bytes.Length / 2).ToArray()));
        Assert.Contains("runs past the end of its message", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Copy_that_is_not_base64_reports_NG0041()
    {
        Assert.Contains("is not base64", ExpectSingle("NG0041", "not base64!").GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void File_not_listed_reports_NG0040_with_the_files_that_are()
    {
        MarkedSource marked = MarkedSource.Parse(GeneratorHarness.Usings + Declaration);
        GeneratorRun run = Run(marked.Source, Base64(OnnxWriter.Mlp(13)), listedAs: "models/other.onnx");
        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("NG0040", diagnostic.Id);
        Assert.Equal(marked.Spans.Single(), diagnostic.Location.SourceSpan);
        Assert.Equal("[Network(Onnx = \"models/model.onnx\")]: no such file reached the generator; list it in the project file as <AdditionalFiles Include=\"models/model.onnx\" /> (the NetGen package's build targets then hand its bytes to the generator); the ONNX files listed are 'models/other.onnx'", diagnostic.GetMessage());
    }

    [Fact]
    public void Layers_declared_beside_an_import_report_NG0045()
    {
        GeneratorRun run = Run(GeneratorHarness.Usings + "[Network(Onnx = \"models/model.onnx\"), Input(4), Dense(2)]\npublic partial class Both { }\n", Base64(OnnxWriter.Mlp(13)));
        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("NG0045", diagnostic.Id);
        Assert.Equal("Network 'Both' imports its layers from 'models/model.onnx' but also declares [Input]; remove the [Input] attribute (only [Loss] may accompany an import)", diagnostic.GetMessage());
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void Unrelated_edit_leaves_the_import_and_the_plan_cached()
    {
        string source = GeneratorHarness.Usings + Declaration.Replace("[|", "").Replace("|]", "");
        CSharpCompilation compilation = GeneratorHarness.Compile(source);
        GeneratorDriver driver = Driver(Base64(OnnxWriter.Mlp(13)), "models/model.onnx");
        driver = driver.RunGenerators(compilation);
        driver = driver.RunGenerators(compilation.AddSyntaxTrees(GeneratorHarness.Parse("public class Unrelated { }", "Other.cs")));
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        foreach (string step in new[] { NetGenGenerator.Steps.Import, NetGenGenerator.Steps.Plan })
        {
            IncrementalGeneratorRunStep run = Assert.Single(result.TrackedSteps[step]);
            Assert.All(run.Outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, step + ": " + o.Reason));
        }
    }

    // A model of about 1 MB (784-300-100-10, 266,610 weights): what the pipeline keeps cached must not be re-read,
    // re-imported or re-emitted on an edit that does not concern it.
    private static readonly Lazy<string> LargeModel = new(() => Base64(OnnxWriter.Mlp(13, 784, 300, 100, 10)));

    private const string ImportedWithMember = GeneratorHarness.Usings
        + "/// <summary>An imported model.</summary>\n[Network(Onnx = \"models/model.onnx\")]\n[Loss(LossKind.SoftmaxCrossEntropy)]\npublic partial class Imported\n{\n    public int Helper() => 1;\n}\n";

    [Fact]
    public void Unrelated_edit_reuses_the_cached_import_plan_and_emission_of_a_1_MB_model()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(ImportedWithMember);
        GeneratorRun first = GeneratorHarness.Run(Driver(LargeModel.Value, "models/model.onnx"), compilation);
        Assert.Empty(first.GeneratorDiagnostics);

        GeneratorRun second = GeneratorHarness.Run(first.Driver, compilation.AddSyntaxTrees(GeneratorHarness.Parse("public class Unrelated { public int X => 2; }", "Other.cs")));

        Assert.All(Reasons(second, NetGenGenerator.Steps.Import), r => Assert.Contains(r, CachedOrUnchanged));
        Assert.Equal(new[] { IncrementalStepRunReason.Cached }, Reasons(second, NetGenGenerator.Steps.Plan));
        Assert.Equal(new[] { IncrementalStepRunReason.Cached }, Reasons(second, NetGenGenerator.Steps.Emit));
        Assert.Equal(first.SingleSource, second.SingleSource);
    }

    [Fact]
    public void Editing_a_member_of_an_imported_class_leaves_import_plan_and_emission_cached()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(ImportedWithMember);
        GeneratorRun first = GeneratorHarness.Run(Driver(LargeModel.Value, "models/model.onnx"), compilation);

        GeneratorRun second = GeneratorHarness.Run(first.Driver, Edit(compilation, "Helper() => 1;", "Helper() => 1 + 2;"));

        Assert.All(Reasons(second, NetGenGenerator.Steps.Import), r => Assert.Contains(r, CachedOrUnchanged));
        Assert.Equal(new[] { IncrementalStepRunReason.Cached }, Reasons(second, NetGenGenerator.Steps.Plan));
        Assert.Equal(new[] { IncrementalStepRunReason.Cached }, Reasons(second, NetGenGenerator.Steps.Emit));
    }

    [Fact]
    public void Moving_an_imported_class_re_imports_it_but_nothing_is_re_emitted()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(ImportedWithMember);
        GeneratorRun first = GeneratorHarness.Run(Driver(LargeModel.Value, "models/model.onnx"), compilation);

        GeneratorRun second = GeneratorHarness.Run(first.Driver, Edit(compilation, "/// <summary>", "// A comment that moves the declaration.\n/// <summary>"));

        // The import's result holds the attribute's location (for its diagnostics), so a move re-runs it; the plan holds
        // none, so it comes out equal and the 1 MB of generated weights is not emitted again.
        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(second, NetGenGenerator.Steps.Import));
        Assert.Equal(new[] { IncrementalStepRunReason.Unchanged }, Reasons(second, NetGenGenerator.Steps.Plan));
        Assert.Equal(new[] { IncrementalStepRunReason.Cached }, Reasons(second, NetGenGenerator.Steps.Emit));
    }

    private static CSharpCompilation Edit(CSharpCompilation compilation, string oldText, string newText)
    {
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        string text = tree.GetText().ToString();
        Assert.Contains(oldText, text, StringComparison.Ordinal);
        return compilation.ReplaceSyntaxTree(tree, GeneratorHarness.Parse(text.Replace(oldText, newText, StringComparison.Ordinal), tree.FilePath));
    }

    [Fact]
    public void Changing_the_model_file_re_imports_and_re_emits()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(ImportedWithMember);
        var model = new InMemoryText("/obj/netgen/model.onnx.b64", LargeModel.Value);
        GeneratorRun first = GeneratorHarness.Run(Driver(model, "models/model.onnx"), compilation);

        // The build targets rewrite the copy when the model changes: here the last layer has 9 units instead of 10.
        GeneratorDriver changed = first.Driver.ReplaceAdditionalText(model, new InMemoryText(model.Path, Base64(OnnxWriter.Mlp(13, 784, 300, 100, 9))));
        GeneratorRun second = GeneratorHarness.Run(changed, compilation);

        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(second, NetGenGenerator.Steps.Import));
        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(second, NetGenGenerator.Steps.Emit));
        Assert.NotEqual(first.SingleSource, second.SingleSource);
    }

    private static readonly IncrementalStepRunReason[] CachedOrUnchanged = { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged };

    private static IncrementalStepRunReason[] Reasons(GeneratorRun run, string step)
    {
        IncrementalGeneratorRunStep[] steps = run.Steps(step).ToArray();
        Assert.True(steps.Length > 0, $"step {step} did not run");
        return steps.SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
    }

    private static Diagnostic ExpectSingle(string id, string base64)
    {
        MarkedSource marked = MarkedSource.Parse(GeneratorHarness.Usings + Declaration);
        GeneratorRun run = Run(marked.Source, base64);
        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(marked.Spans.Single(), diagnostic.Location.SourceSpan);
        Assert.Empty(run.GeneratedSources);
        return diagnostic;
    }

    private static GeneratorRun Run(string source, string base64, string listedAs = "models/model.onnx")
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(source.StartsWith("using", StringComparison.Ordinal) ? source : GeneratorHarness.Usings + source);
        return GeneratorHarness.Run(Driver(base64, listedAs), compilation);
    }

    private static GeneratorDriver Driver(string base64, string listedAs) => Driver(new InMemoryText("/obj/netgen/model.onnx.b64", base64), listedAs);

    private static GeneratorDriver Driver(AdditionalText model, string listedAs) => GeneratorHarness.CreateDriver(model, listedAs);

    private static string Base64(byte[] bytes) => Convert.ToBase64String(bytes);

    private static string Fixture(string name)
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string path = Path.Combine(d.FullName, "tests", "NetGen.Onnx.Tests", "Fixtures", name + ".onnx");
            if (File.Exists(path))
            {
                return Convert.ToBase64String(File.ReadAllBytes(path));
            }
        }
        throw new FileNotFoundException("fixture " + name);
    }
}

/// <summary>Writes small ONNX models in the protobuf wire format, field by field (onnx.proto numbers).</summary>
internal static class OnnxWriter
{
    /// <summary>input [batch, sizes[0]] -> Gemm(sizes[1], transB) -> Relu -> ... -> Gemm(sizes[^1]).</summary>
    public static byte[] Mlp(int opset, params int[] sizes)
    {
        var graph = new List<byte[]>();
        string current = "input";
        for (int i = 1; i < sizes.Length; i++)
        {
            bool last = i == sizes.Length - 1;
            string output = last ? "output" : "h" + i;
            graph.Add(Field(1, Node("gemm" + i, "Gemm", new[] { current, "w" + i, "b" + i }, output, Attr("transB", 1L))));
            current = output;
            if (!last)
            {
                graph.Add(Field(1, Node("relu" + i, "Relu", new[] { output }, "r" + i)));
                current = "r" + i;
            }
            graph.Add(Field(5, Tensor("w" + i, new long[] { sizes[i], sizes[i - 1] })));
            graph.Add(Field(5, Tensor("b" + i, new long[] { sizes[i] })));
        }
        graph.Add(Field(11, ValueInfo("input", "batch", sizes[0], null)));
        graph.Add(Field(12, ValueInfo("output", "batch", sizes[^1], null)));
        return Model(opset, graph);
    }

    /// <summary>input [batch, 4] -> Gemm(3, transB) -> Relu -> Gemm(2).</summary>
    public static byte[] Mlp(int opset, string? featureDimension = null)
    {
        var graph = new List<byte[]>
        {
            Field(1, Node("gemm1", "Gemm", new[] { "input", "w1", "b1" }, "h", Attr("transB", 1L))),
            Field(1, Node("relu", "Relu", new[] { "h" }, "r")),
            Field(1, Node("gemm2", "Gemm", new[] { "r", "w2", "b2" }, "output", Attr("transB", 1L))),
            Field(5, Tensor("w1", new long[] { 3, 4 })),
            Field(5, Tensor("b1", new long[] { 3 })),
            Field(5, Tensor("w2", new long[] { 2, 3 })),
            Field(5, Tensor("b2", new long[] { 2 })),
            Field(11, ValueInfo("input", "batch", featureDimension is null ? 4 : null, featureDimension)),
            Field(12, ValueInfo("output", "batch", 2, null)),
        };
        return Model(opset, graph);
    }

    /// <summary>input [batch, 2, 6, 6] -> Conv(4 filters, kernel x kernel, one attribute set) -> output.</summary>
    public static byte[] Conv(string attribute, object value, int kernel = 2)
    {
        byte[] attr = value switch
        {
            long l => Attr(attribute, l),
            long[] ls => Concat(Field(1, Encoding.UTF8.GetBytes(attribute)), Field(8, Concat(ls.Select(Varint).ToArray())), VarintField(20, 7)),
            string s => Concat(Field(1, Encoding.UTF8.GetBytes(attribute)), Field(4, Encoding.UTF8.GetBytes(s)), VarintField(20, 3)),
            _ => throw new ArgumentException(nameof(value)),
        };
        var graph = new List<byte[]>
        {
            Field(1, Node("conv", "Conv", new[] { "input", "w" }, "output", attr)),
            Field(5, Tensor("w", new long[] { 4, 2, kernel, kernel })),
            Field(11, ValueInfo("input", "batch", null, null, 2, 6, 6)),
            Field(12, ValueInfo("output", "batch", null, null)),
        };
        return Model(13, graph);
    }

    private static byte[] Model(int opset, List<byte[]> graph) =>
        Concat(VarintField(1, 8), Field(7, Concat(graph.ToArray())), Field(8, Concat(Field(1, Array.Empty<byte>()), VarintField(2, opset))));

    private static byte[] Node(string name, string op, string[] inputs, string output, params byte[][] attributes) =>
        Concat(inputs.Select(i => Field(1, Encoding.UTF8.GetBytes(i)))
            .Append(Field(2, Encoding.UTF8.GetBytes(output)))
            .Append(Field(3, Encoding.UTF8.GetBytes(name)))
            .Append(Field(4, Encoding.UTF8.GetBytes(op)))
            .Concat(attributes.Select(a => Field(5, a))).ToArray());

    private static byte[] Attr(string name, long value) => Concat(Field(1, Encoding.UTF8.GetBytes(name)), VarintField(3, value), VarintField(20, 2));

    /// <summary>A float tensor of the given shape holding 0.01, 0.02, ... (raw little-endian data).</summary>
    private static byte[] Tensor(string name, long[] dims)
    {
        long count = dims.Aggregate(1L, (a, d) => a * d);
        byte[] raw = Enumerable.Range(1, (int)count).SelectMany(i => BitConverter.GetBytes(0.01f * i)).ToArray();
        return Concat(Field(1, Concat(dims.Select(Varint).ToArray())), VarintField(2, 1), Field(8, Encoding.UTF8.GetBytes(name)), Field(9, raw));
    }

    /// <summary>A float tensor value: a symbolic batch, then either one feature dimension (fixed or symbolic) or fixed dims.</summary>
    private static byte[] ValueInfo(string name, string batch, long? features, string? symbolic, params long[] dims)
    {
        var dimensions = new List<byte[]> { Field(1, Field(2, Encoding.UTF8.GetBytes(batch))) };
        if (features is { } f) dimensions.Add(Field(1, VarintField(1, f)));
        if (symbolic is { } s) dimensions.Add(Field(1, Field(2, Encoding.UTF8.GetBytes(s))));
        dimensions.AddRange(dims.Select(d => Field(1, VarintField(1, d))));
        byte[] tensorType = Concat(VarintField(1, 1), Field(2, Concat(dimensions.ToArray())));
        return Concat(Field(1, Encoding.UTF8.GetBytes(name)), Field(2, Field(1, tensorType)));
    }

    private static byte[] Field(int number, byte[] payload) => Concat(Varint((number << 3) | 2), Varint(payload.Length), payload);

    private static byte[] VarintField(int number, long value) => Concat(Varint(number << 3), Varint(value));

    private static byte[] Varint(long value)
    {
        var bytes = new List<byte>();
        ulong v = (ulong)value;
        do
        {
            byte b = (byte)(v & 0x7F);
            v >>= 7;
            bytes.Add(v != 0 ? (byte)(b | 0x80) : b);
        }
        while (v != 0);
        return bytes.ToArray();
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
