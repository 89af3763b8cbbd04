using System.CommandLine;
using Medley.Training;

namespace Medley.Cli;

/// <summary>`medley predict --model RUN --manifest M.csv --out preds.csv`: class probabilities per sample, written atomically.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A finished run directory.", Required = true };
        var manifest = new Option<string>("--manifest") { Description = "CSV with the run's spec columns (labels not needed).", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write the predictions CSV.", Required = true };
        var command = new Command("predict", "Predict class probabilities for the samples of a manifest with a trained model.") { model, manifest, output };
        command.SetAction(parse =>
        {
            using var run = SavedRun.Load(parse.GetValue(model)!);
            var predictions = run.Predict(parse.GetValue(manifest)!);
            var path = parse.GetValue(output)!;
            AtomicFile.WriteAllText(path, RunEvaluation.PredictionsCsv(predictions, withLabels: false));
            Console.WriteLine($"wrote {predictions.Count} predictions to {path}");
            return 0;
        });
        return command;
    }
}
