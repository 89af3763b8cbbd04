using System.CommandLine;
using System.Text.Json.Nodes;
using Medley.Training;

namespace Medley.Cli;

/// <summary>`medley eval --model RUN --spec S2 [--out DIR]`: a trained model on every sample of another dataset.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A finished run directory (its best checkpoint is used).", Required = true };
        var spec = new Option<string>("--spec") { Description = "The dataset spec to evaluate on (all its samples).", Required = true };
        var output = new Option<string?>("--out") { Description = "Where metrics.json and predictions.csv go (default RUN/eval-<spec name>)." };
        var command = new Command("eval", "Evaluate a trained model on another dataset (e.g. an external site) with the run's preprocessing.") { model, spec, output };
        command.SetAction(parse =>
        {
            var runDir = parse.GetValue(model)!;
            var specPath = parse.GetValue(spec)!;
            var outDir = parse.GetValue(output) ?? Path.Combine(runDir, "eval-" + Path.GetFileNameWithoutExtension(specPath));
            using var run = SavedRun.Load(runDir);
            var metrics = run.Evaluate(specPath, outDir);
            var test = (JsonObject)metrics["test"]!;
            Console.WriteLine($"{metrics["samples"]} samples: " + string.Join("  ", test.Where(kv => kv.Value is JsonValue)
                .Select(kv => FormattableString.Invariant($"{kv.Key} {kv.Value!.GetValue<double>():F4}"))));
            Console.WriteLine($"wrote {Path.Combine(outDir, "metrics.json")} and predictions.csv");
            return 0;
        });
        return command;
    }
}
