using System;
using System.IO;
using System.Linq;
using OpenQA.Selenium.Chrome;

namespace NetGen.Browser.Tests;

/// <summary>
/// Starts the system's Chromium headless through its chromedriver (Debian: <c>apt-get install chromium chromium-driver</c>,
/// one version for both). Both are found on the PATH and given to Selenium explicitly, so that Selenium never tries to
/// download a browser or a driver of its own.
/// </summary>
public static class HeadlessChromium
{
    /// <summary>Set to 1 to skip the browser tests in a local run without Chromium; CI (CI=true) ignores it.</summary>
    public const string SkipVariable = "NETGEN_SKIP_BROWSER_TESTS";

    /// <summary>The browser and the driver, or <see langword="null"/> when either is not installed.</summary>
    public static (string Browser, string Driver)? Find()
    {
        string? browser = FindOnPath("chromium") ?? FindOnPath("chromium-browser");
        string? driver = FindOnPath("chromedriver");
        return browser is null || driver is null ? null : (browser, driver);
    }

    /// <summary>Why the tests cannot run, to fail (or, locally and on request, skip) with.</summary>
    public const string MissingMessage =
        "Chromium and its driver are not installed: `apt-get install chromium chromium-driver` (Debian; .ci/run installs them). " +
        "To skip the browser tests in a local run, set " + SkipVariable + "=1.";

    /// <summary>Whether a local run asked to skip the browser tests; never in CI, where they must run.</summary>
    public static bool SkipRequested =>
        Environment.GetEnvironmentVariable(SkipVariable) == "1" && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>A headless Chromium with a 1000x760 window.</summary>
    public static ChromeDriver Start(string browser, string driver)
    {
        ChromeDriverService service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driver)!, Path.GetFileName(driver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = browser };
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start; /dev/shm is small in containers.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1000,760", "--hide-scrollbars");
        options.SetLoggingPreference(OpenQA.Selenium.LogType.Browser, OpenQA.Selenium.LogLevel.All);
        return new ChromeDriver(service, options, TimeSpan.FromMinutes(3));
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
}
