using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Medley.Data.Datasets;
using Medley.Data.Splits;
using Medley.Evaluation.Reporting;
using Medley.Models.Methods;
using Medley.Models.Methods.CmapFusion;
using Medley.Torch;
using Medley.Training;

namespace Medley.Cli;

/// <summary>
/// `medley prune --model RUN --out RUN_PRUNED [--threshold 0.01]`: structured pruning of a trained CMAP-Fusion run
/// (METHODS.md §1.3). Counts how often SmartTrim keeps each feature dim on the run's training part, removes the dims
/// kept in fewer than --threshold of the samples (CmapFusionPruning), evaluates the pruned and the original model on
/// the same test part in this process (so latencies are comparable), and writes a run directory whose metrics.json has
/// the pruned model's test metrics and `efficiency`, plus `efficiency_unpruned`, `test_unpruned` and `pruning`.
/// With --finetune-epochs N (default 3) the pruned model is fine-tuned on the training part first (log.csv then holds
/// the fine-tuning epochs). The pruned run loads like any other (config.yaml with image_keep/lab_keep, checkpoints/best.safetensors).
/// </summary>
internal static class PruneCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A finished cmap-fusion run directory (medley train / a cv fold).", Required = true };
        var output = new Option<string>("--out") { Description = "Directory for the pruned run.", Required = true };
        var threshold = new Option<double>("--threshold")
        {
            Description = "Remove dims SmartTrim kept in fewer than this fraction of the training samples.", DefaultValueFactory = _ => 0.01,
        };
        var finetune = new Option<int>("--finetune-epochs")
        {
            Description = "Epochs of fine-tuning the pruned model on the run's training part (learning rate a tenth of the run's; 0 = none).",
            DefaultValueFactory = _ => 3,
        };
        var command = new Command("prune", "Structured pruning of a trained CMAP-Fusion run: remove the feature dims SmartTrim (almost) never keeps; evaluate before/after.")
        {
            model, output, threshold, finetune,
        };
        command.SetAction(parse =>
        {
            var result = Prune(parse.GetValue(model)!, parse.GetValue(output)!, parse.GetValue(threshold), parse.GetValue(finetune));
            Print(result);
            return 0;
        });
        return command;
    }

    /// <summary>What pruning did, for the console and the tests.</summary>
    internal sealed record PruneResult(string OutDir, PruningReport Report, JsonObject TestPruned, JsonObject TestUnpruned,
        JsonObject EfficiencyPruned, JsonObject EfficiencyUnpruned);

    internal static PruneResult Prune(string runDir, string outDir, double threshold, int finetuneEpochs = 3)
    {
        if (finetuneEpochs < 0) throw new ArgumentException($"--finetune-epochs must be 0 or more, got {finetuneEpochs}.");
        if (threshold < 0 || threshold > 1) throw new ArgumentException($"--threshold must be in [0, 1], got {threshold.ToString(CultureInfo.InvariantCulture)}.");
        if (File.Exists(Path.Combine(outDir, "metrics.json")))
            throw new ArgumentException($"{outDir} already holds a finished run (metrics.json); choose another --out.");
        if (Path.GetFullPath(outDir) == Path.GetFullPath(runDir)) throw new ArgumentException("--out must differ from --model (the original run stays as it is).");
        using var saved = SavedRun.Load(runDir);
        if (saved.Model is not CmapFusionModel original)
            throw new ArgumentException($"{runDir} is a '{saved.Config.Method}' run; structured pruning applies to cmap-fusion runs.");
        if (original.SmartTrim == null)
            throw new ArgumentException($"{runDir} was trained without SmartTrim (use_smart_trim=false): there are no masks to prune by.");
        var spec = saved.Config.Spec ?? throw new InvalidDataException($"{runDir}/config.yaml names no dataset spec.");
        if (!File.Exists(spec)) throw new FileNotFoundException($"the run's dataset spec {spec} is gone; pruning needs its training and test parts.");
        var splitPath = Path.Combine(runDir, "split.json");
        if (!File.Exists(splitPath)) throw new FileNotFoundException($"{runDir} has no split.json; pruning needs the run's training and test parts.");

        var dataset = MultimodalDataset.Open(spec);
        var splitFile = SplitFile.Load(splitPath);
        var split = splitFile.Resolve(saved.Config.Split ?? splitFile.Splits[0].Name, dataset);
        var binding = saved.Prepare(dataset);
        var loading = new TrainingOptions { BatchSize = 32, Workers = 0 };
        var evaluation = ConfigBinder.Bind<EvaluationOptions>(saved.Config.Evaluation, "evaluation");
        if (evaluation.LatencyRuns == 0) evaluation = evaluation with { LatencyRuns = 20 };   // before/after latency is the point

        // Keep rates on the training part (never the test part: pruning decisions must not see it).
        var usage = new MaskUsage();
        original.Eval();
        using (Engine.NoGrad())
            foreach (var batch in TrainRun.Loader(dataset, split.Train, loading, train: false).Epoch(0))
            {
                using var owned = batch;
                using var scope = DisposeScope.Enter();
                var output = original.Forward(binding.Inputs(batch));
                usage.Add(output.Feature("mask"), output.Feature("S"), output.Feature("F_cat"));
            }
        var (pruned, report) = CmapFusionPruning.Prune(original, usage, threshold);
        using var _ = pruned;
        pruned.Eval();

        var testRows = split.Test.Length > 0 ? split.Test : split.Validation;
        IBatchSource Test() => TrainRun.Loader(dataset, testRows, loading, train: false);
        var unprunedPredictions = Predictor.Run(original, binding, saved.Task, saved.Classes, Test());
        var unprunedMetrics = RunEvaluation.MetricsJson(unprunedPredictions, saved.Config.Method!, evaluation.CalibrationBins);

        Directory.CreateDirectory(outDir);
        try
        {
            var prunedConfig = saved.Config.Clone();
            prunedConfig.Model["image_keep"] = report.ImageKeep;
            prunedConfig.Model["lab_keep"] = report.LabKeep;
            prunedConfig.Model["removed_importance"] = pruned.Config.RemovedImportance;
            prunedConfig.Model["pretrained_vit"] = null;
            AtomicFile.WriteAllText(Path.Combine(outDir, "config.yaml"), prunedConfig.ToYaml());
            File.Copy(splitPath, Path.Combine(outDir, "split.json"), overwrite: true);
            // log.csv: the original's training curves, unless the fine-tune writes its own.
            foreach (var f in finetuneEpochs > 0 ? new[] { "preprocessing.json" } : new[] { "preprocessing.json", "log.csv" })
                if (File.Exists(Path.Combine(runDir, f))) File.Copy(Path.Combine(runDir, f), Path.Combine(outDir, f), overwrite: true);
            Directory.CreateDirectory(Path.Combine(outDir, "checkpoints"));
            if (finetuneEpochs > 0)
            {
                // Pruning replaces the removed features by their means in SmartTrim's score; a short fine-tune at a
                // small learning rate lets the kept weights absorb the difference. Fit leaves the best epoch's weights.
                var o = ConfigBinder.Bind<TrainingOptions>(saved.Config.Training, "training");
                o = o with
                {
                    Epochs = finetuneEpochs, WarmupEpochs = 0, LearningRate = o.LearningRate / 10, FinalLearningRate = o.LearningRate / 100,
                    Patience = finetuneEpochs, Workers = 0,
                };
                pruned.Train();
                var trainer = new Trainer(pruned, o, binding, saved.Task, saved.Classes);
                var val = split.Validation.Length > 0 ? TrainRun.Loader(dataset, split.Validation, o, train: false) : null;
                trainer.Fit(TrainRun.Loader(dataset, split.Train, o, train: true), val, outDir,
                    hooks: new TrainerHooks { Progress = new PlainProgress(Console.Out), Title = "fine-tune" });
                pruned.Eval();
                File.Delete(Trainer.LastCheckpoint(outDir));   // optimiser state of the fine-tune: not needed to use the model
            }
            Checkpoint.Save(Trainer.BestCheckpoint(outDir), pruned, null, new TrainingState(0, null, 0, 0, 0, "pruned"));

            // Pruned first (writes metrics.json, predictions.csv, features), then the original's efficiency measured
            // the same way in the same process.
            var metrics = RunEvaluation.Evaluate(pruned, binding, Test(), saved.Config.Method!, saved.Task, saved.Classes, evaluation, outDir);
            using (var sample = FirstSample(Test(), binding))
                metrics["efficiency_unpruned"] = RunEvaluation.Efficiency(original, sample.Inputs, evaluation);
            metrics["test_unpruned"] = unprunedMetrics["test"]!.DeepClone();
            metrics["pruning"] = new JsonObject
            {
                ["source_run"] = Path.GetFullPath(runDir),
                ["threshold"] = threshold,
                ["finetune_epochs"] = finetuneEpochs,
                ["mask_samples"] = usage.Samples,
                ["image_dims"] = new JsonArray(report.ImageDimBefore, report.ImageKeep.Length),
                ["lab_dims"] = new JsonArray(report.LabDimBefore, report.LabKeep.Length),
                ["params"] = new JsonArray(report.ParametersBefore, report.ParametersAfter),
                ["image_keep"] = new JsonArray(report.ImageKeep.Select(i => (JsonNode)i).ToArray()),
                ["lab_keep"] = new JsonArray(report.LabKeep.Select(i => (JsonNode)i).ToArray()),
            };
            AtomicFile.WriteAllText(Path.Combine(outDir, "metrics.json"), metrics.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            RunReport.Write(outDir, options: new RunReportOptions { Title = $"{saved.Config.Method} pruned (threshold {threshold.ToString(CultureInfo.InvariantCulture)})" });
            return new PruneResult(outDir, report, (JsonObject)metrics["test"]!, (JsonObject)metrics["test_unpruned"]!,
                (JsonObject)metrics["efficiency"]!, (JsonObject)metrics["efficiency_unpruned"]!);
        }
        catch
        {
            // No partial run directory that looks finished.
            File.Delete(Path.Combine(outDir, "metrics.json"));
            throw;
        }
    }

    private sealed class Sample(Dictionary<string, Tensor> inputs) : IDisposable
    {
        public Dictionary<string, Tensor> Inputs { get; } = inputs;
        public void Dispose()
        {
            foreach (var t in Inputs.Values) t.Dispose();
        }
    }

    private static Sample FirstSample(IBatchSource source, InputBinding binding)
    {
        foreach (var batch in source.Epoch(0))
        {
            using var owned = batch;
            using var scope = DisposeScope.Enter();
            using var first = Tensor.From(new long[] { 0 });
            return new Sample(binding.Inputs(batch).ToDictionary(kv => kv.Key, kv => kv.Value.IndexSelect(0, first).DetachFromScope()));
        }
        throw new InvalidOperationException("the test part is empty.");
    }

    private static void Print(PruneResult r)
    {
        string F(JsonObject o, string k, string fmt) =>
            o[k] is JsonValue v ? double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture).ToString(fmt, CultureInfo.InvariantCulture) : "n/a";
        var rep = r.Report;
        Console.WriteLine($"kept {rep.ImageKeep.Length}/{rep.ImageDimBefore} image and {rep.LabKeep.Length}/{rep.LabDimBefore} lab feature dims " +
                          $"(threshold {rep.Threshold.ToString(CultureInfo.InvariantCulture)})");
        Console.WriteLine($"{"",-10} {"accuracy",9} {"params",10} {"FLOPs",12} {"ms (b=1)",9} {"ms (b=32)",9}");
        foreach (var (name, test, eff) in new[] { ("unpruned", r.TestUnpruned, r.EfficiencyUnpruned), ("pruned", r.TestPruned, r.EfficiencyPruned) })
            Console.WriteLine($"{name,-10} {F(test, "accuracy", "F4"),9} {F(eff, "params", "F0"),10} {F(eff, "flops", "G4"),12} " +
                              $"{F(eff, "latency_ms_b1", "F3"),9} {F(eff, "latency_ms_b32", "F3"),9}");
        Console.WriteLine($"pruned run: {r.OutDir} (report: {Path.Combine(r.OutDir, "report.html")})");
    }
}
