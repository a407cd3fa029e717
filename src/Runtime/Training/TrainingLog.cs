using System;
using System.IO;
using System.Text.Json;

namespace NetGen;

/// <summary>
/// Appends one JSON object per epoch to a file (JSON Lines), flushed after each line. Field names are snake_case, the
/// convention of the Python tools (pandas' <c>read_json(lines=True)</c>) that usually read such logs.
/// </summary>
internal sealed class TrainingLog : IDisposable
{
    private readonly FileStream _stream;
    private readonly Utf8JsonWriter _writer;

    public TrainingLog(string path)
    {
        try
        {
            _stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot open the training log '{path}' for appending: {e.Message}", e);
        }
        _writer = new Utf8JsonWriter(_stream);
    }

    public void Write(EpochResult result)
    {
        _writer.WriteStartObject();
        _writer.WriteNumber("epoch", result.Epoch);
        _writer.WriteNumber("step", result.Step);
        WriteNumberOrNull("train_loss", result.TrainLoss);
        WriteNumberOrNull("validation_loss", result.Validation?.Loss);
        WriteNumberOrNull("validation_accuracy", result.Validation?.Accuracy);
        // As a float, so 0.001f is written 0.001, not 0.0010000000474974513.
        _writer.WriteNumber("learning_rate", result.LearningRate);
        _writer.WriteNumber("elapsed_seconds", result.Elapsed.TotalSeconds);
        _writer.WriteEndObject();
        _writer.Flush();
        _writer.Reset();
        _stream.WriteByte((byte)'\n');
        _stream.Flush();
    }

    public void Dispose()
    {
        _writer.Dispose();
        _stream.Dispose();
    }

    // JSON has no NaN or infinity; an absent or undefined value (no validation set, accuracy of a regression) is null.
    private void WriteNumberOrNull(string name, double? value)
    {
        if (value is double number && double.IsFinite(number))
        {
            _writer.WriteNumber(name, number);
        }
        else
        {
            _writer.WriteNull(name);
        }
    }
}
