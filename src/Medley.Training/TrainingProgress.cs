using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Medley.Training;

/// <summary>Receives the trainer's progress: a bar with ETA and current metrics on a terminal, plain lines otherwise.</summary>
public interface ITrainingProgress : IDisposable
{
    void Start(string title, int firstEpoch, int epochs, int batchesPerEpoch);
    void Batch(int epoch, int batch, double loss);
    void Epoch(EpochRecord record, string metric, double? best);
}

/// <summary>No output (tests, library use).</summary>
public sealed class SilentProgress : ITrainingProgress
{
    public static readonly SilentProgress Instance = new();
    public void Start(string title, int firstEpoch, int epochs, int batchesPerEpoch) { }
    public void Batch(int epoch, int batch, double loss) { }
    public void Epoch(EpochRecord record, string metric, double? best) { }
    public void Dispose() { }
}

/// <summary>Progress for the console: Spectre.Console's live bar when the output is a terminal, else one line per epoch.</summary>
public static class ConsoleProgress
{
    /// <summary>Plain lines when output is redirected, under CI, or on a dumb terminal.</summary>
    public static bool Interactive =>
        !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") == null && Environment.GetEnvironmentVariable("TERM") != "dumb";

    public static ITrainingProgress Create(TextWriter? plainOut = null) =>
        Interactive && plainOut == null ? new LiveProgress() : new PlainProgress(plainOut ?? Console.Out);

    internal static string Summary(EpochRecord r, string metric) =>
        FormattableString.Invariant($"train_loss {r.TrainLoss:F4}") +
        (r.Validation.TryGetValue("loss", out var vl) && !double.IsNaN(vl) ? FormattableString.Invariant($"  val_loss {vl:F4}") : "") +
        (metric != "loss" && r.Validation.TryGetValue(metric, out var v) ? FormattableString.Invariant($"  val_{metric} {v:F4}") : "") +
        FormattableString.Invariant($"  lr {r.LearningRate:G3}");

    internal static string Eta(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss") : t.ToString(@"m\:ss");
}

/// <summary>One line per epoch with its figures and the estimated time left.</summary>
public sealed class PlainProgress(TextWriter output) : ITrainingProgress
{
    private readonly Stopwatch _clock = new();
    private int _first, _epochs;
    private string _title = "";

    public void Start(string title, int firstEpoch, int epochs, int batchesPerEpoch)
    {
        (_title, _first, _epochs) = (title, firstEpoch, epochs);
        _clock.Restart();
        output.WriteLine($"{title}: epochs {firstEpoch}..{epochs}, {batchesPerEpoch} batches each");
    }

    public void Batch(int epoch, int batch, double loss) { }

    public void Epoch(EpochRecord r, string metric, double? best)
    {
        var done = r.Epoch - _first + 1;
        var eta = TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds / done * (_epochs - r.Epoch));
        output.WriteLine($"  {_title} epoch {r.Epoch}/{_epochs}  {ConsoleProgress.Summary(r, metric)}  {r.Seconds:F1} s  ETA {ConsoleProgress.Eta(eta)}");
        output.Flush();
    }

    public void Dispose() { }
}

/// <summary>Spectre.Console live progress bar (batches of all epochs), refreshed from a UI thread.</summary>
public sealed class LiveProgress : ITrainingProgress
{
    private readonly object _gate = new();
    private Thread? _ui;
    private volatile bool _done;
    private double _value, _max = 1;
    private string _description = "";

    public void Start(string title, int firstEpoch, int epochs, int batchesPerEpoch)
    {
        _max = Math.Max(1, (epochs - firstEpoch + 1) * batchesPerEpoch);
        _description = Markup.Escape($"{title} epoch {firstEpoch}/{epochs}");
        _ui = new Thread(Render) { IsBackground = true, Name = "medley-progress" };
        _ui.Start();
    }

    private void Render()
    {
        AnsiConsole.Progress().AutoClear(false).HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(_description, maxValue: _max);
                while (!_done)
                {
                    lock (_gate)
                    {
                        task.Value = _value;
                        task.Description = _description;
                    }
                    ctx.Refresh();
                    Thread.Sleep(150);
                }
                lock (_gate)
                {
                    task.Value = _max;
                    task.Description = _description;
                }
            });
    }

    public void Batch(int epoch, int batch, double loss)
    {
        lock (_gate) _value++;
    }

    public void Epoch(EpochRecord r, string metric, double? best)
    {
        lock (_gate) _description = Markup.Escape($"epoch {r.Epoch}  {ConsoleProgress.Summary(r, metric)}");
    }

    public void Dispose()
    {
        _done = true;
        _ui?.Join();
    }
}
