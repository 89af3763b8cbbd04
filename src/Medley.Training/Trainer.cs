using System.Diagnostics;
using Medley.Data.Spec;
using Medley.Models;
using Medley.Torch;
using Medley.Torch.Optim;

namespace Medley.Training;

/// <summary>How a <see cref="Trainer.Fit"/> ended.</summary>
public sealed record TrainingResult(int EpochsRun, int BestEpoch, double? BestMetric, string Metric, bool StoppedEarly, bool Interrupted,
    IReadOnlyList<EpochRecord> Log);

/// <summary>Optional callbacks: progress output, and a hook that ends training after an epoch as if the process died there.</summary>
public sealed record TrainerHooks
{
    public ITrainingProgress Progress { get; init; } = SilentProgress.Instance;
    public string Title { get; init; } = "train";

    /// <summary>Return true to stop right after the epoch's checkpoint (tests use it to simulate a kill).</summary>
    public Func<EpochRecord, bool>? StopAfterEpoch { get; init; }
}

/// <summary>
/// The method-agnostic training loop (METHODS.md §1.7): AdamW, linear warm-up + cosine schedule per epoch or per step,
/// optional gradient clipping, validation every epoch, early stopping on a validation metric with patience,
/// checkpoints/best and checkpoints/last written atomically, log.csv, and exact resume from checkpoints/last.
/// Determinism: the engine generator is reseeded from (seed, epoch) at each epoch start and batch order depends only
/// on (seed, epoch), so the same seed gives the same run and a resumed run equals an uninterrupted one.
/// </summary>
public sealed class Trainer
{
    private readonly MedleyModel _model;
    private readonly TrainingOptions _options;
    private readonly InputBinding _inputs;
    private readonly TaskKind _task;
    private readonly IReadOnlyList<string> _classes;
    private readonly ITrainingStrategy _strategy;

    public Trainer(MedleyModel model, TrainingOptions options, InputBinding inputs, TaskKind task, IReadOnlyList<string> classes,
        ITrainingStrategy? strategy = null)
    {
        options.Validate();
        _model = model;
        _options = options;
        _inputs = inputs;
        _task = task;
        _classes = classes;
        _strategy = strategy ?? StandardStrategy.Instance;
    }

    public static string LastCheckpoint(string runDir) => Path.Combine(runDir, "checkpoints", "last.safetensors");
    public static string BestCheckpoint(string runDir) => Path.Combine(runDir, "checkpoints", "best.safetensors");

    /// <summary>Seed of the engine generator for an epoch (epoch 0: model initialisation).</summary>
    public static ulong EpochSeed(int seed, int epoch) => unchecked((ulong)(uint)seed * 1_000_003UL + (ulong)epoch * 7_919UL);

    /// <summary>
    /// Trains into <paramref name="runDir"/> (checkpoints/, log.csv). With <paramref name="resume"/>, continues from
    /// checkpoints/last.safetensors at the next epoch. When it returns, the model holds the best epoch's weights.
    /// </summary>
    public TrainingResult Fit(IBatchSource train, IBatchSource? validation, string runDir, bool resume = false, TrainerHooks? hooks = null)
    {
        hooks ??= new TrainerHooks();
        if (train.BatchCount == 0) throw new ArgumentException("the training part has no batches (no samples, or drop_last with fewer samples than a batch).");
        var o = _options;
        var metric = o.EarlyStoppingMetric;
        var higherBetter = ValidationMetrics.HigherIsBetter(metric);
        using var optimizer = new AdamW(_model.Parameters(), o.LearningRate, o.Beta1, o.Beta2, 1e-8, o.WeightDecay);
        var log = new EpochLog(Path.Combine(runDir, "log.csv"));
        var state = new TrainingState(0, null, 0, 0, o.Seed, metric);
        if (resume)
        {
            state = Checkpoint.Load(LastCheckpoint(runDir), _model, optimizer);
            if (state.Seed != o.Seed || state.Metric != metric)
                throw new ArgumentException($"--resume: the checkpoint was trained with seed {state.Seed} and metric {state.Metric}, the config says seed {o.Seed} and {metric}; resume with the run's own config.yaml.");
            try
            {
                _strategy.LoadState(state.Strategy);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{LastCheckpoint(runDir)}: {e.Message}");
            }
            log.Restore(state.Epoch);
        }
        var perStep = o.ScheduleUnit == "step";
        var unit = perStep ? train.BatchCount : 1;
        var total = o.Epochs * unit;
        var warmup = Math.Min(o.WarmupEpochs * unit, total - 1);
        var schedule = new WarmupCosine(optimizer, warmup, total, o.WarmupStartFactor, o.FinalLearningRate);
        // Replaying the schedule to where the checkpoint stood gives exactly its learning rate (chainable form).
        for (var i = 0; i < state.Epoch * unit; i++) schedule.Step();

        var stopped = false;
        var interrupted = false;
        var context = new TrainingStepContext(_model, optimizer, o, _inputs, _task, 0) { Train = train, Validation = validation, RunDir = runDir };
        hooks.Progress.Start(hooks.Title, state.Epoch + 1, o.Epochs, train.BatchCount);
        for (var epoch = state.Epoch + 1; epoch <= o.Epochs && !stopped; epoch++)
        {
            var clock = Stopwatch.StartNew();
            Engine.ManualSeed(EpochSeed(o.Seed, epoch));
            _model.Train();
            var lr = optimizer.ParamGroups[0].LearningRate;
            context = context with { Epoch = epoch };
            _strategy.OnEpochStart(context);
            double lossSum = 0;
            var batches = 0;
            foreach (var batch in train.Epoch(epoch))
            {
                using var owned = batch;
                using var scope = DisposeScope.Enter();
                var loss = _strategy.Step(context, batch);
                if (!double.IsFinite(loss))
                    throw new InvalidOperationException($"the training loss became {loss} at epoch {epoch}, batch {batches + 1}; lower training.learning_rate or set training.grad_clip.");
                lossSum += loss;
                batches++;
                if (perStep) schedule.Step();
                hooks.Progress.Batch(epoch, batches, loss);
            }
            if (!perStep) schedule.Step();

            var val = validation is { BatchCount: > 0 }
                ? ValidationMetrics.Compute(Predictor.Run(_model, _inputs, _task, _classes, validation))
                : new Dictionary<string, double>();
            var record = new EpochRecord(epoch, lossSum / batches, val, lr, clock.Elapsed.TotalSeconds) { Strategy = _strategy.OnEpochEnd(context) };

            // Without validation (or an undefined metric) every epoch counts as the best so far.
            var current = val.TryGetValue(metric, out var v) && double.IsFinite(v) ? v : (double?)null;
            var hasValidation = validation is { BatchCount: > 0 };
            var improved = current != null
                ? state.BestMetric == null || (higherBetter ? current > state.BestMetric : current < state.BestMetric)
                : !hasValidation || state.BestEpoch == 0;
            state = improved
                ? state with { Epoch = epoch, BestMetric = current ?? state.BestMetric, BestEpoch = epoch, EpochsWithoutImprovement = 0 }
                : state with { Epoch = epoch, EpochsWithoutImprovement = state.EpochsWithoutImprovement + 1 };
            state = state with { Strategy = _strategy.SaveState() };
            if (improved) Checkpoint.Save(BestCheckpoint(runDir), _model, null, state);
            Checkpoint.Save(LastCheckpoint(runDir), _model, optimizer, state);
            log.Add(record);
            hooks.Progress.Epoch(record, metric, state.BestMetric);

            if (hooks.StopAfterEpoch?.Invoke(record) == true)
            {
                interrupted = true;
                break;
            }
            if (o.Patience > 0 && validation is { BatchCount: > 0 } && state.EpochsWithoutImprovement >= o.Patience) stopped = true;
        }
        if (!interrupted && File.Exists(BestCheckpoint(runDir))) Checkpoint.Load(BestCheckpoint(runDir), _model, null);
        return new TrainingResult(state.Epoch, state.BestEpoch, state.BestMetric, metric, stopped, interrupted, log.Rows.ToList());
    }
}
