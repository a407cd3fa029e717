using System;
using Xunit;

namespace NetGen.Runtime.Tests.Training;

public sealed class ConfusionMatrixTests
{
    /// <summary>
    /// Three classes; IdentityNetwork outputs its inputs, so each sample's input is the score vector and its target the label.
    /// Predictions (argmax) vs labels: (0,0) (0,0) (1,0) (1,1) (2,1) (2,2) (2,2) (0,2).
    /// </summary>
    private static (ITrainableNetwork Model, Dataset Data) Classifier()
    {
        float[] scores =
        [
            1, 0, 0,
            0.9f, 0.1f, 0,
            0, 1, 0,
            0.2f, 0.5f, 0.3f,
            0, 0.3f, 0.7f,
            0, 0, 1,
            0.1f, 0.2f, 0.7f,
            1, 1, 0.5f, // a tie: the first of the largest wins
        ];
        float[] labels = [0, 0, 0, 1, 1, 2, 2, 2];
        return (new IdentityNetwork(3, targetSize: 1, LossKind.SoftmaxCrossEntropy), new Dataset(scores, labels, inputSize: 3, targetSize: 1));
    }

    [Fact]
    public void Counts_precision_and_recall_follow_the_predictions()
    {
        (ITrainableNetwork model, Dataset data) = Classifier();
        ConfusionMatrix matrix = ConfusionMatrix.Compute(model, data, batchSize: 3);

        long[,] expected = { { 2, 1, 0 }, { 0, 1, 1 }, { 1, 0, 2 } };
        for (int a = 0; a < 3; a++)
        {
            for (int p = 0; p < 3; p++)
            {
                Assert.Equal(expected[a, p], matrix[a, p]);
            }
        }
        Assert.Equal(8, matrix.Total);
        Assert.Equal(5 / 8.0, matrix.Accuracy);
        Assert.Equal(Evaluation.Accuracy(model, data), matrix.Accuracy);
        Assert.Equal(2 / 3.0, matrix.Precision(0));
        Assert.Equal(1 / 2.0, matrix.Precision(1));
        Assert.Equal(2 / 3.0, matrix.Precision(2));
        Assert.Equal(2 / 3.0, matrix.Recall(0));
        Assert.Equal(1 / 2.0, matrix.Recall(1));
        Assert.Equal(2 / 3.0, matrix.Recall(2));
        Assert.Equal(2 / 3.0, matrix.F1(0), 1e-12);
    }

    [Fact]
    public void A_class_never_predicted_has_no_precision()
    {
        var matrix = new ConfusionMatrix(3);
        matrix.Add(0, 0);
        matrix.Add(2, 0);
        Assert.True(double.IsNaN(matrix.Precision(1)));
        Assert.True(double.IsNaN(matrix.Recall(1)));
        Assert.Equal(0, matrix.Recall(2));
        Assert.True(double.IsNaN(matrix.F1(2)), "precision of class 2 is undefined");
        Assert.Equal(2 / 3.0, matrix.F1(0), 1e-12); // precision 1/2, recall 1
    }

    [Fact]
    public void A_binary_cross_entropy_model_has_two_classes_split_at_one_half()
    {
        var model = new IdentityNetwork(1, targetSize: 1, LossKind.BinaryCrossEntropy);
        var data = new Dataset([0.9f, 0.2f, 0.6f, 0.4f], [1f, 0f, 0f, 1f], inputSize: 1, targetSize: 1);

        ConfusionMatrix matrix = ConfusionMatrix.Compute(model, data);

        Assert.Equal(2, matrix.ClassCount);
        Assert.Equal((1L, 1L, 1L, 1L), (matrix[0, 0], matrix[0, 1], matrix[1, 0], matrix[1, 1]));
    }

    [Fact]
    public void A_label_that_is_not_a_class_index_is_rejected()
    {
        var model = new IdentityNetwork(3, targetSize: 1, LossKind.SoftmaxCrossEntropy);
        var data = new Dataset([1f, 0, 0, 0, 1, 0], [0f, 3f], inputSize: 3, targetSize: 1);
        var error = Assert.Throws<ArgumentException>(() => ConfusionMatrix.Compute(model, data));
        Assert.Contains("Sample 1 has label 3, which is not a class index in [0, 3)", error.Message);
    }

    [Fact]
    public void A_regression_model_has_no_confusion_matrix()
    {
        var model = new IdentityNetwork(2, targetSize: 2, LossKind.MeanSquaredError);
        var data = new Dataset(new float[4], new float[4], inputSize: 2, targetSize: 2);
        var error = Assert.Throws<ArgumentException>(() => ConfusionMatrix.Compute(model, data));
        Assert.Contains("needs a single-label classifier", error.Message);
    }

    [Fact]
    public void The_table_shows_counts_recall_and_precision()
    {
        (ITrainableNetwork model, Dataset data) = Classifier();
        string table = ConfusionMatrix.Compute(model, data).ToString();

        string[] lines = table.TrimEnd('\n').Split('\n');
        Assert.Equal(5, lines.Length);
        Assert.Equal("actual\\predicted        0      1      2   recall", lines[0]);
        Assert.Equal("0                       2      1      0   0.6667", lines[1]);
        Assert.Equal("precision           0.667  0.500  0.667", lines[4]);
    }

    [Fact]
    public void With_class_names_the_table_names_the_classes()
    {
        (ITrainableNetwork model, Dataset data) = Classifier();
        string table = ConfusionMatrix.Compute(model, data, classNames: ["setosa", "versicolor", "virginica"]).ToString();

        string[] lines = table.TrimEnd('\n').Split('\n');
        Assert.Equal("actual\\predicted        setosa  versicolor   virginica   recall", lines[0]);
        Assert.Equal("setosa                       2           1           0   0.6667", lines[1]);
        Assert.Equal("virginica                    1           0           2   0.6667", lines[3]);
        Assert.Equal("precision                0.667       0.500       0.667", lines[4]);
    }

    [Fact]
    public void Class_names_must_be_one_distinct_name_per_class()
    {
        var matrix = new ConfusionMatrix(3);
        Assert.Throws<ArgumentException>(() => matrix.ClassNames = ["a", "b"]);
        Assert.Throws<ArgumentException>(() => matrix.ClassNames = ["a", "b", "a"]);
        Assert.Throws<ArgumentException>(() => matrix.ClassNames = ["a", "", "c"]);
        Assert.Null(matrix.ClassNames);
    }
}
