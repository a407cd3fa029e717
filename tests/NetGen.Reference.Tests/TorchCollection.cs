using Xunit;

namespace NetGen.Reference.Tests;

/// <summary>
/// The tests that call libtorch run one after another: libtorch's thread count is process-wide, and runs that never
/// overlap keep every result bit-reproducible and the timing of a test its own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TorchCollection
{
    public const string Name = "torch";
}
