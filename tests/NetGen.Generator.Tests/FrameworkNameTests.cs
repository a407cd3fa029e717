using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace NetGen.Generator.Tests;

/// <summary>
/// The generated code means the same whatever the user's code declares (issue 15, G3): every framework type it names
/// is declared again, with the same name and arity, in the network's namespace, in the global namespace, as a nested
/// type of the network's base class and in a namespace <c>System</c> inside the network's; the snapshot models must
/// still compile without a warning in generated code. The framework names are read off the generated code itself, so
/// a name a later change starts to use is covered without editing this test.
/// </summary>
public sealed class FrameworkNameTests
{
    [Theory]
    [MemberData(nameof(SnapshotTests.ModelNames), MemberType = typeof(SnapshotTests))]
    public void G3_generated_code_compiles_whatever_types_the_users_namespaces_declare(string model)
    {
        string source = SnapshotTests.Models[model].Source;
        List<(string Name, int Arity)> names = FrameworkTypesUsed(source);
        Assert.Contains(("Math", 0), names.Concat(FrameworkTypesUsed(SnapshotTests.Models["LeNet5"].Source)));
        string? ns = GeneratorHarness.Compile(source).SyntaxTrees.Single().GetRoot().DescendantNodes()
            .OfType<BaseNamespaceDeclarationSyntax>().SingleOrDefault()?.Name.ToString();
        string className = GeneratorHarness.Compile(source).SyntaxTrees.Single().GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().Single().Identifier.Text;

        var shadows = new StringBuilder();
        shadows.AppendLine(Declarations(names, "internal"));
        shadows.AppendLine((ns is null ? "" : "namespace " + ns + "\n{\n" + Declarations(names, "internal"))
            + "public class ShadowingBase\n{\n" + Declarations(names, "public") + "}\n"
            + "partial class " + className + " : ShadowingBase { }\n"
            + (ns is null ? "" : "}\n"));
        // A namespace System inside the network's (or at the top, for a network in the global namespace, a type named
        // System cannot coexist with the framework's namespace, so only the nested form is declared).
        shadows.AppendLine("namespace " + (ns is null ? "Shadow" : ns) + ".System\n{\n" + Declarations(names, "internal") + "}\n");

        GeneratorRun run = GeneratorHarness.Run(source, shadows.ToString());

        HardeningTests.AssertNoProblems(run);
        Assert.Single(run.GeneratedSources);
    }

    [Fact]
    public void G3_networks_named_like_the_framework_types_the_generated_code_uses_compile()
    {
        List<(string Name, int Arity)> names = SnapshotTests.Models.Values.SelectMany(m => FrameworkTypesUsed(m.Source)).Distinct().ToList();
        Assert.Contains(("Unsafe", 0), names);
        Assert.Contains(("MathF", 0), names);
        var sources = new List<string>();
        foreach (string name in names.Where(n => n.Arity == 0).Select(n => n.Name).Distinct())
        {
            // A network in a namespace and one in the global namespace, each with a softmax head (Predict) and dropout.
            sources.Add("using NetGen;\nnamespace Named;\n[Network, Input(3), Dense(4, Activation = Activation.Tanh), Dropout(0.5), Dense(2), Loss(LossKind.SoftmaxCrossEntropy)]\npublic partial class " + name + " { }\n");
            sources.Add("using NetGen;\n[Network, Input(1, 4, 4), Conv2D(2, 3, Activation = Activation.ReLU), MaxPool2D(2), Flatten, Dense(1, Activation = Activation.Sigmoid), Loss(LossKind.BinaryCrossEntropy)]\npublic partial class " + name + " { }\n");
        }

        GeneratorRun run = GeneratorHarness.Run(sources.ToArray());

        HardeningTests.AssertNoProblems(run);
        Assert.Equal(sources.Count, run.GeneratedSources.Length);
    }

    /// <summary>The framework types (namespace System or below) that the code generated for <paramref name="source"/> names.</summary>
    private static List<(string Name, int Arity)> FrameworkTypesUsed(string source)
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        Compilation compilation = run.Compilation.AddSyntaxTrees(run.GeneratedSources.Select(s => s.SyntaxTree));
        var names = new HashSet<(string, int)>();
        foreach (SyntaxTree tree in compilation.SyntaxTrees.Where(t => run.GeneratedSources.Any(s => s.SyntaxTree == t)))
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (SimpleNameSyntax name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
            {
                if (model.GetSymbolInfo(name).Symbol is INamedTypeSymbol type && !type.IsImplicitlyDeclared && type.SpecialType == SpecialType.None
                    && type.ContainingNamespace.ToDisplayString() is { } containing && (containing == "System" || containing.StartsWith("System.", StringComparison.Ordinal)))
                {
                    names.Add((type.Name, type.Arity));
                    if (type.Name.EndsWith("Attribute", StringComparison.Ordinal))
                    {
                        names.Add((type.Name[..^"Attribute".Length], type.Arity)); // [MethodImpl] looks up MethodImpl first
                    }
                }
            }
        }
        return names.OrderBy(n => n.Item1, StringComparer.Ordinal).ThenBy(n => n.Item2).ToList();
    }

    private static string Declarations(IEnumerable<(string Name, int Arity)> names, string accessibility) =>
        string.Concat(names.Select(n => accessibility + " class " + n.Name
            + (n.Arity == 0 ? "" : "<" + string.Join(", ", Enumerable.Range(0, n.Arity).Select(i => "T" + i)) + ">") + " { }\n"));
}
