using System;
using System.Linq;
using Xunit;

namespace NetGen.Generator.Tests;

/// <summary>
/// The generator cannot reference the runtime, so it mirrors the runtime's enums (Planning/Kinds.cs). The attribute
/// arguments arrive as raw integers, so a mirror that drifts would silently compile one activation as another.
/// </summary>
public sealed class MirrorEnumTests
{
    [Fact]
    public void ActivationKind_mirrors_NetGen_Activation_name_for_name_and_value_for_value() =>
        AssertSameMembers<Activation, ActivationKind>();

    [Fact]
    public void LossKindMirror_mirrors_NetGen_LossKind_name_for_name_and_value_for_value() =>
        AssertSameMembers<LossKind, LossKindMirror>();

    private static void AssertSameMembers<TRuntime, TMirror>()
        where TRuntime : struct, Enum
        where TMirror : struct, Enum
    {
        Assert.Equal(Enum.GetNames<TRuntime>(), Enum.GetNames<TMirror>());
        Assert.Equal(
            Enum.GetValues<TRuntime>().Select(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture)),
            Enum.GetValues<TMirror>().Select(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(typeof(int), Enum.GetUnderlyingType(typeof(TRuntime)));
    }
}
