using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace NetGen.CodeFixes;

/// <summary>
/// Adds an attribute next to another one in the style the declaration already uses: inside the same list
/// (<c>[Network, Input(4), Dense(3)]</c>) when the neighbour shares its list with others, else as a list of its own
/// on its own line with the neighbour's indentation (one attribute per line).
/// </summary>
internal static class AttributeEditing
{
    /// <summary>
    /// An attribute of the NetGen type <paramref name="typeName"/> (without the Attribute suffix), fully qualified and
    /// marked for simplification: the code action's clean-up shortens it to <c>Flatten</c> where <c>using NetGen;</c> is
    /// in scope and leaves <c>NetGen.Flatten</c> where it is not.
    /// </summary>
    public static AttributeSyntax NetGenAttribute(string typeName, string? argument = null)
    {
        AttributeSyntax attribute = SyntaxFactory.Attribute(SyntaxFactory.ParseName("global::NetGen." + typeName + "Attribute"));
        if (argument is not null)
        {
            attribute = attribute.WithArgumentList(SyntaxFactory.AttributeArgumentList(
                SyntaxFactory.SingletonSeparatedList(SyntaxFactory.AttributeArgument(SyntaxFactory.ParseExpression(argument)))));
        }
        return attribute.WithAdditionalAnnotations(Simplifier.Annotation);
    }

    /// <summary>The type declaration with <paramref name="added"/> placed right before or after <paramref name="neighbour"/>.</summary>
    public static TypeDeclarationSyntax Insert(TypeDeclarationSyntax declaration, AttributeSyntax neighbour, AttributeSyntax added, bool before)
    {
        var list = (AttributeListSyntax)neighbour.Parent!;
        if (list.Attributes.Count > 1 || list.Target is not null)
        {
            int index = list.Attributes.IndexOf(neighbour) + (before ? 0 : 1);
            return declaration.ReplaceNode(list, InsertIntoList(list, index, added));
        }

        // One attribute per list: the new list goes on a line of its own. Comments and documentation above the
        // neighbour stay above both lists; each list keeps the neighbour's indentation.
        SyntaxTriviaList leading = list.GetLeadingTrivia();
        SyntaxTriviaList indentation = leading.Count > 0 && leading.Last().IsKind(SyntaxKind.WhitespaceTrivia)
            ? SyntaxFactory.TriviaList(leading.Last())
            : SyntaxFactory.TriviaList();
        SyntaxTrivia endOfLine = list.GetTrailingTrivia().Concat(declaration.DescendantTrivia())
            .FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        SyntaxTriviaList newLine = endOfLine.IsKind(SyntaxKind.EndOfLineTrivia)
            ? SyntaxFactory.TriviaList(endOfLine)
            : SyntaxFactory.TriviaList(SyntaxFactory.ElasticCarriageReturnLineFeed);
        AttributeListSyntax single = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(added));
        int position = declaration.AttributeLists.IndexOf(list);

        SyntaxList<AttributeListSyntax> lists;
        if (before)
        {
            lists = declaration.AttributeLists
                .Replace(list, list.WithLeadingTrivia(indentation))
                .Insert(position, single.WithLeadingTrivia(leading).WithTrailingTrivia(newLine));
        }
        else
        {
            lists = declaration.AttributeLists
                .Insert(position + 1, single.WithLeadingTrivia(indentation).WithTrailingTrivia(list.GetTrailingTrivia()));
        }
        return declaration.WithAttributeLists(lists);
    }

    private static AttributeListSyntax InsertIntoList(AttributeListSyntax list, int index, AttributeSyntax added)
    {
        // Keep every existing separator (and its spacing); the new one is a comma and a space.
        var attributes = list.Attributes.Insert(index, added);
        var separators = list.Attributes.GetSeparators().ToList();
        SyntaxToken comma = SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space);
        if (index == list.Attributes.Count)
        {
            // Appended: the comma goes between the old last attribute and the new one, and the old last attribute's
            // trailing trivia (if any) moves behind the new one.
            AttributeSyntax last = list.Attributes[index - 1];
            separators.Add(comma);
            var nodes = list.Attributes.Select(a => a == last ? a.WithoutTrailingTrivia() : a)
                .Append(added.WithTrailingTrivia(last.GetTrailingTrivia()));
            return list.WithAttributes(SyntaxFactory.SeparatedList(nodes, separators));
        }
        separators.Insert(index, comma);
        return list.WithAttributes(SyntaxFactory.SeparatedList(attributes, separators));
    }
}
