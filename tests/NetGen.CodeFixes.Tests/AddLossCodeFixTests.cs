using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace NetGen.CodeFixes.Tests;

/// <summary>
/// NG0005: the fix offers the losses that fit the output layer, the likeliest first (softmax cross-entropy for a
/// linear output of several units, binary cross-entropy for a sigmoid output, mean squared error always), and adds the
/// attribute after the last NetGen attribute.
/// </summary>
public sealed class AddLossCodeFixTests
{
    private static Task Verify(string before, string after, string kind) =>
        CodeFixHarness.VerifyAsync(new AddLossCodeFixProvider(), "NG0005", before, after, AddLossCodeFixProvider.Title(kind));

    private static async Task<string[]> OfferedTitles(string source)
    {
        var (_, _, actions) = await CodeFixHarness.ActionsAsync(new AddLossCodeFixProvider(), source, "NG0005");
        return actions.Select(a => a.Title).ToArray();
    }

    [Fact]
    public async Task Linear_output_of_several_units_offers_softmax_cross_entropy_first_then_mean_squared_error()
    {
        string[] titles = await OfferedTitles("using NetGen;\n[Network, Input(4), Dense(8, Activation = Activation.ReLU), Dense(3)]\npublic partial class Classifier { }\n");

        Assert.Equal(new[] { AddLossCodeFixProvider.Title("SoftmaxCrossEntropy"), AddLossCodeFixProvider.Title("MeanSquaredError") }, titles);
    }

    [Fact]
    public async Task Single_output_offers_only_mean_squared_error()
    {
        string[] titles = await OfferedTitles("using NetGen;\n[Network, Input(4), Dense(1)]\npublic partial class Regressor { }\n");

        Assert.Equal(new[] { AddLossCodeFixProvider.Title("MeanSquaredError") }, titles);
    }

    [Fact]
    public async Task Sigmoid_output_offers_binary_cross_entropy_first()
    {
        string[] titles = await OfferedTitles("using NetGen;\n[Network, Input(4), Dense(3, Activation = Activation.Sigmoid)]\npublic partial class Tagger { }\n");

        Assert.Equal(new[] { AddLossCodeFixProvider.Title("BinaryCrossEntropy"), AddLossCodeFixProvider.Title("MeanSquaredError") }, titles);
    }

    [Fact]
    public async Task Relu_output_does_not_offer_softmax_cross_entropy_which_needs_linear_logits()
    {
        string[] titles = await OfferedTitles("using NetGen;\n[Network, Input(4), Dense(3, Activation = Activation.ReLU)]\npublic partial class Positive { }\n");

        Assert.Equal(new[] { AddLossCodeFixProvider.Title("MeanSquaredError") }, titles);
    }

    [Fact]
    public async Task Dropout_after_the_output_layer_is_looked_through()
    {
        string[] titles = await OfferedTitles("using NetGen;\n[Network, Input(4), Maxout(5, 2), Dropout(0.5)]\npublic partial class Dropped { }\n");

        Assert.Equal(AddLossCodeFixProvider.Title("SoftmaxCrossEntropy"), titles[0]);
    }

    [Fact]
    public Task Softmax_cross_entropy_is_appended_to_a_one_line_attribute_list()
    {
        return Verify("""
            using NetGen;

            [Network, Input(4), Dense(8, Activation = Activation.ReLU), Dense(3)]
            public partial class Classifier { }
            """, """
            using NetGen;

            [Network, Input(4), Dense(8, Activation = Activation.ReLU), Dense(3), Loss(LossKind.SoftmaxCrossEntropy)]
            public partial class Classifier { }
            """, "SoftmaxCrossEntropy");
    }

    [Fact]
    public Task Mean_squared_error_can_be_chosen_for_several_outputs_too()
    {
        return Verify("""
            using NetGen;

            [Network, Input(4), Dense(3)]
            public partial class Regressor3 { }
            """, """
            using NetGen;

            [Network, Input(4), Dense(3), Loss(LossKind.MeanSquaredError)]
            public partial class Regressor3 { }
            """, "MeanSquaredError");
    }

    [Fact]
    public Task Loss_goes_on_its_own_line_after_the_last_layer_when_each_layer_has_one()
    {
        return Verify("""
            using NetGen;

            namespace Models;

            /// <summary>A binary tagger.</summary>
            [Network]
            [Input(4)]
            [Dense(8, Activation = Activation.Tanh)]
            [Dense(2, Activation = Activation.Sigmoid)]
            public partial class Tagger
            {
            }
            """, """
            using NetGen;

            namespace Models;

            /// <summary>A binary tagger.</summary>
            [Network]
            [Input(4)]
            [Dense(8, Activation = Activation.Tanh)]
            [Dense(2, Activation = Activation.Sigmoid)]
            [Loss(LossKind.BinaryCrossEntropy)]
            public partial class Tagger
            {
            }
            """, "BinaryCrossEntropy");
    }

    [Fact]
    public Task Loss_is_qualified_when_the_NetGen_namespace_is_not_imported()
    {
        return Verify("""
            [NetGen.Network, NetGen.Input(4), NetGen.Dense(1)]
            public partial class Qualified { }
            """, """
            [NetGen.Network, NetGen.Input(4), NetGen.Dense(1), NetGen.Loss(NetGen.LossKind.MeanSquaredError)]
            public partial class Qualified { }
            """, "MeanSquaredError");
    }
}
