using System;
using System.Collections.Generic;

namespace NetGen.Samples.Embedded;

/// <summary>Classifies digit images one by one and prints each prediction against the label in the file name.</summary>
public static class DigitReport
{
    /// <summary>
    /// Prints one line per image and, when file names carry labels, how many predictions match. The first prediction's
    /// time since start-up is reported as soon as it exists (<see cref="StartupTime"/>).
    /// </summary>
    /// <param name="classify">The engine: 784 pixels in, the most likely digit and its probability out.</param>
    public static void Run(IReadOnlyList<string> images, Func<float[], (int Digit, float Probability)> classify, long mainStart)
    {
        int matches = 0, labelled = 0;
        for (int n = 0; n < images.Count; n++)
        {
            (int digit, float probability) = classify(DigitImage.Read(images[n]));
            if (n == 0)
            {
                StartupTime.Report(mainStart);
            }
            int label = DigitImage.LabelFromFileName(images[n]);
            string check = label < 0 ? "" : label == digit ? "  (label " + label + ", ok)" : "  (label " + label + ", WRONG)";
            labelled += label < 0 ? 0 : 1;
            matches += label == digit ? 1 : 0;
            Console.WriteLine($"{images[n]}: {digit} (p = {probability:F3}){check}");
        }
        if (labelled > 0)
        {
            Console.WriteLine($"{matches}/{labelled} predictions match the labels in the file names");
        }
    }
}
