using System;
using Xunit;

namespace NetGen.Runtime.Tests.Training;

/// <summary>A NaN or infinite output never becomes a counted prediction (issue item R3, the runtime's half).</summary>
public sealed class NonFiniteOutputTests
{
    /// <summary>Outputs are the inputs times one parameter: a NaN or infinite parameter spoils every output of a finite input.</summary>
    private sealed class ScaledNetwork(int size, LossKind loss, float scale) : ITrainableNetwork
    {
        public int InputSize => size;
        public int OutputSize => size;
        public int TargetSize => loss == LossKind.SoftmaxCrossEntropy ? 1 : size;
        public LossKind Loss => loss;
        public string Fingerprint => "scaled";
        public float[] Parameters { get; } = [scale];
        public float[] Gradients { get; } = [0f];

        public void InitializeParameters(int seed)
        {
        }

        public void Forward(ReadOnlySpan<float> input, Span<float> output) => Forward(input, output, 1);

        public void Forward(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize)
        {
            for (int i = 0; i < batchSize * size; i++)
            {
                outputs[i] = inputs[i] * Parameters[0];
            }
        }

        public float EvaluateLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize) => 0f;

        public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize) => 0f;

        public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize, Span<float> inputGradients) => 0f;
    }

    // Ten samples of three scores; the first belongs to class 0, the others to class 1, so a NaN read as class 0 scores 0.1.
    private static Dataset TenSamples(int targetSize = 1)
    {
        float[] inputs = new float[30];
        float[] targets = new float[10 * targetSize];
        for (int s = 0; s < 10; s++)
        {
            inputs[s * 3] = s == 0 ? 1f : 0f;
            inputs[s * 3 + 1] = s == 0 ? 0f : 1f;
            if (targetSize == 1)
            {
                targets[s] = s == 0 ? 0f : 1f;
            }
        }
        return new Dataset(inputs, targets, inputSize: 3, targetSize);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void R3_Evaluate_refuses_a_non_finite_output_instead_of_counting_it_as_class_0(float scale)
    {
        var model = new ScaledNetwork(3, LossKind.SoftmaxCrossEntropy, scale);

        var error = Assert.Throws<InvalidOperationException>(() => Evaluation.Evaluate(model, TenSamples(), batchSize: 4));

        Assert.StartsWith($"The model's output 0 for sample 0 is {scale.ToString(System.Globalization.CultureInfo.InvariantCulture)}, although the sample's inputs are finite: the model's parameters are not finite", error.Message);
        Assert.Throws<InvalidOperationException>(() => Evaluation.Accuracy(model, TenSamples()));
        Assert.Equal(1.0, Evaluation.Accuracy(new ScaledNetwork(3, LossKind.SoftmaxCrossEntropy, 1f), TenSamples()));
    }

    [Fact]
    public void R3_the_failing_sample_is_named_by_its_index_in_the_dataset()
    {
        var model = new ScaledNetwork(3, LossKind.SoftmaxCrossEntropy, 1f);
        Dataset data = TenSamples();
        data.Inputs[7 * 3 + 2] = float.NaN;

        var error = Assert.Throws<ArgumentException>(() => Evaluation.Evaluate(model, data, batchSize: 4));

        Assert.StartsWith("Sample 7 of the dataset has input 2 = NaN; there is no way to count a prediction on an input that is not finite.", error.Message);
        Assert.Equal("data", error.ParamName);
    }

    [Fact]
    public void R3_a_NaN_input_is_refused_even_when_the_model_would_turn_it_into_a_finite_output()
    {
        // Scale 0 maps NaN to NaN here, but a ReLU maps it to 0: the input itself is what is checked.
        var model = new IdentityNetwork(3, targetSize: 1, LossKind.SoftmaxCrossEntropy);
        Dataset data = TenSamples();
        data.Inputs[0] = float.NegativeInfinity;

        Assert.Throws<ArgumentException>(() => Evaluation.Evaluate(model, data));
        Assert.Throws<ArgumentException>(() => ConfusionMatrix.Compute(model, data));
    }

    [Theory]
    [InlineData(LossKind.BinaryCrossEntropy)]
    [InlineData(LossKind.Hinge)]
    public void R3_threshold_and_sign_accuracies_refuse_a_NaN_output(LossKind loss)
    {
        // One output per sample: NaN >= 0.5 and NaN >= 0 are false, which would read as the negative class.
        var model = new ScaledNetwork(1, loss, float.NaN);
        var data = new Dataset([1f, 1f, 1f], [0f, 0f, 0f], inputSize: 1, targetSize: 1);

        Assert.Throws<InvalidOperationException>(() => Evaluation.Evaluate(model, data));
        Assert.Throws<InvalidOperationException>(() => ConfusionMatrix.Compute(model, data));
    }

    [Fact]
    public void R3_ConfusionMatrix_refuses_a_non_finite_output()
    {
        var model = new ScaledNetwork(3, LossKind.SoftmaxCrossEntropy, float.NaN);

        var error = Assert.Throws<InvalidOperationException>(() => ConfusionMatrix.Compute(model, TenSamples(), batchSize: 3));

        Assert.Contains("for sample 0 is NaN", error.Message);
    }

    [Fact]
    public void R3_the_trainer_refuses_non_finite_training_or_validation_data_before_training()
    {
        var model = new LinearRegressionNetwork(inputSize: 2);
        model.InitializeParameters(seed: 1);
        float[] before = (float[])model.Parameters.Clone();
        var good = new Dataset([1f, 2f, 3f, 4f], [1f, 2f], inputSize: 2, targetSize: 1);
        var badInput = new Dataset([1f, 2f, float.NaN, 4f], [1f, 2f], inputSize: 2, targetSize: 1);
        var badTarget = new Dataset([1f, 2f, 3f, 4f], [1f, float.PositiveInfinity], inputSize: 2, targetSize: 1);
        var trainer = new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 1 });

        var train = Assert.Throws<ArgumentException>(() => trainer.Fit(model, new Sgd(0.1f), badInput));
        Assert.StartsWith("Sample 1 of the dataset has input 0 = NaN; there is no way to train the model", train.Message);
        Assert.Equal("train", train.ParamName);
        var validation = Assert.Throws<ArgumentException>(() => trainer.Fit(model, new Sgd(0.1f), good, badTarget));
        Assert.StartsWith("Sample 1 of the dataset has target 0 = Infinity; there is no way to validate the model", validation.Message);
        Assert.Equal("validation", validation.ParamName);
        Assert.Equal(before, model.Parameters);
    }

    [Fact]
    public void The_finiteness_scan_finds_the_first_NaN_or_infinity_at_every_position_of_the_vector_body_and_the_tail()
    {
        float[] finite = [0f, -0f, float.MaxValue, float.MinValue, float.Epsilon, -float.Epsilon, 1e-40f, 1f];
        for (int length = 0; length <= 41; length++)
        {
            float[] values = new float[length];
            for (int i = 0; i < length; i++)
            {
                values[i] = finite[i % finite.Length];
            }
            Assert.Equal(-1, NonFinite.IndexOf(values));
            for (int at = 0; at < length; at++)
            {
                foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00001)) })
                {
                    float[] copy = (float[])values.Clone();
                    copy[at] = bad;
                    if (at + 1 < length)
                    {
                        copy[length - 1] = float.NaN;
                    }
                    Assert.Equal(at, NonFinite.IndexOf(copy));
                }
            }
        }
    }
}
