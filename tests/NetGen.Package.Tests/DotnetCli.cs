using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace NetGen.Package.Tests;

/// <summary>What one <c>dotnet</c> command did.</summary>
public sealed record CommandResult(string Command, int ExitCode, string Output, TimeSpan Elapsed)
{
    public override string ToString() => $"'{Command}' exited with {ExitCode} after {Elapsed.TotalSeconds:F1} s:{Environment.NewLine}{Output}";
}

/// <summary>
/// Runs the <c>dotnet</c> CLI as a child process the way a user's shell would: no MSBuild state inherited from the test
/// host, no build servers or reused nodes (they would outlive the command and hold its output open), and a time limit.
/// </summary>
internal static class DotnetCli
{
    public static CommandResult Run(string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        // The SDK sets DOTNET_HOST_PATH for the processes it starts; outside an SDK command, 'dotnet' on the PATH.
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (string name in new List<string>(start.Environment.Keys))
        {
            // The test host runs under 'dotnet test', whose MSBuild and test-platform variables must not leak into a
            // build of an unrelated project.
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase) || name.Equals("DOTNET_HOST_PATH", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(name);
            }
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["UseSharedCompilation"] = "false";

        var output = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new CommandResult(Describe(arguments), -1, output + Environment.NewLine + $"(killed after {timeout.TotalSeconds:F0} s)", stopwatch.Elapsed);
        }
        process.WaitForExit(); // drains the asynchronous readers
        return new CommandResult(Describe(arguments), process.ExitCode, output.ToString(), stopwatch.Elapsed);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Describe(string[] arguments) => "dotnet " + string.Join(" ", arguments);
}
