using System.Threading.Tasks;
using Xunit;

namespace NetGen.CodeFixes.Tests;

/// <summary>NG0013: the fix puts <c>[Flatten]</c> right before the dense or maxout layer, in the declaration's own style.</summary>
public sealed class AddFlattenCodeFixTests
{
    private static Task Verify(string before, string after) =>
        CodeFixHarness.VerifyAsync(new AddFlattenCodeFixProvider(), "NG0013", before, after, AddFlattenCodeFixProvider.Title);

    [Fact]
    public Task Flatten_goes_into_a_one_line_attribute_list_before_the_dense_layer()
    {
        return Verify("""
            using NetGen;

            [Network, Input(1, 4, 4), Dense(3), Loss(LossKind.SoftmaxCrossEntropy)]
            public partial class Image { }
            """, """
            using NetGen;

            [Network, Input(1, 4, 4), Flatten, Dense(3), Loss(LossKind.SoftmaxCrossEntropy)]
            public partial class Image { }
            """);
    }

    [Fact]
    public Task Flatten_goes_on_its_own_line_when_each_layer_has_one()
    {
        return Verify("""
            using NetGen;

            namespace Models
            {
                [Network]
                [Input(1, 8, 8)]
                [Conv2D(4, 3, Activation = Activation.ReLU)]
                [MaxPool2D(2)]
                [Dense(10)]
                [Loss(LossKind.SoftmaxCrossEntropy)]
                public partial class SmallCnn { }
            }
            """, """
            using NetGen;

            namespace Models
            {
                [Network]
                [Input(1, 8, 8)]
                [Conv2D(4, 3, Activation = Activation.ReLU)]
                [MaxPool2D(2)]
                [Flatten]
                [Dense(10)]
                [Loss(LossKind.SoftmaxCrossEntropy)]
                public partial class SmallCnn { }
            }
            """);
    }

    [Fact]
    public Task Flatten_before_a_maxout_layer_that_is_first_in_its_list()
    {
        return Verify("""
            using NetGen;

            [Network, Input(2, 3, 3)]
            [Maxout(4, 2), Dense(1)]
            [Loss(LossKind.MeanSquaredError)]
            public partial class Pieces { }
            """, """
            using NetGen;

            [Network, Input(2, 3, 3)]
            [Flatten, Maxout(4, 2), Dense(1)]
            [Loss(LossKind.MeanSquaredError)]
            public partial class Pieces { }
            """);
    }

    [Fact]
    public Task Flatten_is_qualified_when_the_NetGen_namespace_is_not_imported()
    {
        return Verify("""
            [NetGen.Network, NetGen.Input(1, 4, 4), NetGen.Dense(3), NetGen.Loss(NetGen.LossKind.MeanSquaredError)]
            public partial class Qualified { }
            """, """
            [NetGen.Network, NetGen.Input(1, 4, 4), NetGen.Flatten, NetGen.Dense(3), NetGen.Loss(NetGen.LossKind.MeanSquaredError)]
            public partial class Qualified { }
            """);
    }
}
