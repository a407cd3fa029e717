using System;
using System.Globalization;
using System.Linq;
using Xunit;

namespace NetGen.Generator.Tests;

/// <summary>
/// The planner is pure (a <see cref="NetworkSpec"/> in, a <see cref="NetworkPlan"/> out), so these tests build specs by
/// hand and need no compilation. Architectures are written in the planner's own canonical notation, e.g.
/// <c>Input(784)|Dense(128,ReLU)|Dense(10,Identity)|Loss(SoftmaxCrossEntropy)</c> (see <see cref="Architecture"/>).
/// </summary>
public sealed class PlannerTests
{
    private const string Mnist = "Input(784)|Dense(128,ReLU)|Dense(10,Identity)|Loss(SoftmaxCrossEntropy)";

    // Parameters = sum of inputs x width + width; FLOPs = 2 x the multiply-adds of the affine products; workspace =
    // every layer's stored output (plus the pre-max linear output of maxout layers); delta = the widest affine output.
    [Theory]
    [InlineData(Mnist, 101_770, 203_264, 138, 128, 10, 1)]
    [InlineData("Input(2)|Dense(4,Tanh)|Dense(1,Sigmoid)|Loss(BinaryCrossEntropy)", 17, 24, 5, 4, 1, 1)]
    [InlineData("Input(13)|Maxout(9,3)|Dense(5,LeakyReLU:0.1)|Dense(3,ELU:1)|Loss(MeanSquaredError)", 446, 822, 44, 27, 3, 3)]
    [InlineData("Input(6)|Maxout(4,2)|Maxout(3,5)|Dense(2,Identity)|Loss(Hinge)", 139, 228, 32, 15, 2, 1)]
    [InlineData("Input(6)|Dense(3,Identity)|Loss(Hinge)", 21, 36, 3, 3, 3, 1)]
    [InlineData("Input(6)|Dense(1,Identity)|Loss(Hinge)", 7, 12, 1, 1, 1, 1)]
    [InlineData("Input(1x28x28)|Flatten|Dense(10,Identity)|Loss(SoftmaxCrossEntropy)", 7_850, 15_680, 10, 10, 10, 1)]
    [InlineData("Input(3x4x5)|Flatten|Maxout(7,2)|Dense(4,Softplus)|Loss(L1)", 886, 1_736, 25, 14, 4, 4)]
    public void Plan_counts_parameters_flops_and_buffer_sizes(
        string architecture, int parameters, long flops, int workspacePerSample, int deltaPerSample, int outputs, int targets)
    {
        NetworkPlan plan = PlanOf(architecture);

        Assert.Equal(parameters, plan.ParameterCount);
        Assert.Equal(flops, plan.ForwardFlops);
        Assert.Equal(workspacePerSample, plan.WorkspacePerSample);
        Assert.Equal(deltaPerSample, plan.DeltaPerSample);
        Assert.Equal(outputs, plan.OutputSize);
        Assert.Equal(targets, plan.TargetSize);
        Assert.Equal(parameters, plan.Layers.Sum(l => l.ParameterCount));
        Assert.Equal(flops, plan.Layers.Sum(l => l.Flops));
    }

    [Theory]
    [InlineData(Mnist)]
    [InlineData("Input(13)|Maxout(9,3)|Dense(5,LeakyReLU:0.1)|Dense(3,ELU:1)|Loss(MeanSquaredError)")]
    [InlineData("Input(6)|Maxout(4,2)|Maxout(3,5)|Dense(2,Identity)|Loss(Hinge)")]
    [InlineData("Input(3x4x5)|Flatten|Maxout(7,2)|Dense(4,Softplus)|Loss(L1)")]
    public void Plan_canonical_text_is_the_architecture_and_round_trips(string architecture) =>
        Assert.Equal(architecture, PlanOf(architecture).Canonical);

    [Theory]
    [InlineData(Mnist)]
    [InlineData("Input(13)|Maxout(9,3)|Dense(5,LeakyReLU:0.1)|Dense(3,ELU:1)|Loss(MeanSquaredError)")]
    [InlineData("Input(6)|Maxout(4,2)|Maxout(3,5)|Dense(2,Identity)|Loss(Hinge)")]
    [InlineData("Input(3x4x5)|Flatten|Maxout(7,2)|Dense(4,Softplus)|Loss(L1)")]
    public void Parameter_regions_tile_the_buffer_and_workspace_regions_do_not_overlap(string architecture)
    {
        NetworkPlan plan = PlanOf(architecture);

        int next = 0;
        foreach (LayerPlan layer in plan.Layers.Where(l => l.HasParameters))
        {
            Assert.Equal(next, layer.WeightOffset);
            Assert.Equal(layer.InputSize * layer.LinearSize, layer.WeightLength);
            Assert.Equal(layer.WeightOffset + layer.WeightLength, layer.BiasOffset);
            Assert.Equal(layer.LinearSize, layer.BiasLength);
            next = layer.BiasOffset + layer.BiasLength;
        }
        Assert.Equal(plan.ParameterCount, next);

        var regions = plan.Layers.Where(l => l.HasParameters)
            .SelectMany(l => l.Kind == LayerKind.Maxout
                ? new[] { (Start: l.LinearWorkspaceOffset, Length: l.LinearSize), (Start: l.OutputWorkspaceOffset, Length: l.Units) }
                : new[] { (Start: l.OutputWorkspaceOffset, Length: l.Units) })
            .OrderBy(r => r.Start)
            .ToArray();
        Assert.Equal(0, regions[0].Start);
        for (int i = 1; i < regions.Length; i++)
        {
            Assert.Equal(regions[i - 1].Start + regions[i - 1].Length, regions[i].Start);
        }
        Assert.Equal(plan.WorkspacePerSample, regions[^1].Start + regions[^1].Length);
    }

    [Fact]
    public void Maxout_stack_places_every_layer_at_the_expected_offsets()
    {
        NetworkPlan plan = PlanOf("Input(13)|Maxout(9,3)|Dense(5,LeakyReLU:0.1)|Dense(3,ELU:1)|Loss(MeanSquaredError)");

        // name: weights at offset+length, bias at offset+length, workspace offsets of the linear output (z) and output (y), FLOPs
        Assert.Equal(
            new[]
            {
                "Maxout1: 13 -> 9 x 3, weights 0+351, bias 351+27, z 0, y 27, 702 flops",
                "Dense1: 9 -> 5 x 1, weights 378+45, bias 423+5, z -1, y 36, 90 flops",
                "Dense2: 5 -> 3 x 1, weights 428+15, bias 443+3, z -1, y 41, 30 flops",
            },
            plan.Layers.Select(Row));
        Assert.Equal(new[] { 0.1f, 1f }, plan.Layers.Skip(1).Select(l => l.Alpha));
    }

    [Fact]
    public void Flatten_is_a_reshape_without_parameters_workspace_or_flops()
    {
        NetworkPlan plan = PlanOf("Input(3x4x5)|Flatten|Maxout(7,2)|Dense(4,Softplus)|Loss(L1)");

        LayerPlan flatten = plan.Layers[0];
        Assert.Equal(new[] { 3, 4, 5 }, flatten.InputShape);
        Assert.Equal(new[] { 60 }, flatten.OutputShape);
        Assert.False(flatten.HasParameters);
        Assert.Equal(0, flatten.ParameterCount);
        Assert.Equal(0, flatten.Flops);
        Assert.Equal(-1, flatten.OutputWorkspaceOffset); // its output is the caller's input
        Assert.Equal(new[] { "Flatten1", "Maxout1", "Dense1" }, plan.Layers.Select(l => l.Name));
        Assert.Equal(60, plan.InputSize);
    }

    [Fact]
    public void Leaky_relu_and_elu_get_their_default_alpha_when_none_is_given()
    {
        NetworkPlan plan = PlanOf("Input(4)|Dense(3,LeakyReLU)|Dense(3,ELU)|Dense(2,Tanh)|Loss(MeanSquaredError)");

        Assert.Equal(Planner.DefaultLeakySlope, plan.Layers[0].Alpha);
        Assert.Equal(Planner.DefaultEluAlpha, plan.Layers[1].Alpha);
        Assert.True(float.IsNaN(plan.Layers[2].Alpha));
        Assert.Equal("Input(4)|Dense(3,LeakyReLU:0.01)|Dense(3,ELU:1)|Dense(2,Tanh)|Loss(MeanSquaredError)", plan.Canonical);
    }

    [Fact]
    public void Fingerprint_is_FNV1a_64_of_the_canonical_text_and_never_changes_for_a_given_architecture()
    {
        // Computed independently (Python: FNV-1a, 64 bits, over the UTF-8 bytes of the canonical text). Checkpoints carry
        // the fingerprint, so a change here would make every saved MNIST checkpoint unloadable.
        Assert.Equal("068b9da05d91808c", PlanOf(Mnist).Fingerprint);
    }

    [Fact]
    public void Fingerprint_is_equal_for_equal_specs_and_ignores_the_class_name_and_namespace()
    {
        NetworkPlan first = PlanOf(Mnist);
        NetworkPlan second = PlanOf(Mnist);
        NetworkPlan renamed = Plan(Architecture.Parse(Mnist) with { ClassName = "Other", Namespace = null });

        Assert.Equal(first, second);
        Assert.Equal(first.Fingerprint, renamed.Fingerprint);
    }

    [Fact]
    public void Explicit_default_alpha_gives_the_same_fingerprint_as_no_alpha()
    {
        Assert.Equal(
            PlanOf("Input(4)|Dense(3,LeakyReLU)|Dense(2,ELU)|Loss(MeanSquaredError)").Fingerprint,
            PlanOf("Input(4)|Dense(3,LeakyReLU:0.01)|Dense(2,ELU:1)|Loss(MeanSquaredError)").Fingerprint);
    }

    [Fact]
    public void Every_change_of_layer_activation_alpha_loss_or_input_changes_the_fingerprint()
    {
        string[] variants =
        {
            Mnist,
            "Input(785)|Dense(128,ReLU)|Dense(10,Identity)|Loss(SoftmaxCrossEntropy)",
            "Input(1x28x28)|Flatten|Dense(128,ReLU)|Dense(10,Identity)|Loss(SoftmaxCrossEntropy)",
            "Input(784)|Dense(127,ReLU)|Dense(10,Identity)|Loss(SoftmaxCrossEntropy)",
            "Input(784)|Dense(128,Tanh)|Dense(10,Identity)|Loss(SoftmaxCrossEntropy)",
            "Input(784)|Dense(128,LeakyReLU:0.01)|Dense(10,Identity)|Loss(SoftmaxCrossEntropy)",
            "Input(784)|Dense(128,LeakyReLU:0.02)|Dense(10,Identity)|Loss(SoftmaxCrossEntropy)",
            "Input(784)|Dense(128,ELU:1)|Dense(10,Identity)|Loss(SoftmaxCrossEntropy)",
            "Input(784)|Dense(128,ELU:0.5)|Dense(10,Identity)|Loss(SoftmaxCrossEntropy)",
            "Input(784)|Maxout(128,2)|Dense(10,Identity)|Loss(SoftmaxCrossEntropy)",
            "Input(784)|Maxout(128,3)|Dense(10,Identity)|Loss(SoftmaxCrossEntropy)",
            "Input(784)|Dense(128,ReLU)|Dense(64,ReLU)|Dense(10,Identity)|Loss(SoftmaxCrossEntropy)",
            "Input(784)|Dense(128,ReLU)|Dense(10,Identity)|Loss(Hinge)",
            "Input(784)|Dense(128,ReLU)|Dense(10,Identity)|Loss(MeanSquaredError)",
            "Input(784)|Dense(128,ReLU)|Dense(10,Identity)|Loss(L1)",
        };

        string[] fingerprints = variants.Select(v => PlanOf(v).Fingerprint).ToArray();

        Assert.Equal(variants.Length, fingerprints.Distinct(StringComparer.Ordinal).Count());
        Assert.All(fingerprints, f => Assert.Matches("^[0-9a-f]{16}$", f));
    }

    [Fact]
    public void Error_in_the_spec_gives_no_plan_but_a_warning_keeps_it()
    {
        PlanResult error = Planner.Plan(new ParseResult(Architecture.Parse("Input(4)|Dense(0,Identity)|Loss(MeanSquaredError)"), EquatableArray<DiagnosticInfo>.Empty));
        PlanResult warning = Planner.Plan(new ParseResult(Architecture.Parse("Input(4)|Flatten|Dense(2,Identity)|Loss(MeanSquaredError)"), EquatableArray<DiagnosticInfo>.Empty));

        Assert.Null(error.Plan);
        Assert.Equal("NG0004", Assert.Single(error.Diagnostics).Descriptor.Id);
        Assert.NotNull(warning.Plan);
        Assert.Equal("NG0014", Assert.Single(warning.Diagnostics).Descriptor.Id);
    }

    [Fact]
    public void Parser_errors_passed_in_suppress_the_plan()
    {
        var notPartial = DiagnosticInfo.Create(DiagnosticDescriptors.ClassNotPartial, null, "Net");

        PlanResult result = Planner.Plan(new ParseResult(Architecture.Parse(Mnist), new[] { notPartial }.ToEquatableArray()));

        Assert.Null(result.Plan);
        Assert.Equal(notPartial, Assert.Single(result.Diagnostics));
    }

    [Fact]
    public void Plan_results_of_equal_specs_are_equal_so_the_pipeline_can_cache_them()
    {
        PlanResult first = Planner.Plan(new ParseResult(Architecture.Parse(Mnist), EquatableArray<DiagnosticInfo>.Empty));
        PlanResult second = Planner.Plan(new ParseResult(Architecture.Parse(Mnist), EquatableArray<DiagnosticInfo>.Empty));

        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
    }

    private static NetworkPlan PlanOf(string architecture) => Plan(Architecture.Parse(architecture));

    private static NetworkPlan Plan(NetworkSpec spec)
    {
        PlanResult result = Planner.Plan(new ParseResult(spec, EquatableArray<DiagnosticInfo>.Empty));
        Assert.Empty(result.Diagnostics.Select(d => d.ToDiagnostic().ToString()));
        return Assert.IsType<NetworkPlan>(result.Plan);
    }

    private static string Row(LayerPlan l) => string.Create(CultureInfo.InvariantCulture,
        $"{l.Name}: {l.InputSize} -> {l.Units} x {l.Pieces}, weights {l.WeightOffset}+{l.WeightLength}, bias {l.BiasOffset}+{l.BiasLength}, z {l.LinearWorkspaceOffset}, y {l.OutputWorkspaceOffset}, {l.Flops} flops");
}

/// <summary>
/// Builds a <see cref="NetworkSpec"/> from the planner's canonical notation: <c>Input(AxBxC)</c>, <c>Flatten</c>,
/// <c>Dense(units,Activation[:alpha])</c>, <c>Maxout(units,pieces)</c>,
/// <c>Conv2D(filters,KHxKW,sS,pPxP,dD,bias|nobias,Activation[:alpha])</c> (padding also <c>pP</c> or <c>psame</c>),
/// <c>MaxPool2D(size[,sS])</c>, <c>AvgPool2D(size[,sS])</c>, <c>GlobalAvgPool</c> and <c>Loss(Kind)</c>, joined by <c>|</c>.
/// Locations are null, as they would be for a spec read from metadata.
/// </summary>
internal static class Architecture
{
    public static NetworkSpec Parse(string text)
    {
        InputSpec? input = null;
        LossSpec? loss = null;
        var layers = new System.Collections.Generic.List<LayerSpec>();
        foreach (string part in text.Split('|'))
        {
            int open = part.IndexOf('(');
            string name = open < 0 ? part : part.Substring(0, open);
            string[] args = open < 0 ? Array.Empty<string>() : part.Substring(open + 1, part.Length - open - 2).Split(',');
            switch (name)
            {
                case "Input":
                    input = new InputSpec(args[0].Split('x').Select(int.Parse).ToEquatableArray(), null);
                    break;
                case "Flatten":
                    layers.Add(Layer(LayerKind.Flatten, 0, 0, ActivationKind.Identity, float.NaN));
                    break;
                case "Maxout":
                    layers.Add(Layer(LayerKind.Maxout, int.Parse(args[0], CultureInfo.InvariantCulture), int.Parse(args[1], CultureInfo.InvariantCulture), ActivationKind.Identity, float.NaN));
                    break;
                case "Dense":
                    string[] activation = args[1].Split(':');
                    layers.Add(Layer(LayerKind.Dense, int.Parse(args[0], CultureInfo.InvariantCulture), 0,
                        Enum.Parse<ActivationKind>(activation[0]),
                        activation.Length > 1 ? float.Parse(activation[1], CultureInfo.InvariantCulture) : float.NaN));
                    break;
                case "Conv2D":
                {
                    // Conv2D(filters,KHxKW,sS,pPHxPW,dD,bias|nobias,Activation[:alpha]), as in the canonical text; padding
                    // may also be pP or psame (ConvPadding.Same).
                    string[] kernel = args[1].Split('x');
                    string padding = args[3].Substring(1);
                    string[] convActivation = args[6].Split(':');
                    layers.Add(Layer(LayerKind.Conv2D, Int(args[0]), 0, Enum.Parse<ActivationKind>(convActivation[0]),
                        convActivation.Length > 1 ? float.Parse(convActivation[1], CultureInfo.InvariantCulture) : float.NaN) with
                    {
                        KernelHeight = Int(kernel[0]),
                        KernelWidth = Int(kernel[^1]),
                        Stride = Int(args[2].Substring(1)),
                        Padding = padding == "same" ? -1 : Int(padding.Split('x')[0]),
                        Dilation = Int(args[4].Substring(1)),
                        Bias = args[5] switch { "bias" => true, "nobias" => false, _ => throw new ArgumentException($"'{args[5]}' is neither bias nor nobias.", nameof(text)) },
                    });
                    break;
                }
                case "MaxPool2D":
                case "AvgPool2D":
                    // MaxPool2D(size,sS); without the stride it defaults to the size, as the parser sets it.
                    layers.Add(Layer(Enum.Parse<LayerKind>(name), 0, 0, ActivationKind.Identity, float.NaN) with
                    {
                        KernelHeight = Int(args[0]),
                        KernelWidth = Int(args[0]),
                        Stride = args.Length > 1 ? Int(args[1].Substring(1)) : Int(args[0]),
                    });
                    break;
                case "GlobalAvgPool":
                    layers.Add(Layer(LayerKind.GlobalAvgPool, 0, 0, ActivationKind.Identity, float.NaN));
                    break;
                case "Loss":
                    loss = new LossSpec((int)Enum.Parse<LossKindMirror>(args[0]), null);
                    break;
                default:
                    throw new ArgumentException($"'{part}' is not a layer of the notation.", nameof(text));
            }
        }
        return new NetworkSpec("Samples", "Net", "public", null, input, layers.ToEquatableArray(), loss);
    }

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static LayerSpec Layer(LayerKind kind, int units, int pieces, ActivationKind activation, float alpha) =>
        new(kind, units, pieces, (int)activation, alpha, null, null, null, null, null);
}
