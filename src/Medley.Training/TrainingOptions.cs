namespace Medley.Training;

/// <summary>
/// The training loop's settings (config section "training"; keys are snake_case). Defaults are the paper's training
/// setting of METHODS.md §1.7: batch 32, AdamW β 0.9/0.999, weight decay 1e-5, lr 1e-4, 5 linear warm-up epochs then
/// cosine annealing to 1e-6, 100 epochs, early stopping on validation macro F1 with patience 10.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>§1.7: 100 epochs.</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>§1.7: batch 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>§1.7: lr 1e-4 (peak, after warm-up).</summary>
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>§1.7: cosine annealing down to 1e-6.</summary>
    public double FinalLearningRate { get; init; } = 1e-6;

    /// <summary>§1.7: 5 linear warm-up epochs.</summary>
    public int WarmupEpochs { get; init; } = 5;

    /// <summary>Warm-up starts at this fraction of the peak lr (the paper gives none; a Medley choice).</summary>
    public double WarmupStartFactor { get; init; } = 0.1;

    /// <summary>"epoch": the schedule advances once per epoch; "step": once per optimiser step (warm-up in epochs × batches).</summary>
    public string ScheduleUnit { get; init; } = "epoch";

    /// <summary>§1.7: AdamW weight decay 1e-5.</summary>
    public double WeightDecay { get; init; } = 1e-5;

    /// <summary>§1.7: β1 = 0.9.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>§1.7: β2 = 0.999.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Maximum gradient L2 norm; null = no clipping (the paper clips nothing).</summary>
    public double? GradClip { get; init; }

    /// <summary>§1.7: early stopping on validation macro F1 ("f1_macro"); any validation metric name, or "loss".</summary>
    public string EarlyStoppingMetric { get; init; } = "f1_macro";

    /// <summary>§1.7: patience 10 epochs without improvement; 0 = never stop early.</summary>
    public int Patience { get; init; } = 10;

    /// <summary>Seed of initialisation, batch order, augmentation and dropout; the same seed gives the same run.</summary>
    public int Seed { get; init; }

    /// <summary>Background threads preparing batches (0 = on the training thread). Results do not depend on it.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Random augmentation of training samples (where a modality's reader augments).</summary>
    public bool Augment { get; init; } = true;

    /// <summary>
    /// Missing-modality injection (docs/experiments.md): "modality=rate" or "random=rate" (one of the used modalities
    /// per sample), comma-separated; applied to train, validation and test batches alike. Null = none.
    /// </summary>
    public string? Missing { get; init; }

    /// <summary>Seed of the missing-modality draws (with the sample id and modality; independent of the training seed).</summary>
    public int MissingSeed { get; init; }

    /// <summary>Checks the values; an ArgumentException names the key and what to change.</summary>
    public void Validate()
    {
        static void Check(bool ok, string message)
        {
            if (!ok) throw new ArgumentException("training: " + message);
        }
        Check(Epochs >= 1, $"'epochs' must be at least 1, got {Epochs}.");
        Check(BatchSize >= 1, $"'batch_size' must be at least 1, got {BatchSize}.");
        Check(LearningRate > 0, $"'learning_rate' must be positive, got {LearningRate}.");
        Check(FinalLearningRate >= 0 && FinalLearningRate <= LearningRate, $"'final_learning_rate' must be in [0, learning_rate], got {FinalLearningRate}.");
        Check(WarmupEpochs >= 0, $"'warmup_epochs' must be 0 or more, got {WarmupEpochs}.");
        Check(WarmupStartFactor > 0 && WarmupStartFactor <= 1, $"'warmup_start_factor' must be in (0, 1], got {WarmupStartFactor}.");
        Check(ScheduleUnit is "epoch" or "step", $"'schedule_unit' must be \"epoch\" or \"step\", got \"{ScheduleUnit}\".");
        Check(WeightDecay >= 0, $"'weight_decay' must be 0 or more, got {WeightDecay}.");
        Check(Beta1 is >= 0 and < 1 && Beta2 is >= 0 and < 1, $"'beta1' and 'beta2' must be in [0, 1), got {Beta1} and {Beta2}.");
        Check(GradClip is null or > 0, $"'grad_clip' must be positive or null, got {GradClip}.");
        Check(Patience >= 0, $"'patience' must be 0 or more, got {Patience}.");
        Check(Workers >= 0, $"'workers' must be 0 or more, got {Workers}.");
        Experiments.MissingInjection.Parse(Missing, MissingSeed);
        Check(ValidationMetrics.IsKnown(EarlyStoppingMetric),
            $"'early_stopping_metric' must be one of {string.Join(", ", ValidationMetrics.Names)}, got \"{EarlyStoppingMetric}\".");
    }
}

/// <summary>Settings of the evaluation after training (config section "evaluation").</summary>
public sealed record EvaluationOptions
{
    /// <summary>METHODS.md §5: latency is the median of ≥ 20 timed runs after warm-up; 0 skips latency.</summary>
    public int LatencyRuns { get; init; } = 20;

    /// <summary>Untimed warm-up runs before latency timing.</summary>
    public int LatencyWarmup { get; init; } = 3;

    /// <summary>§5: single sample and batch 32.</summary>
    public int[] LatencyBatches { get; init; } = { 1, 32 };

    /// <summary>Write test-set features (F_I, F_L, F_fuse, S) to features.safetensors for the report's plots.</summary>
    public bool SaveFeatures { get; init; } = true;

    /// <summary>Bins of the expected calibration error.</summary>
    public int CalibrationBins { get; init; } = 15;

    public void Validate()
    {
        if (LatencyRuns != 0 && LatencyRuns < 20)
            throw new ArgumentException($"evaluation: 'latency_runs' must be 0 (skip) or at least 20 (METHODS.md §5), got {LatencyRuns}.");
        if (LatencyWarmup < 0) throw new ArgumentException($"evaluation: 'latency_warmup' must be 0 or more, got {LatencyWarmup}.");
        if (LatencyBatches.Any(b => b < 1)) throw new ArgumentException("evaluation: 'latency_batches' must be positive batch sizes.");
        if (CalibrationBins < 1) throw new ArgumentException($"evaluation: 'calibration_bins' must be at least 1, got {CalibrationBins}.");
    }
}
