using System;
using System.Collections.Generic;

namespace NetGen.Samples.OnnxImport;

/// <summary>How the network NetGen compiled from the ONNX file classifies the test set, beside what PyTorch recorded.</summary>
/// <param name="Correct">Test images NetGen classifies as labelled.</param>
/// <param name="SameAsPyTorch">Test images where NetGen predicts the class PyTorch predicted.</param>
/// <param name="Differing">The indices of the other test images, where the two predictions differ.</param>
/// <param name="LargestOutputDifference">The largest absolute difference between NetGen's and PyTorch's outputs on the test images PyTorch recorded outputs of.</param>
public sealed record ImportComparison(int Correct, int SameAsPyTorch, IReadOnlyList<int> Differing, float LargestOutputDifference)
{
    /// <summary>Classifies every test image with <paramref name="model"/> and compares each class with the label and with PyTorch's.</summary>
    /// <exception cref="ArgumentException">The record is of another test set size or another number of classes.</exception>
    public static ImportComparison Measure(ImportedLeNet5 model, Dataset test, PyTorchResult pytorch)
    {
        if (test.Count != pytorch.TestImages)
        {
            throw new ArgumentException($"The test set holds {test.Count} images, PyTorch's record {pytorch.TestImages}.", nameof(test));
        }
        if (ImportedLeNet5.OutputSize != PyTorchResult.Classes)
        {
            throw new ArgumentException($"The network has {ImportedLeNet5.OutputSize} outputs, PyTorch's record {PyTorchResult.Classes} per image.", nameof(model));
        }
        int correct = 0;
        var differing = new List<int>();
        for (int i = 0; i < test.Count; i++)
        {
            int predicted = model.Predict(test.GetInput(i));
            if (predicted == (int)test.GetTarget(i)[0])
            {
                correct++;
            }
            if (predicted != pytorch.Predictions[i])
            {
                differing.Add(i);
            }
        }
        float largest = 0;
        var outputs = new float[ImportedLeNet5.OutputSize];
        for (int i = 0; i < pytorch.LogitImages; i++)
        {
            model.Forward(test.GetInput(i), outputs);
            for (int j = 0; j < outputs.Length; j++)
            {
                largest = Math.Max(largest, Math.Abs(outputs[j] - pytorch.Logits[i * PyTorchResult.Classes + j]));
            }
        }
        return new ImportComparison(correct, test.Count - differing.Count, differing, largest);
    }
}
