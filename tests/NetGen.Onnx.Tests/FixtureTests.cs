using System;
using System.IO;
using System.Linq;
using Xunit;

namespace NetGen.Onnx.Tests;

/// <summary>
/// Every supported fixture, imported at build time, computes PyTorch's outputs for the inputs the fixture script
/// saved. Tolerance: relative 1e-5 of the largest output magnitude (at least 1); float32 sums of a few hundred
/// products in another order than PyTorch's differ by a few ulps per term, well inside it.
/// </summary>
public sealed class FixtureTests
{
    public static TheoryData<string> Fixtures() => new()
    {
        "mlp_gemm", "mlp_matmul", "mlp_activations", "mlp_opset11", "mlp_opset12", "mlp_opset13", "mlp_opset14", "mlp_opset15",
        "mlp_opset16", "mlp_opset17", "lenet5", "cnn_view_flatten", "conv_variants", "avgpool_include_pad", "avgpool_exclude_pad",
        "pool_ceil_exact", "resnet_bn", "resnet_bn_unfused", "mlp_batchnorm",
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Imported_network_reproduces_PyTorch(string fixture)
    {
        INetwork network = Create(fixture);
        float[] input = Read(fixture + ".input.bin");
        float[] expected = Read(fixture + ".output.bin");
        int batch = input.Length / network.InputSize;
        Assert.Equal(expected.Length, batch * network.OutputSize);

        float[] actual = new float[expected.Length];
        network.Forward(input, actual, batch);
        if (fixture is "mlp_activations")
        {
            Softmax(actual, network.OutputSize); // the file ends in Softmax, which the import leaves to the caller (Forward returns logits)
        }
        else if (fixture.StartsWith("mlp_opset", StringComparison.Ordinal))
        {
            LogSoftmax(actual, network.OutputSize);
        }
        AssertClose(expected, actual);
    }

    [Fact]
    public void Imported_network_with_a_loss_fine_tunes_and_its_loss_falls()
    {
        var model = new LeNet5();
        float[] input = Read("lenet5.input.bin");
        int batch = input.Length / LeNet5.InputSize;
        float[] labels = Enumerable.Range(0, batch).Select(i => (float)(i % 10)).ToArray();
        var optimizer = new Sgd(0.05f);
        float first = model.EvaluateLoss(input, labels, batch);
        for (int step = 0; step < 20; step++)
        {
            model.TrainStep(input, labels, batch);
            optimizer.Step(model.Parameters, model.Gradients);
        }
        float last = model.EvaluateLoss(input, labels, batch);
        // The gradients reach the imported weights: twenty plain SGD steps on one batch cut its loss by a fifth or more.
        Assert.True(last < 0.8f * first, $"loss {first} -> {last}");
    }

    [Fact]
    public void Imported_parameters_are_the_files_weights_not_a_random_initialization()
    {
        var imported = new LeNet5();
        float[] before = imported.Parameters.ToArray();
        imported.InitializeParameters(0); // what a declared LeNet-5 would start from
        Assert.NotEqual(before, imported.Parameters);
    }

    [Fact]
    public void Header_of_the_generated_file_shows_the_equivalent_declaration()
    {
        string generated = File.ReadAllText(Directory.GetFiles(GeneratedDirectory(), "NetGen.Onnx.Tests.LeNet5.g.cs", SearchOption.AllDirectories).Single());
        Assert.Contains("//   [Conv2D(6, kernel: 5, Padding = 2, Activation = Activation.ReLU)]", generated, StringComparison.Ordinal);
        Assert.Contains("//   [MaxPool2D(2)]", generated, StringComparison.Ordinal);
        Assert.Contains("//   [Dense(10)]", generated, StringComparison.Ordinal);
    }

    private static string GeneratedDirectory()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string obj = Path.Combine(d.FullName, "obj");
            if (File.Exists(Path.Combine(d.FullName, "NetGen.Onnx.Tests.csproj")) && Directory.Exists(obj))
            {
                return obj;
            }
        }
        throw new DirectoryNotFoundException("the test project's obj folder");
    }

    private static INetwork Create(string fixture) => fixture switch
    {
        "mlp_gemm" => new MlpGemm(),
        "mlp_matmul" => new MlpMatMul(),
        "mlp_activations" => new MlpActivations(),
        "mlp_opset11" => new MlpOpset11(),
        "mlp_opset12" => new MlpOpset12(),
        "mlp_opset13" => new MlpOpset13(),
        "mlp_opset14" => new MlpOpset14(),
        "mlp_opset15" => new MlpOpset15(),
        "mlp_opset16" => new MlpOpset16(),
        "mlp_opset17" => new MlpOpset17(),
        "lenet5" => new LeNet5(),
        "cnn_view_flatten" => new CnnViewFlatten(),
        "conv_variants" => new ConvVariants(),
        "avgpool_include_pad" => new AvgPoolIncludePad(),
        "avgpool_exclude_pad" => new AvgPoolExcludePad(),
        "pool_ceil_exact" => new PoolCeilExact(),
        "resnet_bn" => new ResNetBatchNorm(),
        "resnet_bn_unfused" => new ResNetBatchNormUnfused(),
        "mlp_batchnorm" => new MlpBatchNorm(),
        _ => throw new ArgumentException(fixture),
    };

    internal static float[] Read(string name)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, values.Length * 4);
        return values;
    }

    internal static void AssertClose(float[] expected, float[] actual)
    {
        float scale = Math.Max(1f, expected.Max(MathF.Abs));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-5f * scale, $"output {i}: PyTorch {expected[i]:R}, NetGen {actual[i]:R}");
        }
    }

    private static void Softmax(float[] values, int width)
    {
        for (int row = 0; row < values.Length; row += width)
        {
            Span<float> v = values.AsSpan(row, width);
            float max = v.ToArray().Max();
            float sum = 0;
            for (int j = 0; j < width; j++) sum += v[j] = MathF.Exp(v[j] - max);
            for (int j = 0; j < width; j++) v[j] /= sum;
        }
    }

    private static void LogSoftmax(float[] values, int width)
    {
        for (int row = 0; row < values.Length; row += width)
        {
            Span<float> v = values.AsSpan(row, width);
            float max = v.ToArray().Max();
            float sum = 0;
            for (int j = 0; j < width; j++) sum += MathF.Exp(v[j] - max);
            float log = max + MathF.Log(sum);
            for (int j = 0; j < width; j++) v[j] -= log;
        }
    }
}
