using System;
using System.Globalization;

namespace NetGen;

/// <summary>
/// Numbers as a person reads them in a training line: losses to 4 significant digits, accuracy as a percentage with two
/// decimals, the learning rate to 3 significant digits, times in the unit that fits. Invariant culture, so a line reads
/// the same on every machine and a log can be parsed back.
/// </summary>
internal static class ReadableNumbers
{
    /// <summary>4 significant digits, in plain notation from 1e-4 to 1e6 (0.04123, 1.235, 12346), else scientific (1.234e-05).</summary>
    public static string Loss(double value)
    {
        if (!double.IsFinite(value))
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }
        double magnitude = Math.Abs(value);
        if (magnitude == 0)
        {
            return "0";
        }
        if (magnitude is < 1e-4 or >= 1e6)
        {
            return value.ToString("0.000e+00", CultureInfo.InvariantCulture);
        }
        int decimals = Math.Max(0, 3 - (int)Math.Floor(Math.Log10(magnitude)));
        return value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>A fraction in [0, 1] as a percentage with two decimals: 0.98712 reads "98.71%".</summary>
    public static string Percent(double fraction) =>
        (fraction * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";

    /// <summary>3 significant digits without trailing zeros: 0.001, 0.000316, 3e-05.</summary>
    public static string Rate(double value)
    {
        string text = value.ToString("G3", CultureInfo.InvariantCulture);
        return text.Contains('E', StringComparison.Ordinal) ? value.ToString("0.##e+00", CultureInfo.InvariantCulture) : text;
    }

    /// <summary>A duration in the unit that fits: 0.3 ms, 850 ms, 21.3 s, 3 min 05 s, 2 h 07 min.</summary>
    public static string Duration(TimeSpan time)
    {
        double seconds = time.TotalSeconds;
        if (seconds < 0.00995)
        {
            // A small model's epoch can take well under a millisecond; "0 ms" would say nothing.
            return string.Create(CultureInfo.InvariantCulture, $"{time.TotalMilliseconds:F1} ms");
        }
        if (seconds < 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{time.TotalMilliseconds:F0} ms");
        }
        if (seconds < 59.95)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{seconds:F1} s");
        }
        long whole = (long)Math.Round(seconds);
        if (whole < 3600)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{whole / 60} min {whole % 60:D2} s");
        }
        long minutes = (long)Math.Round(seconds / 60);
        return string.Create(CultureInfo.InvariantCulture, $"{minutes / 60} h {minutes % 60:D2} min");
    }
}
