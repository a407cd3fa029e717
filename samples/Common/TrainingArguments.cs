using System.CommandLine;
using System.CommandLine.Parsing;

namespace NetGen.Samples;

/// <summary>The command-line options every training sample takes: epochs, batch size, learning rate, seed, threads and data folder.</summary>
public sealed class TrainingArguments
{
    /// <summary>Creates the options with a sample's defaults.</summary>
    /// <param name="epochs">Default passes over the training set.</param>
    /// <param name="batchSize">Default samples per training step.</param>
    /// <param name="learningRate">Default initial learning rate.</param>
    /// <param name="learningRateDescription">What the sample does with the learning rate (its optimizer and schedule).</param>
    public TrainingArguments(int epochs, int batchSize, float learningRate, string learningRateDescription)
    {
        Epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => epochs };
        BatchSize = new Option<int>("--batch-size") { Description = "Samples per training step.", DefaultValueFactory = _ => batchSize };
        LearningRate = new Option<float>("--learning-rate") { Description = learningRateDescription, DefaultValueFactory = _ => learningRate };
        Seed = new Option<int>("--seed") { Description = "Seed of the initialization and the shuffling.", DefaultValueFactory = _ => 1 };
        Threads = new Option<int>("--threads") { Description = "Threads each training batch is split across (results are reproducible for a given count).", DefaultValueFactory = _ => 1 };
        Data = new Option<string>("--data") { Description = "Cache folder for the downloaded dataset.", DefaultValueFactory = _ => NpmDataset.DefaultCacheFolder() };
        Epochs.Validators.Add(result => RequirePositive(result, result.GetValueOrDefault<int>()));
        BatchSize.Validators.Add(result => RequirePositive(result, result.GetValueOrDefault<int>()));
        Threads.Validators.Add(result => RequirePositive(result, result.GetValueOrDefault<int>()));
        LearningRate.Validators.Add(result =>
        {
            float value = result.GetValueOrDefault<float>();
            if (!float.IsFinite(value) || value <= 0f)
            {
                result.AddError($"{result.Option.Name} must be a positive number, not {value}.");
            }
        });
    }

    /// <summary><c>--epochs</c>.</summary>
    public Option<int> Epochs { get; }

    /// <summary><c>--batch-size</c>.</summary>
    public Option<int> BatchSize { get; }

    /// <summary><c>--learning-rate</c>.</summary>
    public Option<float> LearningRate { get; }

    /// <summary><c>--seed</c>.</summary>
    public Option<int> Seed { get; }

    /// <summary><c>--threads</c>.</summary>
    public Option<int> Threads { get; }

    /// <summary><c>--data</c>.</summary>
    public Option<string> Data { get; }

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Epochs);
        command.Options.Add(BatchSize);
        command.Options.Add(LearningRate);
        command.Options.Add(Seed);
        command.Options.Add(Threads);
        command.Options.Add(Data);
    }

    /// <summary>The values given on the command line, or the defaults.</summary>
    public TrainingSettings Read(ParseResult result) =>
        new(result.GetValue(Epochs), result.GetValue(BatchSize), result.GetValue(LearningRate), result.GetValue(Seed), result.GetValue(Threads), result.GetValue(Data)!);

    private static void RequirePositive(OptionResult result, int value)
    {
        if (value < 1)
        {
            result.AddError($"{result.Option.Name} must be at least 1, not {value}.");
        }
    }
}

/// <summary>The parsed values of <see cref="TrainingArguments"/>.</summary>
/// <param name="Epochs">Passes over the training set.</param>
/// <param name="BatchSize">Samples per training step.</param>
/// <param name="LearningRate">The initial learning rate.</param>
/// <param name="Seed">Seed of the initialization and the shuffling.</param>
/// <param name="Threads">Threads each training batch is split across (<see cref="INetwork.Threads"/>).</param>
/// <param name="DataFolder">Cache folder for the downloaded dataset.</param>
public sealed record TrainingSettings(int Epochs, int BatchSize, float LearningRate, int Seed, int Threads, string DataFolder);
