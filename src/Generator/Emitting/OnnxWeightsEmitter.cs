using System;
using System.Linq;
using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>
/// An imported network's weights, built into the assembly: the parameters and batch-norm buffers of the ONNX file in
/// NetGen's layout, float32 little-endian, base64 in a UTF-8 string literal (stored as bytes in the assembly's data,
/// decoded once on construction; no resource, no file beside the assembly, nothing the trimmer or NativeAOT drops).
/// </summary>
internal static class OnnxWeightsEmitter
{
    public static void EmitHeader(SourceWriter w, NetworkPlan plan, ImportedWeights imported)
    {
        w.WriteLine("//");
        w.WriteLine(Invariant($"// Imported from '{imported.Source}' (ONNX operator set {imported.Opset}{(imported.Producer.Length > 0 ? ", written by " + imported.Producer : "")}); its weights are built in."));
        if (imported.FinalSoftmax is { } softmax)
        {
            w.WriteLine(Invariant($"// The file ends in {softmax}, which is not a layer here: Forward returns the logits before it, Predict their argmax")
                + (plan.Probabilities == ProbabilityKind.Softmax ? "," : "."));
            if (plan.Probabilities == ProbabilityKind.Softmax)
            {
                w.WriteLine("// PredictProbabilities their softmax.");
            }
        }
        w.WriteLine("// The same network declared by hand (copy it to edit the architecture):");
        foreach (string line in imported.Declaration)
        {
            w.WriteLine("//   " + line);
        }
    }

    public static void EmitData(SourceWriter w, ImportedWeights imported)
    {
        w.WriteLine(Invariant($"// The parameters imported from '{imported.Source}' ({imported.Parameters.Count} floats), in the layout of Parameters."));
        w.WriteLine("internal static void ImportedParameters(Span<float> parameters) => Decode(ImportedParameterData, parameters);");
        w.WriteLine();
        if (imported.Buffers.Count > 0)
        {
            w.WriteLine(Invariant($"// The batch-norm running statistics imported from '{imported.Source}' ({imported.Buffers.Count} floats), in the layout of Buffers."));
            w.WriteLine("internal static void ImportedBuffers(Span<float> buffers) => Decode(ImportedBufferData, buffers);");
            w.WriteLine();
        }
        using (w.Block("private static void Decode(ReadOnlySpan<byte> base64, Span<float> values)"))
        {
            w.WriteLine("byte[] bytes = new byte[values.Length * sizeof(float)];");
            w.WriteLine("global::System.Buffers.Text.Base64.DecodeFromUtf8(base64, bytes, out _, out int written);");
            w.WriteLine("if (written != bytes.Length) throw new InvalidOperationException(\"The built-in weights are damaged.\");");
            w.WriteLine("for (int i = 0; i < values.Length; i++) values[i] = global::System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i));");
        }
        w.WriteLine();
        w.WriteLine("private static ReadOnlySpan<byte> ImportedParameterData => \"" + Base64(imported.Parameters) + "\"u8;");
        if (imported.Buffers.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("private static ReadOnlySpan<byte> ImportedBufferData => \"" + Base64(imported.Buffers) + "\"u8;");
        }
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
