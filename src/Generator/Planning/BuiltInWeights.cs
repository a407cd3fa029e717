using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>
/// [Network(Weights = "model.ngck")]: what a checkpoint builds into the class, checked against the plan: parameters and
/// buffers in the plan's layout, dropout seed and training steps, and, when the checkpoint has them, the standardizer
/// (empty arrays otherwise) and the class names.
/// </summary>
internal sealed record BuiltInWeights(
    string Source,
    EquatableArray<float> Parameters,
    EquatableArray<float> Buffers,
    int DropoutSeed,
    long TrainingSteps,
    EquatableArray<float> StandardizerMeans,
    EquatableArray<float> StandardizerScales,
    EquatableArray<string> ClassNames)
{
    /// <summary>
    /// Reads the plan's checkpoint from the files the build targets handed over and attaches it, or reports why it
    /// cannot be built in (NG0050-NG0054, on [Network]). On a problem the plan is kept without weights, so that the
    /// build fails on that diagnostic alone rather than on the members a missing class would leave undefined.
    /// </summary>
    public static PlanResult Resolve(PlanResult result, EquatableArray<OnnxFile> files, CancellationToken cancellationToken)
    {
        if (result.Plan is not { WeightsPath: { } path } plan)
        {
            return result;
        }
        var diagnostics = new List<DiagnosticInfo>(result.Diagnostics);
        LocationInfo? location = plan.WeightsLocation;
        OnnxFile? file = OnnxImport.Find(files, path);
        if (file is null)
        {
            string listed = files.Count == 0 ? "; no such file is listed" : "; the files listed are " + string.Join(", ", files.Select(f => "'" + f.Source + "'"));
            return Fail(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileNotFound, location, path, listed));
        }
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(file.Base64);
        }
        catch (FormatException)
        {
            return Fail(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileUnreadable, location, path, "has a copy under obj/ that is not base64 (was it edited?); rebuild to rewrite it"));
        }
        cancellationToken.ThrowIfCancellationRequested();
        CheckpointContents? contents = CheckpointFile.Read(bytes, out CheckpointProblem problem, out string reason);
        if (contents is null)
        {
            return Fail(DiagnosticInfo.Create(
                problem == CheckpointProblem.NotACheckpoint ? DiagnosticDescriptors.WeightsFileNotCheckpoint : DiagnosticDescriptors.WeightsFileUnreadable, location, path, reason));
        }
        if (!string.Equals(contents.Fingerprint, plan.Fingerprint, StringComparison.Ordinal))
        {
            return Fail(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsArchitectureMismatch, location, path, contents.Fingerprint, plan.ClassName, plan.Fingerprint));
        }
        string? misfit = Misfit(contents, plan);
        if (misfit is not null)
        {
            return Fail(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsShapeMismatch, location, path, plan.ClassName, misfit));
        }
        var weights = new BuiltInWeights(path, contents.Parameters.ToEquatableArray(), contents.Buffers.ToEquatableArray(), contents.DropoutSeed, contents.TrainingSteps,
            (contents.StandardizerMeans ?? Array.Empty<float>()).ToEquatableArray(), (contents.StandardizerScales ?? Array.Empty<float>()).ToEquatableArray(),
            (contents.ClassNames ?? Array.Empty<string>()).ToEquatableArray());
        return new PlanResult(plan with { BuiltIn = weights }, diagnostics.ToEquatableArray());

        PlanResult Fail(DiagnosticInfo diagnostic)
        {
            diagnostics.Add(diagnostic);
            return new PlanResult(plan, diagnostics.ToEquatableArray());
        }
    }

    /// <summary>What of the checkpoint does not fit the plan (which has the same fingerprint), or null.</summary>
    private static string? Misfit(CheckpointContents contents, NetworkPlan plan)
    {
        if (contents.Parameters.Length != plan.ParameterCount)
        {
            return Invariant($"it holds {contents.Parameters.Length} parameters, but the network has {plan.ParameterCount}");
        }
        if (contents.Buffers.Length != plan.BufferCount)
        {
            return Invariant($"it holds {contents.Buffers.Length} buffer values (batch-norm statistics), but the network has {plan.BufferCount}");
        }
        if (contents.StandardizerMeans is { } means && means.Length != plan.InputSize)
        {
            return Invariant($"its standardizer has {means.Length} features, but the network takes {plan.InputSize} inputs");
        }
        if (contents.ClassNames is { } names && names.Length != plan.OutputSize && !(plan.OutputSize == 1 && names.Length == 2))
        {
            return Invariant($"it names {names.Length} classes, but the network has {plan.OutputSize} outputs");
        }
        return null;
    }
}
