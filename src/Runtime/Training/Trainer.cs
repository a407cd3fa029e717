using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace NetGen;

/// <summary>
/// Trains any <see cref="ITrainableNetwork"/> by mini-batch gradient descent: per epoch a seeded shuffle of the samples, then per
/// batch an optional augmentation, a training step of the model, optional gradient clipping, and an update by the
/// optimizer at the rate of an optional schedule; after each epoch an optional validation, early-stopping check, log
/// line and checkpoint. Runs are deterministic: the same options, data, initial parameters and optimizer settings give
/// bit-identical parameters, and a run resumed from a checkpoint (<see cref="Resume"/>) gives the same bits as the run
/// that was never interrupted.
/// </summary>
public sealed class Trainer
{
    // Offsets the augmentation generator's seed from the shuffling generator's, so the two streams are independent.
    private const long AugmentationSeedOffset = 0x5DEECE66DL;

    /// <summary>Creates a trainer.</summary>
    /// <param name="options">How to run.</param>
    public Trainer(TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    /// <summary>How the trainer runs.</summary>
    public TrainerOptions Options { get; }

    /// <summary>
    /// Trains <paramref name="model"/> from its current parameters for <see cref="TrainerOptions.Epochs"/> epochs (fewer if
    /// early stopping ends the run). Every sample is used once per epoch; the last batch holds the remainder, or is
    /// skipped with <see cref="TrainerOptions.DropLast"/>. After the
    /// first batch a step allocates nothing (without <paramref name="progress"/>; a progress handler may allocate in its
    /// own code). The schedule's step counter starts at 0, whatever the optimizer's own <see cref="IOptimizer.StepCount"/>.
    /// </summary>
    /// <param name="model">The model to train; its parameters are updated in place.</param>
    /// <param name="optimizer">Updates <see cref="INetwork.Parameters"/> from <see cref="ITrainableNetwork.Gradients"/> after each step.</param>
    /// <param name="train">The training set, in the model's sample layout.</param>
    /// <param name="validation">If given, evaluated after every epoch (in batches of <see cref="TrainerOptions.BatchSize"/>).</param>
    /// <param name="progress">Receives a report after every batch and at the end of every epoch.</param>
    /// <param name="cancellationToken">Checked before every batch.</param>
    /// <returns>The result of every epoch.</returns>
    /// <exception cref="ArgumentException">
    /// A dataset is empty, does not fit the model or holds a NaN or infinite value, or an option needs a validation set.
    /// </exception>
    /// <exception cref="TrainingDivergedException">A training step returned a NaN or infinite loss or gradient norm.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public TrainingHistory Fit(
        ITrainableNetwork model,
        IOptimizer optimizer,
        Dataset train,
        Dataset? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        Validate(model, optimizer, train, validation);
        var start = new TrainerState(
            completedEpochs: 0, step: 0, train.Count, Options.BatchSize,
            new SeededRandom(Options.Seed).State, new SeededRandom(unchecked(Options.Seed + AugmentationSeedOffset)).State);
        return Run(model, optimizer, train, validation, start, progress, cancellationToken);
    }

    /// <summary>
    /// Continues a run from a checkpoint that the trainer saved (<see cref="TrainerOptions.CheckpointPath"/>) or that was
    /// captured with <see cref="Checkpoint.Capture"/> from a <see cref="TrainingHistory.State"/>: restores the parameters,
    /// the model state (buffers, dropout seed and step), the optimizer state and the trainer state, and trains epochs <c>CompletedEpochs + 1</c> to
    /// <see cref="TrainerOptions.Epochs"/>. With the same options, data and optimizer settings the result is
    /// bit-identical to a run that was never interrupted.
    /// </summary>
    /// <param name="checkpoint">A checkpoint with optimizer and trainer state, of <paramref name="model"/>'s architecture.</param>
    /// <param name="model">The model to train; its parameters are replaced by the checkpoint's.</param>
    /// <param name="optimizer">An optimizer of the kind and settings the checkpoint's state came from.</param>
    /// <param name="train">The same training set as the interrupted run.</param>
    /// <param name="validation">If given, evaluated after every epoch.</param>
    /// <param name="progress">Receives a report after every batch and at the end of every epoch.</param>
    /// <param name="cancellationToken">Checked before every batch.</param>
    /// <returns>The results of the epochs trained by this call.</returns>
    /// <exception cref="ArgumentException">
    /// The checkpoint lacks optimizer or trainer state, belongs to another architecture, optimizer or training set, has
    /// already trained <see cref="TrainerOptions.Epochs"/> epochs, or its run stopped early.
    /// </exception>
    /// <exception cref="TrainingDivergedException">A training step returned a NaN or infinite loss or gradient norm.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public TrainingHistory Resume(
        Checkpoint checkpoint,
        ITrainableNetwork model,
        IOptimizer optimizer,
        Dataset train,
        Dataset? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        Validate(model, optimizer, train, validation);
        TrainerState state = checkpoint.TrainerState ?? throw new ArgumentException(
            "The checkpoint holds no trainer state, so there is no run to resume. Load its parameters with Checkpoint.Restore " +
            "and start a new run with Fit, or resume from a checkpoint the trainer saved (TrainerOptions.CheckpointPath).", nameof(checkpoint));
        if (checkpoint.OptimizerState is null)
        {
            throw new ArgumentException(
                "The checkpoint holds no optimizer state, so the run cannot continue exactly. Resume from a checkpoint the trainer " +
                "saved (TrainerOptions.CheckpointPath), or load the parameters with Checkpoint.Restore and start a new run with Fit.", nameof(checkpoint));
        }
        if (state.SampleCount != train.Count || state.BatchSize != Options.BatchSize)
        {
            throw new ArgumentException(
                $"The checkpoint's run trained on {state.SampleCount} samples in batches of {state.BatchSize}, but this one has " +
                $"{train.Count} samples in batches of {Options.BatchSize}. Resume with the same training set and batch size.", nameof(train));
        }
        if (state.EarlyStopping is { Stopped: true } stopped)
        {
            throw new ArgumentException(
                $"The checkpoint's run stopped early after epoch {state.CompletedEpochs} (no improvement since epoch {stopped.BestEpoch}), " +
                "so there is nothing to resume. Start a new run with Fit to train further.", nameof(checkpoint));
        }
        if (state.CompletedEpochs >= Options.Epochs)
        {
            throw new ArgumentException(
                $"The checkpoint's run has already trained {state.CompletedEpochs} epochs, and Epochs is {Options.Epochs}. " +
                "Epochs counts the whole run when resuming: set it above the checkpoint's epochs to train further.", nameof(checkpoint));
        }
        if (Options.EarlyStopping is not null && state.EarlyStopping is null)
        {
            throw new ArgumentException(
                "Early stopping is on, but the checkpoint's run did not use it, so its bookkeeping is missing. Resume with the options of the saved run.", nameof(checkpoint));
        }
        if (Options.EarlyStopping is not null)
        {
            EarlyStoppingTracker.Validate(Options.EarlyStopping, state.EarlyStopping!, model.Parameters.Length, model.Buffers.Length);
        }
        checkpoint.Restore(model, optimizer);
        return Run(model, optimizer, train, validation, state, progress, cancellationToken);
    }

    private void Validate(ITrainableNetwork model, IOptimizer optimizer, Dataset train, Dataset? validation)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(train);
        Evaluation.EnsureFits(model, train, nameof(train));
        NonFinite.EnsureFinite(train, nameof(train), "train the model");
        if (validation is not null)
        {
            Evaluation.EnsureFits(model, validation, nameof(validation));
            NonFinite.EnsureFinite(validation, nameof(validation), "validate the model");
        }
        EnsureBatchesFit(model, train.Count);
        if (model.Parameters.Length != model.Gradients.Length)
        {
            throw new ArgumentException(
                $"The model's Gradients ({model.Gradients.Length} floats) must have the layout of its Parameters ({model.Parameters.Length}).",
                nameof(model));
        }
        if (Options.EarlyStopping is { Monitor: not EarlyStoppingMetric.TrainLoss } early && validation is null)
        {
            throw new ArgumentException(
                $"Early stopping monitors {early.Monitor}, which needs a validation set: pass one, or monitor EarlyStoppingMetric.TrainLoss.",
                nameof(validation));
        }
        if (Options.EarlyStopping is { Monitor: EarlyStoppingMetric.ValidationAccuracy } && !Evaluation.HasAccuracy(model))
        {
            throw new ArgumentException(
                $"Early stopping monitors ValidationAccuracy, but the model's loss ({model.Loss}) is a regression loss, which has no accuracy. Monitor ValidationLoss instead.",
                nameof(model));
        }
    }

    /// <summary>
    /// Checks, before any training work, that every batch of an epoch has the samples a training step of the model needs
    /// (a batch-normalization network refuses a batch of one sample), instead of failing on the last batch of an epoch.
    /// </summary>
    private void EnsureBatchesFit(INetwork model, int count)
    {
        int minimum = model.MinimumTrainingBatchSize;
        if (minimum <= 1)
        {
            return;
        }
        string why = $"{model.GetType().Name} needs at least {minimum} samples per training batch (its batch normalization estimates a variance from each batch)";
        int batchSize = Math.Min(Options.BatchSize, count);
        if (batchSize < minimum)
        {
            throw new ArgumentException(count < Options.BatchSize
                ? $"{why}, but the training set holds only {count}. Train on more samples."
                : $"{why}, but BatchSize is {Options.BatchSize}. Set TrainerOptions.BatchSize to {minimum} or more.", "train");
        }
        int remainder = count % batchSize;
        if (!Options.DropLast && remainder != 0 && remainder < minimum)
        {
            throw new ArgumentException(
                $"{why}, but {count} training samples in batches of {batchSize} leave a last batch of {remainder}. Set TrainerOptions.DropLast = true " +
                $"to skip each epoch's incomplete last batch (with shuffling, a different {remainder} each epoch), or choose a batch size that divides " +
                $"{count} or leaves at least {minimum}.", "train");
        }
    }

    private TrainingHistory Run(
        ITrainableNetwork model, IOptimizer optimizer, Dataset train, Dataset? validation, TrainerState start,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        int count = train.Count;
        int batchSize = Math.Min(Options.BatchSize, count);
        int batchCount = Options.StepsPerEpoch(count);
        int[] order = new int[count];
        float[] inputs = new float[batchSize * train.InputSize];
        float[] targets = new float[batchSize * train.TargetSize];
        ILearningRateSchedule? schedule = Options.LearningRateSchedule;
        IAugmentation? augmentation = Options.Augmentation;
        float? maxGradientNorm = Options.MaxGradientNorm;

        // One generator per purpose for the whole run: each epoch's order follows from the seed and the epochs before it.
        SeededRandom shuffleRandom = SeededRandom.FromState(start.ShuffleRandomState);
        SeededRandom augmentationRandom = SeededRandom.FromState(start.AugmentationRandomState);
        long step = start.Step;
        var stopping = Options.EarlyStopping is null ? null : new EarlyStoppingTracker(Options.EarlyStopping, start.EarlyStopping, model.Parameters.Length, model.Buffers.Length);
        using var log = Options.LogPath is null ? null : new TrainingLog(Options.LogPath);
        using var console = Options.ShowProgress ? new ConsoleProgress() : null;
        progress = ConsoleProgress.Combine(console, progress);
        var epochs = new List<EpochResult>(Options.Epochs - start.CompletedEpochs);
        TrainerState state = start;

        for (int epoch = start.CompletedEpochs + 1; epoch <= Options.Epochs; epoch++)
        {
            long startTime = Stopwatch.GetTimestamp();
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }
            if (Options.Shuffle)
            {
                shuffleRandom.Shuffle(order.AsSpan());
            }

            double lossSum = 0;
            int seen = 0;
            for (int batch = 0; batch < batchCount; batch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int first = batch * batchSize;
                int n = Math.Min(batchSize, count - first);
                train.CopyBatch(order, first, n, inputs, targets);
                Span<float> batchInputs = inputs.AsSpan(0, n * train.InputSize);
                augmentation?.Apply(batchInputs, n, ref augmentationRandom);
                if (schedule is not null)
                {
                    optimizer.LearningRate = schedule.GetLearningRate(step);
                }

                float loss = model.TrainStep(batchInputs, targets.AsSpan(0, n * train.TargetSize), n);
                if (!float.IsFinite(loss))
                {
                    throw new TrainingDivergedException(epoch, batch + 1, batchCount, loss);
                }
                if (maxGradientNorm is float maxNorm)
                {
                    float norm = GradientClipping.ClipByNorm(model.Gradients, maxNorm);
                    if (!float.IsFinite(norm))
                    {
                        throw new TrainingDivergedException(epoch, batch + 1, batchCount, loss, norm);
                    }
                }
                optimizer.Step(model.Parameters, model.Gradients);
                step++;

                // Weighted by batch size so that a small last batch counts per sample, not as much as a full one.
                lossSum += (double)loss * n;
                seen += n;
                progress?.Report(new TrainingProgress(epoch, Options.Epochs, batch + 1, batchCount, lossSum / seen, null));
            }

            EvaluationResult? validationResult = validation is null ? null : Evaluation.Evaluate(model, validation, batchSize);
            var result = new EpochResult(epoch, lossSum / seen, validationResult, Stopwatch.GetElapsedTime(startTime))
            {
                LearningRate = optimizer.LearningRate,
                Step = step,
            };
            epochs.Add(result);
            stopping?.Update(result, model.Parameters, model.Buffers);
            state = new TrainerState(epoch, step, count, Options.BatchSize, shuffleRandom.State, augmentationRandom.State, stopping?.ToState());
            log?.Write(result);

            bool last = epoch == Options.Epochs || stopping is { Stopped: true };
            if (Options.CheckpointPath is not null && (last || epoch % Options.CheckpointInterval == 0))
            {
                Checkpoint.Capture(model, optimizer, state).Save(Options.CheckpointPath);
            }
            progress?.Report(new TrainingProgress(epoch, Options.Epochs, batchCount, batchCount, result.TrainLoss, result));
            if (last)
            {
                break;
            }
        }

        if (stopping is not null && Options.EarlyStopping!.RestoreBestWeights)
        {
            stopping.RestoreBest(model.Parameters, model.Buffers, epochs[^1].Epoch);
        }
        return new TrainingHistory(epochs, state, stopping?.Stopped ?? false, stopping?.BestEpoch);
    }
}
