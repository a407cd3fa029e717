using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Interactions;
using OpenQA.Selenium.Support.UI;

namespace NetGen.Browser.Tests;

/// <summary>
/// The published samples/BrowserDigits served on 127.0.0.1 and open in headless Chromium, shared by the tests of a class
/// (starting the browser and the .NET runtime in it takes seconds). Started on first use, so that a skipped test starts nothing.
/// </summary>
public sealed class BrowserDigitsPage : IAsyncDisposable
{
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan PredictionTimeout = TimeSpan.FromMinutes(1);
    private StaticSite? site;
    private ChromeDriver? driver;

    /// <summary>The published app's static files, beside the test assembly.</summary>
    public static string AppRoot => Path.Combine(AppContext.BaseDirectory, "BrowserDigits", "wwwroot");

    /// <summary>The browser, with the page loaded and its timing measured.</summary>
    public async Task<ChromeDriver> OpenAsync(string browser, string driverPath)
    {
        if (driver is not null)
        {
            return driver;
        }
        site = await StaticSite.StartAsync(AppRoot);
        driver = HeadlessChromium.Start(browser, driverPath);
        driver.Navigate().GoToUrl(site.Address);
        // The page is ready when it has measured its prediction time, which it does right after wiring the pad.
        Wait(driver, LoadTimeout, "the page to load and measure its prediction time", d => !string.IsNullOrEmpty(Timing(d).Milliseconds));
        return driver;
    }

    /// <summary>The text of the page's timing line and its measured milliseconds (empty until measured).</summary>
    public static (string Text, string? Milliseconds) Timing(IWebDriver driver)
    {
        IWebElement timing = driver.FindElement(By.Id("timing"));
        return (timing.Text, timing.GetDomAttribute("data-milliseconds"));
    }

    /// <summary>Clears the pad, draws <paramref name="strokes"/> with the mouse and waits until the page has classified the last one.</summary>
    public static DrawingResult Draw(ChromeDriver driver, IReadOnlyList<PenStroke> strokes)
    {
        driver.FindElement(By.Id("clear")).Click();
        Wait(driver, PredictionTimeout, "the pad to clear", d => d.FindElement(By.Id("prediction")).GetDomAttribute("data-strokes") == "0");

        IWebElement pad = driver.FindElement(By.Id("pad"));
        // Offsets are from the element's centre (WebDriver); the pad is 280x280 CSS pixels, one per canvas pixel.
        int half = pad.Size.Width / 2;
        var actions = new Actions(driver, TimeSpan.FromMilliseconds(5));
        foreach (PenStroke stroke in strokes)
        {
            actions.MoveToElement(pad, stroke.X0 - half, stroke.Y - half).ClickAndHold()
                .MoveToElement(pad, stroke.X1 - half, stroke.Y - half).Release();
        }
        actions.Perform();

        string expected = strokes.Count.ToString(CultureInfo.InvariantCulture);
        Wait(driver, PredictionTimeout, $"the page to classify stroke {expected}", d => d.FindElement(By.Id("prediction")).GetDomAttribute("data-strokes") == expected);

        string text = driver.FindElement(By.Id("prediction")).Text;
        var probabilities = new float[10];
        for (int d = 0; d < probabilities.Length; d++)
        {
            probabilities[d] = float.Parse(driver.FindElement(By.Id($"bar-{d}")).GetDomAttribute("data-probability")!, CultureInfo.InvariantCulture);
        }
        float[] input = MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(driver.FindElement(By.Id("model-input")).GetDomAttribute("data-input")!)).ToArray();
        // The pad's pixels as the page read them: the red channel of the white-on-black drawing.
        string inkBase64 = (string)driver.ExecuteScript(
            "const pad = document.getElementById('pad');" +
            "const rgba = pad.getContext('2d').getImageData(0, 0, pad.width, pad.height).data;" +
            "let red = ''; for (let i = 0; i < rgba.length; i += 4) red += String.fromCharCode(rgba[i]);" +
            "return btoa(red);")!;
        return new DrawingResult(text, probabilities, input, Convert.FromBase64String(inkBase64));
    }

    /// <summary>The browser's console messages so far, for failure messages.</summary>
    public string ConsoleLog() =>
        driver is null ? "" : string.Join(Environment.NewLine, driver.Manage().Logs.GetLog(LogType.Browser).Select(entry => $"{entry.Level}: {entry.Message}"));

    private static void Wait(IWebDriver driver, TimeSpan timeout, string what, Func<IWebDriver, bool> condition)
    {
        var wait = new WebDriverWait(driver, timeout) { PollingInterval = TimeSpan.FromMilliseconds(100) };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        try
        {
            wait.Until(condition);
        }
        catch (WebDriverTimeoutException e)
        {
            string log = string.Join(Environment.NewLine, driver.Manage().Logs.GetLog(LogType.Browser).Select(entry => $"{entry.Level}: {entry.Message}"));
            throw new TimeoutException($"waited {timeout.TotalSeconds:F0} s for {what}; the browser's console said:{Environment.NewLine}{log}", e);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        driver?.Quit();
        driver?.Dispose();
        if (site is not null)
        {
            await site.DisposeAsync();
        }
    }
}

/// <summary>What the page showed after a drawing.</summary>
/// <param name="PredictionText">The predicted digit as shown.</param>
/// <param name="Probabilities">The class probabilities behind the bars.</param>
/// <param name="Input">The network's input the page computed from the drawing (784 floats).</param>
/// <param name="Ink">The pad's 280x280 ink values the page preprocessed.</param>
public sealed record DrawingResult(string PredictionText, float[] Probabilities, float[] Input, byte[] Ink);
