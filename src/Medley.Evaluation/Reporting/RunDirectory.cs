using System.Text.RegularExpressions;

namespace Medley.Evaluation.Reporting;

/// <summary>
/// Everything a run directory holds (docs/runs.md), loaded once. Optional files that are absent are null/empty and
/// listed in <see cref="Missing"/>; a file that exists but cannot be read throws an <see cref="InvalidDataException"/>
/// naming it.
/// </summary>
public sealed partial class RunDirectory
{
    public required string Path { get; init; }
    public string Name => System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(Path));
    public RunConfig? Config { get; init; }
    public TrainingLog? Log { get; init; }
    public RunMetrics? Metrics { get; init; }
    public Predictions? Predictions { get; init; }
    public CvMetrics? Cv { get; init; }
    public Comparison? Comparison { get; init; }
    /// <summary>compare.json of `medley compare` (methods × modality combinations).</summary>
    public ModalityCompare? ModalityCompare { get; init; }
    /// <summary>imputation.safetensors: per modality "&lt;m&gt;.original" and "&lt;m&gt;.imputed" test embeddings.</summary>
    public IReadOnlyDictionary<string, FeatureTensor>? Imputation { get; init; }
    /// <summary>sweep.json and any sweep_*.json, in file-name order.</summary>
    public IReadOnlyList<Sweep> Sweeps { get; init; } = [];
    public IReadOnlyDictionary<string, FeatureTensor>? Features { get; init; }
    /// <summary>The per-fold single-run directories r{R}_f{K}, ordered by repeat then fold.</summary>
    public IReadOnlyList<(int Repeat, int Fold, RunDirectory Run)> Folds { get; init; } = [];
    /// <summary>Names of the optional files that are absent here.</summary>
    public IReadOnlyList<string> Missing { get; init; } = [];

    /// <summary>The method name: metrics.json, else the config, else comparison's reference.</summary>
    public string? Method => Metrics?.Method ?? Config?.Find("method") ?? Config?.Find("name") ?? Folds.Select(f => f.Run.Method).FirstOrDefault(m => m != null);

    /// <summary>Test-set features: this directory's, else the first fold's.</summary>
    public IReadOnlyDictionary<string, FeatureTensor>? AnyFeatures => Features ?? Folds.Select(f => f.Run.Features).FirstOrDefault(x => x != null);

    /// <summary>Original vs imputed embeddings: this directory's, else the first fold's.</summary>
    public IReadOnlyDictionary<string, FeatureTensor>? AnyImputation => Imputation ?? Folds.Select(f => f.Run.Imputation).FirstOrDefault(x => x != null);

    [GeneratedRegex(@"^r(\d+)_f(\d+)$")]
    private static partial Regex FoldDirectory();

    public static RunDirectory Load(string path)
    {
        if (!Directory.Exists(path)) throw new DirectoryNotFoundException($"run directory '{path}' does not exist.");
        var missing = new List<string>();
        T? Optional<T>(string file, Func<string, T> read) where T : class
        {
            var full = System.IO.Path.Combine(path, file);
            if (File.Exists(full)) return read(full);
            missing.Add(file);
            return null;
        }

        var folds = new List<(int, int, RunDirectory)>();
        foreach (var dir in Directory.GetDirectories(path))
        {
            var m = FoldDirectory().Match(System.IO.Path.GetFileName(dir));
            if (m.Success) folds.Add((int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), Load(dir)));
        }
        folds.Sort((a, b) => a.Item1 != b.Item1 ? a.Item1.CompareTo(b.Item1) : a.Item2.CompareTo(b.Item2));

        var sweeps = Directory.GetFiles(path, "sweep*.json")
            .Where(f => System.IO.Path.GetFileName(f) is var n && (n == "sweep.json" || n.StartsWith("sweep_", StringComparison.Ordinal)))
            .OrderBy(f => f, StringComparer.Ordinal).Select(Sweep.Read).ToList();
        if (sweeps.Count == 0) missing.Add("sweep.json");

        var run = new RunDirectory
        {
            Path = path,
            Config = Optional("config.yaml", RunConfig.Read),
            Log = Optional("log.csv", TrainingLog.Read),
            Metrics = Optional("metrics.json", RunMetrics.Read),
            Predictions = Optional("predictions.csv", Reporting.Predictions.Read),
            Cv = Optional("cv_metrics.json", CvMetrics.Read),
            Comparison = Optional("comparison.json", Reporting.Comparison.Read),
            Features = Optional("features.safetensors", FeatureFile.Read),
            ModalityCompare = Optional("compare.json", Reporting.ModalityCompare.Read),
            Imputation = Optional("imputation.safetensors", FeatureFile.Read),
            Sweeps = sweeps,
            Folds = folds,
            Missing = missing,
        };
        if (run.Log is null && run.Metrics is null && run.Predictions is null && run.Cv is null && run.Comparison is null
            && sweeps.Count == 0 && run.Features is null && folds.Count == 0 && run.ModalityCompare is null)
            throw new InvalidDataException($"{path}: not a run directory (none of log.csv, metrics.json, predictions.csv, cv_metrics.json, comparison.json, compare.json, sweep.json, features.safetensors or r<R>_f<K>/ folders is there).");
        return run;
    }
}
