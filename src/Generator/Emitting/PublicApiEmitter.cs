using System.Linq;
using static System.FormattableString;

namespace NetGen.Generator;

/// <summary>The public entry points: argument checks, buffer management, then the straight-line passes.</summary>
internal static class PublicApiEmitter
{
    // The network class qualifies every framework name (see NetworkEmitter): these are the ones it uses.
    private const string Span = NetworkEmitter.Span, ReadOnlySpan = NetworkEmitter.ReadOnlySpan;
    private const string MemoryMarshal = NetworkEmitter.MemoryMarshal, Unsafe = NetworkEmitter.Unsafe;
    private const string ArgumentException = "global::System.ArgumentException";

    /// <summary>The public API in the network class: argument checks, the batch's split into parts, calls into the kernel class.</summary>
    public static void Emit(SourceWriter w, NetworkPlan plan)
    {
        string k = NetworkEmitter.Kernels(plan);

        w.WriteLine("/// <summary>Runs inference on one sample. Thread-safe; allocation-free after a thread's first call.</summary>");
        w.WriteLine("/// <param name=\"input\">The sample, <see cref=\"InputSize\"/> floats.</param>");
        w.WriteLine("/// <param name=\"output\">Receives <see cref=\"OutputSize\"/> floats" + (plan.Loss == LossKindMirror.SoftmaxCrossEntropy ? " (logits: the softmax is part of the loss)" : "") + ".</param>");
        w.WriteLine($"public void Forward({ReadOnlySpan}<float> input, {Span}<float> output) => Forward(input, output, 1);");
        w.WriteLine();

        w.WriteLine("/// <summary>Runs inference on <paramref name=\"batchSize\"/> samples stored one after another. Thread-safe; allocates only when a thread first sees a larger batch.</summary>");
        using (w.Block($"public void Forward({ReadOnlySpan}<float> inputs, {Span}<float> outputs, int batchSize)"))
        {
            w.WriteLine("CheckBatch(inputs, batchSize);");
            w.WriteLine("if (outputs.Length != batchSize * OutputSize)");
            w.WriteLine($"    throw new {ArgumentException}($\"outputs holds {{outputs.Length}} floats; {{batchSize}} samples of {{OutputSize}} outputs need {{batchSize * OutputSize}}.\", \"outputs\");");
            w.WriteLine("int parts = PartsFor(batchSize);");
            using (w.Block("if (parts > 1)"))
            {
                w.WriteLine("global::NetGen.WorkerTeam.Shared(_threads).Run(this, parts, new global::NetGen.TeamCall(JobForward, batchSize, 0), inputs, default, outputs, default);");
                w.WriteLine("return;");
            }
            w.WriteLine($"InferPart(ref {MemoryMarshal}.GetReference(inputs), ref {MemoryMarshal}.GetReference(outputs), 0, batchSize);");
        }
        w.WriteLine();

        w.WriteLine("// Inference on samples [first, first + count) of a batch, in this thread's workspace.");
        w.WriteLine($"private void InferPart(ref float inputs, ref float outputs, int first, int count) => {k}.Infer(Parameters, Buffers, ref inputs, ref outputs, first, count);");
        w.WriteLine();

        // An inference-only network with several outputs is read as a classifier too: its class is the largest output.
        if (plan.Loss is { } loss ? Planner.IsClassLabelLoss(loss, plan.OutputSize) : plan.OutputSize > 1)
        {
            w.WriteLine("/// <summary>");
            w.WriteLine("/// The most likely class of one sample: the index of the largest output. Thread-safe and allocation-free. Throws");
            w.WriteLine("/// rather than answer for an input that is not finite, or when an output is NaN or infinite (parameters that are not finite).");
            w.WriteLine("/// </summary>");
            using (w.Block($"public int Predict({ReadOnlySpan}<float> input)"))
            {
                w.WriteLine("CheckBatch(input, 1);");
                w.WriteLine("// A NaN input can come out finite (max(NaN, 0) is 0 in a ReLU), so the input is checked, not only the output.");
                w.WriteLine($"{k}.CheckFinite(input);");
                w.WriteLine($"{ReadOnlySpan}<float> output = {k}.Infer(Parameters, Buffers, input);");
                w.WriteLine("int best = 0;");
                using (w.Block("for (int j = 0; j < OutputSize; j++)"))
                {
                    w.WriteLine($"if (!float.IsFinite(output[j])) {k}.ThrowNonFiniteOutput(input, j, output[j]);");
                    w.WriteLine("if (output[j] > output[best]) best = j;");
                }
                w.WriteLine("return best;");
            }
            w.WriteLine();
        }
        else if (plan.Loss == LossKindMirror.BinaryCrossEntropy)
        {
            w.WriteLine("/// <summary>");
            w.WriteLine("/// The predicted labels of one sample: output j is on when its probability is at least 0.5. Thread-safe and");
            w.WriteLine("/// allocation-free. Throws rather than answer for an input that is not finite, or when an output is NaN (parameters that are not finite).");
            w.WriteLine("/// </summary>");
            using (w.Block($"public void Predict({ReadOnlySpan}<float> input, {Span}<bool> labels)"))
            {
                w.WriteLine($"if (labels.Length != OutputSize) throw new {ArgumentException}($\"labels holds {{labels.Length}} values; the network has {{OutputSize}} outputs.\", \"labels\");");
                w.WriteLine("CheckBatch(input, 1);");
                w.WriteLine($"{k}.CheckFinite(input);");
                w.WriteLine($"{ReadOnlySpan}<float> output = {k}.Infer(Parameters, Buffers, input);");
                using (w.Block("for (int j = 0; j < OutputSize; j++)"))
                {
                    w.WriteLine($"if (!float.IsFinite(output[j])) {k}.ThrowNonFiniteOutput(input, j, output[j]);");
                    w.WriteLine("labels[j] = output[j] >= 0.5f;");
                }
            }
            w.WriteLine();
        }

        if (plan.Probabilities != ProbabilityKind.None)
        {
            EmitProbabilities(w, plan, k);
        }

        w.WriteLine("/// <summary>");
        w.WriteLine("/// Runs inference on one sample and copies every layer's output into <paramref name=\"activations\"/>");
        w.WriteLine("/// (<see cref=\"ActivationCount\"/> floats; layer L's output is at <c>LOutputOffset</c>, e.g. for class activation maps). Thread-safe.");
        w.WriteLine("/// </summary>");
        using (w.Block($"public void ForwardAll({ReadOnlySpan}<float> input, {Span}<float> activations)"))
        {
            w.WriteLine("CheckBatch(input, 1);");
            w.WriteLine("if (activations.Length != ActivationCount)");
            w.WriteLine($"    throw new {ArgumentException}($\"activations holds {{activations.Length}} floats; the network's layer outputs take {{ActivationCount}}.\", \"activations\");");
            w.WriteLine($"{k}.ForwardAll(Parameters, Buffers, input, activations);");
        }
        w.WriteLine();

        if (plan.Trainable)
        {
            EmitTrainingApi(w, plan);
        }

        EmitParallelism(w, plan);

        w.WriteLine("// A batch size in 1..MaxBatchSize (so that no size below overflows), and inputs of that many samples.");
        using (w.Block($"private static void CheckBatch({ReadOnlySpan}<float> inputs, int batchSize)"))
        {
            w.WriteLine("if (batchSize < 1 || batchSize > MaxBatchSize)");
            w.WriteLine("    throw new global::System.ArgumentOutOfRangeException(\"batchSize\", batchSize, $\"The batch size must be between 1 and {MaxBatchSize} (larger batches do not fit in .NET arrays).\");");
            w.WriteLine("if (inputs.Length != batchSize * InputSize)");
            w.WriteLine($"    throw new {ArgumentException}($\"inputs holds {{inputs.Length}} floats; {{batchSize}} samples of {{InputSize}} inputs need {{batchSize * InputSize}}.\", \"inputs\");");
        }
        w.WriteLine();
    }

    /// <summary>The training surface of a network with a loss: losses, the training step, its buffers and checks.</summary>
    private static void EmitTrainingApi(SourceWriter w, NetworkPlan plan)
    {
        string k = NetworkEmitter.Kernels(plan);
        bool hasResidual = plan.Layers.Any(l => l.Kind == LayerKind.ResidualEnd);
        bool hasNorm = NetworkEmitter.HasNorm(plan);

        w.WriteLine("/// <summary>The mean loss of a batch in inference mode (no dropout, running statistics), without gradients. Thread-safe.</summary>");
        w.WriteLine($"public float EvaluateLoss({ReadOnlySpan}<float> inputs, {ReadOnlySpan}<float> targets, int batchSize) => BatchLoss(inputs, targets, batchSize, training: false);");
        w.WriteLine();
        w.WriteLine("/// <summary>");
        w.WriteLine("/// The mean loss of a batch in training mode, exactly as the next <see cref=\"TrainStep(global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{float}, int)\"/>");
        w.WriteLine("/// would compute it (the same dropout masks, batch statistics), without gradients and without changing any state.");
        w.WriteLine("/// </summary>");
        w.WriteLine($"public float TrainingLoss({ReadOnlySpan}<float> inputs, {ReadOnlySpan}<float> targets, int batchSize) => BatchLoss(inputs, targets, batchSize, training: true);");
        w.WriteLine();
        w.WriteLine("// The mean loss of a batch in inference or training mode, in this thread's workspace; no state changes.");
        using (w.Block($"private float BatchLoss({ReadOnlySpan}<float> inputs, {ReadOnlySpan}<float> targets, int batchSize, bool training)"))
        {
            w.WriteLine("CheckBatch(inputs, batchSize);");
            w.WriteLine("CheckTargets(targets, batchSize);");
            w.WriteLine("if (training) CheckTrainingBatch(batchSize);");
            w.WriteLine($"return {k}.BatchLoss(Parameters, Buffers, inputs, targets, batchSize, training, training ? NextNoise() : 0);");
        }
        w.WriteLine();

        w.WriteLine("/// <summary>One training step: forward, loss, backward. Overwrites <see cref=\"Gradients\"/> with the gradient of the mean loss and returns that loss. The parameters are unchanged (an optimizer applies the gradients). Not thread-safe.</summary>");
        w.WriteLine($"public float TrainStep({ReadOnlySpan}<float> inputs, {ReadOnlySpan}<float> targets, int batchSize) => TrainStep(inputs, targets, batchSize, {Span}<float>.Empty);");
        w.WriteLine();
        w.WriteLine("/// <summary>As <see cref=\"TrainStep(global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{float}, int)\"/>; a non-empty <paramref name=\"inputGradients\"/> (batchSize x InputSize floats) also receives d(mean loss)/d(inputs).</summary>");
        using (w.Block($"public float TrainStep({ReadOnlySpan}<float> inputs, {ReadOnlySpan}<float> targets, int batchSize, {Span}<float> inputGradients)"))
        {
            w.WriteLine("CheckBatch(inputs, batchSize);");
            w.WriteLine("CheckTargets(targets, batchSize);");
            w.WriteLine("bool wantInputGradient = !inputGradients.IsEmpty;");
            w.WriteLine("if (wantInputGradient && inputGradients.Length != batchSize * InputSize)");
            w.WriteLine($"    throw new {ArgumentException}($\"inputGradients holds {{inputGradients.Length}} floats; {{batchSize}} samples of {{InputSize}} inputs need {{batchSize * InputSize}} (or pass an empty span).\", \"inputGradients\");");
            w.WriteLine("CheckTrainingBatch(batchSize);");
            w.WriteLine("int parts = PartsFor(batchSize);");
            w.WriteLine("EnsureCapacity((batchSize + parts - 1) / parts, parts);");
            w.WriteLine("ulong noise = NextNoise();");
            w.WriteLine("double loss = 0;");
            using (w.Block("if (parts == 1)"))
            {
                w.WriteLine(Invariant($"loss = TrainPart(0, ref {MemoryMarshal}.GetReference(inputs), targets, ref {MemoryMarshal}.GetReference(inputGradients), wantInputGradient, 0, batchSize, batchSize, noise{(hasNorm ? ", global::NetGen.TeamTask.Single(batchSize)" : "")});"));
            }
            using (w.Block("else"))
            {
                w.WriteLine("global::NetGen.WorkerTeam.Shared(_threads).Run(this, parts, new global::NetGen.TeamCall(JobTrainStep, batchSize, noise), inputs, targets, default, inputGradients);");
                w.WriteLine("for (int k = 0; k < parts; k++) loss += _partLosses[k];");
            }
            w.WriteLine("TrainingSteps++;");
            w.WriteLine($"return {k}.MeanLoss(loss, batchSize);");
        }
        w.WriteLine();

        w.WriteLine("// One part of a training step: forward, loss and backward on samples [first, first + count) of a batch of");
        w.WriteLine("// `batch`, with the part's own buffers. Returns the part's summed loss.");
        w.WriteLine($"private double TrainPart(int part, ref float inputs, {ReadOnlySpan}<float> targets, ref float inputGradients, bool wantInputGradient, int first, int count, int batch, ulong noise" + (hasNorm ? ", in global::NetGen.TeamTask team" : "") + ") =>");
        w.WriteLine($"    {k}.TrainPart(Parameters, Buffers, _workspaces[part], _deltasA[part], _deltasB[part], {(hasResidual ? "_deltasC[part]" : "null")}, part == 0 ? Gradients : _partGradients[part - 1],");
        w.WriteLine("        ref inputs, targets, ref inputGradients, wantInputGradient, first, count, batch, noise" + (hasNorm ? ", in team, _normSums" : "") + ");");
        w.WriteLine();

        using (w.Block("private void EnsureCapacity(int samplesPerPart, int parts)"))
        {
            w.WriteLine("if (samplesPerPart <= _capacity && parts <= _workspaces.Length) return;");
            w.WriteLine("int samples = global::System.Math.Max(samplesPerPart, _capacity);");
            w.WriteLine("parts = global::System.Math.Max(parts, _workspaces.Length);");
            w.WriteLine($"_workspaces = NewBuffers(parts, {k}.WorkspaceLength(samples));");
            w.WriteLine($"_deltasA = NewBuffers(parts, samples * {k}.DeltaPerSample);");
            w.WriteLine($"_deltasB = NewBuffers(parts, samples * {k}.DeltaPerSample);");
            if (hasResidual)
            {
                w.WriteLine($"_deltasC = NewBuffers(parts, samples * {k}.DeltaPerSample);");
            }
            w.WriteLine("_partGradients = NewBuffers(parts - 1, ParameterCount);");
            w.WriteLine("_partLosses = new double[parts];");
            if (hasNorm)
            {
                w.WriteLine($"_normSums = new double[parts * {k}.NormSlots];");
            }
            w.WriteLine("_capacity = samples;");
        }
        w.WriteLine();
        using (w.Block("private static float[][] NewBuffers(int count, int length)"))
        {
            w.WriteLine("float[][] buffers = new float[count][];");
            w.WriteLine("for (int i = 0; i < count; i++) buffers[i] = new float[length];");
            w.WriteLine("return buffers;");
        }
        w.WriteLine();
        w.WriteLine("// The dropout masks' key for the next training step: a hash of the seed and the step count.");
        w.WriteLine("private ulong NextNoise() => unchecked((ulong)(uint)DropoutSeed * 0x9E3779B97F4A7C15UL ^ (ulong)TrainingSteps * 0xC2B2AE3D27D4EB4FUL);");
        w.WriteLine();
        using (w.Block("private static void CheckTrainingBatch(int batchSize)"))
        {
            if (MinimumTrainingBatch(plan) > 1)
            {
                w.WriteLine("// Batch normalization of a single value per feature would divide by a zero variance (PyTorch refuses it too).");
                w.WriteLine("if (batchSize < 2)");
                w.WriteLine($"    throw new {ArgumentException}(\"Batch normalization needs at least 2 samples per training batch to estimate a variance; use a larger batch.\", \"batchSize\");");
            }
        }
        w.WriteLine();
        using (w.Block($"private static void CheckTargets({ReadOnlySpan}<float> targets, int batchSize)"))
        {
            w.WriteLine("if (targets.Length != batchSize * TargetSize)");
            w.WriteLine($"    throw new {ArgumentException}($\"targets holds {{targets.Length}} floats; {{batchSize}} samples of {{TargetSize}} targets need {{batchSize * TargetSize}}.\", \"targets\");");
        }
        w.WriteLine();
    }

    /// <summary>
    /// The kernel class's entry points, which the network class calls with its arrays: inference of a part of a batch
    /// or of one sample, every layer's output, a batch's loss, one part of a training step.
    /// </summary>
    public static void EmitEntryPoints(SourceWriter w, NetworkPlan plan)
    {
        bool logits = plan.Loss == LossKindMirror.BinaryCrossEntropy;
        string forwardLogits = logits ? ", logits: false" : "";
        string trainLogits = logits ? ", logits: true" : "";
        LayerPlan output = NetworkEmitter.OutputLayer(plan);
        bool hasNorm = NetworkEmitter.HasNorm(plan);
        string single = hasNorm ? ", global::NetGen.TeamTask.Single(batch), null" : "";

        w.WriteLine("// Floats of one call's workspace for a batch: every layer's outputs, then the scratch and the batch statistics.");
        w.WriteLine("internal static int WorkspaceLength(int batch) => batch * WorkspacePerSample + ScratchSize + StatsSize;");
        w.WriteLine();
        w.WriteLine("// Inference workspace, one per thread, so concurrent Forward calls never share activations.");
        w.WriteLine("[ThreadStatic]");
        w.WriteLine("private static float[]? t_workspace;");
        w.WriteLine();
        using (w.Block("private static ref float InferenceWorkspace(int batch)"))
        {
            w.WriteLine("float[]? workspace = t_workspace;");
            w.WriteLine("if (workspace is null || workspace.Length < WorkspaceLength(batch))");
            w.WriteLine("    t_workspace = workspace = new float[WorkspaceLength(batch)];");
            w.WriteLine("return ref MemoryMarshal.GetArrayDataReference(workspace);");
        }
        w.WriteLine();
        w.WriteLine("// Inference on samples [first, first + count) of a batch; outputs copied out of this thread's workspace.");
        using (w.Block("internal static void Infer(float[] parameters, float[] buffers, ref float inputs, ref float outputs, int first, int count)"))
        {
            w.WriteLine("int batch = count;");
            w.WriteLine("ref float ws = ref InferenceWorkspace(batch);");
            w.WriteLine(Invariant($"RunForward(ref MemoryMarshal.GetArrayDataReference(parameters), ref MemoryMarshal.GetArrayDataReference(buffers), ref Unsafe.Add(ref inputs, first * InputSize), ref ws, batch, first, training: false, updateStatistics: false, noise: 0{forwardLogits}{single});"));
            w.WriteLine(Invariant($"MemoryMarshal.CreateReadOnlySpan({NetworkRegion(output)}, batch * OutputSize).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref outputs, first * OutputSize), batch * OutputSize));"));
        }
        w.WriteLine();
        w.WriteLine("// Inference on one sample: its outputs, in this thread's workspace until the thread's next call.");
        using (w.Block("internal static ReadOnlySpan<float> Infer(float[] parameters, float[] buffers, ReadOnlySpan<float> input)"))
        {
            w.WriteLine("const int batch = 1;");
            w.WriteLine("ref float ws = ref InferenceWorkspace(batch);");
            w.WriteLine(Invariant($"RunForward(ref MemoryMarshal.GetArrayDataReference(parameters), ref MemoryMarshal.GetArrayDataReference(buffers), ref MemoryMarshal.GetReference(input), ref ws, batch, first: 0, training: false, updateStatistics: false, noise: 0{forwardLogits}{single});"));
            w.WriteLine(Invariant($"return MemoryMarshal.CreateReadOnlySpan({NetworkRegion(output)}, OutputSize);"));
        }
        w.WriteLine();
        w.WriteLine("// Inference on one sample, copying every layer's output.");
        using (w.Block("internal static void ForwardAll(float[] parameters, float[] buffers, ReadOnlySpan<float> input, Span<float> activations)"))
        {
            w.WriteLine("const int batch = 1;");
            w.WriteLine("ref float ws = ref InferenceWorkspace(batch);");
            w.WriteLine(Invariant($"RunForward(ref MemoryMarshal.GetArrayDataReference(parameters), ref MemoryMarshal.GetArrayDataReference(buffers), ref MemoryMarshal.GetReference(input), ref ws, batch, first: 0, training: false, updateStatistics: false, noise: 0{forwardLogits}{single});"));
            w.WriteLine("MemoryMarshal.CreateReadOnlySpan(ref ws, WorkspacePerSample).CopyTo(activations);");
        }
        w.WriteLine();
        if (plan.Trainable)
        {
            EmitTrainingEntryPoints(w, output, trainLogits, single, hasNorm);
        }
        w.WriteLine("// A prediction needs a finite input: NaN or infinity would answer a class for no reason.");
        using (w.Block("internal static void CheckFinite(ReadOnlySpan<float> input)"))
        {
            w.WriteLine("for (int i = 0; i < input.Length; i++)");
            w.WriteLine("    if (!float.IsFinite(input[i]))");
            w.WriteLine("        throw new ArgumentException($\"input[{i}] is {input[i]}: there is no prediction for an input that is not finite.\", \"input\");");
        }
        w.WriteLine();
        w.WriteLine("[MethodImpl(MethodImplOptions.NoInlining)]");
        using (w.Block("internal static void ThrowNonFiniteOutput(ReadOnlySpan<float> input, int output, float value)"))
        {
            w.WriteLine("for (int i = 0; i < input.Length; i++)");
            w.WriteLine("    if (!float.IsFinite(input[i]))");
            w.WriteLine("        throw new ArgumentException($\"input[{i}] is {input[i]}: the network's output {output} is {value}, so there is no prediction; pass finite inputs.\", \"input\");");
            w.WriteLine("throw new InvalidOperationException($\"The network's output {output} is {value} for a finite input: its parameters are not finite (a diverged training run or a damaged checkpoint), so there is no prediction.\");");
        }
        w.WriteLine();
    }

    /// <summary>The kernel class's training entry points: a batch's loss, one part of a training step.</summary>
    private static void EmitTrainingEntryPoints(SourceWriter w, LayerPlan output, string trainLogits, string single, bool hasNorm)
    {
        w.WriteLine("// The mean loss of a batch in inference or training mode, in this thread's workspace.");
        using (w.Block("internal static float BatchLoss(float[] parameters, float[] buffers, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch, bool training, ulong noise)"))
        {
            w.WriteLine("ref float ws = ref InferenceWorkspace(batch);");
            w.WriteLine(Invariant($"RunForward(ref MemoryMarshal.GetArrayDataReference(parameters), ref MemoryMarshal.GetArrayDataReference(buffers), ref MemoryMarshal.GetReference(inputs), ref ws, batch, first: 0, training, updateStatistics: false, noise{trainLogits}{single});"));
            w.WriteLine(Invariant($"return MeanLoss(LossSum({NetworkRegion(output)}, targets, 0, batch, batch, ref Unsafe.NullRef<float>(), gradient: false), batch);"));
        }
        w.WriteLine();
        w.WriteLine("// One part of a training step: forward, loss and backward on samples [first, first + count) of a batch of");
        w.WriteLine("// `batch`, in the part's own buffers; the weight gradients go to `gradients`. Returns the part's summed loss.");
        w.WriteLine("internal static double TrainPart(float[] parameters, float[] buffers, float[] workspace, float[] deltaA, float[] deltaB, float[]? deltaC, float[] gradients,");
        using (w.Block("    ref float inputs, ReadOnlySpan<float> targets, ref float inputGradients, bool wantInputGradient, int first, int count, int batch, ulong noise" + (hasNorm ? ", in global::NetGen.TeamTask team, double[]? normSums" : "") + ")"))
        {
            w.WriteLine("ref float p = ref MemoryMarshal.GetArrayDataReference(parameters);");
            w.WriteLine("ref float input = ref Unsafe.Add(ref inputs, first * InputSize);");
            w.WriteLine("ref float ws = ref MemoryMarshal.GetArrayDataReference(workspace);");
            w.WriteLine("ref float dA = ref MemoryMarshal.GetArrayDataReference(deltaA);");
            w.WriteLine("ref float inputGradient = ref wantInputGradient ? ref Unsafe.Add(ref inputGradients, first * InputSize) : ref Unsafe.NullRef<float>();");
            w.WriteLine(Invariant($"RunForward(ref p, ref MemoryMarshal.GetArrayDataReference(buffers), ref input, ref ws, count, first, training: true, updateStatistics: true, noise{trainLogits}{(hasNorm ? ", in team, normSums" : "")});"));
            w.WriteLine(Invariant($"double loss = LossSum({NetworkRegion(output, "count")}, targets, first, count, batch, ref dA, gradient: true);"));
            w.WriteLine("RunBackward(ref p, ref MemoryMarshal.GetArrayDataReference(gradients), ref input, ref ws, ref dA, ref MemoryMarshal.GetArrayDataReference(deltaB),");
            w.WriteLine(Invariant($"    ref deltaC is null ? ref Unsafe.NullRef<float>() : ref MemoryMarshal.GetArrayDataReference(deltaC), ref inputGradient, wantInputGradient, count, first, noise{(hasNorm ? ", in team, normSums" : "")});"));
            w.WriteLine("return loss;");
        }
        w.WriteLine();
    }

    /// <summary>
    /// The fewest samples a training step takes: 2 when a batch normalization sees one value per feature and sample
    /// (after a dense layer), whose variance needs two samples; otherwise 1.
    /// </summary>
    public static int MinimumTrainingBatch(NetworkPlan plan) => plan.Layers.Any(l => l.Norm is { Plane: < 2 }) ? 2 : 1;

    private static string NetworkRegion(LayerPlan output, string batch = "batch") =>
        output.OutputWorkspaceOffset == 0 ? "ref ws" : Invariant($"ref Unsafe.Add(ref ws, {batch} * {output.OutputWorkspaceOffset})");

    /// <summary>Threads, the split of a batch into parts, and the part a worker thread runs.</summary>
    private static void EmitParallelism(SourceWriter w, NetworkPlan plan)
    {
        bool hasNorm = NetworkEmitter.HasNorm(plan);
        w.WriteLine("/// <summary>");
        w.WriteLine("/// Threads that a training step or a batched Forward splits its batch across: contiguous parts of nearly equal size,");
        w.WriteLine("/// one per thread of a shared <see cref=\"global::NetGen.WorkerTeam\"/>. 1 (the default) runs on the calling thread only. Results");
        w.WriteLine("/// are bit-identical from run to run for a given thread count: each part sums its own samples' gradients, and the");
        w.WriteLine("/// parts' sums are added in part order. Inference outputs do not depend on the thread count at all.");
        w.WriteLine("/// </summary>");
        using (w.Block("public int Threads"))
        {
            w.WriteLine("get => _threads;");
            using (w.Block("set"))
            {
                w.WriteLine("global::System.ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);");
                w.WriteLine("global::System.ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1024);");
                w.WriteLine("_threads = value;");
            }
        }
        w.WriteLine();
        w.WriteLine("// A batch is split only when every thread gets a few microseconds of work: handing a part to another");
        w.WriteLine("// thread costs about one.");
        w.WriteLine("private const long MinimumParallelFlops = 2_000_000;");
        w.WriteLine(plan.Trainable ? "private const int JobForward = 0, JobTrainStep = 1;" : "private const int JobForward = 0;");
        w.WriteLine();
        w.WriteLine("private int PartsFor(int batchSize) => _threads == 1 || batchSize * ForwardFlopsPerSample < MinimumParallelFlops ? 1 : global::System.Math.Min(_threads, batchSize);");
        w.WriteLine();
        w.WriteLine("// The part of a split Forward or TrainStep that one thread of the team runs.");
        using (w.Block("void global::NetGen.ITeamWork.Execute(in global::NetGen.TeamTask task)"))
        {
            w.WriteLine("int batch = task.Call.Batch, first = task.FirstSample(batch), count = task.SampleCount(batch);");
            if (!plan.Trainable)
            {
                w.WriteLine("InferPart(ref task.Inputs, ref task.Outputs, first, count);");
                return;
            }
            using (w.Block("if (task.Call.Job == JobForward)"))
            {
                w.WriteLine("InferPart(ref task.Inputs, ref task.Outputs, first, count);");
                w.WriteLine("return;");
            }
            if (!plan.Trainable)
            {
                return;
            }
            w.WriteLine($"{ReadOnlySpan}<float> targets = {MemoryMarshal}.CreateReadOnlySpan(ref task.Targets, batch * TargetSize);");
            w.WriteLine($"bool wantInputGradient = !{Unsafe}.IsNullRef(ref task.InputGradients);");
            w.WriteLine(Invariant($"_partLosses[task.Part] = TrainPart(task.Part, ref task.Inputs, targets, ref task.InputGradients, wantInputGradient, first, count, batch, task.Call.Key{(hasNorm ? ", in task" : "")});"));
            w.WriteLine("// Past the barrier every part's gradients are complete; each part then sums one slice of the parameters (cut at");
            w.WriteLine("// multiples of 16 floats, whole vectors) over all parts, always in part order.");
            w.WriteLine("task.Synchronize();");
            w.WriteLine("int start = (int)((long)ParameterCount * task.Part / task.Parts) & ~15;");
            w.WriteLine("int end = task.Part == task.Parts - 1 ? ParameterCount : (int)((long)ParameterCount * (task.Part + 1) / task.Parts) & ~15;");
            w.WriteLine("global::NetGen.GradientSum.AddRange(Gradients, _partGradients, task.Parts - 1, start, end);");
        }
        w.WriteLine();
    }
    /// <summary>
    /// PredictProbabilities (softmax of the logits, or the sigmoid outputs of binary cross-entropy), ClassNames, and for
    /// class-label networks PredictClassName: what a program that classifies needs beyond the index of the largest output.
    /// </summary>
    private static void EmitProbabilities(SourceWriter w, NetworkPlan plan, string k)
    {
        bool softmax = plan.Probabilities == ProbabilityKind.Softmax;
        w.WriteLine("/// <summary>");
        if (softmax && plan.Loss is null)
        {
            w.WriteLine("/// The probability of each class for one sample: the softmax of the outputs, which are the logits before the imported");
            w.WriteLine("/// model's final " + plan.Imported!.FinalSoftmax + ". Thread-safe and allocation-free. Throws rather than answer when an output is NaN or infinite.");
        }
        else
        {
            w.WriteLine(softmax
                ? "/// The probability of each class for one sample: the softmax of the outputs (which are logits, the softmax being part"
                : "/// The probability of each label for one sample: the sigmoid outputs themselves (binary cross-entropy makes each");
            w.WriteLine(softmax
                ? "/// of the loss). Thread-safe and allocation-free. Throws rather than answer when an output is NaN or infinite."
                : "/// output the probability of its label). Thread-safe and allocation-free. Throws rather than answer when an output is NaN.");
        }
        w.WriteLine("/// </summary>");
        w.WriteLine("/// <param name=\"input\">The sample, <see cref=\"InputSize\"/> floats.</param>");
        w.WriteLine("/// <param name=\"probabilities\">Receives <see cref=\"OutputSize\"/> probabilities" + (softmax ? ", which sum to 1" : "") + ".</param>");
        using (w.Block($"public void PredictProbabilities({ReadOnlySpan}<float> input, {Span}<float> probabilities)"))
        {
            w.WriteLine($"if (probabilities.Length != OutputSize) throw new {ArgumentException}($\"probabilities holds {{probabilities.Length}} floats; the network has {{OutputSize}} outputs.\", \"probabilities\");");
            w.WriteLine("CheckBatch(input, 1);");
            w.WriteLine($"{ReadOnlySpan}<float> output = {k}.Infer(Parameters, Buffers, input);");
            using (w.Block("for (int j = 0; j < OutputSize; j++)"))
            {
                w.WriteLine($"if (!float.IsFinite(output[j])) {k}.ThrowNonFiniteOutput(input, j, output[j]);");
            }
            w.WriteLine(softmax
                ? "global::NetGen.ClassProbabilities.Softmax(output, probabilities);"
                : "output.CopyTo(probabilities);");
        }
        w.WriteLine();

        bool classLabels = plan.HasClassLabels;
        int nameCount = plan.OutputSize == 1 ? 2 : plan.OutputSize;
        w.WriteLine("/// <summary>");
        w.WriteLine(Invariant($"/// The name of each class, by index ({nameCount} names{(plan.OutputSize == 1 ? ": negative, positive" : "")}), when known: set by a checkpoint that carries"));
        w.WriteLine("/// them (<see cref=\"global::NetGen.Checkpoint.Restore\"/>) or by hand; <see langword=\"null\"/> otherwise. Not synchronized: set it before predicting.");
        w.WriteLine("/// </summary>");
        w.WriteLine("/// <exception cref=\"global::System.ArgumentException\">The list does not hold one distinct, non-empty name per class.</exception>");
        using (w.Block("public global::System.Collections.Generic.IReadOnlyList<string>? ClassNames"))
        {
            w.WriteLine("get => _classNames;");
            using (w.Block("set"))
            {
                w.WriteLine(Invariant($"if (value is not null && (value.Count != {nameCount} || global::System.Linq.Enumerable.Count(global::System.Linq.Enumerable.Distinct(value, global::System.StringComparer.Ordinal)) != value.Count || global::System.Linq.Enumerable.Any(value, string.IsNullOrEmpty)))"));
                w.WriteLine(Invariant($"    throw new {ArgumentException}($\"{{value.Count}} class names were given; the network needs {nameCount}, distinct and non-empty.\", \"value\");"));
                w.WriteLine("_classNames = value is null ? null : global::System.Linq.Enumerable.ToArray(value);");
            }
        }
        w.WriteLine("private global::System.Collections.Generic.IReadOnlyList<string>? _classNames" + BuiltInWeightsEmitter.ClassNamesInitializer(plan.BuiltIn) + ";");
        w.WriteLine();

        if (classLabels)
        {
            w.WriteLine("/// <summary>The name of the most likely class of one sample (<see cref=\"Predict\"/>), from <see cref=\"ClassNames\"/>. Thread-safe.</summary>");
            w.WriteLine("/// <exception cref=\"global::System.InvalidOperationException\"><see cref=\"ClassNames\"/> is not set.</exception>");
            using (w.Block($"public string PredictClassName({ReadOnlySpan}<float> input)"))
            {
                w.WriteLine("global::System.Collections.Generic.IReadOnlyList<string> names = _classNames ?? throw new global::System.InvalidOperationException(");
                w.WriteLine("    \"The network has no class names: load a checkpoint saved with class names (Checkpoint.Capture(model, classNames: ...)), or set ClassNames.\");");
                w.WriteLine("return names[Predict(input)];");
            }
            w.WriteLine();
        }
    }
}
