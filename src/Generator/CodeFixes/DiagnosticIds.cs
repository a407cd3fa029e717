namespace NetGen.CodeFixes;

/// <summary>
/// The ids of the NetGen diagnostics this assembly fixes. The generator's DiagnosticDescriptors.cs owns them; they are
/// repeated here as strings so that this assembly does not depend on the generator (the tests check that they agree).
/// </summary>
internal static class DiagnosticIds
{
    /// <summary>The [Network] class is not partial.</summary>
    public const string ClassNotPartial = "NG0001";

    /// <summary>No [Loss].</summary>
    public const string MissingLoss = "NG0005";

    /// <summary>A dense or maxout layer follows a 3-D tensor.</summary>
    public const string DenseNeedsFlatTensor = "NG0013";
}
