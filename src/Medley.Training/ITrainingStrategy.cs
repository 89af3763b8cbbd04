using Medley.Data.Batching;
using Medley.Data.Spec;
using Medley.Models;
using Medley.Torch;
using Medley.Torch.Optim;

namespace Medley.Training;

/// <summary>
/// What a training step can see: the model, its optimiser, the settings, the input binding, the epoch, and — for
/// strategies that measure something over whole parts between epochs (TLA's combination search, G-Blend's
/// overfitting ratios) — the training and validation batch sources and the run directory (for their own logs).
/// </summary>
public sealed record TrainingStepContext(MedleyModel Model, Optimizer Optimizer, TrainingOptions Options, InputBinding Inputs, TaskKind Task, int Epoch)
{
    public IBatchSource? Train { get; init; }
    public IBatchSource? Validation { get; init; }
    public string? RunDir { get; init; }
}

/// <summary>
/// How one batch updates the model. Methods whose training loop differs (TLA, G-Blend, OGM-GE, PMR: re-weighted or
/// modulated per-modality gradients) plug in here; the trainer handles everything around the step (epochs,
/// schedule, validation, checkpoints, resume). Called inside a DisposeScope per step.
/// </summary>
public interface ITrainingStrategy
{
    /// <summary>Called at the start of each epoch (before its first step).</summary>
    void OnEpochStart(TrainingStepContext context) { }

    /// <summary>Called after each epoch's validation, before its checkpoint; values returned join that epoch's
    /// log.csv row (e.g. "lazy_combination", "imputation_cosine").</summary>
    IReadOnlyDictionary<string, double> OnEpochEnd(TrainingStepContext context) => new Dictionary<string, double>();

    /// <summary>One optimisation step on <paramref name="batch"/>; returns the loss value for the log.</summary>
    double Step(TrainingStepContext context, ModalityBatch batch);

    /// <summary>What the strategy carries from one epoch to the next (G-Blend's weights and measurement window),
    /// written into every checkpoint's metadata so `--resume` continues as the uninterrupted run would.</summary>
    IReadOnlyDictionary<string, string> SaveState() => new Dictionary<string, string>();

    /// <summary>Restores <see cref="SaveState"/>'s values from a checkpoint (called once, before the resumed epoch).</summary>
    void LoadState(IReadOnlyDictionary<string, string> state) { }
}

/// <summary>The ordinary step: forward, task loss (CE/BCE + the model's auxiliary losses), backward, optional clipping, AdamW step.</summary>
public sealed class StandardStrategy : ITrainingStrategy
{
    public static readonly StandardStrategy Instance = new();

    public double Step(TrainingStepContext context, ModalityBatch batch)
    {
        var output = context.Model.Forward(context.Inputs.Inputs(batch));
        var loss = TaskLoss.Compute(context.Model, output, batch.Labels, context.Task).Total;
        context.Optimizer.ZeroGrad();
        loss.Backward();
        if (context.Options.GradClip is { } maxNorm) GradientClipping.ClipGradNorm(context.Model.Parameters(), maxNorm);
        context.Optimizer.Step();
        return loss.Item();
    }
}
