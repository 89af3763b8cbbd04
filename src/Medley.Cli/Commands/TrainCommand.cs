using System.CommandLine;
using System.Text.Json.Nodes;
using Medley.Training;

namespace Medley.Cli;

/// <summary>`medley train --spec S --method M [--config F] [--set k=v ...] [--out DIR] [--resume]`: one run directory (docs/runs.md).</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var options = new RunOptions();
        var output = new Option<string?>("--out") { Description = "Run directory (default runs/<method>-<time>)." };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from checkpoints/last.safetensors with its own config.yaml." };
        var command = new Command("train", "Train a method on a dataset (7:2:1 grouped split), evaluate it on the test part and write a run directory.");
        options.AddTo(command);
        command.Options.Add(output);
        command.Options.Add(resume);
        command.SetAction(parse =>
        {
            RunConfig config;
            string outDir;
            if (parse.GetValue(resume))
            {
                outDir = parse.GetValue(output) ?? throw new ArgumentException("--resume needs --out DIR (the run to continue).");
                var saved = Path.Combine(outDir, "config.yaml");
                if (!File.Exists(saved)) throw new ArgumentException($"--resume: {outDir} is not a run directory (no config.yaml).");
                if (parse.GetValue(options.Set) is { Length: > 0 } || parse.GetValue(options.Config) != null)
                    throw new ArgumentException("--resume continues with the run's own config.yaml; --config and --set cannot change it.");
                config = RunConfig.Load(saved);
            }
            else
            {
                config = options.Resolve(parse);
                outDir = parse.GetValue(output) ?? Path.Combine("runs", $"{config.Method}-{DateTime.Now:yyyyMMdd-HHmmss}");
            }
            var spec = options.RequireSpec(parse, config);
            RunOutcome outcome;
            using (var progress = ConsoleProgress.Create())
                outcome = TrainRun.Run(new RunRequest(spec, config, outDir)
                {
                    Resume = parse.GetValue(resume),
                    Hooks = new TrainerHooks { Progress = progress, Title = config.Method! },
                });
            Print(outcome);
            return 0;
        });
        return command;
    }

    internal static void Print(RunOutcome outcome)
    {
        var t = outcome.Training;
        Console.WriteLine($"trained {t.EpochsRun} epoch(s){(t.StoppedEarly ? " (early stop)" : "")}; best epoch {t.BestEpoch}" +
                          (t.BestMetric is { } b ? FormattableString.Invariant($" (val {t.Metric} {b:F4})") : ""));
        if (outcome.Metrics?["test"] is JsonObject test)
            Console.WriteLine("test: " + string.Join("  ", test.Where(kv => kv.Value is JsonValue)
                .Select(kv => FormattableString.Invariant($"{kv.Key} {kv.Value!.GetValue<double>():F4}"))));
        Console.WriteLine($"run directory: {outcome.RunDir}");
    }
}
