using System;
using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>
/// Weights built into the assembly, for imported ONNX models and built-in checkpoints alike: the parameters and
/// batch-norm buffers in NetGen's layout, float32 little-endian, base64 in a UTF-8 string literal (stored as bytes in
/// the assembly's data, decoded once on construction; no resource, no file beside the assembly, nothing the trimmer or
/// NativeAOT drops).
/// </summary>
internal static class WeightDataEmitter
{
    /// <summary>
    /// <c>internal static void {prefix}Parameters(Span&lt;float&gt;)</c> (and <c>{prefix}Buffers</c> when there are
    /// buffers), which fill the span with the weights; <paramref name="origin"/> completes "The parameters ..." in their
    /// comments ("of checkpoint 'x'", "imported from 'x'").
    /// </summary>
    public static void Emit(SourceWriter w, string prefix, string origin, EquatableArray<float> parameters, EquatableArray<float> buffers)
    {
        string decode = "Decode" + prefix;
        w.WriteLine(Invariant($"// The parameters {origin} ({parameters.Count} floats), in the layout of Parameters."));
        w.WriteLine($"internal static void {prefix}Parameters(Span<float> parameters) => {decode}({prefix}ParameterData, parameters);");
        w.WriteLine();
        if (buffers.Count > 0)
        {
            w.WriteLine(Invariant($"// The batch-norm running statistics {origin} ({buffers.Count} floats), in the layout of Buffers."));
            w.WriteLine($"internal static void {prefix}Buffers(Span<float> buffers) => {decode}({prefix}BufferData, buffers);");
            w.WriteLine();
        }
        using (w.Block($"private static void {decode}(ReadOnlySpan<byte> base64, Span<float> values)"))
        {
            w.WriteLine("byte[] bytes = new byte[values.Length * sizeof(float)];");
            w.WriteLine("global::System.Buffers.Text.Base64.DecodeFromUtf8(base64, bytes, out _, out int written);");
            w.WriteLine("if (written != bytes.Length) throw new InvalidOperationException(\"The built-in weights are damaged.\");");
            w.WriteLine("for (int i = 0; i < values.Length; i++) values[i] = global::System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i));");
        }
        w.WriteLine();
        w.WriteLine($"private static ReadOnlySpan<byte> {prefix}ParameterData => \"" + Base64(parameters) + "\"u8;");
        if (buffers.Count > 0)
        {
            w.WriteLine();
            w.WriteLine($"private static ReadOnlySpan<byte> {prefix}BufferData => \"" + Base64(buffers) + "\"u8;");
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
