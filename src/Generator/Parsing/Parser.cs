using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetGen.Generator;

/// <summary>Reads a [Network] class declaration into a <see cref="NetworkSpec"/>. Checks only what needs symbols or syntax; shapes are the planner's job.</summary>
internal static class Parser
{
    private const string Namespace = "NetGen.";
    public const string NetworkAttributeName = "NetGen.NetworkAttribute";

    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var declaration = (ClassDeclarationSyntax)context.TargetNode;
        var symbol = (INamedTypeSymbol)context.TargetSymbol;
        var diagnostics = new List<DiagnosticInfo>();
        LocationInfo? classLocation = LocationInfo.From(declaration.Identifier.GetLocation());

        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassNotPartial, classLocation, symbol.Name));
        }
        if (symbol.ContainingType is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedClass, classLocation, symbol.Name, "is nested in another type"));
        }
        if (symbol.IsGenericType)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedClass, classLocation, symbol.Name, "is generic"));
        }
        if (symbol.IsStatic)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedClass, classLocation, symbol.Name, "is static"));
        }

        InputSpec? input = null;
        LossSpec? loss = null;
        LocationInfo? networkLocation = null;
        var layers = new List<(int Position, LayerSpec Layer)>();

        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            string? name = attribute.AttributeClass?.ToDisplayString();
            if (name is null || !name.StartsWith(Namespace, System.StringComparison.Ordinal)
                || attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax)
            {
                continue;
            }
            bool onNetworkDeclaration = syntax.SyntaxTree == declaration.SyntaxTree && declaration.Span.Contains(syntax.Span);
            string shortName = name.Substring(Namespace.Length, name.Length - Namespace.Length - "Attribute".Length);
            LocationInfo? location = LocationInfo.From(syntax);

            switch (shortName)
            {
                case "Network":
                    networkLocation = location;
                    break;
                case "Input":
                    input = new InputSpec(
                        attribute.ConstructorArguments.Select(a => a.Value is int v ? v : 0).ToEquatableArray(), location);
                    break;
                case "Loss":
                    loss = new LossSpec(attribute.ConstructorArguments.FirstOrDefault().Value is int k ? k : -1, location);
                    break;
                case "Dense":
                case "Maxout":
                case "Flatten":
                    if (!onNetworkDeclaration)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayersOnSeveralDeclarations, location, shortName, symbol.Name));
                        continue;
                    }
                    layers.Add((syntax.SpanStart, ReadLayer(shortName, attribute, syntax, location)));
                    break;
            }
        }

        var spec = new NetworkSpec(
            symbol.ContainingNamespace.IsGlobalNamespace ? null : symbol.ContainingNamespace.ToDisplayString(),
            symbol.Name,
            symbol.DeclaredAccessibility == Accessibility.Public ? "public" : "internal",
            networkLocation ?? classLocation,
            input,
            layers.OrderBy(l => l.Position).Select(l => l.Layer).ToEquatableArray(),
            loss);
        return new ParseResult(spec, diagnostics.ToEquatableArray());
    }

    private static LayerSpec ReadLayer(string kind, AttributeData attribute, AttributeSyntax syntax, LocationInfo? location)
    {
        int Positional(int index) =>
            attribute.ConstructorArguments.Length > index && attribute.ConstructorArguments[index].Value is int v ? v : 0;

        int activation = 0;
        float alpha = float.NaN;
        foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
        {
            if (named.Key == "Activation" && named.Value.Value is int a)
            {
                activation = a;
            }
            else if (named.Key == "Alpha" && named.Value.Value is float f)
            {
                alpha = f;
            }
        }

        return new LayerSpec(
            kind switch { "Dense" => LayerKind.Dense, "Maxout" => LayerKind.Maxout, _ => LayerKind.Flatten },
            Positional(0),
            Positional(1),
            activation,
            alpha,
            location,
            ArgumentLocation(syntax, 0) ?? location,
            ArgumentLocation(syntax, 1) ?? location,
            NamedArgumentLocation(syntax, "Activation") ?? location,
            NamedArgumentLocation(syntax, "Alpha") ?? location);
    }

    private static LocationInfo? ArgumentLocation(AttributeSyntax syntax, int index)
    {
        var positional = syntax.ArgumentList?.Arguments.Where(a => a.NameEquals is null).ToList();
        return positional is not null && positional.Count > index ? LocationInfo.From(positional[index]) : null;
    }

    private static LocationInfo? NamedArgumentLocation(AttributeSyntax syntax, string name) =>
        LocationInfo.From(syntax.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name));
}
