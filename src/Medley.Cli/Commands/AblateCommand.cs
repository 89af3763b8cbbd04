using System.CommandLine;
using Medley.Evaluation.Reporting;
using Medley.Training;
using Medley.Training.Experiments;

namespace Medley.Cli;

/// <summary>`medley ablate [--rows cmap-fusion|omnifuse] --spec S [--config F] [--set k=v] [--folds K] --out DIR`: CMAP-Fusion's 7 module
/// combinations, or OmniFuse's rows (a)–(f), on the same folds.</summary>
internal static class AblateCommand
{
    public static Command Create()
    {
        var options = new RunOptions();
        var output = new Option<string?>("--out") { Description = "Output directory (default runs/ablate-<time>)." };
        var folds = new Option<int>("--folds") { Description = "k.", DefaultValueFactory = _ => 5 };
        var repeats = new Option<int>("--repeats") { Description = "Repeats with reshuffled folds.", DefaultValueFactory = _ => 1 };
        var splitSeed = new Option<int>("--split-seed") { Description = "Seed of the fold assignment.", DefaultValueFactory = _ => 0 };
        var rows = new Option<string>("--rows") { Description = "cmap-fusion (7 combinations of ViT, SmartTrim, CMT) or omnifuse (rows (a)–(f) over DWFuse, TLA, IMP-fw, IMP-bw).", DefaultValueFactory = _ => "cmap-fusion" };
        var command = new Command("ablate",
            "Train CMAP-Fusion's 7 combinations of {ViT, SmartTrim, CMT} (at least one on), or with --rows omnifuse OmniFuse's rows (a)–(f), on the same folds; comparison.json (kind ablation) with paired t-tests against the full model, and report.html.");
        options.AddTo(command);
        foreach (var o in new Option[] { output, folds, repeats, splitSeed, rows }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var set = parse.GetValue(rows)!;
            if (!AblationRunner.RowSets.Contains(set)) throw new ArgumentException($"--rows '{set}': use {string.Join(" or ", AblationRunner.RowSets)}.");
            if (parse.GetValue(options.Method) is { } m && m != set)
                throw new ArgumentException($"medley ablate --rows {set} switches {set}'s modules; --method '{m}' cannot be ablated (leave --method out or use {set}).");
            var config = options.Resolve(parse, set);
            var spec = options.RequireSpec(parse, config);
            var outDir = parse.GetValue(output) ?? Path.Combine("runs", $"ablate-{DateTime.Now:yyyyMMdd-HHmmss}");
            var splits = CrossValidation.Splits(spec, parse.GetValue(splitSeed), parse.GetValue(folds), parse.GetValue(repeats));
            var comparison = AblationRunner.Run(set, spec, config, outDir, splits,
                title => new TrainerHooks { Progress = new PlainProgress(Console.Out), Title = title });
            CvCommand.PrintComparison(comparison);
            RunReport.Write(outDir);
            Console.WriteLine($"results: {outDir} (report.html)");
            return 0;
        });
        return command;
    }
}
