using System;
using System.Globalization;

namespace NetGen;

/// <summary>
/// Thrown when a training step returns a NaN or infinite loss. Once that happens the gradients are no longer meaningful
/// and every later step would only spread the non-finite values through the parameters, so training stops at once.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for the batch whose loss was not finite.</summary>
    /// <param name="epoch">The epoch, numbered from 1.</param>
    /// <param name="batch">The batch, numbered from 1.</param>
    /// <param name="batchCount">The number of batches per epoch.</param>
    /// <param name="loss">The loss the training step returned.</param>
    public TrainingDivergedException(int epoch, int batch, int batchCount, float loss)
        : base(string.Create(CultureInfo.InvariantCulture,
            $"Training diverged at epoch {epoch}, batch {batch} of {batchCount}: the loss is {loss}. ") +
            "Lower the learning rate (by 10x is a good first try), and check the data for NaN or infinite values.")
    {
        Epoch = epoch;
        Batch = batch;
        Loss = loss;
    }

    /// <summary>Creates the exception for a batch whose loss was finite but whose gradient norm was not.</summary>
    /// <param name="epoch">The epoch, numbered from 1.</param>
    /// <param name="batch">The batch, numbered from 1.</param>
    /// <param name="batchCount">The number of batches per epoch.</param>
    /// <param name="loss">The loss the training step returned.</param>
    /// <param name="gradientNorm">The global L2 norm of the gradients (NaN or infinite).</param>
    public TrainingDivergedException(int epoch, int batch, int batchCount, float loss, float gradientNorm)
        : base(string.Create(CultureInfo.InvariantCulture,
            $"Training diverged at epoch {epoch}, batch {batch} of {batchCount}: the gradient norm is {gradientNorm} (the loss was {loss}). ") +
            "Lower the learning rate (by 10x is a good first try), and check the data for NaN or infinite values.")
    {
        Epoch = epoch;
        Batch = batch;
        Loss = loss;
        GradientNorm = gradientNorm;
    }

    /// <summary>The global gradient norm if it was the non-finite quantity; otherwise <see cref="float.NaN"/> (not measured).</summary>
    public float GradientNorm { get; } = float.NaN;

    /// <summary>The epoch in which training diverged, numbered from 1.</summary>
    public int Epoch { get; }

    /// <summary>The batch whose loss was not finite, numbered from 1.</summary>
    public int Batch { get; }

    /// <summary>The loss the training step returned (NaN or infinite).</summary>
    public float Loss { get; }
}
