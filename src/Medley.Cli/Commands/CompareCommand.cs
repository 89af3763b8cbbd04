using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Medley.Data.Datasets;
using Medley.Evaluation.Reporting;
using Medley.Training;
using Medley.Training.Experiments;

namespace Medley.Cli;

/// <summary>
/// `medley compare --spec S --methods A,B,... [--combinations a,b,a+b] [--metric auroc] [--folds 5] --out DIR`:
/// every method × every modality combination on the same folds (OmniFuse's Tables 2 and 3); compare.json and report.html.
/// </summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var options = new RunOptions();
        var methods = new Option<string?>("--methods") { Description = "Comma-separated fusion methods (each must have the 'modalities' key), e.g. omnifuse,concat,sum." };
        var combinations = new Option<string?>("--combinations") { Description = "Comma-separated modality combinations joined by '+', e.g. image,labs,image+labs (default: every non-empty combination)." };
        var metric = new Option<string>("--metric") { Description = "Table metric (the paper: auroc).", DefaultValueFactory = _ => "auroc" };
        var baseline = new Option<string>("--baseline") { Description = "Concatenation method of the uni-modal vs concatenated view (Table 2).", DefaultValueFactory = _ => "concat" };
        var output = new Option<string?>("--out") { Description = "Output directory (default runs/compare-<time>)." };
        var folds = new Option<int>("--folds") { Description = "k.", DefaultValueFactory = _ => 5 };
        var repeats = new Option<int>("--repeats") { Description = "Repeats with reshuffled folds.", DefaultValueFactory = _ => 1 };
        var splitSeed = new Option<int>("--split-seed") { Description = "Seed of the fold assignment.", DefaultValueFactory = _ => 0 };
        var command = new Command("compare",
            "Every method × every modality combination with k-fold CV on the same folds: table of mean ± std with * where the column's best method beats every other by a paired t-test (p < 0.05), the uni-modal vs concatenation view; compare.json and report.html.");
        options.AddTo(command);
        foreach (var o in new Option[] { methods, combinations, metric, baseline, output, folds, repeats, splitSeed }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var names = parse.GetValue(methods)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                ?? throw new ArgumentException("--methods is required, e.g. --methods omnifuse,concat,sum.");
            if (parse.GetValue(options.Method) != null) throw new ArgumentException("medley compare takes --methods A,B,... (not --method).");
            var configs = options.ResolveMany(parse, names);
            var spec = options.RequireSpec(parse);
            var modalities = MultimodalDataset.Open(spec).Spec.Modalities.Select(m => m.Name).ToList();
            var combos = parse.GetValue(combinations) is { } text ? ModalityComparison.ParseCombinations(text, modalities) : null;
            var outDir = parse.GetValue(output) ?? Path.Combine("runs", $"compare-{DateTime.Now:yyyyMMdd-HHmmss}");
            var splits = CrossValidation.Splits(spec, parse.GetValue(splitSeed), parse.GetValue(folds), parse.GetValue(repeats));
            var result = ModalityComparison.Run(spec, configs, outDir, splits,
                new ModalityCompareOptions { Combinations = combos, Metric = parse.GetValue(metric)!, Baseline = parse.GetValue(baseline)! },
                title => new TrainerHooks { Progress = new PlainProgress(Console.Out), Title = title });
            Print(result);
            RunReport.Write(outDir);
            Console.WriteLine($"results: {outDir} (report.html)");
            return 0;
        });
        return command;
    }

    private static void Print(JsonObject result)
    {
        var metric = result["metric"]!.GetValue<string>();
        foreach (var column in result["columns"]!.AsArray())
        {
            var name = column!["name"]!.GetValue<string>();
            var best = column["best"]?.GetValue<string>();
            Console.WriteLine($"{name}:");
            foreach (var cell in result["cells"]!.AsArray().Where(c => c!["name"]!.GetValue<string>() == name))
            {
                var s = cell!["summary"]![metric];
                var method = cell["method"]!.GetValue<string>();
                var star = method == best && column["star"]!.GetValue<bool>() ? " *" : "";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {method,-14} {metric} {s?["mean"]?.GetValue<double>() ?? double.NaN:F4} ± {s?["std"]?.GetValue<double>() ?? double.NaN:F4}{star}"));
            }
        }
    }
}
