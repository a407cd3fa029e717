using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>Writes the generated partial class of one network: summary header, constants, buffers, public API, and the straight-line forward and backward passes.</summary>
/// <summary>
/// Writes the generated file of one network, in two parts.
/// <para>
/// The network class itself, in the user's namespace: constants, buffers, the public API, initialization. Name lookup
/// from inside it passes through the user's class (and its base classes) and namespace, which may hold types named
/// Math, Span or Unsafe, so every framework name there is written <c>global::</c>-qualified. That part is a few
/// hundred lines and mostly delegates.
/// </para>
/// <para>
/// The kernels (the forward and backward passes, the loss, each layer's vectorized methods), in a file-local static
/// class inside a namespace declaration of NetGen's own, <c>NetGen.Generated</c>, with its own <c>using global::...</c>
/// directives. From there lookup goes: the kernel class, NetGen.Generated, those usings, then NetGen and the global
/// namespace; it never passes through the user's namespace or class, and the usings of the namespace declaration win
/// over the project's global usings. So the thousands of kernel lines keep short names (<c>Vector256.LoadUnsafe</c>,
/// <c>Unsafe.Add</c>) and stay readable; qualifying each of them would double their length. The class is file-local,
/// so networks of the same name in different namespaces never clash, and nothing of it is visible outside the file.
/// Neither part uses contextual keywords that a user type could shadow (<c>var</c>, <c>nameof</c>), but the kernels'
/// <c>nuint</c>, which an alias in their namespace declaration pins to <c>System.UIntPtr</c>.
/// </para>
/// <para>
/// Layers whose kernels are the same code (same kind, shapes and arguments) share one set of kernel methods, named
/// after the first of them: a deep stack of equal layers emits its kernels once.
/// </para>
/// </summary>
internal static class NetworkEmitter
{
    /// <summary>The namespace of the kernel classes: NetGen's own, so that lookup from the kernels avoids the user's.</summary>
    public const string KernelNamespace = "NetGen.Generated";

    // Framework names as the network class writes them (see the class summary).
    public const string Span = "global::System.Span";
    public const string ReadOnlySpan = "global::System.ReadOnlySpan";
    public const string MemoryMarshal = "global::System.Runtime.InteropServices.MemoryMarshal";
    public const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";

    // Stands for a layer's name while its kernels are rendered to be compared with other layers'.
    private const string NamePlaceholder = "\u0001";

    /// <summary>The file-local class that holds the kernels of <paramref name="plan"/>.</summary>
    public static string KernelClass(NetworkPlan plan) => plan.ClassName.TrimStart('@') + "Kernels";

    /// <summary>The kernel class as the network class names it.</summary>
    public static string Kernels(NetworkPlan plan) => "global::" + KernelNamespace + "." + KernelClass(plan);

    public static string Emit(NetworkPlan plan)
    {
        var w = new SourceWriter();
        EmitHeader(w, plan);
        w.WriteLine("#nullable enable");
        w.WriteLine();
        if (plan.Namespace is not null)
        {
            w.WriteLine("namespace " + plan.Namespace);
            w.WriteLine("{");
            w.Indent();
        }
        string contract = plan.Trainable ? "global::NetGen.ITrainableNetwork" : "global::NetGen.INetwork";
        // A lower-case name draws the compiler's warnings about reserved names at the user's declaration already.
        bool lowerCase = plan.ClassName.TrimStart('@').All(c => c is >= 'a' and <= 'z');
        if (lowerCase)
        {
            w.WriteLine("#pragma warning disable CS8860, CS8981 // the class's name is the user's: its warning belongs to their declaration");
        }
        w.WriteLine(Invariant($"{plan.Accessibility} partial class {plan.ClassName} : {contract}, global::NetGen.ITeamWork"));
        if (lowerCase)
        {
            w.WriteLine("#pragma warning restore CS8860, CS8981");
        }
        using (w.OpenBlock())
        {
            EmitConstants(w, plan);
            EmitBuffers(w, plan);
            PublicApiEmitter.Emit(w, plan);
            EmitInitialization(w, plan);
            EmitDescription(w, plan);
            w.WriteLine("int global::NetGen.INetwork.InputSize => InputSize;");
            w.WriteLine("int global::NetGen.INetwork.OutputSize => OutputSize;");
            if (plan.Trainable)
            {
                w.WriteLine("int global::NetGen.ITrainableNetwork.TargetSize => TargetSize;");
                w.WriteLine("global::NetGen.LossKind global::NetGen.ITrainableNetwork.Loss => Loss;");
            }
            w.WriteLine("string global::NetGen.INetwork.Fingerprint => Fingerprint;");
            if (PublicApiEmitter.MinimumTrainingBatch(plan) > 1)
            {
                w.WriteLine(Invariant($"int global::NetGen.INetwork.MinimumTrainingBatchSize => {PublicApiEmitter.MinimumTrainingBatch(plan)};"));
            }
        }
        if (plan.Namespace is not null)
        {
            w.Unindent();
            w.WriteLine("}");
        }
        w.WriteLine();
        EmitKernelClass(w, plan);
        return w.ToString();
    }

    private static void EmitKernelClass(SourceWriter w, NetworkPlan plan)
    {
        w.WriteLine("// The kernels, in NetGen's namespace so that no type of the network's own namespace can change what they call.");
        w.WriteLine("namespace " + KernelNamespace);
        w.WriteLine("{");
        w.Indent();
        w.WriteLine("using global::System;");
        w.WriteLine("using global::System.Runtime.CompilerServices;");
        w.WriteLine("using global::System.Runtime.InteropServices;");
        w.WriteLine("using global::System.Runtime.Intrinsics;");
        w.WriteLine("#pragma warning disable CS8981 // nuint is a contextual keyword: a type of that name in the global namespace would take its place");
        w.WriteLine("using nuint = global::System.UIntPtr;");
        w.WriteLine("#pragma warning restore CS8981");
        w.WriteLine();
        w.WriteLine(Invariant($"// The forward and backward passes, the loss and the per-layer kernels of {plan.ClassName.TrimStart('@')}."));
        using (w.Block("file static class " + KernelClass(plan)))
        {
            EmitKernelConstants(w, plan);
            PublicApiEmitter.EmitEntryPoints(w, plan);
            Dictionary<int, string> kernelNames = EmitLayerKernels(w, plan, out string layerKernels);
            EmitForwardPass(w, plan, kernelNames);
            if (plan.Trainable)
            {
                EmitBackwardPass(w, plan, kernelNames);
                LossEmitter.Emit(w, plan);
            }
            w.WriteRendered(layerKernels);
            ActivationEmitter.EmitHelpers(w, ActivationEmitter.Used(plan));
            if (plan.Layers.Any(l => l.Kind == LayerKind.Dropout))
            {
                RegularizationEmitter.EmitDropoutHelpers(w);
            }
            if (plan.Layers.Any(l => l.Kind == LayerKind.ResidualEnd))
            {
                ResidualEmitter.EmitHelpers(w);
            }
            if (HasNorm(plan))
            {
                RegularizationEmitter.EmitCombineParts(w);
            }
            if (plan.Imported is { } imported)
            {
                OnnxWeightsEmitter.EmitData(w, imported);
            }
            if (plan.BuiltIn is { } builtIn)
            {
                BuiltInWeightsEmitter.EmitData(w, builtIn);
            }
        }
        w.Unindent();
        w.WriteLine("}");
    }

    /// <summary>
    /// Renders every layer's kernels and groups the layers whose kernels are the same code: each group's kernels are
    /// written once, named after its first layer. Returns, per layer index, the name its kernels go by, and the text.
    /// Two layers share when their kernels, rendered under a placeholder name, are equal but for the comments that
    /// head a layer's code (which name its index and offsets), so sharing can never change what a layer computes.
    /// </summary>
    private static Dictionary<int, string> EmitLayerKernels(SourceWriter w, NetworkPlan plan, out string text)
    {
        LayerPlan output = OutputLayer(plan);
        var groups = new List<(LayerPlan Owner, List<int> Users, string Rendered)>();
        var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new Dictionary<int, string>();
        foreach (LayerPlan layer in plan.Layers.Where(l => l.HasCode))
        {
            var scratch = new SourceWriter(w.IndentLevel);
            LayerEmitter.EmitKernels(scratch, layer with { Name = NamePlaceholder }, logitsVariant: layer == output && plan.Loss == LossKindMirror.BinaryCrossEntropy);
            string rendered = scratch.ToString();
            string key = string.Join("\n", rendered.Split('\n').Where(line => !line.TrimStart().StartsWith("// Layer ", StringComparison.Ordinal)));
            if (byKey.TryGetValue(key, out int group))
            {
                groups[group].Users.Add(layer.Index);
                names[layer.Index] = groups[group].Owner.Name;
                continue;
            }
            byKey[key] = groups.Count;
            groups.Add((layer, new List<int>(), rendered));
            names[layer.Index] = layer.Name;
        }
        var result = new SourceWriter(w.IndentLevel);
        foreach ((LayerPlan owner, List<int> users, string rendered) in groups)
        {
            if (users.Count > 0)
            {
                result.WriteLine(Invariant($"// Layer {owner.Index}'s kernels also serve layer{(users.Count > 1 ? "s" : "")} {Ranges(users)}: the same shapes and arguments."));
            }
            result.WriteRendered(rendered.Replace(NamePlaceholder, owner.Name));
        }
        text = result.ToString();
        return names;
    }

    /// <summary>"3, 5-9, 12": ascending indices with consecutive runs joined.</summary>
    private static string Ranges(List<int> indices)
    {
        var parts = new List<string>();
        for (int i = 0; i < indices.Count;)
        {
            int j = i;
            while (j + 1 < indices.Count && indices[j + 1] == indices[j] + 1)
            {
                j++;
            }
            parts.Add(j == i ? Invariant($"{indices[i]}") : Invariant($"{indices[i]}-{indices[j]}"));
            i = j + 1;
        }
        return string.Join(", ", parts);
    }

    /// <summary>
    /// Every member the network class declares, and whether it is a method: the names a user's class, members or base
    /// classes must leave free. A test checks the list against the members of compiled networks.
    /// </summary>
    private static readonly string[] FixedFields =
    {
        "InputSize", "OutputSize", "TargetSize", "ParameterCount", "ForwardFlopsPerSample", "Loss", "Fingerprint", "ActivationCount",
        "MaxBatchSize", "Parameters", "Gradients", "Buffers", "DropoutSeed", "TrainingSteps", "Threads", "Description",
        "_workspaces", "_deltasA", "_deltasB", "_deltasC", "_partGradients", "_partLosses", "_normSums", "_capacity", "_threads",
        "MinimumParallelFlops", "JobForward", "JobTrainStep",
    };

    private static readonly string[] FixedMethods =
    {
        "Forward", "InferPart", "Predict", "ForwardAll", "EvaluateLoss", "TrainingLoss", "BatchLoss", "TrainStep", "TrainPart",
        "EnsureCapacity", "NewBuffers", "CheckBatch", "NextNoise", "CheckTrainingBatch", "CheckTargets", "PartsFor",
        "InitializeParameters", "CreateBuffers", "ResetBuffers", "CreateParameters", "Initialize",
    };

    // Members of classifiers only (PublicApiEmitter.EmitProbabilities): PredictClassName of class-label networks, the
    // others of softmax and binary cross-entropy networks.
    private static readonly string[] ClassifierMembers = { "PredictProbabilities", "ClassNames", "_classNames", "PredictClassName" };

    private static readonly System.Text.RegularExpressions.Regex LayerMemberName = new(
        "^(Dense|Maxout|Conv|MaxPool|AvgPool|GlobalAvgPool|Dropout|BatchNorm|ResidualEnd)[0-9]+(OutputOffset|Weights|WeightsGradient|Bias|BiasGradient)$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>
    /// Whether some network's class could declare a member of this name: the parser keeps only such names of the user's
    /// members, so that editing any other member leaves the parse, and everything after it, unchanged.
    /// </summary>
    public static bool IsGeneratedMemberName(string name) =>
        System.Array.IndexOf(FixedFields, name) >= 0 || System.Array.IndexOf(FixedMethods, name) >= 0
        || System.Array.IndexOf(ClassifierMembers, name) >= 0 || LayerMemberName.IsMatch(name);

    public static IEnumerable<(string Name, bool IsMethod)> MemberNames(NetworkPlan plan)
    {
        foreach (string field in FixedFields)
        {
            yield return (field, false);
        }
        foreach (string method in FixedMethods)
        {
            yield return (method, true);
        }
        if (plan.Probabilities != ProbabilityKind.None)
        {
            yield return ("PredictProbabilities", true);
            yield return ("ClassNames", false);
            yield return ("_classNames", false);
            if (plan.HasClassLabels)
            {
                yield return ("PredictClassName", true);
            }
        }
        foreach (LayerPlan layer in plan.Layers.Where(l => l.HasCode))
        {
            yield return (layer.Name + "OutputOffset", false);
        }
        foreach (LayerPlan layer in plan.Layers.Where(l => l.HasParameters))
        {
            yield return (layer.Name + "Weights", false);
            yield return (layer.Name + "WeightsGradient", false);
            if (layer.BiasLength > 0)
            {
                yield return (layer.Name + "Bias", false);
                yield return (layer.Name + "BiasGradient", false);
            }
        }
    }

    public static LayerPlan OutputLayer(NetworkPlan plan) => plan.Layers.Last(l => l.HasCode);

    private static void EmitHeader(SourceWriter w, NetworkPlan plan)
    {
        w.WriteLine("// <auto-generated/>");
        w.WriteLine(Invariant($"// NetGen network {plan.ClassName}: {plan.Canonical}"));
        if (plan.Imported is { } imported)
        {
            OnnxWeightsEmitter.EmitHeader(w, plan, imported);
        }
        if (plan.BuiltIn is { } builtIn)
        {
            BuiltInWeightsEmitter.EmitHeader(w, builtIn);
        }
        w.WriteLine("//");
        w.WriteLine(Invariant($"// {"Layer",-6}{"Kind",-28}{"Input",-12}{"Output",-12}{"Parameters",12}{"FLOPs/sample",16}"));
        foreach (LayerPlan layer in plan.Layers)
        {
            w.WriteLine(Invariant($"// {layer.Index,-6}{Planner.Describe(layer),-28}{Planner.FormatShape(layer.InputShape),-12}{Planner.FormatShape(layer.OutputShape),-12}{N(layer.ParameterCount),12}{N(layer.Flops),16}"));
        }
        w.WriteLine(Invariant($"// {"Total",-58}{N(plan.ParameterCount),12}{N(plan.ForwardFlops),16}"));
        w.WriteLine("//");
        w.WriteLine(Invariant($"// Loss: {LossEmitter.Describe(plan)}"));
        w.WriteLine("//");
        w.WriteLine("// Parameters layout (floats; Gradients has the same layout):");
        foreach (LayerPlan layer in plan.Layers.Where(l => l.HasParameters))
        {
            w.WriteLine(Invariant($"//   {layer.Name + "Weights",-18}{LayerEmitter.WeightShape(layer),-20}{layer.WeightOffset,10} .. {layer.BiasOffset}"));
            if (layer.BiasLength > 0)
            {
                w.WriteLine(Invariant($"//   {layer.Name + "Bias",-18}{LayerEmitter.BiasShape(layer),-20}{layer.BiasOffset,10} .. {layer.BiasOffset + layer.BiasLength}"));
            }
        }
        w.WriteLine();
    }

    private static void EmitConstants(SourceWriter w, NetworkPlan plan)
    {
        Constant(w, "Floats per input sample" + (plan.InputShape.Count > 1 ? Invariant($" ({Planner.FormatShape(plan.InputShape)}, channel-major)") : "") + ".", "int InputSize", plan.InputSize);
        Constant(w, "Floats per output sample.", "int OutputSize", plan.OutputSize);
        if (plan.Loss is { } loss)
        {
            Constant(w, Planner.IsClassLabelLoss(loss, plan.OutputSize)
                ? "Floats per target sample: the class index, as a float."
                : "Floats per target sample: one per output.", "int TargetSize", plan.TargetSize);
        }
        Constant(w, "Trainable parameters in all layers.", "int ParameterCount", plan.ParameterCount);
        Constant(w, "Multiply-adds times two of one forward pass, per sample.", "long ForwardFlopsPerSample", plan.ForwardFlops);
        if (plan.Trainable)
        {
            w.WriteLine("/// <summary>The loss the training step minimizes.</summary>");
            w.WriteLine(Invariant($"public const global::NetGen.LossKind Loss = global::NetGen.LossKind.{plan.Loss};"));
            w.WriteLine();
        }
        w.WriteLine(Invariant($"/// <summary>Hash of the architecture <c>{plan.Canonical}</c>; checkpoints carry it.</summary>"));
        w.WriteLine(Invariant($"public const string Fingerprint = \"{plan.Fingerprint}\";"));
        w.WriteLine();
        w.WriteLine("/// <summary>Floats of one sample's layer outputs, as <see cref=\"ForwardAll\"/> writes them.</summary>");
        w.WriteLine(Invariant($"public const int ActivationCount = {plan.WorkspacePerSample};"));
        w.WriteLine();
        foreach (LayerPlan layer in plan.Layers.Where(l => l.HasCode))
        {
            w.WriteLine(Invariant($"/// <summary>Where layer {layer.Index} ({Planner.Describe(layer)}, output {Planner.FormatShape(layer.OutputShape)}) starts in <see cref=\"ForwardAll\"/>'s activations.</summary>"));
            w.WriteLine(Invariant($"public const int {layer.Name}OutputOffset = {layer.OutputWorkspaceOffset};"));
            w.WriteLine();
        }
        w.WriteLine("/// <summary>");
        w.WriteLine("/// The largest batch one call takes: a larger one would need a buffer (inputs, layer outputs or gradients of the");
        w.WriteLine("/// whole batch) longer than the largest .NET array.");
        w.WriteLine("/// </summary>");
        w.WriteLine(Invariant($"public const int MaxBatchSize = {MaxBatchSize(plan)};"));
        w.WriteLine();
    }

    /// <summary>The largest .NET array, in elements (Array.MaxLength).</summary>
    private const long ArrayMaxLength = 0x7FFFFFC7;

    /// <summary>The largest batch whose buffers all fit in arrays, and whose span lengths fit in an int.</summary>
    public static int MaxBatchSize(NetworkPlan plan)
    {
        long limit = (ArrayMaxLength - plan.ScratchSize - plan.StatsSize) / System.Math.Max(1, plan.WorkspacePerSample);
        foreach (int perSample in new[] { plan.DeltaPerSample, plan.InputSize, plan.OutputSize, plan.TargetSize })
        {
            limit = System.Math.Min(limit, ArrayMaxLength / System.Math.Max(1, perSample));
        }
        return (int)System.Math.Max(1, limit);
    }

    private static void EmitKernelConstants(SourceWriter w, NetworkPlan plan)
    {
        w.WriteLine(Invariant($"private const int InputSize = {plan.InputSize}, OutputSize = {plan.OutputSize};"));
        w.WriteLine("// Floats per sample of the activation workspace (every layer's stored outputs) and of each gradient buffer.");
        w.WriteLine(Invariant($"internal const int WorkspacePerSample = {plan.WorkspacePerSample};"));
        w.WriteLine(Invariant($"internal const int DeltaPerSample = {plan.DeltaPerSample};"));
        w.WriteLine("// Floats of per-call scratch after the workspace: the largest of a convolution's im2col matrices (one sample at a time) and a dense layer's transposed weights.");
        w.WriteLine(Invariant($"internal const int ScratchSize = {plan.ScratchSize};"));
        w.WriteLine("// Floats of batch-norm statistics after the scratch: each layer's batch mean and inverse standard deviation.");
        w.WriteLine(Invariant($"internal const int StatsSize = {plan.StatsSize};"));
        if (ChunkedLayers(plan) is > 0 and int chunked)
        {
            int perSample = plan.InputSize + plan.Layers.Take(chunked).Where(l => l.HasCode).Sum(l => l.OutputSize);
            w.WriteLine(Invariant($"// Samples per chunk of layers 1-{chunked} (see RunForward): their input and outputs, {perSample} floats per sample, take at"));
            w.WriteLine(Invariant($"// most {ChunkFloats / 256} KiB of a chunk, so that they stay in the L2 cache from one layer to the next."));
            w.WriteLine(Invariant($"internal const int ChunkSamples = {ChunkSamples(plan)};"));
        }
        if (HasNorm(plan))
        {
            w.WriteLine("// Doubles per part in normSums: each batch-norm layer's sums (4 per channel) when a training batch is split.");
            w.WriteLine(Invariant($"internal const int NormSlots = {2 * plan.StatsSize};"));
        }
        w.WriteLine();
    }

    private static void Constant(SourceWriter w, string doc, string declaration, long value)
    {
        w.WriteLine("/// <summary>" + doc + "</summary>");
        w.WriteLine(Invariant($"public const {declaration} = {value};"));
        w.WriteLine();
    }

    private static void EmitBuffers(SourceWriter w, NetworkPlan plan)
    {
        w.WriteLine("/// <summary>All trainable parameters, laid out as the file header shows. Initialized with seed 0 on construction.</summary>");
        w.WriteLine("public float[] Parameters { get; } = CreateParameters();");
        w.WriteLine();
        if (plan.Trainable)
        {
            w.WriteLine("/// <summary>The gradient of the last training step's mean loss, in the layout of <see cref=\"Parameters\"/>.</summary>");
            w.WriteLine("public float[] Gradients { get; } = new float[ParameterCount];");
            w.WriteLine();
        }
        foreach (LayerPlan layer in plan.Layers.Where(l => l.HasParameters))
        {
            string what = Planner.Describe(layer);
            SpanAccessor(w, layer.Name + "Weights", "Parameters", layer.WeightOffset, layer.WeightLength, Invariant($"Weights of layer {layer.Index}, {what}, {LayerEmitter.WeightShape(layer)}."));
            if (plan.Trainable)
            {
                SpanAccessor(w, layer.Name + "WeightsGradient", "Gradients", layer.WeightOffset, layer.WeightLength, Invariant($"Gradient of <see cref=\"{layer.Name}Weights\"/>."));
            }
            if (layer.BiasLength > 0)
            {
                SpanAccessor(w, layer.Name + "Bias", "Parameters", layer.BiasOffset, layer.BiasLength, Invariant($"Biases of layer {layer.Index}, {what}, {LayerEmitter.BiasShape(layer)}."));
                if (plan.Trainable)
                {
                    SpanAccessor(w, layer.Name + "BiasGradient", "Gradients", layer.BiasOffset, layer.BiasLength, Invariant($"Gradient of <see cref=\"{layer.Name}Bias\"/>."));
                }
            }
        }
        if (!plan.Trainable)
        {
            w.WriteLine("private int _threads = 1;");
            w.WriteLine();
            return;
        }
        w.WriteLine("// Training buffers of each part of a batch (one part unless Threads > 1), grown to the largest share seen, so");
        w.WriteLine("// that steps allocate nothing after that. Part 0 writes its weight gradients into Gradients, part k into _partGradients[k - 1].");
        w.WriteLine("private float[][] _workspaces = global::System.Array.Empty<float[]>();");
        w.WriteLine("private float[][] _deltasA = global::System.Array.Empty<float[]>();");
        w.WriteLine("private float[][] _deltasB = global::System.Array.Empty<float[]>();");
        if (plan.Layers.Any(l => l.Kind == LayerKind.ResidualEnd))
        {
            w.WriteLine("private float[][] _deltasC = global::System.Array.Empty<float[]>();");
        }
        w.WriteLine("private float[][] _partGradients = global::System.Array.Empty<float[]>();");
        w.WriteLine("private double[] _partLosses = global::System.Array.Empty<double>();");
        if (HasNorm(plan))
        {
            w.WriteLine("private double[] _normSums = global::System.Array.Empty<double>(); // batch-norm sums of a split batch's parts");
        }
        w.WriteLine("private int _capacity;");
        w.WriteLine("private int _threads = 1;");
        w.WriteLine();
    }

    private static void SpanAccessor(SourceWriter w, string name, string buffer, int offset, int length, string doc)
    {
        w.WriteLine("/// <summary>" + doc + "</summary>");
        w.WriteLine(Invariant($"public {Span}<float> {name} => new({buffer}, {offset}, {length});"));
        w.WriteLine();
    }

    private static void EmitInitialization(SourceWriter w, NetworkPlan plan)
    {
        w.WriteLine("/// <summary>");
        w.WriteLine("/// Re-initializes every weight from <paramref name=\"seed\"/>, sets biases to zero (batch-norm scales to one), resets the");
        w.WriteLine("/// running statistics, seeds the dropout masks and restarts the step count. The same seed always gives the same network.");
        w.WriteLine("/// </summary>");
        using (w.Block("public void InitializeParameters(int seed)"))
        {
            w.WriteLine("Initialize(Parameters, seed);");
            w.WriteLine("ResetBuffers(Buffers);");
            w.WriteLine("DropoutSeed = seed;");
            w.WriteLine("TrainingSteps = 0;");
        }
        w.WriteLine();
        w.WriteLine("/// <summary>Non-trainable state: the running mean and variance of each batch-norm layer (see the file header).</summary>");
        w.WriteLine("public float[] Buffers { get; } = CreateBuffers();");
        w.WriteLine();
        w.WriteLine("/// <summary>The seed of the dropout masks; <see cref=\"InitializeParameters\"/> sets it.</summary>");
        w.WriteLine("public int DropoutSeed { get; set; }" + (plan.BuiltIn is { } seeded ? Invariant($" = {seeded.DropoutSeed};") : ""));
        w.WriteLine();
        w.WriteLine("/// <summary>Training steps taken; with <see cref=\"DropoutSeed\"/> it determines the next dropout masks.</summary>");
        w.WriteLine("public long TrainingSteps { get; set; }" + (plan.BuiltIn is { } trained ? Invariant($" = {trained.TrainingSteps};") : ""));
        if (plan.BuiltIn is { } standardized)
        {
            w.WriteLine();
            BuiltInWeightsEmitter.EmitStandardizer(w, standardized);
        }
        w.WriteLine();
        using (w.Block("private static float[] CreateBuffers()"))
        {
            w.WriteLine(Invariant($"float[] buffers = new float[{plan.BufferCount}];"));
            w.WriteLine("ResetBuffers(buffers);");
            if (plan.Imported is { Buffers.Count: > 0 })
            {
                w.WriteLine(Kernels(plan) + ".ImportedBuffers(buffers);");
            }
            if (plan.BuiltIn is { Buffers.Count: > 0 })
            {
                w.WriteLine(Kernels(plan) + ".BuiltInBuffers(buffers);");
            }
            w.WriteLine("return buffers;");
        }
        w.WriteLine();
        using (w.Block($"private static void ResetBuffers({Span}<float> buffers)"))
        {
            foreach (LayerPlan layer in plan.Layers.Where(l => l.Norm is not null))
            {
                w.WriteLine(Invariant($"// {layer.Name}: running mean 0, running variance 1."));
                w.WriteLine(Invariant($"buffers.Slice({layer.Norm!.BufferOffset}, {layer.Norm.Channels}).Clear();"));
                w.WriteLine(Invariant($"buffers.Slice({layer.Norm.BufferOffset + layer.Norm.Channels}, {layer.Norm.Channels}).Fill(1f);"));
            }
        }
        w.WriteLine();
        using (w.Block("private static float[] CreateParameters()"))
        {
            w.WriteLine("float[] parameters = new float[ParameterCount];");
            w.WriteLine(plan.BuiltIn is not null ? Kernels(plan) + ".BuiltInParameters(parameters);"
                : plan.Imported is null ? "Initialize(parameters, 0);" : Kernels(plan) + ".ImportedParameters(parameters);");
            w.WriteLine("return parameters;");
        }
        w.WriteLine();
        using (w.Block($"private static void Initialize({Span}<float> parameters, int seed)"))
        {
            w.WriteLine("global::NetGen.SeededRandom random = new(seed);");
            foreach (LayerPlan layer in plan.Layers.Where(l => l.HasParameters))
            {
                string weights = Invariant($"parameters.Slice({layer.WeightOffset}, {layer.WeightLength})");
                if (layer.Kind == LayerKind.BatchNorm)
                {
                    w.WriteLine(Invariant($"// {layer.Name}: scale 1, shift 0 (the identity on normalized values)."));
                    w.WriteLine(Invariant($"{weights}.Fill(1f);"));
                    w.WriteLine(Invariant($"parameters.Slice({layer.BiasOffset}, {layer.BiasLength}).Clear();"));
                    continue;
                }
                // Fan-in and fan-out count the connections of one unit: a convolution's receptive field is channels x kernel.
                int shortcut = layer.Residual is { } r ? r.ShortcutShape.Aggregate(1, (a, d) => a * d) : 0;
                int fanIn = layer.Geometry is { } g ? g.PatchSize : layer.Residual is not null ? shortcut : layer.InputSize;
                int fanOut = layer.Geometry is { } h ? h.OutChannels * h.KernelHeight * h.KernelWidth : layer.Units;
                if (UsesHe(layer))
                {
                    w.WriteLine(Invariant($"// {layer.Name}: He normal, std sqrt(2 / {fanIn}), for a rectifier-like unit."));
                    w.WriteLine(Invariant($"global::NetGen.Initializers.HeNormal({weights}, fanIn: {fanIn}, ref random);"));
                }
                else
                {
                    w.WriteLine(Invariant($"// {layer.Name}: Xavier uniform, limit sqrt(6 / ({fanIn} + {fanOut})), for a symmetric unit."));
                    w.WriteLine(Invariant($"global::NetGen.Initializers.XavierUniform({weights}, fanIn: {fanIn}, fanOut: {fanOut}, ref random);"));
                }
                if (layer.BiasLength > 0)
                {
                    w.WriteLine(Invariant($"parameters.Slice({layer.BiasOffset}, {layer.BiasLength}).Clear();"));
                }
            }
        }
        w.WriteLine();
    }

    private static bool UsesHe(LayerPlan layer) =>
        layer.Kind is LayerKind.Maxout or LayerKind.ResidualEnd || layer.Activation is ActivationKind.ReLU or ActivationKind.LeakyReLU or ActivationKind.ELU;

    /// <summary>Where a layer's input lives: the caller's input, or an earlier layer's output region of the workspace.</summary>
    private static string Source(NetworkPlan plan, LayerPlan layer, Samples samples)
    {
        int previous = layer.Index - 2;
        int offset = previous < 0 ? -1 : plan.Layers[previous].OutputWorkspaceOffset;
        return offset < 0 ? "ref " + samples.At("input", layer.InputSize) : samples.Region(offset, layer.InputSize);
    }

    public static string Workspace(string buffer, int perSampleOffset) =>
        perSampleOffset == 0 ? "ref " + buffer : Invariant($"ref Unsafe.Add(ref {buffer}, batch * {perSampleOffset})");

    private static string Parameter(string buffer, int offset) =>
        offset == 0 ? "ref " + buffer : Invariant($"ref Unsafe.Add(ref {buffer}, {offset})");

    private static string Bias(string buffer, LayerPlan layer) =>
        layer.BiasLength > 0 ? Parameter(buffer, layer.BiasOffset) : "ref Unsafe.NullRef<float>()";

    /// <summary>The layer under the name of the kernels it runs (its own, or those of an earlier layer of the same code).</summary>
    private static LayerPlan KernelOf(LayerPlan layer, Dictionary<int, string> kernelNames) =>
        kernelNames.TryGetValue(layer.Index, out string? name) && name != layer.Name ? layer with { Name = name } : layer;

    /// <summary>
    /// The samples a layer's calls run over: the whole batch, or the chunk [c0, c0 + chunk) of it (see
    /// <see cref="ChunkedLayers"/>), whose pointers are the batch's moved on by c0 samples of each buffer's size.
    /// </summary>
    private sealed class Samples
    {
        public static readonly Samples Batch = new(chunk: false), Chunk = new(chunk: true);

        private readonly bool _chunk;

        private Samples(bool chunk) => _chunk = chunk;

        /// <summary>The sample count the kernels get.</summary>
        public string Count => _chunk ? "chunk" : "batch";

        /// <summary>The index of the first sample in the whole batch (dropout masks follow it).</summary>
        public string First => _chunk ? "first + c0" : "first";

        /// <summary>The first sample of a buffer of <paramref name="size"/> floats per sample, as a variable (without <c>ref</c>).</summary>
        public string At(string buffer, int size) => _chunk ? Invariant($"Unsafe.Add(ref {buffer}, c0 * {size})") : buffer;

        /// <summary>The first sample of a layer's workspace region, which starts at batch * its per-sample offset.</summary>
        public string Region(int perSampleOffset, int size) =>
            !_chunk ? Workspace("ws", perSampleOffset)
            : perSampleOffset == 0 ? Invariant($"ref Unsafe.Add(ref ws, c0 * {size})")
            : Invariant($"ref Unsafe.Add(ref ws, batch * {perSampleOffset} + c0 * {size})");
    }

    /// <summary>
    /// How many layers from the input on run over chunks of the batch rather than over the whole batch: the leading run
    /// of layers that work on each sample alone (convolution, pooling, flatten, dropout), when it holds a convolution;
    /// 0 otherwise. Their kernels go one sample at a time anyway, but layer by layer over a whole batch a convolution's
    /// output (LeNet-5's first: 18.8 KB per sample, 4.8 MB at batch 256) leaves the L2 cache before the next layer reads
    /// it. Dense layers stay over the whole batch: their products need many rows to reuse each weight. The run stops at
    /// batch normalization (its training statistics couple every sample of the batch) and at residual blocks (whose
    /// shortcut gradients would need a chunk buffer of their own).
    /// </summary>
    public static int ChunkedLayers(NetworkPlan plan)
    {
        int count = 0;
        while (count < plan.Layers.Count && plan.Layers[count].Kind is LayerKind.Conv2D or LayerKind.MaxPool2D or LayerKind.AvgPool2D
            or LayerKind.GlobalAvgPool or LayerKind.Flatten or LayerKind.Dropout)
        {
            count++;
        }
        return plan.Layers.Take(count).Any(l => l.Kind == LayerKind.Conv2D) ? count : 0;
    }

    /// <summary>
    /// Floats a chunk's layer outputs may take: 512 KiB, half of a 1 MiB L2 (Zen 4; Zen 2/3 and recent Intel cores have
    /// 512 KiB to 2 MiB), so that the backward pass's gradients of the chunk fit beside them.
    /// </summary>
    private const int ChunkFloats = 128 * 1024;

    /// <summary>Samples per chunk of the <see cref="ChunkedLayers"/>: as many as keep their input and outputs within <see cref="ChunkFloats"/>.</summary>
    public static int ChunkSamples(NetworkPlan plan)
    {
        int perSample = plan.InputSize + plan.Layers.Take(ChunkedLayers(plan)).Where(l => l.HasCode).Sum(l => l.OutputSize);
        return System.Math.Max(1, ChunkFloats / perSample);
    }

    private static void EmitForwardPass(SourceWriter w, NetworkPlan plan, Dictionary<int, string> kernelNames)
    {
        bool logits = plan.Loss == LossKindMirror.BinaryCrossEntropy;
        w.WriteLine("// The forward pass, layer by layer: each layer's output goes to its own region of the workspace");
        w.WriteLine("// (region of a layer = batch * its per-sample offset), which the backward pass reads back. After the regions");
        w.WriteLine("// come the scratch (im2col matrices, transposed weights) and the batch statistics of batch normalization.");
        w.WriteLine("// training: dropout active and batch statistics (else identity and running statistics); updateStatistics: move");
        w.WriteLine("// the running statistics (only a real training step does); noise: the dropout masks' key; first: the index of");
        w.WriteLine("// input's first sample in the whole batch when a split batch runs in parts (dropout masks follow the sample).");
        if (logits)
        {
            w.WriteLine("// With logits, the output layer skips its sigmoid (training and loss evaluation use the fused sigmoid cross-entropy).");
        }
        using (w.Block("private static void RunForward(ref float p, ref float buffers, ref float input, ref float ws, int batch, int first, bool training, bool updateStatistics, ulong noise" + (logits ? ", bool logits" : "") + (HasNorm(plan) ? ", in global::NetGen.TeamTask team, double[]? normSums" : "") + ")"))
        {
            w.WriteLine("ref float scratch = ref Unsafe.Add(ref ws, batch * WorkspacePerSample);");
            w.WriteLine("ref float stats = ref Unsafe.Add(ref scratch, ScratchSize);");
            LayerPlan output = OutputLayer(plan);
            int chunked = ChunkedLayers(plan);
            SourceWriter.Scope? loop = null;
            for (int position = 0; position < plan.Layers.Count; position++)
            {
                if (position == 0 && chunked > 0)
                {
                    w.WriteLine(Invariant($"// Layers 1-{chunked} work on each sample alone: they run over chunks of ChunkSamples samples, so that a chunk's"));
                    w.WriteLine("// outputs are still in the L2 cache when the next layer reads them. A chunk's pointers are the batch's moved on by");
                    w.WriteLine("// c0 samples; the regions keep their layout.");
                    loop = w.Block("for (int c0 = 0; c0 < batch; c0 += ChunkSamples)");
                    w.WriteLine("int chunk = Math.Min(ChunkSamples, batch - c0);");
                }
                LayerPlan layer = plan.Layers[position];
                EmitLayerForward(w, plan, layer, KernelOf(layer, kernelNames), logits && layer == output, position < chunked ? Samples.Chunk : Samples.Batch);
                if (position == chunked - 1)
                {
                    loop!.Value.Dispose();
                }
            }
        }
        w.WriteLine();
    }

    private static void EmitLayerForward(SourceWriter w, NetworkPlan plan, LayerPlan layer, LayerPlan kernel, bool logits, Samples samples)
    {
        w.WriteLine(LayerEmitter.Header(layer));
        string source = Source(plan, layer, samples), result = samples.Region(layer.OutputWorkspaceOffset, layer.OutputSize);
        switch (layer.Kind)
        {
            case LayerKind.Dense:
            case LayerKind.Maxout:
                DenseEmitter.EmitForwardCall(w, kernel, source, result, Parameter("p", layer.WeightOffset), Bias("p", layer), logits);
                break;
            case LayerKind.Conv2D:
                ConvEmitter.EmitForwardCall(w, kernel, source, result, Parameter("p", layer.WeightOffset), Bias("p", layer), samples.Count);
                break;
            case LayerKind.MaxPool2D:
            case LayerKind.AvgPool2D:
            case LayerKind.GlobalAvgPool:
                PoolEmitter.EmitForwardCall(w, kernel, source, result, samples.Count);
                break;
            case LayerKind.Dropout:
                w.WriteLine(Invariant($"{kernel.Name}Forward({source}, {result}, {samples.Count}, {samples.First}, training, noise);"));
                break;
            case LayerKind.BatchNorm:
                w.WriteLine(Invariant($"{kernel.Name}Forward({source}, {Parameter("p", layer.WeightOffset)}, {Parameter("p", layer.BiasOffset)}, {Parameter("buffers", layer.Norm!.BufferOffset)}, {Parameter("stats", layer.Norm.StatsOffset)}, {result}, batch, training, updateStatistics, in team, normSums);"));
                break;
            case LayerKind.ResidualEnd:
                ResidualEmitter.EmitForwardCall(w, kernel, source, ShortcutSource(layer), result, Parameter("p", layer.WeightOffset));
                break;
        }
    }

    /// <summary>Whether the network has batch normalization, whose training statistics couple the parts of a split batch.</summary>
    public static bool HasNorm(NetworkPlan plan) => plan.Layers.Any(l => l.Kind == LayerKind.BatchNorm);

    private static string ShortcutSource(LayerPlan end) =>
        end.Residual!.ShortcutOffset < 0 ? "ref input" : Workspace("ws", end.Residual.ShortcutOffset);

    private static void EmitBackwardPass(SourceWriter w, NetworkPlan plan, Dictionary<int, string> kernelNames)
    {
        w.WriteLine("// The backward pass, last layer first. On entry dA holds d(loss)/d(network output); dA and dB alternate as the");
        w.WriteLine("// gradient flows down (dC holds a residual shortcut's gradient until its block's start), and each layer");
        w.WriteLine("// overwrites its slice of the gradients.");
        using (w.Block("private static void RunBackward(ref float p, ref float g, ref float input, ref float ws, ref float dA, ref float dB, ref float dC, ref float inputGradient, bool wantInputGradient, int batch, int first, ulong noise" + (HasNorm(plan) ? ", in global::NetGen.TeamTask team, double[]? normSums" : "") + ")"))
        {
            w.WriteLine("ref float scratch = ref Unsafe.Add(ref ws, batch * WorkspacePerSample);");
            w.WriteLine("ref float stats = ref Unsafe.Add(ref scratch, ScratchSize);");
            int chunked = ChunkedLayers(plan);
            // The chunked layers' output gradient goes to the end of its buffer (see EmitChunkedBackwardStart); the layer
            // above them puts it there when it is one that writes an input gradient, else it is moved there.
            int top = chunked > 0 ? plan.Layers[chunked - 1].OutputSize : 0, tail = plan.DeltaPerSample - top;
            bool writesTail = chunked > 0 && chunked < plan.Layers.Count && plan.Layers[chunked].Kind is LayerKind.Dense or LayerKind.Maxout or LayerKind.BatchNorm;
            var state = new BackwardState { Current = "dA", Other = "dB" };
            SourceWriter.Scope? loop = null;
            for (int position = plan.Layers.Count - 1; position >= 0; position--)
            {
                LayerPlan layer = plan.Layers[position];
                if (position == chunked - 1)
                {
                    loop = EmitChunkedBackwardStart(w, plan, chunked, state, top, tail, moveTop: !writesTail);
                }
                string? inputGradient = position == chunked && writesTail && tail > 0 ? Invariant($"ref Unsafe.Add(ref {{0}}, batch * {tail})") : null;
                EmitLayerBackward(w, plan, layer, KernelOf(layer, kernelNames), state, inputGradient, position < chunked ? Samples.Chunk : Samples.Batch);
            }
            loop?.Dispose();
        }
        w.WriteLine();
    }

    /// <summary>
    /// The gradient buffers as the backward pass goes down: <see cref="Current"/> holds the gradient of the next layer's
    /// output, its input gradient goes to <see cref="Other"/>. Inside the chunk loop the chunked layers' output gradient
    /// is <c>top</c>, at the end of <see cref="TopBuffer"/>, which takes its place once read.
    /// </summary>
    private sealed class BackwardState
    {
        public string Current = "";
        public string Other = "";
        public string? TopBuffer;

        public void Swap()
        {
            (Current, Other) = (Other, Current);
            if (Other == "top")
            {
                Other = TopBuffer!;
            }
        }
    }

    /// <summary>
    /// Opens the chunk loop of the backward pass. The chunked layers' output gradient is the only one held for the whole
    /// batch: the gradients below it are made and used within a chunk, at the chunk's place in the buffers (sample s of a
    /// layer at s * its size), alternating between the two buffers. So that a chunk's larger gradients do not overwrite
    /// the top gradient (T floats per sample) of the samples after it in the same buffer, that one sits at the buffer's
    /// end, from batch * (DeltaPerSample - T) on: a chunk ending before sample e writes a gradient of S &lt;= DeltaPerSample
    /// floats per sample below e * S &lt;= e * T + e * (DeltaPerSample - T) &lt;= e * T + batch * (DeltaPerSample - T), where
    /// the top gradient of sample e starts.
    /// </summary>
    private static SourceWriter.Scope EmitChunkedBackwardStart(SourceWriter w, NetworkPlan plan, int chunked, BackwardState state, int top, int tail, bool moveTop)
    {
        w.WriteLine(Invariant($"// Layers {chunked} down to 1 run over chunks of ChunkSamples samples, as in the forward pass, so that a chunk's outputs and"));
        w.WriteLine(Invariant($"// gradients stay in the L2 cache. Their output gradient ({top} floats per sample) is at the end of {state.Current}, from"));
        w.WriteLine(Invariant($"// batch * {tail} on: each chunk's gradients below it go to the chunk's place in {state.Current} and {state.Other}, up to"));
        w.WriteLine("// (c0 + chunk) * DeltaPerSample, which stays below the top gradient of the samples after the chunk.");
        if (moveTop && tail > 0)
        {
            w.WriteLine(Invariant($"MemoryMarshal.CreateReadOnlySpan(ref {state.Current}, batch * {top}).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref {state.Current}, batch * {tail}), batch * {top}));"));
        }
        w.WriteLine(tail > 0 ? Invariant($"ref float top = ref Unsafe.Add(ref {state.Current}, batch * {tail});") : Invariant($"ref float top = ref {state.Current};"));
        w.WriteLine("// The convolutions' gradients are sums over the samples, in sample order, chunk after chunk.");
        foreach (LayerPlan conv in plan.Layers.Take(chunked).Where(l => l.Kind == LayerKind.Conv2D))
        {
            ConvEmitter.EmitClearGradients(w, conv, Parameter("g", conv.WeightOffset), Bias("g", conv));
        }
        state.TopBuffer = state.Current;
        state.Current = "top";
        SourceWriter.Scope loop = w.Block("for (int c0 = 0; c0 < batch; c0 += ChunkSamples)");
        w.WriteLine("int chunk = Math.Min(ChunkSamples, batch - c0);");
        return loop;
    }

    /// <summary>
    /// One layer's backward calls. <paramref name="inputGradientFormat"/>, when set, is where the layer's input gradient
    /// goes instead of the start of the other buffer ({0} is that buffer).
    /// </summary>
    private static void EmitLayerBackward(SourceWriter w, NetworkPlan plan, LayerPlan layer, LayerPlan kernel, BackwardState state, string? inputGradientFormat, Samples samples)
    {
        LayerPlan output = OutputLayer(plan);
        bool isFirst = layer == plan.Layers.First(l => l.HasCode);
        w.WriteLine(LayerEmitter.Header(layer));
        if (layer.Kind == LayerKind.ResidualStart)
        {
            int size = layer.OutputSize;
            w.WriteLine(layer.OutputWorkspaceOffset < 0
                ? Invariant($"if (wantInputGradient) AddInPlace(ref inputGradient, ref dC, batch * {size});")
                : Invariant($"AddInPlace(ref {state.Current}, ref dC, batch * {size});"));
            return;
        }
        if (!layer.HasCode)
        {
            return;
        }
        string source = Source(plan, layer, samples);
        string outputRegion = samples.Region(layer.OutputWorkspaceOffset, layer.OutputSize);
        string dy = samples.At(state.Current, layer.OutputSize);
        if (layer.HasActivation && layer.Activation != ActivationKind.Identity)
        {
            if (layer == output && plan.Loss == LossKindMirror.BinaryCrossEntropy)
            {
                w.WriteLine("// The loss already gave d/d(logits): the sigmoid is fused into it.");
            }
            else
            {
                w.WriteLine(Invariant($"{kernel.Name}ActivationBackward({outputRegion}, ref {dy}, {samples.Count});"));
            }
        }
        if (layer.Kind == LayerKind.Maxout)
        {
            w.WriteLine(Invariant($"{kernel.Name}Backward({Workspace("ws", layer.LinearWorkspaceOffset)}, ref {state.Current}, ref {state.Other}, batch);"));
            state.Swap();
            dy = state.Current;
        }
        string inputGradient = isFirst ? "ref " + samples.At("inputGradient", layer.InputSize)
            : inputGradientFormat is not null ? string.Format(System.Globalization.CultureInfo.InvariantCulture, inputGradientFormat, state.Other)
            : "ref " + samples.At(state.Other, layer.InputSize);
        string guard = isFirst ? "if (wantInputGradient) " : "";
        switch (layer.Kind)
        {
            case LayerKind.Dense:
            case LayerKind.Maxout:
                DenseEmitter.EmitBackwardCalls(w, kernel, source, dy, Parameter("p", layer.WeightOffset), Parameter("g", layer.WeightOffset),
                    Bias("g", layer), inputGradient, isFirst);
                break;
            case LayerKind.Conv2D:
                if (samples == Samples.Batch)
                {
                    ConvEmitter.EmitClearGradients(w, layer, Parameter("g", layer.WeightOffset), Bias("g", layer));
                }
                ConvEmitter.EmitBackwardCall(w, kernel, source, dy, Parameter("p", layer.WeightOffset), Parameter("g", layer.WeightOffset),
                    Bias("g", layer), inputGradient, isFirst, samples.Count);
                break;
            case LayerKind.Dropout:
                w.WriteLine(Invariant($"{guard}{kernel.Name}Backward(ref {dy}, {inputGradient}, {samples.Count}, {samples.First}, noise);"));
                break;
            case LayerKind.BatchNorm:
                w.WriteLine(Invariant($"{kernel.Name}Backward({source}, {Parameter("p", layer.WeightOffset)}, {Parameter("stats", layer.Norm!.StatsOffset)}, ref {dy}, {Parameter("g", layer.WeightOffset)}, {Parameter("g", layer.BiasOffset)}, {inputGradient}, batch, {(isFirst ? "wantInputGradient" : "true")}, in team, normSums);"));
                break;
            case LayerKind.ResidualEnd:
                ResidualEmitter.EmitBackwardCalls(w, kernel, ShortcutSource(layer), dy, Parameter("p", layer.WeightOffset), Parameter("g", layer.WeightOffset));
                return; // the block's gradient is the sum's gradient: it stays in the current buffer
            default:
                PoolEmitter.EmitBackwardCall(w, kernel, source, outputRegion, dy, inputGradient, isFirst, samples.Count);
                break;
        }
        state.Swap();
    }

    private static void EmitDescription(SourceWriter w, NetworkPlan plan)
    {
        w.WriteLine("/// <summary>The architecture as data (layers, shapes, parameter offsets), for exporters and tools.</summary>");
        w.WriteLine("public static global::NetGen.NetworkDescription Description { get; } = new(");
        w.Indent();
        w.WriteLine(Invariant($"\"{plan.ClassName.TrimStart('@')}\", new[] {{ {string.Join(", ", plan.InputShape)} }}, {(plan.Loss is null ? "null" : "global::NetGen.LossKind." + plan.Loss)}, new global::NetGen.LayerDescription[]"));
        w.WriteLine("{");
        w.Indent();
        int blockStart = -1; // blocks do not nest (the planner checks it): an end closes the last start before it
        for (int position = 0; position < plan.Layers.Count; position++)
        {
            LayerPlan layer = plan.Layers[position];
            ConvGeometry? g = layer.Geometry;
            string alpha = float.IsNaN(layer.Alpha) ? "float.NaN" : ActivationEmitter.Literal(layer.Alpha);
            string extra = layer.Kind switch
            {
                LayerKind.BatchNorm => Invariant($" {{ BufferOffset = {layer.Norm!.BufferOffset}, Epsilon = {ActivationEmitter.Literal(layer.Norm.Epsilon)}, Momentum = {ActivationEmitter.Literal(layer.Norm.Momentum)} }}"),
                LayerKind.ResidualEnd => Invariant($" {{ ShortcutStart = {blockStart} }}"),
                LayerKind.Dropout => Invariant($" {{ Rate = {ActivationEmitter.Literal(layer.Rate)} }}"),
                _ => "",
            };
            if (layer.Kind == LayerKind.ResidualStart)
            {
                blockStart = position;
            }
            w.WriteLine(Invariant($"new(global::NetGen.LayerKind.{layer.Kind}, \"{layer.Name}\", new[] {{ {string.Join(", ", layer.InputShape)} }}, new[] {{ {string.Join(", ", layer.OutputShape)} }}, global::NetGen.Activation.{layer.Activation}, {alpha}, {layer.WeightOffset}, {layer.WeightLength}, {layer.BiasOffset}, {layer.BiasLength}, {layer.Units}, {layer.Pieces}, {g?.KernelHeight ?? 0}, {g?.KernelWidth ?? 0}, {g?.Stride ?? 1}, {g?.PaddingHeight ?? 0}, {g?.PaddingWidth ?? 0}, {g?.Dilation ?? 1}){extra},"));
        }
        w.Unindent();
        w.WriteLine("});");
        w.Unindent();
        w.WriteLine();
        w.WriteLine("global::NetGen.NetworkDescription global::NetGen.INetwork.Description => Description;");
        w.WriteLine();
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
