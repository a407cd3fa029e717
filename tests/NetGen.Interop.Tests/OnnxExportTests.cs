using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using NetGen.Interop.Onnx;
using NetGen.Samples.FashionResNet;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Interop.Tests;

public sealed class OnnxExportTests
{
    private static readonly Dictionary<string, Func<ITrainableNetwork>> Networks = new()
    {
        [nameof(DenseActivations)] = () => new DenseActivations(),
        [nameof(DefaultAlphas)] = () => new DefaultAlphas(),
        [nameof(MaxoutNet)] = () => new MaxoutNet(),
        [nameof(ConvNet)] = () => new ConvNet(),
        [nameof(PoolNet)] = () => new PoolNet(),
        [nameof(ImageOutput)] = () => new ImageOutput(),
        [nameof(GlobalPoolOutput)] = () => new GlobalPoolOutput(),
        [nameof(DropoutNet)] = () => new DropoutNet(),
        [nameof(BatchNormNet)] = () => new BatchNormNet(),
        [nameof(ConvBatchNormNet)] = () => new ConvBatchNormNet(),
        [nameof(ResidualNet)] = () => new ResidualNet(),
        [nameof(LinearProjectionNet)] = () => new LinearProjectionNet(),
        [nameof(StridedProjectionNet)] = () => new StridedProjectionNet(),
        [nameof(FashionResNet)] = () => new FashionResNet(),
        [nameof(LeNet5)] = () => new LeNet5(),
    };

    private readonly ITestOutputHelper _output;

    public OnnxExportTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> NetworkNames() => new(Networks.Keys);

    private static ITrainableNetwork Create(string name, int seed = 1)
    {
        ITrainableNetwork model = Networks[name]();
        OnnxRunner.Randomize(model, seed);
        return model;
    }

    private void AssertAgrees(string what, float[] netgen, float[] onnx)
    {
        (string? mismatch, double worst) = Tolerance.Compare(netgen, onnx);
        _output.WriteLine($"{what}: {netgen.Length} outputs, worst difference {worst:G3} of the outputs' scale");
        Assert.True(mismatch is null, $"{what}: ONNX Runtime disagrees with NetGen at {mismatch}");
    }

    [Theory]
    [MemberData(nameof(NetworkNames))]
    public void Exported_network_computes_in_OnnxRuntime_what_NetGen_computes(string network)
    {
        ITrainableNetwork model = Create(network);
        const int batch = 7;
        float[] inputs = OnnxRunner.Inputs(model, batch, seed: 2);

        using InferenceSession session = OnnxRunner.Session(OnnxRunner.Export(model));
        float[] onnx = OnnxRunner.Run(session, inputs, batch, model.Description.InputShape);

        AssertAgrees(network, OnnxRunner.NetGenForward(model, inputs, batch), onnx);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(33)]
    public void One_exported_model_runs_any_batch_size(int batch)
    {
        ITrainableNetwork model = Create(nameof(ConvNet));
        float[] inputs = OnnxRunner.Inputs(model, batch, seed: batch);

        using InferenceSession session = OnnxRunner.Session(OnnxRunner.Export(model));

        AssertAgrees($"batch {batch}", OnnxRunner.NetGenForward(model, inputs, batch), OnnxRunner.Run(session, inputs, batch, model.Description.InputShape));
    }

    [Theory]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    public void Every_operator_set_from_13_to_17_gives_the_same_results(int opset)
    {
        foreach (string network in new[] { nameof(MaxoutNet), nameof(PoolNet) })
        {
            ITrainableNetwork model = Create(network);
            byte[] onnx = OnnxRunner.Export(model, new OnnxExportOptions { OpsetVersion = opset });
            Assert.Equal(opset, ModelProto.Parser.ParseFrom(onnx).OpsetImport.Single().Version);

            float[] inputs = OnnxRunner.Inputs(model, 5, seed: 3);
            using InferenceSession session = OnnxRunner.Session(onnx);
            AssertAgrees($"{network}, opset {opset}", OnnxRunner.NetGenForward(model, inputs, 5), OnnxRunner.Run(session, inputs, 5, model.Description.InputShape));
        }
    }

    [Theory]
    [InlineData(12)]
    [InlineData(18)]
    public void Operator_sets_outside_13_to_17_are_refused(int opset)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => OnnxRunner.Export(new MaxoutNet(), new OnnxExportOptions { OpsetVersion = opset }));
        Assert.Contains("from 13 to 17", error.Message);
    }

    [Fact]
    public void The_test_networks_use_every_operator_the_exporter_writes()
    {
        var used = Networks.Keys
            .SelectMany(name => ModelProto.Parser.ParseFrom(OnnxRunner.Export(Create(name))).Graph.Node)
            .Select(node => node.OpType)
            .ToHashSet();

        string[] written =
        {
            "Gemm", "Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "Flatten", "Reshape", "ReduceMax",
            "Dropout", "BatchNormalization", "Add", "Relu", "Sigmoid", "Tanh", "LeakyRelu", "Elu", "Softplus",
        };
        Assert.Empty(written.Except(used));
    }

    [Fact]
    public void Export_is_deterministic()
    {
        byte[] first = OnnxRunner.Export(Create(nameof(LeNet5)));
        byte[] second = OnnxRunner.Export(Create(nameof(LeNet5)));
        ITrainableNetwork model = Create(nameof(PoolNet));

        Assert.Equal(first, second);
        Assert.Equal(OnnxRunner.Export(model), OnnxRunner.Export(model));
    }

    [Fact]
    public void Export_writes_the_current_parameters()
    {
        ITrainableNetwork model = Create(nameof(DenseActivations));
        byte[] before = OnnxRunner.Export(model);
        model.Parameters[0] += 0.25f;
        byte[] after = OnnxRunner.Export(model);
        float[] inputs = OnnxRunner.Inputs(model, 3, seed: 4);

        Assert.NotEqual(before, after);
        using InferenceSession session = OnnxRunner.Session(after);
        AssertAgrees("after a parameter change", OnnxRunner.NetGenForward(model, inputs, 3), OnnxRunner.Run(session, inputs, 3, model.Description.InputShape));
    }

    [Fact]
    public void Graph_has_an_input_and_an_output_with_a_symbolic_batch_dimension()
    {
        ITrainableNetwork model = Create(nameof(LeNet5));
        byte[] onnx = OnnxRunner.Export(model);
        ModelProto proto = ModelProto.Parser.ParseFrom(onnx);
        using InferenceSession session = OnnxRunner.Session(onnx);

        Assert.Equal(new[] { "input" }, session.InputMetadata.Keys);
        Assert.Equal(new[] { "output" }, session.OutputMetadata.Keys);
        Assert.Equal(new[] { -1, 1, 28, 28 }, session.InputMetadata["input"].Dimensions);
        Assert.Equal(new[] { -1, 10 }, session.OutputMetadata["output"].Dimensions);
        Assert.Equal("batch", proto.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal("batch", proto.Graph.Output[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(8, proto.IrVersion);
        Assert.Equal(17, proto.OpsetImport.Single().Version);
        Assert.Equal("", proto.OpsetImport.Single().Domain);
        Assert.Equal("NetGen", proto.ProducerName);
        Assert.Equal(model.Fingerprint, proto.MetadataProps.Single(p => p.Key == "netgen.fingerprint").Value);
        // Weights are initializers named after the layers, in NetGen's shapes (dense [inputs, units], conv [f, c, kh, kw]).
        Assert.Equal(new long[] { 6, 1, 5, 5 }, proto.Graph.Initializer.Single(t => t.Name == "Conv1.weight").Dims);
        Assert.Equal(new long[] { 400, 120 }, proto.Graph.Initializer.Single(t => t.Name == "Dense1.weight").Dims);
        Assert.Equal(model.Parameters.Length * sizeof(float), proto.Graph.Initializer.Sum(t => t.RawData.Length));
    }

    [Fact]
    public void A_convolution_without_bias_has_no_bias_input()
    {
        ModelProto proto = ModelProto.Parser.ParseFrom(OnnxRunner.Export(Create(nameof(ConvNet))));
        NodeProto[] convolutions = proto.Graph.Node.Where(n => n.OpType == "Conv").ToArray();

        Assert.Equal(3, convolutions[0].Input.Count);
        Assert.Equal(2, convolutions[1].Input.Count);
        Assert.Equal(new long[] { 1, 1, 1, 1 }, convolutions[0].Attribute.Single(a => a.Name == "pads").Ints);
        Assert.Equal(new long[] { 2, 2 }, convolutions[0].Attribute.Single(a => a.Name == "strides").Ints);
        Assert.Equal(new long[] { 2, 2 }, convolutions[1].Attribute.Single(a => a.Name == "dilations").Ints);
    }

    [Fact]
    public void Softmax_cross_entropy_networks_export_logits_or_on_request_probabilities()
    {
        ITrainableNetwork model = Create(nameof(MaxoutNet));
        float[] inputs = OnnxRunner.Inputs(model, 6, seed: 5);
        float[] logits = OnnxRunner.NetGenForward(model, inputs, 6);
        float[] probabilities = Softmax(logits, model.OutputSize);

        using InferenceSession plain = OnnxRunner.Session(OnnxRunner.Export(model));
        using InferenceSession withSoftmax = OnnxRunner.Session(OnnxRunner.Export(model, new OnnxExportOptions { AppendSoftmax = true }));

        AssertAgrees("logits", logits, OnnxRunner.Run(plain, inputs, 6, model.Description.InputShape));
        AssertAgrees("probabilities", probabilities, OnnxRunner.Run(withSoftmax, inputs, 6, model.Description.InputShape));
    }

    [Fact]
    public void Binary_cross_entropy_networks_export_probabilities()
    {
        ITrainableNetwork model = Create(nameof(PoolNet));
        float[] inputs = OnnxRunner.Inputs(model, 4, seed: 6);
        using InferenceSession session = OnnxRunner.Session(OnnxRunner.Export(model));

        float[] onnx = OnnxRunner.Run(session, inputs, 4, model.Description.InputShape);

        Assert.All(onnx, p => Assert.InRange(p, 0f, 1f));
        Assert.Equal("Sigmoid", ModelProto.Parser.ParseFrom(OnnxRunner.Export(model)).Graph.Node.Last().OpType);
    }

    [Fact]
    public void An_unsupported_layer_fails_with_a_message_that_names_it()
    {
        ITrainableNetwork model = Create(nameof(DenseActivations));
        NetworkDescription description = model.Description;
        var layers = description.Layers.ToArray();
        layers[2] = layers[2] with { Kind = (LayerKind)99, Name = "Mystery3" };

        var error = Assert.Throws<NotSupportedException>(() =>
            OnnxRunner.Export(new RedescribedNetwork(model, description with { Layers = layers })));

        Assert.Contains("Layer 2 (Mystery3, 99) of DenseActivations cannot be exported to ONNX", error.Message);
        Assert.Contains("Dense, Maxout, Flatten, Conv2D, MaxPool2D, AvgPool2D, GlobalAvgPool, Dropout, BatchNorm, ResidualStart and ResidualEnd", error.Message);
    }

    [Fact]
    public void FashionResNet_exports_its_batch_norms_and_residual_blocks_and_runs_in_OnnxRuntime()
    {
        ITrainableNetwork model = Create(nameof(FashionResNet));
        byte[] onnx = OnnxRunner.Export(model);
        GraphProto graph = ModelProto.Parser.ParseFrom(onnx).Graph;

        // Seven batch norms with their running statistics, three sums, one projection (16 -> 32 channels, 1x1, stride 1).
        Assert.Equal(7, graph.Node.Count(n => n.OpType == "BatchNormalization"));
        Assert.Equal(new[] { "ResidualEnd1/Add", "ResidualEnd2/Add", "ResidualEnd3/Add" }, graph.Node.Where(n => n.OpType == "Add").Select(n => n.Name));
        NodeProto projection = graph.Node.Single(n => n.Name == "ResidualEnd2/Projection");
        Assert.Equal("MaxPool1/MaxPool", projection.Input[0]);
        Assert.Equal(new long[] { 32, 16, 1, 1 }, graph.Initializer.Single(t => t.Name == projection.Input[1]).Dims);
        Assert.Equal(new[] { "BatchNorm5/BatchNormalization", "ResidualEnd2/Projection" }, graph.Node.Single(n => n.Name == "ResidualEnd2/Add").Input);
        Assert.Equal(model.Buffers.Length * sizeof(float),
            graph.Initializer.Where(t => t.Name.EndsWith(".running_mean", StringComparison.Ordinal) || t.Name.EndsWith(".running_var", StringComparison.Ordinal)).Sum(t => t.RawData.Length));

        const int batch = 5;
        float[] inputs = OnnxRunner.Inputs(model, batch, seed: 8);
        using InferenceSession session = OnnxRunner.Session(onnx);
        AssertAgrees(nameof(FashionResNet), OnnxRunner.NetGenForward(model, inputs, batch), OnnxRunner.Run(session, inputs, batch, model.Description.InputShape));
    }

    [Fact]
    public void Batch_normalization_writes_the_running_statistics_the_network_has_now()
    {
        ITrainableNetwork model = Create(nameof(ConvBatchNormNet));
        float[] inputs = OnnxRunner.Inputs(model, 4, seed: 9);
        byte[] before = OnnxRunner.Export(model);
        model.Buffers[1] += 0.5f; // a running mean
        model.Buffers[^1] *= 2f;  // a running variance

        using InferenceSession session = OnnxRunner.Session(OnnxRunner.Export(model));

        Assert.NotEqual(before, OnnxRunner.Export(model));
        AssertAgrees("after a change of the running statistics", OnnxRunner.NetGenForward(model, inputs, 4), OnnxRunner.Run(session, inputs, 4, model.Description.InputShape));
    }

    [Fact]
    public void A_residual_end_whose_start_is_not_an_open_block_is_reported()
    {
        ITrainableNetwork model = Create(nameof(ResidualNet));
        var layers = model.Description.Layers.ToArray();
        int end = Array.FindIndex(layers, l => l.Kind == LayerKind.ResidualEnd);
        layers[end] = layers[end] with { ShortcutStart = 0 };

        var error = Assert.Throws<InvalidOperationException>(() =>
            OnnxRunner.Export(new RedescribedNetwork(model, model.Description with { Layers = layers })));

        Assert.Contains($"layer {end} (ResidualEnd1, ResidualEnd) is inconsistent: its shortcut starts at layer 0, which is not an open residual block's start", error.Message);
    }

    [Fact]
    public void An_unsupported_activation_fails_with_a_message_that_names_it()
    {
        ITrainableNetwork model = Create(nameof(DefaultAlphas));
        var layers = model.Description.Layers.ToArray();
        layers[1] = layers[1] with { Activation = (Activation)42 };

        var error = Assert.Throws<NotSupportedException>(() =>
            OnnxRunner.Export(new RedescribedNetwork(model, model.Description with { Layers = layers })));

        Assert.Contains("Layer 1 (Dense2) of DefaultAlphas uses the activation 42", error.Message);
    }

    [Fact]
    public void A_network_without_a_description_fails_clearly()
    {
        var error = Assert.Throws<NotSupportedException>(() => OnnxRunner.Export(new RedescribedNetwork(new DefaultAlphas(), null)));

        Assert.Contains("does not describe its architecture", error.Message);
    }

    [Fact]
    public void A_description_that_contradicts_its_parameters_is_reported()
    {
        ITrainableNetwork model = Create(nameof(DefaultAlphas));
        var layers = model.Description.Layers.ToArray();
        layers[0] = layers[0] with { WeightLength = layers[0].WeightLength - 1 };

        var error = Assert.Throws<InvalidOperationException>(() =>
            OnnxRunner.Export(new RedescribedNetwork(model, model.Description with { Layers = layers })));

        Assert.Contains("layer 0 (Dense1, Dense) is inconsistent: it has 29 weights, but its shapes need [6, 5] = 30", error.Message);
    }

    [Fact]
    public void Save_writes_a_file_that_OnnxRuntime_loads_and_replaces_an_old_one()
    {
        string folder = Directory.CreateTempSubdirectory("netgen-onnx-").FullName;
        try
        {
            string path = Path.Combine(folder, "lenet5.onnx");
            File.WriteAllText(path, "an older file");
            ITrainableNetwork model = Create(nameof(LeNet5));

            OnnxExporter.Save(model, path);

            Assert.Equal(new[] { path }, Directory.GetFiles(folder));
            Assert.Equal(OnnxRunner.Export(model), File.ReadAllBytes(path));
            using var session = new InferenceSession(path);
            float[] inputs = OnnxRunner.Inputs(model, 2, seed: 7);
            AssertAgrees("saved file", OnnxRunner.NetGenForward(model, inputs, 2), OnnxRunner.Run(session, inputs, 2, model.Description.InputShape));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Save_of_an_unsupported_network_leaves_no_file()
    {
        string folder = Directory.CreateTempSubdirectory("netgen-onnx-").FullName;
        try
        {
            Assert.Throws<NotSupportedException>(() => OnnxExporter.Save(new RedescribedNetwork(new DefaultAlphas(), null), Path.Combine(folder, "x.onnx")));

            Assert.Empty(Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Save_never_touches_a_users_file_named_like_a_temporary_file()
    {
        string folder = Directory.CreateTempSubdirectory("netgen-onnx-").FullName;
        try
        {
            string path = Path.Combine(folder, "lenet5.onnx");
            File.WriteAllText(path + ".tmp", "the user's notes");
            ITrainableNetwork model = Create(nameof(LeNet5));

            OnnxExporter.Save(model, path);
            OnnxExporter.Save(model, path);

            Assert.Equal("the user's notes", File.ReadAllText(path + ".tmp"));
            Assert.Equal(OnnxRunner.Export(model), File.ReadAllBytes(path));
            Assert.Equal(new[] { "lenet5.onnx", "lenet5.onnx.tmp" }, Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Concurrent_saves_to_one_path_each_succeed_and_leave_one_complete_model()
    {
        string folder = Directory.CreateTempSubdirectory("netgen-onnx-").FullName;
        try
        {
            string path = Path.Combine(folder, "model.onnx");
            // Two models of one architecture with different weights: the file must always be one of them, whole.
            ITrainableNetwork[] models = { Create(nameof(DenseActivations), seed: 1), Create(nameof(DenseActivations), seed: 2) };
            byte[][] expected = models.Select(m => OnnxRunner.Export(m)).ToArray();
            var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
            System.Threading.Thread[] writers = models.Select(model => new System.Threading.Thread(() =>
            {
                for (int i = 0; i < 100; i++)
                {
                    try
                    {
                        OnnxExporter.Save(model, path);
                    }
                    catch (Exception e)
                    {
                        failures.Enqueue(e);
                    }
                }
            })).ToArray();
            foreach (System.Threading.Thread writer in writers)
            {
                writer.Start();
            }
            foreach (System.Threading.Thread writer in writers)
            {
                writer.Join();
            }

            Assert.Empty(failures);
            byte[] saved = File.ReadAllBytes(path);
            Assert.True(saved.AsSpan().SequenceEqual(expected[0]) || saved.AsSpan().SequenceEqual(expected[1]), "the file is neither model");
            Assert.Equal(new[] { path }, Directory.GetFiles(folder)); // no temporary file is left behind
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Save_into_a_missing_folder_says_which_folder_is_missing()
    {
        string folder = Path.Combine(Path.GetTempPath(), "netgen-onnx-missing-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<DirectoryNotFoundException>(() => OnnxExporter.Save(Create(nameof(LeNet5)), Path.Combine(folder, "x.onnx")));
        Assert.Contains($"the folder '{folder}' does not exist", error.Message);
    }

    private static float[] Softmax(float[] logits, int classes)
    {
        var result = new float[logits.Length];
        for (int row = 0; row < logits.Length / classes; row++)
        {
            ReadOnlySpan<float> z = logits.AsSpan(row * classes, classes);
            double max = z.ToArray().Max();
            double sum = 0;
            for (int j = 0; j < classes; j++)
            {
                sum += Math.Exp(z[j] - max);
            }
            for (int j = 0; j < classes; j++)
            {
                result[row * classes + j] = (float)(Math.Exp(z[j] - max) / sum);
            }
        }
        return result;
    }
}
