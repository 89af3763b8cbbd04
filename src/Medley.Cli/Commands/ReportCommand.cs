using System.CommandLine;
using Medley.Evaluation.Reporting;

namespace Medley.Cli;

/// <summary>`medley report RUN_DIR [--out file.html] [--compare RUN2]`: renders a run directory's report.html.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var run = new Argument<DirectoryInfo>("RUN_DIR") { Description = "A run directory written by train, cv, eval, sweep, ablate or demo." };
        var output = new Option<FileInfo?>("--out") { Description = "Where to write the HTML (default: RUN_DIR/report.html)." };
        var compare = new Option<DirectoryInfo?>("--compare")
        {
            Description = "A second run directory whose features (t-SNE, SmartTrim heatmap) are shown beside this run's, e.g. the same model without CMT.",
        };
        var seed = new Option<int>("--tsne-seed") { Description = "Seed of the t-SNE embeddings.", DefaultValueFactory = _ => 0 };
        var command = new Command("report", "Write the self-contained HTML report (inline SVG plots and the paper's tables) of a run directory.");
        command.Arguments.Add(run);
        command.Options.Add(output);
        command.Options.Add(compare);
        command.Options.Add(seed);
        command.SetAction(parseResult =>
        {
            var dir = parseResult.GetValue(run)!.FullName;
            var outPath = parseResult.GetValue(output)?.FullName ?? Path.Combine(dir, "report.html");
            var result = RunReport.Write(dir, outPath, new RunReportOptions
            {
                CompareRun = parseResult.GetValue(compare)?.FullName,
                TSneSeed = parseResult.GetValue(seed),
            });
            Console.WriteLine($"wrote {outPath} ({result.Figures.Count} figures)");
            foreach (var note in result.Notes) Console.WriteLine("  note: " + note);
            return 0;
        });
        return command;
    }
}
