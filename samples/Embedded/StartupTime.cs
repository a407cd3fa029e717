using System;
using System.Diagnostics;
using System.Globalization;

namespace NetGen.Samples.Embedded;

/// <summary>Prints the time from process start (and from <c>Main</c>) to now, i.e. to the first prediction.</summary>
public static class StartupTime
{
    /// <summary>
    /// Process start comes from the kernel (<see cref="Process.StartTime"/>, /proc/self/stat on Linux: clock-tick resolution,
    /// 10 ms); <c>Main</c> to now is exact (<see cref="Stopwatch"/>). The difference is the runtime's start-up before Main.
    /// When the environment variable <c>LAUNCH_UNIX_NS</c> holds the launcher's clock just before it started the process
    /// (<c>LAUNCH_UNIX_NS=$(date +%s%N) ./Embedded …</c>, see measure-startup.sh), the exact time since then is printed too.
    /// </summary>
    public static void Report(long mainStart)
    {
        double sinceMain = Stopwatch.GetElapsedTime(mainStart).TotalMilliseconds;
        double sinceProcess = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        string line = $"first prediction: {sinceProcess:F0} ms after process start (10 ms resolution), {sinceMain:F1} ms after Main";
        if (long.TryParse(Environment.GetEnvironmentVariable("LAUNCH_UNIX_NS"), NumberStyles.None, CultureInfo.InvariantCulture, out long launch))
        {
            long now = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
            line += $", {(now - launch) / 1e6:F1} ms after launch";
        }
        Console.WriteLine(line);
    }
}
