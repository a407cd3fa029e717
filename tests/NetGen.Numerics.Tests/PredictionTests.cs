using System;
using System.Linq;
using Xunit;

namespace NetGen.Numerics.Tests;

public sealed class PredictionTests
{
    [Fact]
    public void A_softmax_network_gives_the_softmax_of_its_logits_as_probabilities()
    {
        var model = new SoftmaxNet();
        var (inputs, _) = GradientCase.Data(model, 5, seed: 3);
        var logits = new float[SoftmaxNet.OutputSize];
        var probabilities = new float[SoftmaxNet.OutputSize];
        for (int r = 0; r < 5; r++)
        {
            ReadOnlySpan<float> input = inputs.AsSpan(r * SoftmaxNet.InputSize, SoftmaxNet.InputSize);
            model.Forward(input, logits);
            model.PredictProbabilities(input, probabilities);

            double sum = logits.Sum(z => Math.Exp(z));
            // Each probability is one float rounding of a double quotient: within 1e-7 of values below 1.
            for (int j = 0; j < SoftmaxNet.OutputSize; j++)
            {
                Assert.Equal(Math.Exp(logits[j]) / sum, probabilities[j], 1e-7);
            }
            Assert.Equal(model.Predict(input), Array.IndexOf(probabilities, probabilities.Max()));
        }
        Assert.Throws<ArgumentException>(() => model.PredictProbabilities(inputs.AsSpan(0, SoftmaxNet.InputSize), new float[3]));
    }

    [Fact]
    public void A_binary_cross_entropy_network_gives_its_sigmoid_outputs_as_probabilities()
    {
        var model = new MultiLabelNet();
        var (inputs, _) = GradientCase.Data(model, 1, seed: 4);
        var outputs = new float[MultiLabelNet.OutputSize];
        var probabilities = new float[MultiLabelNet.OutputSize];
        model.Forward(inputs, outputs);
        model.PredictProbabilities(inputs, probabilities);
        Assert.Equal(outputs, probabilities);
    }

    [Fact]
    public void A_network_names_its_prediction_once_it_knows_the_class_names()
    {
        var model = new SoftmaxNet();
        var (inputs, _) = GradientCase.Data(model, 1, seed: 5);
        var error = Assert.Throws<InvalidOperationException>(() => model.PredictClassName(inputs));
        Assert.StartsWith("The network has no class names", error.Message);

        string[] names = ["north", "east", "south", "west"];
        model.ClassNames = names;
        Assert.Equal(names[model.Predict(inputs)], model.PredictClassName(inputs));
        Assert.Equal(names, ((INetwork)model).ClassNames);

        Assert.Throws<ArgumentException>(() => model.ClassNames = ["a", "b", "c"]);
        Assert.Throws<ArgumentException>(() => model.ClassNames = ["a", "b", "c", "a"]);
        Assert.Equal(names, model.ClassNames);
    }

    [Fact]
    public void Class_names_travel_in_a_checkpoint_into_a_fresh_network()
    {
        var trained = new SoftmaxNet { ClassNames = ["north", "east", "south", "west"] };
        trained.InitializeParameters(seed: 9);
        using var file = new System.IO.MemoryStream();
        Checkpoint.Capture(trained).WriteTo(file);
        file.Position = 0;

        var fresh = new SoftmaxNet();
        Checkpoint.Read(file).Restore(fresh);

        var (inputs, _) = GradientCase.Data(fresh, 1, seed: 6);
        Assert.Equal(trained.PredictClassName(inputs), fresh.PredictClassName(inputs));
    }
}
