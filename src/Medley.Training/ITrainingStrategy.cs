using Medley.Data.Batching;
using Medley.Data.Spec;
using Medley.Models;
using Medley.Torch;
using Medley.Torch.Optim;

namespace Medley.Training;

/// <summary>What a training step can see: the model, its optimiser, the settings, the input binding and the epoch.</summary>
public sealed record TrainingStepContext(MedleyModel Model, Optimizer Optimizer, TrainingOptions Options, InputBinding Inputs, TaskKind Task, int Epoch);

/// <summary>
/// How one batch updates the model. Methods whose training loop differs (TLA, G-Blend, OGM-GE, PMR: re-weighted or
/// modulated per-modality gradients) plug in here; the trainer handles everything around the step (epochs,
/// schedule, validation, checkpoints, resume). Called inside a DisposeScope per step.
/// </summary>
public interface ITrainingStrategy
{
    /// <summary>Called at the start of each epoch (before its first step).</summary>
    void OnEpochStart(TrainingStepContext context) { }

    /// <summary>One optimisation step on <paramref name="batch"/>; returns the loss value for the log.</summary>
    double Step(TrainingStepContext context, ModalityBatch batch);
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
