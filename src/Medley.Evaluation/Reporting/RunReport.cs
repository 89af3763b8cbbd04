using System.Text;
using Medley.Evaluation.Reports;

namespace Medley.Evaluation.Reporting;

/// <summary>Settings of <see cref="RunReport"/>.</summary>
public sealed record RunReportOptions
{
    /// <summary>A second run directory whose features are shown beside this run's (e.g. the same model without CMT).</summary>
    public string? CompareRun { get; init; }
    public string? Title { get; init; }
    /// <summary>Seed of the t-SNE embeddings (the report is deterministic for a given seed).</summary>
    public int TSneSeed { get; init; } = 0;
    /// <summary>At most this many test samples per modality enter the t-SNE (evenly spaced subsample).</summary>
    public int MaxTSneSamples { get; init; } = 250;
}

/// <summary>The written report: the HTML, the ids of the figures it contains (data-figure) and the notes on what was omitted.</summary>
public sealed record RunReportResult(string Html, IReadOnlyList<string> Figures, IReadOnlyList<string> Notes);

/// <summary>
/// Reads a run directory (docs/runs.md) and renders report.html: a single self-contained HTML file with inline SVG
/// figures and no scripts or external resources. Each section appears only when its data exist; what is missing is
/// listed in a note. Output is deterministic (the t-SNE is seeded, no timestamps).
/// </summary>
public static class RunReport
{
    /// <summary>Builds the report of <paramref name="runDirectory"/> in memory.</summary>
    public static RunReportResult Build(string runDirectory, RunReportOptions? options = null)
    {
        options ??= new RunReportOptions();
        var run = RunDirectory.Load(runDirectory);
        var second = options.CompareRun is { } c ? RunDirectory.Load(c) : null;
        var builder = new ReportBuilder(run, second, options);
        return builder.Build();
    }

    /// <summary>Builds the report and writes it atomically to <paramref name="outputPath"/> (default RUN/report.html); returns the result.</summary>
    public static RunReportResult Write(string runDirectory, string? outputPath = null, RunReportOptions? options = null)
    {
        var result = Build(runDirectory, options);
        var path = outputPath ?? Path.Combine(runDirectory, "report.html");
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, "." + Path.GetFileName(path) + ".tmp");
        File.WriteAllText(tmp, result.Html, new UTF8Encoding(false));
        File.Move(tmp, path, overwrite: true);
        return result;
    }
}
