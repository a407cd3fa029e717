using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NetGen.Generator;

/// <summary>
/// An ONNX model as the NetGen build targets hand it over: the base64 text copy of an AdditionalFiles item, with the
/// item's path as the project lists it (metadata NetGenOnnxSource).
/// </summary>
internal sealed record OnnxFile(string Source, string Base64)
{
    public const string SourceMetadata = "build_metadata.AdditionalFiles.NetGenOnnxSource";

    /// <summary>The file, or null for an additional file that is not an ONNX copy (its text is never read then).</summary>
    public static OnnxFile? From(AdditionalText text, AnalyzerConfigOptions options, CancellationToken cancellationToken)
    {
        if (!options.TryGetValue(SourceMetadata, out string? source) || string.IsNullOrEmpty(source))
        {
            return null;
        }
        return new OnnxFile(source, text.GetText(cancellationToken)?.ToString() ?? "");
    }
}

/// <summary>[Network(Onnx = "...")]: the parsed declaration completed with the layers and weights of its model.</summary>
internal static class OnnxImport
{
    public static ParseResult Resolve(ParseResult parsed, EquatableArray<OnnxFile> files, CancellationToken cancellationToken)
    {
        if (parsed.Spec is not { Onnx: { } path } spec)
        {
            return parsed;
        }
        var diagnostics = new List<DiagnosticInfo>(parsed.Diagnostics);
        if (spec.Input is not null || spec.Layers.Count > 0)
        {
            string declared = spec.Input is not null ? "Input" : spec.Layers[0].Kind.ToString();
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OnnxWithDeclaredLayers, spec.Input?.Location ?? spec.Layers[0].Location, spec.ClassName, path, declared));
            return new ParseResult(null, diagnostics.ToEquatableArray());
        }
        OnnxFile? file = Find(files, path);
        if (file is null)
        {
            string listed = files.Count == 0 ? "; no ONNX file is listed" : "; the ONNX files listed are " + string.Join(", ", files.Select(f => "'" + f.Source + "'"));
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OnnxFileNotFound, spec.Location, path, listed));
            return new ParseResult(null, diagnostics.ToEquatableArray());
        }
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(file.Base64);
        }
        catch (FormatException)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OnnxFileUnreadable, spec.Location, path, "its copy under obj/ is not base64 (was it edited?); rebuild to rewrite it"));
            return new ParseResult(null, diagnostics.ToEquatableArray());
        }
        cancellationToken.ThrowIfCancellationRequested();
        OnnxImporter.Result? result = OnnxImporter.Import(bytes, path, spec.Location, diagnostics);
        if (result is null)
        {
            return new ParseResult(null, diagnostics.ToEquatableArray());
        }
        var imported = new ImportedWeights(path, result.Opset, result.Producer, result.Parameters.ToEquatableArray(), result.Buffers.ToEquatableArray(),
            result.FinalSoftmax, Declaration(result, spec).ToEquatableArray());
        NetworkSpec completed = spec with
        {
            Input = new InputSpec(result.InputShape.ToEquatableArray(), spec.Location),
            Layers = result.Layers.ToEquatableArray(),
            Imported = imported,
        };
        return new ParseResult(completed, diagnostics.ToEquatableArray());
    }

    /// <summary>The file listed as <paramref name="path"/> (separators and a leading ./ ignored), or by a path that ends with it.</summary>
    internal static OnnxFile? Find(EquatableArray<OnnxFile> files, string path)
    {
        string wanted = Normalize(path);
        return files.FirstOrDefault(f => Normalize(f.Source) == wanted)
            ?? files.FirstOrDefault(f => Normalize(f.Source).EndsWith("/" + wanted, StringComparison.Ordinal));
    }

    private static string Normalize(string path)
    {
        string normalized = path.Replace('\\', '/');
        while (normalized.StartsWith("./", StringComparison.Ordinal))
        {
            normalized = normalized.Substring(2);
        }
        return normalized;
    }

    /// <summary>The attributes that declare the imported network by hand, one a line, for the generated file's header.</summary>
    private static IEnumerable<string> Declaration(OnnxImporter.Result result, NetworkSpec spec)
    {
        yield return "[Network]";
        yield return "[Input(" + string.Join(", ", result.InputShape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")]";
        foreach (LayerSpec layer in result.Layers)
        {
            yield return "[" + Attribute(layer) + "]";
        }
        if (spec.Loss is { } loss && loss.Kind >= 0 && loss.Kind <= (int)LossKindMirror.BinaryCrossEntropy)
        {
            yield return "[Loss(LossKind." + (LossKindMirror)loss.Kind + ")]";
        }
    }

    private static string Attribute(LayerSpec layer)
    {
        var named = new List<string>();
        if (layer.Activation != (int)ActivationKind.Identity)
        {
            named.Add("Activation = Activation." + (ActivationKind)layer.Activation);
        }
        if (!float.IsNaN(layer.Alpha))
        {
            named.Add("Alpha = " + Planner.Format(layer.Alpha) + "f");
        }
        string I(int value) => value.ToString(CultureInfo.InvariantCulture);
        string positional;
        switch (layer.Kind)
        {
            case LayerKind.Dense:
                positional = I(layer.Units);
                break;
            case LayerKind.Conv2D:
                positional = I(layer.Units) + (layer.KernelHeight == layer.KernelWidth ? ", kernel: " + I(layer.KernelHeight) : ", " + I(layer.KernelHeight) + ", " + I(layer.KernelWidth));
                if (layer.Stride != 1) named.Insert(0, "Stride = " + I(layer.Stride));
                if (layer.Padding != 0) named.Insert(named.Count(n => n.StartsWith("Stride", StringComparison.Ordinal)), "Padding = " + I(layer.Padding));
                if (layer.Dilation != 1) named.Add("Dilation = " + I(layer.Dilation));
                if (!layer.Bias) named.Add("Bias = false");
                break;
            case LayerKind.MaxPool2D:
            case LayerKind.AvgPool2D:
                positional = I(layer.KernelHeight);
                if (layer.Stride != layer.KernelHeight) named.Add("Stride = " + I(layer.Stride));
                break;
            case LayerKind.Dropout:
                positional = ((float)layer.Rate).ToString("R", CultureInfo.InvariantCulture);
                break;
            case LayerKind.BatchNorm:
                positional = "";
                if (layer.Momentum != 0.1f) named.Insert(0, "Momentum = " + Planner.Format(layer.Momentum) + "f");
                if (layer.Epsilon != 1e-5f) named.Insert(0, "Epsilon = " + Planner.Format(layer.Epsilon) + "f");
                break;
            default:
                positional = "";
                break;
        }
        string arguments = string.Join(", ", new[] { positional }.Where(p => p.Length > 0).Concat(named));
        return layer.Kind + (arguments.Length > 0 ? "(" + arguments + ")" : "");
    }
}
