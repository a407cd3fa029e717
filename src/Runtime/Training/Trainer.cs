using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace NetGen;

/// <summary>
/// Trains any <see cref="INetwork"/> by mini-batch gradient descent: per epoch a seeded shuffle of the samples, then per
/// batch a training step of the model and an update by the optimizer. Runs are deterministic: the same options, data,
/// initial parameters and optimizer settings give bit-identical parameters.
/// </summary>
public sealed class Trainer
{
    /// <summary>Creates a trainer.</summary>
    /// <param name="options">How to iterate over the data.</param>
    public Trainer(TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    /// <summary>How the trainer iterates over the data.</summary>
    public TrainerOptions Options { get; }

    /// <summary>
    /// Trains <paramref name="model"/> from its current parameters for <see cref="TrainerOptions.Epochs"/> epochs. Every
    /// sample is used once per epoch; the last batch holds the remainder. After the first batch a step allocates nothing
    /// (without <paramref name="progress"/>; a progress handler may allocate in its own code).
    /// </summary>
    /// <param name="model">The model to train; its parameters are updated in place.</param>
    /// <param name="optimizer">Updates <see cref="INetwork.Parameters"/> from <see cref="INetwork.Gradients"/> after each step.</param>
    /// <param name="train">The training set, in the model's sample layout.</param>
    /// <param name="validation">If given, evaluated after every epoch (in batches of <see cref="TrainerOptions.BatchSize"/>).</param>
    /// <param name="progress">Receives a report after every batch and at the end of every epoch.</param>
    /// <param name="cancellationToken">Checked before every batch.</param>
    /// <returns>The result of every epoch.</returns>
    /// <exception cref="ArgumentException">A dataset is empty or does not fit the model.</exception>
    /// <exception cref="TrainingDivergedException">A training step returned a NaN or infinite loss.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public TrainingHistory Fit(
        INetwork model,
        IOptimizer optimizer,
        Dataset train,
        Dataset? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(train);
        Evaluation.EnsureFits(model, train, nameof(train));
        if (validation is not null)
        {
            Evaluation.EnsureFits(model, validation, nameof(validation));
        }
        if (model.Parameters.Length != model.Gradients.Length)
        {
            throw new ArgumentException(
                $"The model's Gradients ({model.Gradients.Length} floats) must have the layout of its Parameters ({model.Parameters.Length}).",
                nameof(model));
        }

        int count = train.Count;
        int batchSize = Math.Min(Options.BatchSize, count);
        int batchCount = (count + batchSize - 1) / batchSize;
        int[] order = new int[count];
        float[] inputs = new float[batchSize * train.InputSize];
        float[] targets = new float[batchSize * train.TargetSize];

        // One generator for the whole run: each epoch's order follows from the seed and the epochs before it.
        var random = new SeededRandom(Options.Seed);
        var epochs = new List<EpochResult>(Options.Epochs);

        for (int epoch = 1; epoch <= Options.Epochs; epoch++)
        {
            long startTime = Stopwatch.GetTimestamp();
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }
            if (Options.Shuffle)
            {
                random.Shuffle(order.AsSpan());
            }

            double lossSum = 0;
            int seen = 0;
            for (int batch = 0; batch < batchCount; batch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int start = batch * batchSize;
                int n = Math.Min(batchSize, count - start);
                train.CopyBatch(order, start, n, inputs, targets);

                float loss = model.TrainStep(inputs.AsSpan(0, n * train.InputSize), targets.AsSpan(0, n * train.TargetSize), n);
                if (!float.IsFinite(loss))
                {
                    throw new TrainingDivergedException(epoch, batch + 1, batchCount, loss);
                }
                optimizer.Step(model.Parameters, model.Gradients);

                // Weighted by batch size so that a small last batch counts per sample, not as much as a full one.
                lossSum += (double)loss * n;
                seen += n;
                progress?.Report(new TrainingProgress(epoch, Options.Epochs, batch + 1, batchCount, lossSum / seen, null));
            }

            EvaluationResult? validationResult = validation is null ? null : Evaluation.Evaluate(model, validation, batchSize);
            var result = new EpochResult(epoch, lossSum / seen, validationResult, Stopwatch.GetElapsedTime(startTime));
            epochs.Add(result);
            progress?.Report(new TrainingProgress(epoch, Options.Epochs, batchCount, batchCount, result.TrainLoss, result));
        }
        return new TrainingHistory(epochs);
    }
}
