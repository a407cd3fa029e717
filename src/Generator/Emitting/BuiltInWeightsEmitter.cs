using System;
using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>
/// [Network(Weights = "...")]: the checkpoint's parameters and buffers built into the assembly as the ONNX import's are
/// (float32 little-endian, base64 in a UTF-8 literal stored in the assembly's data, decoded once on construction), so
/// that nothing travels beside the executable and nothing is lost to trimming or NativeAOT.
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

    public static void EmitData(SourceWriter w, BuiltInWeights weights)
    {
        w.WriteLine(Invariant($"// The parameters of checkpoint '{weights.Source}' ({weights.Parameters.Count} floats), in the layout of Parameters."));
        w.WriteLine("internal static void BuiltInParameters(Span<float> parameters) => DecodeBuiltIn(BuiltInParameterData, parameters);");
        w.WriteLine();
        if (weights.Buffers.Count > 0)
        {
            w.WriteLine(Invariant($"// The batch-norm running statistics of checkpoint '{weights.Source}' ({weights.Buffers.Count} floats), in the layout of Buffers."));
            w.WriteLine("internal static void BuiltInBuffers(Span<float> buffers) => DecodeBuiltIn(BuiltInBufferData, buffers);");
            w.WriteLine();
        }
        using (w.Block("private static void DecodeBuiltIn(ReadOnlySpan<byte> base64, Span<float> values)"))
        {
            w.WriteLine("byte[] bytes = new byte[values.Length * sizeof(float)];");
            w.WriteLine("global::System.Buffers.Text.Base64.DecodeFromUtf8(base64, bytes, out _, out int written);");
            w.WriteLine("if (written != bytes.Length) throw new InvalidOperationException(\"The built-in weights are damaged.\");");
            w.WriteLine("for (int i = 0; i < values.Length; i++) values[i] = global::System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i));");
        }
        w.WriteLine();
        w.WriteLine("private static ReadOnlySpan<byte> BuiltInParameterData => \"" + Base64(weights.Parameters) + "\"u8;");
        if (weights.Buffers.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("private static ReadOnlySpan<byte> BuiltInBufferData => \"" + Base64(weights.Buffers) + "\"u8;");
        }
    }

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
        w.WriteLine();
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

    private static string Base64(EquatableArray<float> values)
    {
        var bytes = new byte[values.Count * 4];
        for (int i = 0; i < values.Count; i++)
        {
            byte[] b = BitConverter.GetBytes(values[i]);
            if (!BitConverter.IsLittleEndian)
            {
                Array.Reverse(b);
            }
            Buffer.BlockCopy(b, 0, bytes, 4 * i, 4);
        }
        return Convert.ToBase64String(bytes);
    }
}
