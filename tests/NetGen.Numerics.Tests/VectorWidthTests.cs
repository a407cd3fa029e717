using System;
using System.Runtime.Intrinsics;
using Xunit;

namespace NetGen.Numerics.Tests;

/// <summary>
/// Every generated kernel holds a Vector512, a Vector256 and a Vector128 body, and the JIT keeps the widest one the
/// machine accelerates. CI runs this project once per width it can select on the machine (.ci/run:
/// <c>DOTNET_EnableAVX512=0</c> for Vector256, <c>DOTNET_PreferredVectorBitWidth=128</c> and <c>DOTNET_EnableAVX2=0</c>
/// for Vector128), each with <c>NETGEN_EXPECTED_VECTOR_WIDTH</c> naming the body the run is meant to verify; this test
/// fails a run that got another one, so a switch that stops working cannot leave a body untested unnoticed.
/// </summary>
public sealed class VectorWidthTests
{
    public const string ExpectedWidthVariable = "NETGEN_EXPECTED_VECTOR_WIDTH";

    /// <summary>The bits of the body the generated kernels run in this process.</summary>
    public static int BodyWidth => Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;

    [Fact]
    public void The_kernels_run_the_vector_body_this_run_is_meant_to_verify()
    {
        // The floor of the dispatch: below Vector128 the kernels would run on an emulated vector type.
        Assert.True(Vector128.IsHardwareAccelerated, "Vector128 is not hardware accelerated: the generated kernels' narrowest body would run emulated");
        string? expected = Environment.GetEnvironmentVariable(ExpectedWidthVariable);
        if (expected is not null)
        {
            Assert.True(int.TryParse(expected, out int bits) && bits is 128 or 256 or 512, $"{ExpectedWidthVariable}={expected}: expected 128, 256 or 512");
            Assert.True(bits == BodyWidth, $"this run was meant to verify the Vector{bits} body, but the kernels run the Vector{BodyWidth} body "
                + $"(Vector512 accelerated: {Vector512.IsHardwareAccelerated}, Vector256: {Vector256.IsHardwareAccelerated})");
        }
    }
}
