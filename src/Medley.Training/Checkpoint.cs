using System.Globalization;
using Medley.Torch;
using Medley.Torch.NN;
using Medley.Torch.Optim;
using Medley.Torch.Serialization;

namespace Medley.Training;

/// <summary>Where training stood at the end of an epoch: what `--resume` needs besides the weights.</summary>
public sealed record TrainingState(int Epoch, double? BestMetric, int BestEpoch, int EpochsWithoutImprovement, int Seed, string Metric)
{
    private const string StrategyPrefix = "strategy.";

    /// <summary>The training strategy's own state (<see cref="ITrainingStrategy.SaveState"/>), stored as "strategy.*" metadata.</summary>
    public IReadOnlyDictionary<string, string> Strategy { get; init; } = new Dictionary<string, string>();

    public Dictionary<string, string> ToMetadata()
    {
        var meta = Core();
        foreach (var (k, v) in Strategy) meta[StrategyPrefix + k] = v;
        return meta;
    }

    private Dictionary<string, string> Core() => new()
    {
        ["epoch"] = Epoch.ToString(CultureInfo.InvariantCulture),
        ["best_metric"] = BestMetric?.ToString("R", CultureInfo.InvariantCulture) ?? "",
        ["best_epoch"] = BestEpoch.ToString(CultureInfo.InvariantCulture),
        ["epochs_without_improvement"] = EpochsWithoutImprovement.ToString(CultureInfo.InvariantCulture),
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
        ["metric"] = Metric,
        // The engine's generator is reseeded from (seed, epoch) at every epoch start, so this is its whole state.
        ["rng_state"] = $"reseeded per epoch from seed {Seed}; next epoch {Epoch + 1}",
    };

    public static TrainingState FromMetadata(IReadOnlyDictionary<string, string> meta, string path)
    {
        string Get(string key) => meta.TryGetValue(key, out var v)
            ? v
            : throw new InvalidDataException($"{path}: the checkpoint has no '{key}' metadata; it was not written by `medley train` (cannot resume from it).");
        int Int(string key) => int.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new InvalidDataException($"{path}: metadata '{key}' is not an integer.");
        var best = Get("best_metric");
        return new TrainingState(Int("epoch"), best.Length == 0 ? null : double.Parse(best, CultureInfo.InvariantCulture),
            Int("best_epoch"), Int("epochs_without_improvement"), Int("seed"), Get("metric"))
        {
            Strategy = meta.Where(kv => kv.Key.StartsWith(StrategyPrefix, StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[StrategyPrefix.Length..], kv => kv.Value),
        };
    }
}

/// <summary>
/// Checkpoints as safetensors, written atomically: the model's state dict under its own names, the optimiser's
/// (for `last`) under "optimizer.*", and the training state in the metadata.
/// </summary>
public static class Checkpoint
{
    public const string OptimizerPrefix = "optimizer.";

    public static void Save(string path, Module model, Optimizer? optimizer, TrainingState state)
    {
        using var scope = DisposeScope.Enter();
        var tensors = new Dictionary<string, Tensor>(model.StateDict());
        if (optimizer != null)
            foreach (var (k, v) in optimizer.StateDict()) tensors[OptimizerPrefix + k] = v;
        AtomicFile.Write(path, tmp => SafeTensors.Save(tmp, tensors, state.ToMetadata()));
    }

    /// <summary>Loads the model weights (and the optimiser's state when given) and returns the training state.</summary>
    public static TrainingState Load(string path, Module model, Optimizer? optimizer)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no checkpoint at {path} (nothing to resume or load).");
        using var scope = DisposeScope.Enter();
        var tensors = SafeTensors.Load(path, out var metadata);
        var weights = tensors.Where(kv => !kv.Key.StartsWith(OptimizerPrefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value);
        try
        {
            model.LoadStateDict(weights);
        }
        catch (StateDictException e)
        {
            throw new InvalidDataException($"{path}: the checkpoint does not fit the model built from the run's config: {e.Message}");
        }
        if (optimizer != null)
        {
            var opt = tensors.Where(kv => kv.Key.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[OptimizerPrefix.Length..], kv => kv.Value);
            if (opt.Count == 0) throw new InvalidDataException($"{path}: the checkpoint holds no optimiser state (only `last` checkpoints can be resumed).");
            optimizer.LoadStateDict(opt);
        }
        return TrainingState.FromMetadata(metadata, path);
    }
}
