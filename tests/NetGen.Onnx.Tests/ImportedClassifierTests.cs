using System;
using System.IO;
using System.Linq;
using Xunit;

namespace NetGen.Onnx.Tests;

/// <summary>
/// The classifier members of imported networks: a model that ends in Softmax or LogSoftmax is a classifier even without
/// a [Loss] (its outputs are the logits before that node), so PredictProbabilities gives what the file's last node
/// computed, and ClassNames / PredictClassName name its classes. A model that ends in neither has no such members.
/// </summary>
public sealed class ImportedClassifierTests
{
    [Fact]
    public void Inference_only_import_ending_in_Softmax_predicts_PyTorchs_probabilities()
    {
        var model = new MlpActivations();
        float[] input = FixtureTests.Read("mlp_activations.input.bin");
        float[] expected = FixtureTests.Read("mlp_activations.output.bin"); // PyTorch's Softmax outputs
        float[] actual = Probabilities(model.PredictProbabilities, input, MlpActivations.InputSize, MlpActivations.OutputSize);
        FixtureTests.AssertClose(expected, actual);
    }

    [Fact]
    public void Inference_only_import_ending_in_LogSoftmax_predicts_the_exponent_of_PyTorchs_outputs()
    {
        var model = new MlpOpset13();
        float[] input = FixtureTests.Read("mlp_opset13.input.bin");
        float[] expected = FixtureTests.Read("mlp_opset13.output.bin").Select(MathF.Exp).ToArray(); // log-probabilities
        float[] actual = Probabilities(model.PredictProbabilities, input, MlpOpset13.InputSize, MlpOpset13.OutputSize);
        FixtureTests.AssertClose(expected, actual);
    }

    [Fact]
    public void Inference_only_import_ending_in_Softmax_names_its_classes_and_a_checkpoint_carries_the_names()
    {
        var model = new MlpActivations();
        float[] input = FixtureTests.Read("mlp_activations.input.bin").AsSpan(0, MlpActivations.InputSize).ToArray();
        Assert.Throws<InvalidOperationException>(() => model.PredictClassName(input));

        string[] names = { "a", "b", "c", "d", "e" };
        model.ClassNames = names;
        Assert.Equal(names[model.Predict(input)], model.PredictClassName(input));

        string path = Path.Combine(Path.GetTempPath(), "netgen-onnx-classes-" + Guid.NewGuid().ToString("N") + ".ngck");
        try
        {
            Checkpoint.Capture(model).Save(path);
            var restored = new MlpActivations();
            Checkpoint.Load(path).Restore(restored);
            Assert.Equal(names, restored.ClassNames);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Import_with_a_softmax_cross_entropy_loss_predicts_the_softmax_of_its_logits()
    {
        var model = new LeNet5();
        float[] input = FixtureTests.Read("lenet5.input.bin");
        int batch = input.Length / LeNet5.InputSize;
        float[] logits = new float[batch * LeNet5.OutputSize];
        model.Forward(input, logits, batch);
        float[] actual = Probabilities(model.PredictProbabilities, input, LeNet5.InputSize, LeNet5.OutputSize);
        for (int b = 0; b < batch; b++)
        {
            Span<float> row = logits.AsSpan(b * LeNet5.OutputSize, LeNet5.OutputSize);
            float max = row.ToArray().Max();
            double sum = row.ToArray().Sum(v => Math.Exp(v - max));
            for (int j = 0; j < row.Length; j++)
            {
                // Softmax in float32 of ten logits against the same in double: a few ulps apart.
                Assert.Equal(Math.Exp(row[j] - max) / sum, actual[b * LeNet5.OutputSize + j], 1e-6);
            }
        }
    }

    [Theory]
    [InlineData(typeof(MlpGemm))] // ends in a linear layer, no loss: its outputs are not known to be scores
    [InlineData(typeof(ConvVariants))]
    public void Import_ending_in_neither_Softmax_nor_LogSoftmax_has_no_probabilities_or_class_names(Type network)
    {
        Assert.Null(network.GetMethod("PredictProbabilities"));
        Assert.Null(network.GetMethod("PredictClassName"));
        Assert.Null(network.GetProperty("ClassNames"));
    }

    private delegate void Predictor(ReadOnlySpan<float> input, Span<float> probabilities);

    private static float[] Probabilities(Predictor predict, float[] inputs, int inputSize, int outputSize)
    {
        int batch = inputs.Length / inputSize;
        float[] probabilities = new float[batch * outputSize];
        for (int b = 0; b < batch; b++)
        {
            predict(inputs.AsSpan(b * inputSize, inputSize), probabilities.AsSpan(b * outputSize, outputSize));
        }
        return probabilities;
    }
}
