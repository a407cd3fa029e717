using System.Collections.Generic;
using System.Globalization;
using Xunit;

namespace NetGen.Generator.Tests;

/// <summary>
/// The generated source of representative models, compared byte for byte with <c>Snapshots/&lt;model&gt;.g.cs.txt</c>.
/// See <see cref="Snapshot"/> for how to update the expected files after an intentional change.
/// </summary>
public sealed class SnapshotTests
{
    /// <summary>The models, by snapshot name: each exercises different emitter paths.</summary>
    internal static readonly Dictionary<string, (string HintName, string Source)> Models = new()
    {
        // The README's model: ReLU hidden layer, softmax cross-entropy on 10 logits, a public class in a namespace.
        ["MnistMlp"] = ("Samples.MnistMlp.g.cs", """
            using NetGen;

            namespace Samples;

            /// <summary>A two-layer perceptron for MNIST digits.</summary>
            [Network]
            [Input(784)]
            [Dense(128, Activation = Activation.ReLU)]
            [Dense(10)]
            [Loss(LossKind.SoftmaxCrossEntropy)]
            public partial class MnistMlp { }
            """),

        // Tanh and a sigmoid output fused into binary cross-entropy; an internal class in the global namespace.
        ["XorNet"] = ("XorNet.g.cs", """
            using NetGen;

            [Network, Input(2), Dense(4, Activation = Activation.Tanh), Dense(1, Activation = Activation.Sigmoid), Loss(LossKind.BinaryCrossEntropy)]
            partial class XorNet { }
            """),

        // Maxout, leaky ReLU with a given slope, ELU with its default alpha, a linear output and mean squared error;
        // odd widths (13, 27, 9, 7, 5, 3) so that every kernel runs its scalar tails.
        ["MaxoutRegression"] = ("Samples.Regression.MaxoutRegression.g.cs", """
            using NetGen;

            namespace Samples.Regression;

            /// <summary>A regression net over 13 features with 3 targets.</summary>
            [Network]
            [Input(13)]
            [Maxout(9, 3)]
            [Dense(7, Activation = Activation.LeakyReLU, Alpha = 0.2f)]
            [Dense(5, Activation = Activation.ELU)]
            [Dense(3)]
            [Loss(LossKind.MeanSquaredError)]
            public sealed partial class MaxoutRegression { }
            """),

        // A 3-D input flattened into softplus units, trained with the multi-class hinge loss.
        ["ImageHinge"] = ("Samples.ImageHinge.g.cs", """
            using NetGen;

            namespace Samples;

            [Network, Input(2, 5, 5), Flatten, Dense(16, Activation = Activation.Softplus), Dense(4), Loss(LossKind.Hinge)]
            internal partial class ImageHinge { }
            """),

        // The lecture's LeNet-5 (issue 4): two 5x5 convolutions (the first with padding 2) and 2x2 max pooling, each
        // through im2col, then three dense layers on the flattened 16x5x5 maps.
        ["LeNet5"] = ("Samples.LeNet5.g.cs", """
            using NetGen;

            namespace Samples;

            /// <summary>LeNet-5 for MNIST digits.</summary>
            [Network]
            [Input(1, 28, 28)]
            [Conv2D(6, 5, Padding = 2, Activation = Activation.ReLU)]
            [MaxPool2D(2)]
            [Conv2D(16, 5, Activation = Activation.ReLU)]
            [MaxPool2D(2)]
            [Flatten]
            [Dense(120, Activation = Activation.ReLU)]
            [Dense(84, Activation = Activation.ReLU)]
            [Dense(10)]
            [Loss(LossKind.SoftmaxCrossEntropy)]
            public partial class LeNet5 { }
            """),

        // A small all-convolutional net with a global-average-pool head (the shape class activation maps need): a 3x3
        // convolution with same padding, average pooling, a 1x1 convolution (the pointwise path) to one map per class,
        // and their global averages as the logits. Odd sizes (3 channels, 10x10 -> 5x5, 7 maps) exercise scalar tails.
        ["SmallCnn"] = ("Samples.Vision.SmallCnn.g.cs", """
            using NetGen;

            namespace Samples.Vision;

            [Network]
            [Input(3, 10, 10)]
            [Conv2D(7, 3, Padding = ConvPadding.Same, Activation = Activation.ReLU)]
            [AvgPool2D(2)]
            [Conv2D(5, 1)]
            [GlobalAvgPool]
            [Loss(LossKind.SoftmaxCrossEntropy)]
            internal sealed partial class SmallCnn { }
            """),
    };

    public static TheoryData<string> ModelNames => new(Models.Keys);

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Generated_source_matches_the_snapshot(string model)
    {
        GeneratorRun run = GeneratorHarness.Run(Models[model].Source);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(Models[model].HintName, Assert.Single(run.GeneratedSources).HintName);
        Snapshot.AssertMatches(run.SingleSource, model + ".g.cs.txt");
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Generated_source_compiles_without_warnings_or_errors(string model)
    {
        // XML documentation is diagnosed too (DocumentationMode.Diagnose): a public member without a doc comment, or a
        // broken cref, would show up as a warning here.
        GeneratorRun run = GeneratorHarness.Run(Models[model].Source);

        Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorHarness.Describe(run.OutputDiagnostics));
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Emission_is_deterministic(string model)
    {
        string first = GeneratorHarness.Run(Models[model].Source).SingleSource;
        string second = GeneratorHarness.Run(Models[model].Source).SingleSource;

        Assert.Equal(first, second);
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Emission_does_not_depend_on_the_current_culture(string model)
    {
        string invariant = GeneratorHarness.Run(Models[model].Source).SingleSource;
        CultureInfo previous = CultureInfo.CurrentCulture;
        try
        {
            // German writes 0,2 and 1.000; Arabic (Saudi Arabia) has its own digits and signs.
            foreach (string culture in new[] { "de-DE", "ar-SA", "fr-CH" })
            {
                CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
                Assert.Equal(invariant, GeneratorHarness.Run(Models[model].Source).SingleSource);
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }
}
