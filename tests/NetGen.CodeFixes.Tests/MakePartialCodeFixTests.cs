using System.Threading.Tasks;
using Xunit;

namespace NetGen.CodeFixes.Tests;

/// <summary>NG0001: the fix adds <c>partial</c> in the place the language expects, keeping comments and layout.</summary>
public sealed class MakePartialCodeFixTests
{
    private static Task Verify(string before, string after) =>
        CodeFixHarness.VerifyAsync(new MakePartialCodeFixProvider(), "NG0001", before, after, MakePartialCodeFixProvider.Title);

    [Fact]
    public Task Public_class_becomes_public_partial()
    {
        return Verify("""
            using NetGen;

            [Network, Input(2), Dense(1), Loss(LossKind.MeanSquaredError)]
            public class Regressor { }
            """, """
            using NetGen;

            [Network, Input(2), Dense(1), Loss(LossKind.MeanSquaredError)]
            public partial class Regressor { }
            """);
    }

    [Fact]
    public Task Partial_goes_after_the_other_modifiers()
    {
        return Verify("""
            using NetGen;

            namespace Models;

            [Network, Input(2), Dense(1), Loss(LossKind.MeanSquaredError)]
            internal sealed class Regressor
            {
                public int Epochs => 3;
            }
            """, """
            using NetGen;

            namespace Models;

            [Network, Input(2), Dense(1), Loss(LossKind.MeanSquaredError)]
            internal sealed partial class Regressor
            {
                public int Epochs => 3;
            }
            """);
    }

    [Fact]
    public Task Class_without_modifiers_keeps_its_documentation_and_attributes()
    {
        return Verify("""
            using NetGen;

            /// <summary>A tiny regressor.</summary>
            [Network]
            [Input(2)]
            [Dense(1)]
            [Loss(LossKind.MeanSquaredError)]
            class Regressor { }
            """, """
            using NetGen;

            /// <summary>A tiny regressor.</summary>
            [Network]
            [Input(2)]
            [Dense(1)]
            [Loss(LossKind.MeanSquaredError)]
            partial class Regressor { }
            """);
    }
}
