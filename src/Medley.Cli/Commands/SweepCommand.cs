using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Medley.Evaluation.Reporting;
using Medley.Training;
using Medley.Training.Experiments;

namespace Medley.Cli;

/// <summary>
/// `medley sweep noise|lab-mask|gamma --spec S --method M [--levels ...] [--folds K --repeats R] --out DIR`:
/// robustness to test-time image noise / lab masking (same trained models, every level), γ sensitivity (retrained), or
/// missing modalities (retrained per target and rate, with and without imputation).
/// </summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var options = new RunOptions();
        var kind = new Argument<string>("kind") { Description = "noise (Gaussian image noise, std = level × the image's value range), lab-mask (fraction of lab entries set missing, then imputed) or gamma (SmartTrim threshold, retrained per value) or missing (modalities removed from train/validation/test at each rate, per modality and a random one; retrained)." };
        var output = new Option<string?>("--out") { Description = "Output directory (default runs/sweep-<kind>-<time>)." };
        var levels = new Option<string?>("--levels") { Description = "Comma-separated levels (noise, lab-mask: 0,0.1,0.2,0.3,0.4; gamma: 0.1,0.2,0.3,0.4,0.5; missing: 0,0.3,0.5,0.7,0.9)." };
        var folds = new Option<int>("--folds") { Description = "k.", DefaultValueFactory = _ => 5 };
        var repeats = new Option<int>("--repeats") { Description = "Repeats with reshuffled folds.", DefaultValueFactory = _ => 1 };
        var splitSeed = new Option<int>("--split-seed") { Description = "Seed of the fold assignment.", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--corruption-seed") { Description = "Seed of the test-time noise / masking draws (missing: of the removal draws, training.missing_seed).", DefaultValueFactory = _ => 0 };
        var metric = new Option<string?>("--metric") { Description = "Test metric plotted against the level (default accuracy; missing: auroc)." };
        var targets = new Option<string?>("--targets") { Description = "missing: comma-separated modalities and/or 'random' (default: every modality the model reads, then random)." };
        var with = new Option<string[]>("--with")
        {
            Description = "missing: a curve's config variant NAME:key=value[;key=value] (repeatable; default with/without imputation: use_imputation=true/false where the method has it).",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("sweep", "Robustness (test-time image noise, lab masking) or SmartTrim γ sensitivity over cross-validation folds; sweep.json and report.html.");
        command.Arguments.Add(kind);
        options.AddTo(command);
        foreach (var o in new Option[] { output, levels, folds, repeats, splitSeed, seed, metric, targets, with }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var k = SweepOptions.Parse(parse.GetValue(kind)!);
            if (k != SweepKind.Missing && (parse.GetValue(targets) != null || parse.GetValue(with) is { Length: > 0 }))
                throw new ArgumentException("--targets and --with belong to the missing sweep (medley sweep missing ...).");
            var config = options.Resolve(parse);
            var spec = options.RequireSpec(parse, config);
            var values = parse.GetValue(levels) is { } text ? ParseLevels(text) : SweepOptions.DefaultLevels(k);
            var outDir = parse.GetValue(output) ?? Path.Combine("runs", $"sweep-{SweepOptions.Name(k)}-{DateTime.Now:yyyyMMdd-HHmmss}");
            var splits = CrossValidation.Splits(spec, parse.GetValue(splitSeed), parse.GetValue(folds), parse.GetValue(repeats));
            var sweep = SweepRunner.Run(spec, config, outDir, splits,
                new SweepOptions(k, values)
                {
                    Metric = parse.GetValue(metric) ?? SweepOptions.DefaultMetric(k),
                    CorruptionSeed = parse.GetValue(seed),
                    Targets = parse.GetValue(targets)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    Variants = parse.GetValue(with) is { Length: > 0 } w ? w.Select(ConfigVariant.Parse).ToList() : null,
                },
                title => new TrainerHooks { Progress = new PlainProgress(Console.Out), Title = title });
            var sweeps = sweep["targets"] is JsonObject perTarget
                ? perTarget.Select(kv => ($" {kv.Key}", (JsonObject)kv.Value!)).ToList()
                : [("", sweep)];
            foreach (var (target, one) in sweeps)
                foreach (var (method, points) in (JsonObject)one["results"]!)
                    foreach (var p in (JsonArray)points!)
                        Console.WriteLine(FormattableString.Invariant(
                            $"{method} {SweepOptions.Name(k)}{target} {p!["value"]!.GetValue<double>():0.###}: {one["metric"]} {p["metric"]!.GetValue<double>():F4}{(p["std"] is { } s ? $" ± {s.GetValue<double>():F4}" : "")}"));
            RunReport.Write(outDir);
            Console.WriteLine($"results: {outDir} (report.html)");
            return 0;
        });
        return command;
    }

    internal static IReadOnlyList<double> ParseLevels(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
                ? v : throw new ArgumentException($"--levels: '{t}' is not a number (e.g. --levels 0,0.1,0.2,0.3,0.4)."))
            .ToList();
}
