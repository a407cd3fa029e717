using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace NetGen;

/// <summary>How the label column of a CSV file is read.</summary>
public enum CsvLabelKind
{
    /// <summary>A number per row: a regression target, or a class index that is already numeric.</summary>
    Number,

    /// <summary>
    /// A class name per row (e.g. <c>setosa</c>), mapped to a class index: by position in <see cref="CsvOptions.ClassNames"/>
    /// if given, otherwise by position among the distinct names sorted by ordinal comparison.
    /// </summary>
    ClassName,
}

/// <summary>Options of <see cref="CsvDataset"/>.</summary>
public sealed record CsvOptions
{
    /// <summary>The field separator; a comma by default. Must not be a double quote, a line break or a space.</summary>
    public char Separator
    {
        get;
        init
        {
            if (value is '"' or '\r' or '\n' or ' ')
            {
                throw new ArgumentOutOfRangeException(nameof(Separator), value, "The separator cannot be a double quote, a line break or a space.");
            }
            field = value;
        }
    } = ',';

    /// <summary>How the label column is read; <see cref="CsvLabelKind.Number"/> by default.</summary>
    public CsvLabelKind LabelKind { get; init; } = CsvLabelKind.Number;

    /// <summary>
    /// With <see cref="CsvLabelKind.ClassName"/>, the classes in index order. Give them when several files must agree on
    /// the indices (a training and a test file, where one may lack a class); a name not in the list is an error.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }
}

/// <summary>A dataset read from a CSV file, with the names of its columns and classes.</summary>
public sealed class CsvData
{
    internal CsvData(Dataset dataset, IReadOnlyList<string> featureNames, string labelName, IReadOnlyList<string>? classNames)
    {
        Dataset = dataset;
        FeatureNames = featureNames;
        LabelName = labelName;
        ClassNames = classNames;
    }

    /// <summary>The samples: one input float per feature column (in file order), one target float (the label).</summary>
    public Dataset Dataset { get; }

    /// <summary>The names of the feature columns, in the order of the input floats.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The name of the label column.</summary>
    public string LabelName { get; }

    /// <summary>With <see cref="CsvLabelKind.ClassName"/>, the class of each index; otherwise <see langword="null"/>.</summary>
    public IReadOnlyList<string>? ClassNames { get; }
}

/// <summary>
/// Reads a CSV file of numeric features and one label column into a <see cref="Dataset"/>. The first row names the
/// columns; every other column is a feature and must hold a finite number (invariant culture: <c>1.5</c>, <c>-2e-3</c>)
/// in every row. Fields may be quoted with double quotes (<c>""</c> inside a quoted field is a quote); a quoted field
/// cannot span lines. Blank lines are skipped. Any other irregularity is an <see cref="InvalidDataException"/> that names
/// the file, the line and the column, e.g. <c>iris.csv line 17, column 'petal_width': 'abc' is not a number</c>.
/// </summary>
public static class CsvDataset
{
    /// <summary>Reads a CSV file, choosing the label column by name.</summary>
    /// <param name="path">The file.</param>
    /// <param name="labelColumn">The header name of the label column (exact, case-sensitive).</param>
    /// <param name="options">Separator and label options; defaults if <see langword="null"/>.</param>
    /// <exception cref="InvalidDataException">The file is malformed; the message names the line and column.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a directory, or the file cannot be read.</exception>
    public static CsvData Load(string path, string labelColumn, CsvOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(labelColumn);
        using var reader = new StreamReader(ReadableFile.Open(path, "CSV file", bufferSize: 4096));
        return Read(reader, Path.GetFileName(path), new LabelSelector(labelColumn, -1), options);
    }

    /// <summary>Reads a CSV file, choosing the label column by its zero-based position.</summary>
    /// <param name="path">The file.</param>
    /// <param name="labelColumn">The zero-based index of the label column; negative counts from the end (-1 is the last column).</param>
    /// <param name="options">Separator and label options; defaults if <see langword="null"/>.</param>
    /// <exception cref="InvalidDataException">The file is malformed; the message names the line and column.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a directory, or the file cannot be read.</exception>
    public static CsvData Load(string path, int labelColumn, CsvOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(ReadableFile.Open(path, "CSV file", bufferSize: 4096));
        return Read(reader, Path.GetFileName(path), new LabelSelector(null, labelColumn), options);
    }

    /// <summary>Reads CSV text, choosing the label column by name.</summary>
    /// <param name="reader">The text, from the header row on.</param>
    /// <param name="name">The name used in error messages, e.g. the file name.</param>
    /// <param name="labelColumn">The header name of the label column.</param>
    /// <param name="options">Separator and label options; defaults if <see langword="null"/>.</param>
    /// <exception cref="InvalidDataException">The text is malformed; the message names the line and column.</exception>
    public static CsvData Read(TextReader reader, string name, string labelColumn, CsvOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(labelColumn);
        return Read(reader, name, new LabelSelector(labelColumn, -1), options);
    }

    /// <summary>Reads CSV text, choosing the label column by its zero-based position.</summary>
    /// <param name="reader">The text, from the header row on.</param>
    /// <param name="name">The name used in error messages, e.g. the file name.</param>
    /// <param name="labelColumn">The zero-based index of the label column; negative counts from the end.</param>
    /// <param name="options">Separator and label options; defaults if <see langword="null"/>.</param>
    /// <exception cref="InvalidDataException">The text is malformed; the message names the line and column.</exception>
    public static CsvData Read(TextReader reader, string name, int labelColumn, CsvOptions? options = null) =>
        Read(reader, name, new LabelSelector(null, labelColumn), options);

    private readonly record struct LabelSelector(string? Name, int Index);

    private static CsvData Read(TextReader reader, string name, LabelSelector label, CsvOptions? options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(name);
        options ??= new CsvOptions();
        var fields = new List<string>();
        int lineNumber = 0;

        // Header: the first non-blank line.
        string? line;
        do
        {
            line = reader.ReadLine();
            lineNumber++;
        }
        while (line is not null && string.IsNullOrWhiteSpace(line));
        if (line is null)
        {
            throw new InvalidDataException($"{name} is empty: expected a header row naming the columns, then one row per sample.");
        }
        SplitFields(line, options.Separator, fields, name, lineNumber);
        string[] header = fields.Select(f => f.Trim()).ToArray();
        int headerLine = lineNumber;
        for (int i = 0; i < header.Length; i++)
        {
            if (header[i].Length == 0)
            {
                throw new InvalidDataException($"{name} line {headerLine}: column {i + 1} of the header has no name. Name every column.");
            }
            int first = Array.IndexOf(header, header[i]);
            if (first != i)
            {
                throw new InvalidDataException($"{name} line {headerLine}: columns {first + 1} and {i + 1} are both named '{header[i]}'. Column names must be unique.");
            }
        }
        if (header.Length < 2)
        {
            throw new InvalidDataException(
                $"{name} line {headerLine}: the header has {header.Length} column, but a dataset needs a label column and at least one feature column. " +
                $"Check the separator (it is '{options.Separator}').");
        }
        int labelIndex = ResolveLabel(label, header, name);
        string[] featureNames = header.Where((_, i) => i != labelIndex).ToArray();

        Dictionary<string, int>? classIndex = null;
        if (options.LabelKind == CsvLabelKind.ClassName && options.ClassNames is not null)
        {
            classIndex = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < options.ClassNames.Count; i++)
            {
                if (!classIndex.TryAdd(options.ClassNames[i], i))
                {
                    throw new ArgumentException($"The class name '{options.ClassNames[i]}' appears twice in CsvOptions.ClassNames.", nameof(options));
                }
            }
        }

        var inputs = new List<float>();
        var numericLabels = new List<float>();
        var textLabels = new List<(string Text, int Line)>();
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            SplitFields(line, options.Separator, fields, name, lineNumber);
            if (fields.Count != header.Length)
            {
                throw new InvalidDataException(
                    $"{name} line {lineNumber}: {fields.Count} {(fields.Count == 1 ? "field" : "fields")}, but the header has {header.Length} columns. " +
                    "Every row needs a value for every column (check for a missing or extra separator).");
            }
            for (int column = 0; column < fields.Count; column++)
            {
                if (column == labelIndex)
                {
                    if (options.LabelKind == CsvLabelKind.Number)
                    {
                        numericLabels.Add(ParseNumber(fields[column], name, lineNumber, header[column], isLabel: true));
                    }
                    else
                    {
                        string text = fields[column].Trim();
                        if (text.Length == 0)
                        {
                            throw new InvalidDataException($"{name} line {lineNumber}, column '{header[column]}': the class name is empty.");
                        }
                        textLabels.Add((text, lineNumber));
                    }
                }
                else
                {
                    inputs.Add(ParseNumber(fields[column], name, lineNumber, header[column], isLabel: false));
                }
            }
        }
        int count = inputs.Count / featureNames.Length;
        if (count == 0)
        {
            throw new InvalidDataException($"{name} has a header but no data rows.");
        }

        float[] targets;
        IReadOnlyList<string>? classNames = null;
        if (options.LabelKind == CsvLabelKind.Number)
        {
            targets = numericLabels.ToArray();
        }
        else
        {
            if (classIndex is null)
            {
                string[] distinct = textLabels.Select(l => l.Text).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
                classIndex = distinct.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
                classNames = distinct;
            }
            else
            {
                classNames = options.ClassNames!.ToArray();
            }
            targets = new float[textLabels.Count];
            for (int i = 0; i < textLabels.Count; i++)
            {
                (string text, int at) = textLabels[i];
                if (!classIndex.TryGetValue(text, out int index))
                {
                    throw new InvalidDataException(
                        $"{name} line {at}, column '{header[labelIndex]}': '{text}' is not one of the classes {string.Join(", ", classNames)}.");
                }
                targets[i] = index;
            }
        }
        return new CsvData(new Dataset(inputs.ToArray(), targets, featureNames.Length, targetSize: 1), featureNames, header[labelIndex], classNames);
    }

    private static int ResolveLabel(LabelSelector label, string[] header, string name)
    {
        if (label.Name is not null)
        {
            int index = Array.IndexOf(header, label.Name);
            if (index < 0)
            {
                throw new InvalidDataException(
                    $"{name} has no column named '{label.Name}' (the label column). Its columns are: {string.Join(", ", header.Select(h => $"'{h}'"))}.");
            }
            return index;
        }
        int resolved = label.Index < 0 ? header.Length + label.Index : label.Index;
        if ((uint)resolved >= (uint)header.Length)
        {
            throw new ArgumentOutOfRangeException("labelColumn", label.Index,
                $"{name} has {header.Length} columns, so the label column index must be in [{-header.Length}, {header.Length}).");
        }
        return resolved;
    }

    private static float ParseNumber(string text, string name, int line, string column, bool isLabel)
    {
        string trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            throw new InvalidDataException(
                $"{name} line {line}, column '{column}': the value is missing. Fill in or drop incomplete rows before training.");
        }
        if (!float.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
        {
            string hint = isLabel ? " If the column holds class names, set CsvOptions.LabelKind to CsvLabelKind.ClassName." : "";
            throw new InvalidDataException($"{name} line {line}, column '{column}': '{trimmed}' is not a number.{hint}");
        }
        if (float.IsNaN(value))
        {
            throw new InvalidDataException(
                $"{name} line {line}, column '{column}': '{trimmed}' is not a finite number. Fill in or drop missing values before training.");
        }
        if (float.IsInfinity(value))
        {
            bool literal = trimmed.Contains("inf", StringComparison.OrdinalIgnoreCase) || trimmed.Contains('∞');
            throw new InvalidDataException(literal
                ? $"{name} line {line}, column '{column}': '{trimmed}' is not a finite number."
                : $"{name} line {line}, column '{column}': '{trimmed}' is outside the range of a float (about ±3.4e38).");
        }
        return value;
    }

    /// <summary>Splits one line into fields (RFC 4180 quoting, without line breaks inside quotes).</summary>
    private static void SplitFields(string line, char separator, List<string> fields, string name, int lineNumber)
    {
        fields.Clear();
        int i = 0;
        while (true)
        {
            // Leading spaces before an opening quote are tolerated ('a, "b"').
            int start = i;
            while (i < line.Length && line[i] == ' ')
            {
                i++;
            }
            if (i < line.Length && line[i] == '"')
            {
                var value = new System.Text.StringBuilder();
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new InvalidDataException(
                            $"{name} line {lineNumber}, field {fields.Count + 1}: a quoted field is not closed before the end of the line (fields with line breaks are not supported).");
                    }
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            value.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    value.Append(line[i++]);
                }
                while (i < line.Length && line[i] == ' ')
                {
                    i++;
                }
                if (i < line.Length && line[i] != separator)
                {
                    throw new InvalidDataException(
                        $"{name} line {lineNumber}, field {fields.Count + 1}: unexpected '{line[i]}' after a closing quote; a quoted field must end at a separator.");
                }
                fields.Add(value.ToString());
            }
            else
            {
                i = start;
                int end = line.IndexOf(separator, i);
                if (end < 0)
                {
                    end = line.Length;
                }
                fields.Add(line[i..end]);
                i = end;
            }
            if (i >= line.Length)
            {
                return;
            }
            i++; // the separator
        }
    }
}
