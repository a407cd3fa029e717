using System;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;
using NetGen.Samples.BrowserDigits;
using OpenQA.Selenium.Chrome;
using Xunit;

namespace NetGen.Browser.Tests;

/// <summary>
/// samples/BrowserDigits as a person uses it, in headless Chromium: a real MNIST test digit is drawn on the pad with the
/// mouse, and the page's prediction must be the digit's label and what the same network predicts on the desktop.
/// </summary>
public sealed class BrowserDigitsTests(BrowserDigitsPage page) : IClassFixture<BrowserDigitsPage>
{
    private static readonly Dataset Digits = MnistIdx.Load(
        Path.Combine(AppContext.BaseDirectory, "Fixtures", "digits-images-idx3-ubyte"),
        Path.Combine(AppContext.BaseDirectory, "Fixtures", "digits-labels-idx1-ubyte"));

    private static readonly LeNet5 Desktop = new();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    public async Task A_drawn_MNIST_digit_is_classified_as_its_label_and_as_on_the_desktop(int digit)
    {
        ChromeDriver driver = await OpenAsync();
        int label = (int)Digits.GetTarget(digit)[0];
        Assert.Equal(digit, label);
        // The fixture is a digit the network knows: on the desktop, its MNIST pixels are classified as labelled.
        Assert.Equal(label, Desktop.Predict(Digits.GetInput(digit)));

        DrawingResult result = BrowserDigitsPage.Draw(driver, PenStrokes.FromImage(Digits.GetInput(digit)));
        SaveScreenshot(driver, $"digit-{label}.png");

        // The page preprocessed the pad's pixels exactly as the same code does here (the same double arithmetic).
        var desktopInput = new float[MnistPreprocessing.PixelCount];
        Assert.True(MnistPreprocessing.TryPreprocess(result.Ink, 280, 280, desktopInput));
        Assert.Equal(desktopInput, result.Input);

        // The page's class is the label and the desktop's class of the same input.
        Assert.Equal(label.ToString(CultureInfo.InvariantCulture), result.PredictionText);
        Assert.Equal(label, Desktop.Predict(result.Input));

        // The bars show the desktop's probabilities. The browser runs the Vector128 body with a separate multiply and add
        // (WebAssembly SIMD has no fused multiply-add), the desktop a wider body with FMA: the same sums in the same order,
        // each product rounded once more in the browser, 2^-24 relative per term over sums of at most 400 terms, which
        // moves a logit by well under 1e-4 and a probability by less.
        var desktopProbabilities = new float[10];
        Desktop.PredictProbabilities(result.Input, desktopProbabilities);
        for (int d = 0; d < 10; d++)
        {
            Assert.True(Math.Abs(desktopProbabilities[d] - result.Probabilities[d]) <= 1e-4f,
                $"class {d}: the page shows probability {result.Probabilities[d]:R}, the desktop computes {desktopProbabilities[d]:R}");
        }
    }

    [Fact]
    public async Task The_page_times_one_prediction_in_the_Vector128_body()
    {
        ChromeDriver driver = await OpenAsync();
        (string text, string? milliseconds) = BrowserDigitsPage.Timing(driver);
        Assert.True(double.TryParse(milliseconds, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0 && double.IsFinite(value),
            $"the page's measured time is '{milliseconds}'");
        // WebAssembly's 128-bit SIMD is the only accelerated width in the browser; the generated kernels must take it
        // rather than their scalar fallback.
        Assert.Contains("Vector128 body", text, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(ScreenshotFolder(), "timing.txt"), text + Environment.NewLine);
    }

    private async Task<ChromeDriver> OpenAsync()
    {
        Assert.SkipWhen(HeadlessChromium.SkipRequested, HeadlessChromium.SkipVariable + "=1: the browser tests were asked to be skipped.");
        (string Browser, string Driver)? chromium = HeadlessChromium.Find();
        Assert.True(chromium is not null, HeadlessChromium.MissingMessage);
        return await page.OpenAsync(chromium.Value.Browser, chromium.Value.Driver);
    }

    private static void SaveScreenshot(ChromeDriver driver, string name) =>
        driver.GetScreenshot().SaveAsFile(Path.Combine(ScreenshotFolder(), name));

    private static string ScreenshotFolder() => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
}
