using System;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace NetGen.Generator;

/// <summary>A diagnostic as equatable data: created during parsing or planning, reported at the end of the pipeline.</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] arguments) =>
        new(descriptor, location, arguments.Select(a => Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToEquatableArray());

    /// <summary>The Roslyn diagnostic at a location without a syntax tree (for planner tests that have no compilation).</summary>
    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Descriptor, Location?.ToLocation(), Arguments.ToArray<object>());

    /// <summary>
    /// The Roslyn diagnostic, located in the compilation's own syntax tree when it still has the file, so that
    /// <c>#pragma warning disable</c> and editor squiggles work (a location without a tree ignores pragmas).
    /// </summary>
    public Diagnostic ToDiagnostic(Compilation compilation)
    {
        Location? location = Location?.ToLocation();
        if (Location is not null)
        {
            foreach (SyntaxTree tree in compilation.SyntaxTrees)
            {
                if (tree.FilePath == Location.FilePath && tree.Length >= Location.Span.End)
                {
                    location = Microsoft.CodeAnalysis.Location.Create(tree, Location.Span);
                    break;
                }
            }
        }
        return Diagnostic.Create(Descriptor, location, Arguments.ToArray<object>());
    }
}
