using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using Xunit;

namespace NetGen.Onnx.Tests;

/// <summary>
/// Export, then import: each declared network of RoundTripNetworks.cs, exported by <see cref="OnnxExporter"/>, compiles
/// through <c>[Network(Onnx = ...)]</c> into the same layers with the same parameters and running statistics, and so
/// into the same generated code, which computes the same outputs bit for bit.
/// </summary>
/// <remarks>
/// The exported files are committed under RoundTrip/ because the import runs at build time, before any test. After an
/// intentional change to the exporter, rewrite them and commit them with the change:
/// <code>NETGEN_UPDATE_ROUNDTRIP=1 dotnet test tests/NetGen.Onnx.Tests --filter RoundTripTests</code>
/// then build again, so that the imported classes are compiled from the new files.
/// </remarks>
public sealed class RoundTripTests
{
    public const string UpdateVariable = "NETGEN_UPDATE_ROUNDTRIP";

    private static readonly Dictionary<string, (Func<INetwork> Declared, Func<INetwork> Imported)> Pairs = new()
    {
        ["activations"] = (() => new DeclaredActivations(), () => new ImportedActivations()),
        ["vector_layers"] = (() => new DeclaredVectorLayers(), () => new ImportedVectorLayers()),
        ["image_layers"] = (() => new DeclaredImageLayers(), () => new ImportedImageLayers()),
        ["residual_images"] = (() => new DeclaredResidualImages(), () => new ImportedResidualImages()),
    };

    public static TheoryData<string> Names() => new(Pairs.Keys);

    /// <summary>
    /// The declared network with reproducible parameters that exercise every value: the generated initializer, then
    /// nonzero biases (it leaves them zero), and for batch normalization scales other than one and running statistics
    /// other than the initial mean 0 and variance 1.
    /// </summary>
    public static INetwork Declared(string name)
    {
        INetwork model = Pairs[name].Declared();
        model.InitializeParameters(seed: 11);
        var random = new SeededRandom(12);
        foreach (LayerDescription layer in model.Description.Layers)
        {
            Span<float> bias = model.Parameters.AsSpan(layer.BiasOffset, layer.BiasLength);
            for (int i = 0; i < bias.Length; i++)
            {
                bias[i] = random.NextSingle() - 0.5f;
            }
            if (layer.Kind == LayerKind.BatchNorm)
            {
                for (int c = 0; c < layer.Units; c++)
                {
                    model.Parameters[layer.WeightOffset + c] = 0.5f + random.NextSingle();
                    model.Buffers[layer.BufferOffset + c] = random.NextSingle() - 0.5f;
                    model.Buffers[layer.BufferOffset + layer.Units + c] = 0.25f + random.NextSingle();
                }
            }
        }
        return model;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_committed_file_is_what_the_exporter_writes(string name)
    {
        using var stream = new MemoryStream();
        OnnxExporter.Export(Declared(name), stream);
        byte[] exported = stream.ToArray();
        string path = SourcePath(name);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Assert.True(Directory.Exists(Path.GetDirectoryName(path)), $"cannot update {path}: its folder does not exist (is the build's PathMap hiding the source tree?)");
            File.WriteAllBytes(path, exported);
            return;
        }
        if (!File.Exists(path))
        {
            // The source tree is not where the compiler saw it (mapped paths): use the copy in the output directory.
            path = Path.Combine(AppContext.BaseDirectory, "RoundTrip", name + ".onnx");
        }
        Assert.True(File.Exists(path), $"{path} does not exist; run with {UpdateVariable}=1 to write it");
        Assert.True(exported.AsSpan().SequenceEqual(File.ReadAllBytes(path)),
            $"the exporter no longer writes {path}; if the change is intended, run with {UpdateVariable}=1, build again and commit the file");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_imported_network_has_the_declared_layers_parameters_and_statistics(string name)
    {
        INetwork declared = Declared(name);
        INetwork imported = Pairs[name].Imported();

        Assert.Equal(declared.Description.InputShape, imported.Description.InputShape);
        Assert.Equal(Describe(declared), Describe(imported));
        Assert.Equal(declared.Parameters, imported.Parameters);
        Assert.Equal(declared.Buffers, imported.Buffers);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_imported_network_computes_the_declared_networks_outputs_bit_for_bit(string name)
    {
        INetwork declared = Declared(name);
        INetwork imported = Pairs[name].Imported();
        const int batch = 6;
        var random = new SeededRandom(13);
        float[] inputs = new float[batch * declared.InputSize];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = 2 * random.NextSingle() - 1;
        }
        float[] expected = new float[batch * declared.OutputSize], actual = new float[expected.Length];
        float[] expectedOne = new float[declared.OutputSize], actualOne = new float[expectedOne.Length];

        declared.Forward(inputs, expected, batch);
        imported.Forward(inputs, actual, batch);
        declared.Forward(inputs.AsSpan(0, declared.InputSize), expectedOne);
        imported.Forward(inputs.AsSpan(0, declared.InputSize), actualOne);

        // The same layers with the same parameters compile to the same kernels, which add in the same order.
        Assert.Equal(Bits(expected), Bits(actual));
        Assert.Equal(Bits(expectedOne), Bits(actualOne));
        Assert.True(expected.Distinct().Count() > expected.Length / 2, "the outputs are nearly constant, so they would not show a wrong layer");
    }

    [Fact]
    public void The_round_trip_networks_use_every_layer_kind_activation_and_shortcut()
    {
        LayerDescription[] layers = Pairs.Keys.SelectMany(name => Declared(name).Description.Layers).ToArray();
        LayerDescription[] ends = layers.Where(l => l.Kind == LayerKind.ResidualEnd).ToArray();
        LayerDescription[] convolutions = layers.Where(l => l.Kind == LayerKind.Conv2D).ToArray();

        Assert.Empty(Enum.GetValues<LayerKind>().Except(layers.Select(l => l.Kind)));
        Assert.Empty(Enum.GetValues<Activation>().Except(layers.Select(l => l.Activation)));
        Assert.Contains(ends, l => l.WeightLength == 0);                         // identity shortcut
        Assert.Contains(ends, l => l.WeightLength > 0 && l.InputShape.Length == 1); // linear projection
        Assert.Contains(ends, l => l.WeightLength > 0 && l.Stride > 1);           // strided 1x1 convolution
        Assert.Contains(ends, l => l.WeightLength > 0 && l.InputShape.Length == 3 && l.Stride == 1);
        Assert.Contains(convolutions, l => l.Stride > 1 && l.PaddingHeight > 0);
        Assert.Contains(convolutions, l => l.Dilation > 1 && l.BiasLength == 0);
        Assert.Contains(convolutions, l => l.KernelHeight == 1 && l.KernelWidth == 1);
        Assert.Contains(layers, l => l.Kind == LayerKind.BatchNorm && l.InputShape.Length == 1);
        Assert.Contains(layers, l => l.Kind == LayerKind.BatchNorm && l.InputShape.Length == 3);
    }

    // Each layer as its kind, shapes, activation and settings: everything but its name (an import names layers by kind as a
    // declaration does, but that is not what is tested here) and a batch norm's momentum (stored in ONNX as 1 - momentum,
    // which float rounding does not always map back exactly; it only weighs batch statistics in training).
    private static string[] Describe(INetwork network) => network.Description.Layers
        .Select(l => l with { Name = "", Momentum = float.IsNaN(l.Momentum) ? l.Momentum : 0 })
        .Select(l => $"{l.Kind} [{string.Join(",", l.InputShape)}] -> [{string.Join(",", l.OutputShape)}] {l} ")
        .ToArray();

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    private static string SourcePath(string name, [CallerFilePath] string callerPath = "") =>
        Path.Combine(Path.GetDirectoryName(callerPath) ?? "", "RoundTrip", name + ".onnx");
}
