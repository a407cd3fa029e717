using System;
using System.Text;

namespace NetGen.Generator;

/// <summary>An indentation-aware text writer for emitted code: emitters write lines and blocks, never concatenate strings.</summary>
internal sealed class SourceWriter
{
    private const int IndentSize = 4;
    private readonly StringBuilder _builder = new();
    private int _indent;

    public SourceWriter()
    {
    }

    /// <summary>A writer that starts at <paramref name="indent"/> levels, for text rendered apart and appended later.</summary>
    public SourceWriter(int indent) => _indent = indent;

    /// <summary>The current indentation level.</summary>
    public int IndentLevel => _indent;

    public void WriteLine(string line)
    {
        if (line.Length > 0)
        {
            _builder.Append(' ', _indent * IndentSize);
            _builder.Append(line);
        }
        _builder.Append('\n');
    }

    public void WriteLine() => _builder.Append('\n');

    /// <summary>Appends text another writer rendered (at this writer's indentation), as is.</summary>
    public void WriteRendered(string text) => _builder.Append(text);

    /// <summary>Writes each line of a multi-line text at the current indentation.</summary>
    public void WriteLines(string text)
    {
        foreach (string line in text.Replace("\r\n", "\n").Split('\n'))
        {
            WriteLine(line);
        }
    }

    /// <summary>Writes <paramref name="header"/>, an opening brace, and indents until the returned scope is disposed.</summary>
    public Scope Block(string header)
    {
        WriteLine(header);
        WriteLine("{");
        _indent++;
        return new Scope(this, "}");
    }

    public void Indent() => _indent++;

    public void Unindent() => _indent--;

    /// <summary>Opens a bare <c>{ }</c> scope.</summary>
    public Scope OpenBlock()
    {
        WriteLine("{");
        _indent++;
        return new Scope(this, "}");
    }

    public override string ToString() => _builder.ToString();

    public readonly struct Scope : IDisposable
    {
        private readonly SourceWriter _writer;
        private readonly string _closing;

        public Scope(SourceWriter writer, string closing)
        {
            _writer = writer;
            _closing = closing;
        }

        public void Dispose()
        {
            _writer._indent--;
            _writer.WriteLine(_closing);
        }
    }
}
