using System;
using System.IO;
using Xunit;

namespace NetGen.Runtime.Tests.Data;

public sealed class CsvDatasetTests
{
    private const string Iris =
        "sepal_length,sepal_width,petal_length,petal_width,species\n" +
        "5.1,3.5,1.4,0.2,setosa\n" +
        "7.0,3.2,4.7,1.4,versicolor\n" +
        "\n" +
        "6.3,3.3,6.0,2.5,virginica\r\n" +
        "4.9,3.0,1.4,0.2,setosa\n";

    private static CsvData Read(string text, string label = "species", CsvOptions? options = null) =>
        CsvDataset.Read(new StringReader(text), "iris.csv", label, options ?? new CsvOptions { LabelKind = CsvLabelKind.ClassName });

    private static string ErrorOf(string text, string label = "species", CsvOptions? options = null) =>
        Assert.Throws<InvalidDataException>(() => Read(text, label, options)).Message;

    [Fact]
    public void Features_and_class_names_are_read_with_sorted_class_indices()
    {
        CsvData data = Read(Iris);

        Assert.Equal(["sepal_length", "sepal_width", "petal_length", "petal_width"], data.FeatureNames);
        Assert.Equal("species", data.LabelName);
        Assert.Equal(["setosa", "versicolor", "virginica"], data.ClassNames);
        Assert.Equal(4, data.Dataset.Count);
        Assert.Equal([5.1f, 3.5f, 1.4f, 0.2f], data.Dataset.GetInput(0).ToArray());
        Assert.Equal([6.3f, 3.3f, 6.0f, 2.5f], data.Dataset.GetInput(2).ToArray());
        Assert.Equal([0f, 1f, 2f, 0f], data.Dataset.Targets);
    }

    [Fact]
    public void Given_class_names_fix_the_indices()
    {
        CsvData data = Read(Iris, options: new CsvOptions { LabelKind = CsvLabelKind.ClassName, ClassNames = ["virginica", "setosa", "versicolor"] });
        Assert.Equal([1f, 2f, 0f, 1f], data.Dataset.Targets);
    }

    [Fact]
    public void A_numeric_label_column_is_chosen_by_index_and_may_be_in_the_middle()
    {
        const string text = "a,y,b\n1,10,2\n3,20,4\n";
        CsvData byIndex = CsvDataset.Read(new StringReader(text), "t.csv", labelColumn: 1);
        CsvData fromEnd = CsvDataset.Read(new StringReader(text), "t.csv", labelColumn: -2);

        Assert.Equal(["a", "b"], byIndex.FeatureNames);
        Assert.Equal([1f, 2f, 3f, 4f], byIndex.Dataset.Inputs);
        Assert.Equal([10f, 20f], byIndex.Dataset.Targets);
        Assert.Null(byIndex.ClassNames);
        Assert.Equal(byIndex.Dataset.Targets, fromEnd.Dataset.Targets);
    }

    [Fact]
    public void Quoted_fields_semicolons_and_exponents_are_read()
    {
        const string text = "\"x 1\";\"label\"\n\"1e-3\";\"a \"\"b\"\"\"\n-2.5E2; \"c\"\n";
        CsvData data = CsvDataset.Read(new StringReader(text), "t.csv", "label", new CsvOptions { Separator = ';', LabelKind = CsvLabelKind.ClassName });

        Assert.Equal(["x 1"], data.FeatureNames);
        Assert.Equal([1e-3f, -250f], data.Dataset.Inputs);
        Assert.Equal(["a \"b\"", "c"], data.ClassNames);
    }

    [Fact]
    public void A_file_is_loaded_by_path_and_named_in_errors()
    {
        string path = Path.Combine(Path.GetTempPath(), $"netgen-{Guid.NewGuid():N}-iris.csv");
        try
        {
            File.WriteAllText(path, Iris.Replace("\n4.9,", "\n4.x,"));
            var error = Assert.Throws<InvalidDataException>(() => CsvDataset.Load(path, "species", new CsvOptions { LabelKind = CsvLabelKind.ClassName }));
            Assert.Equal($"{Path.GetFileName(path)} line 6, column 'sepal_length': '4.x' is not a number.", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_non_number_names_the_file_line_and_column()
    {
        string text = Iris.Replace("6.3,3.3,6.0,2.5", "6.3,3.3,6.0,abc");
        Assert.Equal("iris.csv line 5, column 'petal_width': 'abc' is not a number.", ErrorOf(text));
    }

    [Theory]
    [InlineData("NaN", "'NaN' is not a finite number. Fill in or drop missing values before training.")]
    [InlineData("-Infinity", "'-Infinity' is not a finite number.")]
    [InlineData("1e39", "'1e39' is outside the range of a float (about ±3.4e38).")]
    [InlineData("  ", "the value is missing. Fill in or drop incomplete rows before training.")]
    public void Missing_and_non_finite_values_are_rejected(string value, string problem)
    {
        string text = Iris.Replace("7.0,3.2", $"7.0,{value}");
        Assert.Equal($"iris.csv line 3, column 'sepal_width': {problem}", ErrorOf(text));
    }

    [Theory]
    [InlineData("7.0,3.2,4.7,versicolor", "4 fields")]
    [InlineData("7.0,3.2,4.7,1.4,versicolor,", "6 fields")]
    public void A_row_with_the_wrong_number_of_fields_names_its_line(string row, string found)
    {
        string text = Iris.Replace("7.0,3.2,4.7,1.4,versicolor", row);
        Assert.Equal($"iris.csv line 3: {found}, but the header has 5 columns. Every row needs a value for every column (check for a missing or extra separator).", ErrorOf(text));
    }

    [Fact]
    public void A_non_numeric_label_suggests_reading_class_names()
    {
        string message = ErrorOf(Iris, options: new CsvOptions());
        Assert.Equal("iris.csv line 2, column 'species': 'setosa' is not a number. If the column holds class names, set CsvOptions.LabelKind to CsvLabelKind.ClassName.", message);
    }

    [Fact]
    public void An_unknown_class_name_lists_the_classes()
    {
        var options = new CsvOptions { LabelKind = CsvLabelKind.ClassName, ClassNames = ["setosa", "versicolor"] };
        Assert.Equal("iris.csv line 5, column 'species': 'virginica' is not one of the classes setosa, versicolor.", ErrorOf(Iris, options: options));
    }

    [Fact]
    public void A_missing_label_column_lists_the_columns()
    {
        Assert.Equal("iris.csv has no column named 'Species' (the label column). Its columns are: 'sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'.",
            ErrorOf(Iris, label: "Species"));
    }

    [Theory]
    [InlineData("", "iris.csv is empty: expected a header row naming the columns, then one row per sample.")]
    [InlineData("\n\n", "iris.csv is empty: expected a header row naming the columns, then one row per sample.")]
    [InlineData("a,species\n\n", "iris.csv has a header but no data rows.")]
    [InlineData("a,,species\n1,2,x\n", "iris.csv line 1: column 2 of the header has no name. Name every column.")]
    [InlineData("a,b,a,species\n1,2,3,x\n", "iris.csv line 1: columns 1 and 3 are both named 'a'. Column names must be unique.")]
    [InlineData("a;b;species\n1;2;x\n", "iris.csv line 1: the header has 1 column, but a dataset needs a label column and at least one feature column. Check the separator (it is ',').")]
    [InlineData("a,species\n\"1,x\n", "iris.csv line 2, field 1: a quoted field is not closed before the end of the line (fields with line breaks are not supported).")]
    [InlineData("a,species\n\"1\"2,x\n", "iris.csv line 2, field 1: unexpected '2' after a closing quote; a quoted field must end at a separator.")]
    [InlineData("a,species\n1, \n", "iris.csv line 2, column 'species': the class name is empty.")]
    public void Malformed_files_fail_with_a_clear_message(string text, string message)
    {
        Assert.Equal(message, ErrorOf(text));
    }

    [Fact]
    public void A_label_index_outside_the_columns_is_rejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CsvDataset.Read(new StringReader("a,b\n1,2\n"), "t.csv", labelColumn: 2));
        Assert.Contains("t.csv has 2 columns, so the label column index must be in [-2, 2)", error.Message);
    }
}
