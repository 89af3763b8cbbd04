using System.Text.Json;
using System.Text.Json.Nodes;
using Medley.Data.Batching;
using Medley.Data.Datasets;
using Medley.Data.Spec;
using Medley.Data.Splits;
using Medley.Models;
using Medley.Models.Methods;
using Medley.Torch;

namespace Medley.Training;

/// <summary>What a training run produced: the test metrics (null when interrupted) and the training summary.</summary>
public sealed record RunOutcome(string RunDir, JsonObject? Metrics, TrainingResult Training);

/// <summary>Options of one run beyond its config: where, resume, a split given by a CV runner, progress and hooks.</summary>
public sealed record RunRequest(string SpecPath, RunConfig Config, string RunDir)
{
    public bool Resume { get; init; }
    /// <summary>The split to use (a CV fold); null = a 7:2:1 hold-out made from the training seed.</summary>
    public (SplitFile File, string Name)? Split { get; init; }
    public TrainerHooks Hooks { get; init; } = new();
    public ITrainingStrategy? Strategy { get; init; }
    /// <summary>Called after the test evaluation with the trained model (best weights) while it is still alive: experiments
    /// (robustness sweeps) evaluate the same model again on corrupted test inputs.</summary>
    public Action<TrainedRun>? AfterEvaluation { get; init; }
}

/// <summary>A finished run's model and data, handed to <see cref="RunRequest.AfterEvaluation"/>.</summary>
public sealed record TrainedRun(TrainRun.Prepared Prepared, MedleyModel Model, int[] TestRows, JsonObject Metrics);

/// <summary>
/// One complete training run into a run directory (docs/runs.md): opens the dataset, makes or takes the split, fits
/// preprocessing on the training part, builds the method with its dataset-derived keys, trains, evaluates on the test
/// part, and writes config.yaml, split.json, preprocessing.json, log.csv, checkpoints, metrics.json, predictions.csv.
/// Everything a user can get wrong is checked before the run directory is created.
/// </summary>
public static class TrainRun
{
    public static RunOutcome Run(RunRequest request)
    {
        var prepared = Prepare(request);
        using var model = prepared.Model;
        var runDir = request.RunDir;
        var created = !Directory.Exists(runDir);
        if (!request.Resume && File.Exists(Path.Combine(runDir, "metrics.json")))
            throw new ArgumentException($"{runDir} already holds a finished run (metrics.json); choose another --out or delete it.");
        if (!request.Resume && File.Exists(Trainer.LastCheckpoint(runDir)))
            throw new ArgumentException($"{runDir} holds an unfinished run; continue it with --resume, or choose another --out.");
        if (request.Resume && !File.Exists(Trainer.LastCheckpoint(runDir)))
            throw new ArgumentException($"--resume: {runDir} has no checkpoints/last.safetensors to resume from.");
        Directory.CreateDirectory(runDir);
        try
        {
            AtomicFile.WriteAllText(Path.Combine(runDir, "config.yaml"), prepared.Resolved.ToYaml());
            AtomicFile.Write(Path.Combine(runDir, "split.json"), tmp => prepared.SplitFile.Save(tmp));
            AtomicFile.WriteAllText(Path.Combine(runDir, "preprocessing.json"),
                JsonSerializer.Serialize(prepared.Dataset.SavePreprocessing(), new JsonSerializerOptions { WriteIndented = true }));

            var o = prepared.Training;
            var trainer = new Trainer(model, o, prepared.Inputs, prepared.Task, prepared.Classes,
                request.Strategy ?? Strategies.StrategyRegistry.For(prepared.Method, model));
            var trainLoader = Source(prepared, prepared.Split.Train, train: true);
            var valLoader = prepared.Split.Validation.Length > 0 ? Source(prepared, prepared.Split.Validation, train: false) : null;
            var result = trainer.Fit(trainLoader, valLoader, runDir, request.Resume, request.Hooks);
            if (result.Interrupted) return new RunOutcome(runDir, null, result);
            var testRows = prepared.Split.Test.Length > 0 ? prepared.Split.Test : prepared.Split.Validation;
            var test = Source(prepared, testRows, train: false);
            var metrics = RunEvaluation.Evaluate(model, prepared.Inputs, test, prepared.Method, prepared.Task, prepared.Classes,
                prepared.Evaluation, runDir, result);
            if (prepared.Evaluation.SaveFeatures) Experiments.ImputationProbe.Write(prepared, model, testRows, runDir);
            request.AfterEvaluation?.Invoke(new TrainedRun(prepared, model, testRows, metrics));
            return new RunOutcome(runDir, metrics, result);
        }
        catch
        {
            // A run that failed before its first epoch finished leaves nothing behind.
            if (created && !File.Exists(Trainer.LastCheckpoint(runDir)))
                try { Directory.Delete(runDir, recursive: true); } catch (IOException) { }
            throw;
        }
    }

    public static IBatchSource Loader(MultimodalDataset dataset, int[] rows, TrainingOptions o, bool train) =>
        new LoaderSource(new DataLoader(dataset, rows, new DataLoaderOptions
        {
            BatchSize = o.BatchSize,
            Shuffle = train,
            Seed = o.Seed,
            Augment = train && o.Augment,
            Workers = o.Workers,
        }));

    /// <summary>A part's batches as the run sees them: the loader, with training.missing's modalities removed when set.</summary>
    public static IBatchSource Source(Prepared p, int[] rows, bool train)
    {
        var loader = Loader(p.Dataset, rows, p.Training, train);
        return p.Missing is { } missing ? missing.Apply(loader, Experiments.MissingInjection.UsedModalities(p.Inputs, p.Model.Modalities)) : loader;
    }

    /// <summary>Everything a run needs, checked: dataset, split, fitted preprocessing, bound inputs, the model.</summary>
    public sealed record Prepared(string Method, MultimodalDataset Dataset, SplitFile SplitFile, SplitIndices Split, InputBinding Inputs,
        TaskKind Task, IReadOnlyList<string> Classes, TrainingOptions Training, EvaluationOptions Evaluation, MedleyModel Model, RunConfig Resolved)
    {
        /// <summary>training.missing, parsed and checked against the spec; null when not set.</summary>
        public Experiments.MissingInjection? Missing { get; init; }
    }

    public static Prepared Prepare(RunRequest request)
    {
        var config = request.Config;
        var method = config.Method ?? throw new ArgumentException("no method given: pass --method NAME (see `medley methods`) or set `method:` in the config file.");
        var info = MethodRegistry.Get(method);
        var training = ConfigBinder.Bind<TrainingOptions>(config.Training, "training");
        training.Validate();
        var evaluation = ConfigBinder.Bind<EvaluationOptions>(config.Evaluation, "evaluation");
        evaluation.Validate();
        var dataset = MultimodalDataset.Open(request.SpecPath);
        var missing = Experiments.MissingInjection.Parse(training.Missing, training.MissingSeed, dataset.Spec);

        SplitFile splitFile;
        string splitName;
        var savedSplit = Path.Combine(request.RunDir, "split.json");
        if (request.Resume && File.Exists(savedSplit))
        {
            splitFile = SplitFile.Load(savedSplit);
            splitName = config.Split ?? splitFile.Splits[0].Name;
        }
        else if (request.Split is { } given) (splitFile, splitName) = given;
        else
        {
            splitFile = Splitter.HoldOut(dataset, training.Seed);
            splitName = splitFile.Splits[0].Name;
        }
        var split = splitFile.Resolve(splitName, dataset);
        CheckClasses(dataset, split);
        dataset.Fit(split.Train);

        var inputs = InputBinding.Resolve(dataset.Spec, config.Inputs);
        inputs.CheckReaders(dataset);
        var task = dataset.Labels.Task;
        var classes = dataset.Labels.ClassNames;
        var modelValues = new Dictionary<string, object?>(config.Model, StringComparer.Ordinal);
        var derived = new Dictionary<string, object?> { ["num_classes"] = classes.Count };
        using (var sample = Collator.Collate(dataset, split.Train.Take(1).ToList()))
        {
            foreach (var (k, v) in inputs.DerivedKeys(sample)) derived[k] = v;
            if (info.ConfigKeys.Contains("modality_shapes")) derived["modality_shapes"] = ModalityShapes.Derive(dataset, sample);
            derived["task"] = task.Name();
        }
        foreach (var (k, v) in derived)
            if (info.ConfigKeys.Contains(k)) modelValues[k] = v;

        Engine.ManualSeed(Trainer.EpochSeed(training.Seed, 0));
        var model = MethodRegistry.Create(method, modelValues);
        try
        {
            inputs.Require(model.Modalities, method, dataset.Spec);
            if (model.NumClasses != classes.Count)
                throw new ArgumentException($"method '{method}' was built for {model.NumClasses} classes but the dataset has {classes.Count}.");
        }
        catch
        {
            model.Dispose();
            throw;
        }

        var resolved = new RunConfig
        {
            Method = method,
            Spec = Path.GetFullPath(request.SpecPath),
            Split = splitName,
            Task = task.Name(),
            Classes = classes.ToList(),
        };
        foreach (var (k, v) in ConfigValues.OfModel(model) ?? modelValues) resolved.Model[k] = v;
        foreach (var (k, v) in ConfigValues.Of(training)) resolved.Training[k] = v;
        foreach (var (k, v) in ConfigValues.Of(evaluation)) resolved.Evaluation[k] = v;
        foreach (var (k, v) in inputs.Map.Where(kv => model.Modalities.Contains(kv.Key))) resolved.Inputs[k] = v;
        return new Prepared(method, dataset, splitFile, split, inputs, task, classes, training, evaluation, model, resolved) { Missing = missing };
    }

    /// <summary>Every class must occur in the training part, or the model can never learn it.</summary>
    private static void CheckClasses(MultimodalDataset dataset, SplitIndices split)
    {
        if (split.Train.Length == 0) throw new ArgumentException($"split '{split.Name}' has an empty training part.");
        var counts = dataset.Labels.Counts(split.Train);
        var empty = Enumerable.Range(0, counts.Length).Where(c => counts[c] == 0).Select(c => dataset.Labels.ClassNames[c]).ToList();
        if (empty.Count > 0)
            throw new ArgumentException(
                $"class{(empty.Count > 1 ? "es" : "")} {string.Join(", ", empty.Select(e => $"'{e}'"))} ha{(empty.Count > 1 ? "ve" : "s")} no sample in the training part of split '{split.Name}'; " +
                "add samples of it, merge or drop the class in the spec's label classes, or use fewer folds.");
    }
}
