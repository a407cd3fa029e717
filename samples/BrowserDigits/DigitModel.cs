using System.IO;
using NetGen;

namespace NetGen.Samples.BrowserDigits;

/// <summary>The trained network, from the checkpoint embedded in the assembly.</summary>
public static class DigitModel
{
    /// <summary>A LeNet-5 with the trained weights and the digits as class names.</summary>
    public static LeNet5 Create()
    {
        var model = new LeNet5();
        using Stream stream = typeof(DigitModel).Assembly.GetManifestResourceStream("lenet5.ngck")
            ?? throw new InvalidDataException("the app has no embedded lenet5.ngck.");
        Checkpoint.Read(stream, "lenet5.ngck").Restore(model);
        return model;
    }
}
