using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using NetGen.Samples;
using NetGen.Samples.OnnxImport;
using Xunit;

namespace NetGen.Onnx.Tests;

/// <summary>
/// samples/OnnxImport on the real MNIST test set (downloaded by npm into the repository's .data/ folder, as the samples
/// do): the LeNet-5 PyTorch trained, compiled from its ONNX file, must classify the test images as PyTorch did, and the
/// sample, fine-tuning it, must end no more than 0.001 below PyTorch's accuracy.
/// </summary>
[Trait("Category", "Slow")]
public sealed class OnnxImportSampleTests
{
    private static readonly PyTorchResult PyTorch = PyTorchResult.Load(PyTorchResult.DefaultPath);

    [Fact]
    public void The_imported_LeNet5_classifies_every_MNIST_test_image_as_PyTorch_did()
    {
        (_, Dataset test, _) = MnistData.Load(NpmDataset.DefaultCacheFolder());
        var model = new ImportedLeNet5();

        ImportComparison imported = ImportComparison.Measure(model, test, PyTorch);

        // NetGen and PyTorch add the same products in other orders, so the logits differ in the last bits (float32 sums of
        // at most 400 terms: well under 1e-4); that flips a class only where the top two logits are that close. No test
        // image is: the top two are more than MinimumGap apart on every one (checked below; 0.0053 on the closest), so
        // every class must be PyTorch's and the count of correct ones exactly PyTorch's.
        Assert.Empty(imported.Differing);
        Assert.Equal(PyTorch.Correct, imported.Correct);
        float gap = SmallestTopTwoGap(model, test);
        Assert.True(gap > MinimumGap, $"The closest top two logits of a test image are {gap} apart: a class there may differ from PyTorch's by rounding alone.");
    }

    [Fact]
    public void The_imported_LeNet5_computes_PyTorchs_outputs_for_the_first_MNIST_test_images()
    {
        (_, Dataset test, _) = MnistData.Load(NpmDataset.DefaultCacheFolder());
        var model = new ImportedLeNet5();
        int images = PyTorch.LogitImages;
        var outputs = new float[images * ImportedLeNet5.OutputSize];

        model.Forward(test.Inputs.AsSpan(0, images * ImportedLeNet5.InputSize), outputs, images);

        // The classes above would not notice a small error in the weights (a bias off by 1% moves no class); the outputs
        // do. Tolerance as for the fixtures: the same float32 products summed in another order.
        FixtureTests.AssertClose(PyTorch.Logits, outputs);
    }

    [Fact]
    public void The_sample_ends_with_a_test_accuracy_no_lower_than_PyTorchs_less_0_001()
    {
        string output = RunSample();

        string[] lines = output.TrimEnd().Split('\n');
        Match last = Regex.Match(lines[^1].TrimEnd('\r'), @"^test accuracy: (0\.\d{4})$");
        Assert.True(last.Success, $"The sample's last line is '{lines[^1]}', not 'test accuracy: 0.xxxx'. Its output:\n{output}");
        double accuracy = double.Parse(last.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(accuracy >= PyTorch.Accuracy - 0.001, $"The fine-tuned accuracy {accuracy} is more than 0.001 below PyTorch's {PyTorch.Accuracy}. Its output:\n{output}");
        // The sample's own report of the import agrees with the test above.
        Assert.Contains($"same class as PyTorch on {PyTorch.TestImages:N0} of {PyTorch.TestImages:N0} images", output, StringComparison.Ordinal);
    }

    private const float MinimumGap = 1e-3f;

    private static float SmallestTopTwoGap(ImportedLeNet5 model, Dataset test)
    {
        var logits = new float[ImportedLeNet5.OutputSize];
        float smallest = float.PositiveInfinity;
        for (int i = 0; i < test.Count; i++)
        {
            model.Forward(test.GetInput(i), logits);
            float first = float.NegativeInfinity, second = float.NegativeInfinity;
            foreach (float logit in logits)
            {
                if (logit > first)
                {
                    (first, second) = (logit, first);
                }
                else if (logit > second)
                {
                    second = logit;
                }
            }
            smallest = Math.Min(smallest, first - second);
        }
        return smallest;
    }

    /// <summary>Runs the sample's program (built beside this assembly) with its default options and returns what it printed.</summary>
    private static string RunSample()
    {
        string program = Path.Combine(AppContext.BaseDirectory, "OnnxImport.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(program);
        start.ArgumentList.Add("--data");
        start.ArgumentList.Add(NpmDataset.DefaultCacheFolder());
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The sample did not finish within 10 minutes.");
        }
        Assert.True(process.ExitCode == 0, $"The sample exited with {process.ExitCode}. Its output:\n{output.Result}\n{error.Result}");
        return output.Result;
    }
}
