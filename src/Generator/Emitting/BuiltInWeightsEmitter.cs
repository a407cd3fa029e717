using System;
using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>
/// [Network(Weights = "...")]: the checkpoint's parameters and buffers built into the assembly as the ONNX import's are
/// (<see cref="WeightDataEmitter"/>), so that nothing travels beside the executable, with its standardizer and class names.
/// </summary>
internal static class BuiltInWeightsEmitter
{
    public static void EmitHeader(SourceWriter w, BuiltInWeights weights)
    {
        w.WriteLine("//");
        w.WriteLine(Invariant($"// Weights built in from checkpoint '{weights.Source}' ({weights.Parameters.Count} parameters")
            + (weights.StandardizerMeans.Count > 0 ? ", a standardizer" : "")
            + (weights.ClassNames.Count > 0 ? Invariant($", {weights.ClassNames.Count} class names") : "") + "): a new instance predicts as the trained model.");
    }

    public static void EmitData(SourceWriter w, BuiltInWeights weights) =>
        WeightDataEmitter.Emit(w, "BuiltIn", Invariant($"of checkpoint '{weights.Source}'"), weights.Parameters, weights.Buffers);

    /// <summary>The standardizer property, when the checkpoint has one.</summary>
    public static void EmitStandardizer(SourceWriter w, BuiltInWeights weights)
    {
        if (weights.StandardizerMeans.Count == 0)
        {
            return;
        }
        w.WriteLine("/// <summary>");
        w.WriteLine(Invariant($"/// The input standardization of the training run, from checkpoint '{weights.Source}': apply it to raw features"));
        w.WriteLine("/// (<c>Standardizer.Transform(features)</c>) before predicting, as the training data was.");
        w.WriteLine("/// </summary>");
        w.WriteLine("public global::NetGen.Standardizer Standardizer { get; } = new global::NetGen.Standardizer(");
        w.WriteLine("    new float[] { " + Floats(weights.StandardizerMeans) + " },");
        w.WriteLine("    new float[] { " + Floats(weights.StandardizerScales) + " });");
    }

    /// <summary>The initializer of the class-name list: the checkpoint's names, or null.</summary>
    public static string ClassNamesInitializer(BuiltInWeights? weights)
    {
        if (weights is null || weights.ClassNames.Count == 0)
        {
            return "";
        }
        var names = new string[weights.ClassNames.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(weights.ClassNames[i], quote: true);
        }
        return " = new string[] { " + string.Join(", ", names) + " }";
    }

    private static string Floats(EquatableArray<float> values)
    {
        var text = new string[values.Count];
        for (int i = 0; i < text.Length; i++)
        {
            text[i] = Planner.Format(values[i]) + "f";
        }
        return string.Join(", ", text);
    }

}
