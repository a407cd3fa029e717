using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using Spectre.Console;

namespace NetGen;

/// <summary>
/// Shows a training run on the console as it goes: one line per finished epoch (<see cref="EpochResult.ToString(int)"/>:
/// losses, accuracy, learning rate, time) and, when the console is interactive, a live progress bar of the epoch in
/// progress on the line below them; when output is redirected (a file, a pipe, CI) only the epoch lines, as plain text.
/// </summary>
/// <remarks>
/// <para>
/// Everything is written on the thread that calls <see cref="Report"/>, before it returns (unlike
/// <see cref="Progress{T}"/>, which posts each report to the thread pool, so that the last epoch's line could print after
/// the program's own next line). The bar is redrawn at most ten times a second, so it costs the training nothing that
/// can be measured. The reporter is meant for one run on one thread at a time.
/// </para>
/// <para>
/// <c>new TrainerOptions { ..., ShowProgress = true }</c> makes the <see cref="Trainer"/> use one; pass an instance to
/// <see cref="Trainer.Fit"/> yourself to write somewhere else (<see cref="ConsoleProgress(TextWriter)"/>).
/// </para>
/// </remarks>
public sealed class ConsoleProgress : IProgress<TrainingProgress>, IDisposable
{
    private static readonly long RedrawInterval = Stopwatch.Frequency / 10;

    private readonly IAnsiConsole? _live;
    private readonly TextWriter? _plain;
    private bool _barShown;
    private int _barEpoch;
    private long _epochStart, _lastDraw;

    /// <summary>Writes to the console: with a live progress bar when it is interactive, as plain lines when redirected.</summary>
    public ConsoleProgress()
        : this(AnsiConsole.Console)
    {
    }

    /// <summary>Writes plain epoch lines, no progress bar, to <paramref name="writer"/> (a log file, a test's output).</summary>
    /// <param name="writer">Receives one line per epoch.</param>
    public ConsoleProgress(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _plain = writer;
    }

    /// <summary>Writes to <paramref name="console"/>: live when it is interactive and understands ANSI, else plain lines.</summary>
    internal ConsoleProgress(IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi)
        {
            _live = console;
        }
        else
        {
            // Plain lines go straight to the writer: the console's renderer would break one epoch's line in two at its
            // width (80 columns when redirected).
            _plain = console.Profile.Out.Writer;
        }
    }

    /// <summary>Whether the epoch in progress is shown as a live progress bar (an interactive console).</summary>
    public bool IsLive => _live is not null;

    /// <summary>Draws the bar of the epoch in progress, or prints the line of an epoch that ended.</summary>
    /// <param name="value">The trainer's report.</param>
    public void Report(TrainingProgress value)
    {
        if (value.CompletedEpoch is { } epoch)
        {
            string line = epoch.ToString(value.EpochCount);
            if (_live is null)
            {
                _plain!.WriteLine(line);
                _plain.Flush();
                return;
            }
            ClearBar();
            // Straight to the terminal, as in plain mode: the console's renderer would break a line wider than the
            // window with a hard line break; the terminal wraps it softly.
            _live.Profile.Out.Writer.WriteLine(line);
            return;
        }
        if (_live is null)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        if (!_barShown || _barEpoch != value.Epoch)
        {
            _barEpoch = value.Epoch;
            _epochStart = now;
        }
        else if (now - _lastDraw < RedrawInterval && value.Batch != value.BatchCount)
        {
            return;
        }
        _lastDraw = now;
        DrawBar(value, Stopwatch.GetElapsedTime(_epochStart, now));
    }

    /// <summary>Ends a bar left on screen by a run that stopped within an epoch (an exception, a cancellation) with a line break.</summary>
    public void Dispose()
    {
        if (_barShown)
        {
            _live!.WriteLine();
            _barShown = false;
        }
    }

    /// <summary>
    /// Passes each report to <paramref name="first"/> and then <paramref name="second"/>, either of which may be
    /// <see langword="null"/>; the trainer's way of showing progress and reporting to the caller's handler too.
    /// </summary>
    internal static IProgress<TrainingProgress>? Combine(IProgress<TrainingProgress>? first, IProgress<TrainingProgress>? second) =>
        first is null ? second : second is null ? first : new Both(first, second);

    private void DrawBar(TrainingProgress value, TimeSpan elapsed)
    {
        IAnsiConsole console = _live!;
        double fraction = (double)value.Batch / value.BatchCount;
        string count = value.EpochCount.ToString(CultureInfo.InvariantCulture);
        string head = "epoch " + value.Epoch.ToString(CultureInfo.InvariantCulture).PadLeft(count.Length) + "/" + count + " ";
        var tail = new StringBuilder();
        tail.Append(' ').Append(((int)Math.Floor(fraction * 100)).ToString(CultureInfo.InvariantCulture).PadLeft(3)).Append('%');
        tail.Append("  train loss ").Append(ReadableNumbers.Loss(value.MeanLoss));
        tail.Append("  ").Append(ReadableNumbers.Duration(elapsed));
        if (value.Batch < value.BatchCount)
        {
            var remaining = TimeSpan.FromTicks((long)(elapsed.Ticks * (1 - fraction) / fraction));
            tail.Append(", ").Append(ReadableNumbers.Duration(remaining)).Append(" left");
        }

        // The bar takes what the line leaves, up to 40 columns, so that the line never wraps (a wrapped line could not
        // be redrawn in place).
        int width = Math.Min(40, console.Profile.Width - 1 - head.Length - tail.Length);
        bool unicode = console.Profile.Capabilities.Unicode;
        int done = width <= 0 ? 0 : (int)Math.Round(fraction * width);

        ClearBar();
        console.Write(new Text(head));
        if (width > 0)
        {
            console.Write(new Text(new string(unicode ? '━' : '#', done), new Style(Color.Green)));
            console.Write(new Text(new string(unicode ? '━' : '-', width - done), new Style(Color.Grey)));
        }
        console.Write(new Text(tail.ToString()));
        _barShown = true;
    }

    private void ClearBar()
    {
        if (_barShown)
        {
            // Back to the start of the line and erase it: the bar is always one line (see DrawBar).
            _live!.Write(new ControlCode("\r\u001b[2K"));
            _barShown = false;
        }
    }

    private sealed class Both(IProgress<TrainingProgress> first, IProgress<TrainingProgress> second) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            first.Report(value);
            second.Report(value);
        }
    }
}
