using System.CommandLine;
using System.Text.Json.Nodes;
using Medley.Training;

namespace Medley.Cli;

/// <summary>`medley cv --spec S --method M [--folds 5 --repeats 3] [--compare A,B,...]`: k folds × repeats, cv_metrics.json / comparison.json.</summary>
internal static class CvCommand
{
    public static Command Create()
    {
        var options = new RunOptions();
        var output = new Option<string?>("--out") { Description = "Output directory (default runs/cv-<method>-<time>)." };
        var folds = new Option<int>("--folds") { Description = "k (METHODS.md §5: 5).", DefaultValueFactory = _ => 5 };
        var repeats = new Option<int>("--repeats") { Description = "Repeats with reshuffled folds (§5: 3).", DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--split-seed") { Description = "Seed of the fold assignment.", DefaultValueFactory = _ => 0 };
        var compare = new Option<string?>("--compare") { Description = "Comma-separated methods trained on the same folds; paired t-tests against the first." };
        var command = new Command("cv", "Cross-validate a method (k folds × repeats, grouped and stratified), or compare several on the same folds.");
        options.AddTo(command);
        foreach (var o in new Option[] { output, folds, repeats, seed, compare }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var methods = parse.GetValue(compare)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (methods is { Length: < 2 }) throw new ArgumentException("--compare needs at least two methods, e.g. --compare cmap-fusion,image-only,lab-only.");
            var configs = methods == null
                ? new List<RunConfig> { options.Resolve(parse) }
                : options.ResolveMany(parse, methods);
            var spec = options.RequireSpec(parse);
            var k = parse.GetValue(folds);
            var r = parse.GetValue(repeats);
            var name = methods == null ? configs[0].Method : "compare";
            var outDir = parse.GetValue(output) ?? Path.Combine("runs", $"cv-{name}-{DateTime.Now:yyyyMMdd-HHmmss}");
            if (File.Exists(Path.Combine(outDir, "cv_metrics.json")) || File.Exists(Path.Combine(outDir, "comparison.json")))
                throw new ArgumentException($"{outDir} already holds cross-validation results; choose another --out.");
            var splits = CrossValidation.Splits(spec, parse.GetValue(seed), k, r);
            Func<string, TrainerHooks> hooks = title => new TrainerHooks { Progress = new PlainProgress(Console.Out), Title = title };
            if (methods == null)
            {
                var cv = CrossValidation.Run(spec, configs[0], outDir, splits, hooks);
                PrintSummary(configs[0].Method!, (JsonObject)cv["summary"]!);
            }
            else
            {
                var comparison = CrossValidation.Compare(spec, configs, outDir, splits, hooks);
                PrintComparison(comparison);
            }
            Console.WriteLine($"results: {outDir}");
            return 0;
        });
        return command;
    }

    internal static void PrintComparison(JsonObject comparison)
    {
        var reference = comparison["reference"]!.GetValue<string>();
        foreach (var m in comparison["methods"]!.AsArray())
        {
            var name = m!["name"]!.GetValue<string>();
            if (m["ignored_keys"] is JsonArray ignored)
                Console.WriteLine($"{name}: ignored model keys it does not have: {string.Join(", ", ignored.Select(k => k!.GetValue<string>()))}");
            PrintSummary(name, (JsonObject)m["summary"]!);
        }
        foreach (var m in comparison["methods"]!.AsArray())
            if (m!["ttest"] is JsonObject tests)
                foreach (var (metric, t) in tests)
                    Console.WriteLine(FormattableString.Invariant(
                        $"  {m["name"]} vs {reference} {metric}: Δ {t!["mean_difference"]!.GetValue<double>():+0.0000;-0.0000}, t = {t["t"]!.GetValue<double>():F2}, p = {t["p"]!.GetValue<double>():G3}"));
    }

    private static void PrintSummary(string method, JsonObject summary)
    {
        Console.WriteLine($"{method}:");
        foreach (var (metric, s) in summary)
        {
            var ci = s!["ci95"]!.AsArray();
            Console.WriteLine(FormattableString.Invariant(
                $"  {metric,-18} {s["mean"]!.GetValue<double>():F4} ± {(s["std"]?.GetValue<double>() ?? double.NaN):F4}  95% CI [{(ci[0]?.GetValue<double>() ?? double.NaN):F4}, {(ci[1]?.GetValue<double>() ?? double.NaN):F4}]"));
        }
    }
}
