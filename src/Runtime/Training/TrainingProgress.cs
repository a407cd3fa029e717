namespace NetGen;

/// <summary>
/// A progress report of <see cref="Trainer.Fit"/>: one after every batch, and one more at the end of each epoch that
/// carries <see cref="CompletedEpoch"/>. Epochs and batches are numbered from 1, as a person would count them.
/// </summary>
/// <param name="Epoch">The current epoch, from 1 to <paramref name="EpochCount"/>.</param>
/// <param name="EpochCount">The number of epochs of the run.</param>
/// <param name="Batch">The batch just trained, from 1 to <paramref name="BatchCount"/>.</param>
/// <param name="BatchCount">The number of batches per epoch.</param>
/// <param name="MeanLoss">The mean training loss per sample over the epoch's batches so far.</param>
/// <param name="CompletedEpoch">The epoch's result in the report that ends the epoch; otherwise <see langword="null"/>.</param>
public readonly record struct TrainingProgress(int Epoch, int EpochCount, int Batch, int BatchCount, double MeanLoss, EpochResult? CompletedEpoch);
