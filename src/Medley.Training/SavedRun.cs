using System.Text.Json;
using System.Text.Json.Nodes;
using Medley.Data.Datasets;
using Medley.Data.Problems;
using Medley.Data.Spec;
using Medley.Models;
using Medley.Models.Methods;

namespace Medley.Training;

/// <summary>
/// A finished run loaded for inference: the model rebuilt from config.yaml with checkpoints/best.safetensors, the
/// preprocessing fitted on its training part, its input binding and classes. Applies to other datasets whose
/// modalities feed the same model inputs (preprocessing is carried over input by input).
/// </summary>
public sealed class SavedRun : IDisposable
{
    public string Dir { get; }
    public RunConfig Config { get; }
    public MedleyModel Model { get; }
    public TaskKind Task { get; }
    public IReadOnlyList<string> Classes { get; }
    private readonly Dictionary<string, string> _preprocessing;

    private SavedRun(string dir, RunConfig config, MedleyModel model, TaskKind task, IReadOnlyList<string> classes, Dictionary<string, string> pre)
    {
        (Dir, Config, Model, Task, Classes, _preprocessing) = (dir, config, model, task, classes, pre);
    }

    public static SavedRun Load(string dir)
    {
        var configPath = Path.Combine(dir, "config.yaml");
        if (!File.Exists(configPath)) throw new FileNotFoundException($"{dir} is not a run directory (no config.yaml).");
        var best = Trainer.BestCheckpoint(dir);
        if (!File.Exists(best)) throw new FileNotFoundException($"{dir} has no trained model (checkpoints/best.safetensors); finish training it first.");
        var config = RunConfig.Load(configPath);
        if (config.Method == null || config.Task == null || config.Classes == null)
            throw new InvalidDataException($"{configPath}: method, task or classes missing; it was not written by a medley run.");
        if (!KindNames.TryParseTask(config.Task, out var task)) throw new InvalidDataException($"{configPath}: unknown task '{config.Task}'.");
        var model = MethodRegistry.Create(config.Method, config.Model);
        try
        {
            Checkpoint.Load(best, model, null);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.Eval();
        var prePath = Path.Combine(dir, "preprocessing.json");
        var pre = File.Exists(prePath) ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(prePath)) ?? new() : new();
        return new SavedRun(dir, config, model, task, config.Classes, pre);
    }

    /// <summary>Binds a dataset's modalities to the model's inputs and loads the run's preprocessing into them.</summary>
    public InputBinding Prepare(MultimodalDataset dataset)
    {
        var binding = InputBinding.Resolve(dataset.Spec, Config.Spec != null && SameSpec(dataset.Spec) ? Config.Inputs : new Dictionary<string, object?>());
        binding.Require(Model.Modalities, Config.Method!, dataset.Spec);
        binding.CheckReaders(dataset);
        var state = new Dictionary<string, string>();
        foreach (var (input, modality) in binding.Map)
        {
            var trained = Config.Inputs.TryGetValue(input, out var m) ? m?.ToString() : input;
            if (trained != null && _preprocessing.TryGetValue(trained, out var json)) state[modality] = json;
        }
        dataset.LoadPreprocessing(state);
        return binding;
    }

    private bool SameSpec(DatasetSpec spec) => Path.GetFullPath(spec.SpecPath) == Path.GetFullPath(Config.Spec!);

    /// <summary>Evaluates on every labelled row of a dataset (e.g. another site) into outDir: metrics.json, predictions.csv.</summary>
    public JsonObject Evaluate(string specPath, string outDir, EvaluationOptions? options = null)
    {
        var dataset = MultimodalDataset.Open(specPath);
        if (!dataset.Labels.ClassNames.SequenceEqual(Classes))
            throw new ArgumentException($"{specPath}: its classes [{string.Join(", ", dataset.Labels.ClassNames)}] differ from the model's [{string.Join(", ", Classes)}]; list `classes:` in the spec's label in the model's order.");
        var binding = Prepare(dataset);
        var source = TrainRun.Loader(dataset, Enumerable.Range(0, dataset.Count).ToArray(), new TrainingOptions { BatchSize = 32, Workers = 0 }, train: false);
        var o = options ?? new EvaluationOptions { LatencyRuns = 0 };
        var predictions = Predictor.Run(Model, binding, Task, Classes, source, collectFeatures: o.SaveFeatures);
        var metrics = RunEvaluation.MetricsJson(predictions, Config.Method!, o.CalibrationBins);
        metrics["model"] = Path.GetFullPath(Dir);
        metrics["spec"] = Path.GetFullPath(specPath);
        Directory.CreateDirectory(outDir);
        RunEvaluation.Write(outDir, metrics, predictions, o.SaveFeatures);
        return metrics;
    }

    /// <summary>Probabilities for the samples of a manifest read with the run's spec (labels and groups not needed).</summary>
    public Predictions Predict(string manifestPath)
    {
        if (Config.Spec == null || !File.Exists(Config.Spec))
            throw new FileNotFoundException($"the run's dataset spec {Config.Spec} is gone; predict reads the manifest with it.");
        if (!File.Exists(manifestPath)) throw new FileNotFoundException($"manifest not found: {manifestPath}");
        var spec = DatasetSpec.Load(Config.Spec) with { ManifestPath = Path.GetFullPath(manifestPath) };
        spec = spec with { GroupIdColumn = spec.SampleIdColumn };
        var problems = new ProblemList();
        var dataset = MultimodalDataset.Open(spec, problems);
        // Labels are unknown at prediction time: only problems outside the label columns count.
        var errors = problems.Items.Where(p => p.Severity == Severity.Error && (p.Column == null || !spec.Label.Columns.Contains(p.Column))).ToList();
        if (dataset == null || errors.Count > 0) throw new DataException(errors.Count > 0 ? errors : problems.Items.ToList());
        var binding = Prepare(dataset);
        var source = TrainRun.Loader(dataset, Enumerable.Range(0, dataset.Count).ToArray(), new TrainingOptions { BatchSize = 32, Workers = 0 }, train: false);
        return Predictor.Run(Model, binding, Task, Classes, source, computeLoss: false);
    }

    public void Dispose() => Model.Dispose();
}
