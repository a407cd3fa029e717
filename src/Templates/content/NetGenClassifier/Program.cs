using System.Globalization;
using NetGen;
using NetGenClassifier;

// Iris flowers (R. A. Fisher, 1936): 150 samples of 4 measurements in cm and the species, 50 of each of 3.
string csvPath = Path.Combine(AppContext.BaseDirectory, "data", "iris.csv");
CsvData csv = CsvDataset.Load(csvPath, labelColumn: "species", new CsvOptions { LabelKind = CsvLabelKind.ClassName });
IReadOnlyList<string> species = csv.ClassNames!;

// Hold out a fifth for validation; standardize with statistics of the training part only.
DatasetSplit split = csv.Dataset.Split(validationFraction: 0.2, seed: 1);
Standardizer standardizer = Standardizer.Fit(split.Train);
Dataset train = standardizer.Transform(split.Train);
Dataset validation = standardizer.Transform(split.Validation);

var model = new IrisNetwork();
model.InitializeParameters(seed: 1);
var trainer = new Trainer(new TrainerOptions { Epochs = 40, BatchSize = 16, Seed = 1, ShowProgress = true });
trainer.Fit(model, new Adam(learningRate: 0.01f), train, validation);

ConfusionMatrix matrix = ConfusionMatrix.Compute(model, validation, classNames: species);
Console.WriteLine();
Console.Write(matrix);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"validation accuracy: {matrix.Accuracy:F4}"));

// One file holds the weights, the standardization and the species names.
string modelPath = Path.GetFullPath("iris.ngck");
Checkpoint.Capture(model, standardizer: standardizer, classNames: species).Save(modelPath);
Console.WriteLine($"model: {modelPath}");

// Predicting, as another program would: a fresh network and the model file, nothing else.
var classifier = new IrisNetwork();
Checkpoint saved = Checkpoint.Load(modelPath, classifier);   // the weights, and classifier.ClassNames
float[] flower = [6.3f, 2.9f, 5.6f, 1.8f];
float[] input = (float[])flower.Clone();
saved.Standardizer!.Transform(input);                         // the preprocessing of the training run
float[] probabilities = new float[IrisNetwork.OutputSize];
classifier.PredictProbabilities(input, probabilities);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"prediction for {string.Join(", ", flower)} cm: {classifier.PredictClassName(input)} (p = {probabilities[classifier.Predict(input)]:F3})"));
for (int i = 0; i < probabilities.Length; i++)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {classifier.ClassNames![i],-12} {probabilities[i]:F3}"));
}
