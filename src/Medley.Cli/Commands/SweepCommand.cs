using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Medley.Evaluation.Reporting;
using Medley.Training;
using Medley.Training.Experiments;

namespace Medley.Cli;

/// <summary>
/// `medley sweep noise|lab-mask|gamma --spec S --method M [--levels ...] [--folds K --repeats R] --out DIR`:
/// robustness to test-time image noise / lab masking (same trained models, every level) or γ sensitivity (retrained).
/// </summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var options = new RunOptions();
        var kind = new Argument<string>("kind") { Description = "noise (Gaussian image noise, std = level × the image's value range), lab-mask (fraction of lab entries set missing, then imputed) or gamma (SmartTrim threshold, retrained per value)." };
        var output = new Option<string?>("--out") { Description = "Output directory (default runs/sweep-<kind>-<time>)." };
        var levels = new Option<string?>("--levels") { Description = "Comma-separated levels (noise, lab-mask: 0,0.1,0.2,0.3,0.4; gamma: 0.1,0.2,0.3,0.4,0.5)." };
        var folds = new Option<int>("--folds") { Description = "k.", DefaultValueFactory = _ => 5 };
        var repeats = new Option<int>("--repeats") { Description = "Repeats with reshuffled folds.", DefaultValueFactory = _ => 1 };
        var splitSeed = new Option<int>("--split-seed") { Description = "Seed of the fold assignment.", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--corruption-seed") { Description = "Seed of the test-time noise / masking draws.", DefaultValueFactory = _ => 0 };
        var metric = new Option<string>("--metric") { Description = "Test metric plotted against the level.", DefaultValueFactory = _ => "accuracy" };
        var command = new Command("sweep", "Robustness (test-time image noise, lab masking) or SmartTrim γ sensitivity over cross-validation folds; sweep.json and report.html.");
        command.Arguments.Add(kind);
        options.AddTo(command);
        foreach (var o in new Option[] { output, levels, folds, repeats, splitSeed, seed, metric }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var k = SweepOptions.Parse(parse.GetValue(kind)!);
            var config = options.Resolve(parse);
            var spec = options.RequireSpec(parse, config);
            var values = parse.GetValue(levels) is { } text ? ParseLevels(text) : SweepOptions.DefaultLevels(k);
            var outDir = parse.GetValue(output) ?? Path.Combine("runs", $"sweep-{SweepOptions.Name(k)}-{DateTime.Now:yyyyMMdd-HHmmss}");
            var splits = CrossValidation.Splits(spec, parse.GetValue(splitSeed), parse.GetValue(folds), parse.GetValue(repeats));
            var sweep = SweepRunner.Run(spec, config, outDir, splits,
                new SweepOptions(k, values) { Metric = parse.GetValue(metric)!, CorruptionSeed = parse.GetValue(seed) },
                title => new TrainerHooks { Progress = new PlainProgress(Console.Out), Title = title });
            foreach (var (method, points) in (JsonObject)sweep["results"]!)
                foreach (var p in (JsonArray)points!)
                    Console.WriteLine(FormattableString.Invariant(
                        $"{method} {SweepOptions.Name(k)} {p!["value"]!.GetValue<double>():0.###}: {sweep["metric"]} {p["metric"]!.GetValue<double>():F4}{(p["std"] is { } s ? $" ± {s.GetValue<double>():F4}" : "")}"));
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
