using System;
using System.Linq;
using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>
/// An imported network's header and weights: the parameters and batch-norm buffers of the ONNX file in NetGen's layout,
/// built into the assembly (<see cref="WeightDataEmitter"/>).
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

    public static void EmitData(SourceWriter w, ImportedWeights imported) =>
        WeightDataEmitter.Emit(w, "Imported", Invariant($"imported from '{imported.Source}'"), imported.Parameters, imported.Buffers);
}
