using System.Collections.Generic;
using System.Collections.Immutable;
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
        var declaration = (TypeDeclarationSyntax)context.TargetNode;
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
        if (symbol.IsFileLocal)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedClass, classLocation, symbol.Name, "is file-local"));
        }
        if (symbol.IsRecord)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedClass, classLocation, symbol.Name, "is a record"));
        }
        if (symbol.IsStatic)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedClass, classLocation, symbol.Name, "is static"));
        }

        ImmutableArray<AttributeData> attributes = symbol.GetAttributes();
        // [Network] twice (on two partial declarations, or twice on one) is the compiler's CS0579; each declaration
        // would otherwise be read as a network of its own, with misleading diagnostics on the other's attributes.
        if (attributes.Count(a => a.AttributeClass?.ToDisplayString() == NetworkAttributeName) > 1)
        {
            return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }
        // An attribute the compiler could not bind (a non-constant argument, a wrong argument name or count) carries no
        // values to check: the compiler reports it, and any NetGen diagnostic about it would read a default as given.
        if (attributes.Any(a => IsNetGenAttribute(a) && HasBindingError(a)))
        {
            return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        InputSpec? input = null;
        LossSpec? loss = null;
        LocationInfo? networkLocation = null;
        string? onnx = null;
        string? weights = null;
        var layers = new List<(int Position, LayerSpec Layer)>();

        foreach (AttributeData attribute in attributes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string? name = attribute.AttributeClass?.ToDisplayString();
            if (name is null || !name.StartsWith(Namespace, System.StringComparison.Ordinal) || !name.EndsWith("Attribute", System.StringComparison.Ordinal)
                || name.Length <= Namespace.Length + "Attribute".Length
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
                    onnx = attribute.NamedArguments.FirstOrDefault(a => a.Key == "Onnx").Value.Value as string;
                    weights = attribute.NamedArguments.FirstOrDefault(a => a.Key == "Weights").Value.Value as string;
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
                case "Conv2D":
                case "MaxPool2D":
                case "AvgPool2D":
                case "GlobalAvgPool":
                case "Dropout":
                case "BatchNorm":
                case "ResidualStart":
                case "ResidualEnd":
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
            symbol.ContainingNamespace.IsGlobalNamespace ? null : symbol.ContainingNamespace.ToDisplayString(EscapedNamespace),
            // Escaped so that a keyword used as a name (@class) stays an identifier in the generated code.
            SyntaxFacts.GetKeywordKind(symbol.Name) == SyntaxKind.None ? symbol.Name : "@" + symbol.Name,
            symbol.DeclaredAccessibility == Accessibility.Public ? "public" : "internal",
            networkLocation ?? classLocation,
            input,
            layers.OrderBy(l => l.Position).Select(l => l.Layer).ToEquatableArray(),
            loss,
            onnx)
        {
            TakenNames = TakenNames(symbol, classLocation, diagnostics, cancellationToken),
            Weights = weights,
        };
        return new ParseResult(spec, diagnostics.ToEquatableArray());
    }

    // Namespace names as source text: a keyword used as a name (namespace @class) keeps its '@'.
    private static readonly SymbolDisplayFormat EscapedNamespace = SymbolDisplayFormat.FullyQualifiedFormat
        .WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted);

    private static bool IsNetGenAttribute(AttributeData attribute) =>
        attribute.AttributeClass?.ContainingNamespace?.ToDisplayString() == "NetGen" && attribute.AttributeClass.Name.EndsWith("Attribute", System.StringComparison.Ordinal);

    private static bool HasBindingError(AttributeData attribute) =>
        attribute.AttributeConstructor is null
        || attribute.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error)
        || attribute.NamedArguments.Any(a => a.Value.Kind == TypedConstantKind.Error)
        || attribute.NamedArguments.Select(a => a.Key).Distinct().Count() != attribute.NamedArguments.Length // CS0643
        || (attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax syntax
            && syntax.ArgumentList?.Arguments.Count(a => a.NameEquals is not null) != attribute.NamedArguments.Length
            && syntax.ArgumentList is not null);

    /// <summary>
    /// Names the generated class must not declare again: the class's own (a member may not share it), the members the
    /// user declared in other parts (CS0102 otherwise), and those inherited from base classes, which a generated member
    /// would hide (CS0108). Methods are left out (a method of the same name is an overload, not a clash); a base class
    /// that is itself a network is reported here, as all of its generated members would be hidden.
    /// </summary>
    private static EquatableArray<TakenName> TakenNames(INamedTypeSymbol symbol, LocationInfo? classLocation, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var taken = new List<TakenName> { new(symbol.Name, "the network class's own name", classLocation, IsMethod: false) };
        foreach (ISymbol member in symbol.GetMembers().Concat(symbol.GetTypeMembers()).Distinct<ISymbol>(SymbolEqualityComparer.Default))
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Accessors, constructors, operators and explicit implementations have names no generated member takes.
            if (member.IsImplicitlyDeclared || member is IMethodSymbol { MethodKind: not MethodKind.Ordinary } || !NetworkEmitter.IsGeneratedMemberName(member.Name))
            {
                continue;
            }
            taken.Add(new TakenName(member.Name, "a member declared in the class", LocationInfo.From(member.Locations.FirstOrDefault(l => l.IsInSource)) ?? classLocation, member is IMethodSymbol));
        }
        for (INamedTypeSymbol? type = symbol.BaseType; type is not null && type.SpecialType != SpecialType.System_Object; type = type.BaseType)
        {
            if (type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == NetworkAttributeName))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedClass, classLocation, symbol.Name,
                    "derives from the network class '" + type.Name + "', whose generated members it would hide"));
                break;
            }
            foreach (ISymbol member in type.GetMembers().Concat(type.GetTypeMembers()))
            {
                if (member.IsImplicitlyDeclared || member.DeclaredAccessibility == Accessibility.Private || member is IMethodSymbol || !NetworkEmitter.IsGeneratedMemberName(member.Name))
                {
                    continue;
                }
                taken.Add(new TakenName(member.Name, "a member inherited from '" + type.Name + "'", classLocation, IsMethod: false));
            }
        }
        return taken.ToEquatableArray();
    }

    private static LayerSpec ReadLayer(string kind, AttributeData attribute, AttributeSyntax syntax, LocationInfo? location)
    {
        var layerKind = (LayerKind)System.Enum.Parse(typeof(LayerKind), kind);
        int Positional(int index) =>
            attribute.ConstructorArguments.Length > index && attribute.ConstructorArguments[index].Value is int v ? v : 0;
        LocationInfo? Parameter(int index) => ConstructorArgumentLocation(attribute, syntax, index) ?? location;

        int activation = 0, padding = 0, dilation = 1, stride = 1;
        bool strideGiven = false;
        float alpha = float.NaN, momentum = 0.1f, epsilon = 1e-5f;
        bool bias = true;
        foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
        {
            switch (named.Key, named.Value.Value)
            {
                case ("Activation", int a): activation = a; break;
                case ("Alpha", float f): alpha = f; break;
                case ("Stride", int st): stride = st; strideGiven = true; break;
                case ("Padding", int p): padding = p; break;
                case ("Dilation", int d): dilation = d; break;
                case ("Bias", bool b): bias = b; break;
                case ("Momentum", float m): momentum = m; break;
                case ("Epsilon", float e): epsilon = e; break;
            }
        }

        int units = 0, pieces = 0, kernelHeight = 0, kernelWidth = 0;
        LocationInfo? unitsLocation = location, piecesLocation = location, kernelLocation = location, kernelWidthLocation = null;
        switch (layerKind)
        {
            case LayerKind.Dense:
                units = Positional(0);
                unitsLocation = Parameter(0);
                break;
            case LayerKind.Maxout:
                units = Positional(0);
                pieces = Positional(1);
                unitsLocation = Parameter(0);
                piecesLocation = Parameter(1);
                break;
            case LayerKind.Conv2D:
                units = Positional(0);
                unitsLocation = Parameter(0);
                kernelHeight = Positional(1);
                kernelWidth = attribute.ConstructorArguments.Length > 2 ? Positional(2) : kernelHeight;
                kernelLocation = Parameter(1);
                kernelWidthLocation = attribute.ConstructorArguments.Length > 2 ? Parameter(2) : kernelLocation;
                break;
            case LayerKind.MaxPool2D:
            case LayerKind.AvgPool2D:
                kernelHeight = kernelWidth = Positional(0);
                kernelLocation = Parameter(0);
                if (!strideGiven)
                {
                    stride = kernelHeight; // pooling's stride defaults to its window: non-overlapping windows
                }
                break;
            case LayerKind.Dropout:
                unitsLocation = Parameter(0);
                break;
            case LayerKind.BatchNorm:
                unitsLocation = NamedArgumentLocation(syntax, "Momentum") ?? location;
                piecesLocation = NamedArgumentLocation(syntax, "Epsilon") ?? location;
                break;
        }

        return new LayerSpec(
            layerKind,
            units,
            pieces,
            activation,
            alpha,
            location,
            unitsLocation,
            piecesLocation,
            NamedArgumentLocation(syntax, "Activation") ?? location,
            NamedArgumentLocation(syntax, "Alpha") ?? location,
            kernelHeight,
            kernelWidth,
            stride,
            padding,
            dilation,
            bias,
            kernelLocation,
            NamedArgumentLocation(syntax, "Stride") ?? location,
            NamedArgumentLocation(syntax, "Padding") ?? location,
            NamedArgumentLocation(syntax, "Dilation") ?? location,
            layerKind == LayerKind.Dropout && attribute.ConstructorArguments.FirstOrDefault().Value is double rate ? rate : 0,
            momentum,
            epsilon,
            kernelWidthLocation);
    }

    /// <summary>
    /// The syntax of the constructor argument bound to parameter <paramref name="index"/>: by name for <c>name: value</c>
    /// arguments, else by position among the unnamed ones (named arguments may come in any order).
    /// </summary>
    private static LocationInfo? ConstructorArgumentLocation(AttributeData attribute, AttributeSyntax syntax, int index)
    {
        if (syntax.ArgumentList is null || attribute.AttributeConstructor is not { } constructor || constructor.Parameters.Length <= index)
        {
            return null;
        }
        string name = constructor.Parameters[index].Name;
        AttributeArgumentSyntax? byName = syntax.ArgumentList.Arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == name);
        if (byName is not null)
        {
            return LocationInfo.From(byName);
        }
        var positional = syntax.ArgumentList.Arguments.Where(a => a.NameEquals is null && a.NameColon is null).ToList();
        return positional.Count > index ? LocationInfo.From(positional[index]) : null;
    }

    private static LocationInfo? NamedArgumentLocation(AttributeSyntax syntax, string name) =>
        LocationInfo.From(syntax.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name));
}
