using System.Diagnostics;

namespace Medley.Evaluation.Efficiency;

/// <summary>Timing of repeated runs in milliseconds; PerSample = Median / BatchSize.</summary>
public sealed record LatencyResult(int BatchSize, int Runs, double MedianMs, double MeanMs, double MinMs, double MaxMs, double[] SamplesMs)
{
    public double PerSampleMs => MedianMs / BatchSize;
    /// <summary>Samples per second at the median latency.</summary>
    public double Throughput => BatchSize * 1000.0 / MedianMs;
}

/// <summary>
/// Latency measurement of any delegate (a model's forward pass, a preprocessing step): a few warm-up calls
/// (JIT, allocator and cache warm-up), then the median of at least 20 timed calls — the protocol in METHODS.md §5.
/// </summary>
public static class Latency
{
    public const int MinimumRuns = 20;

    /// <summary>Times <paramref name="run"/> called with <paramref name="batchSize"/>.</summary>
    /// <param name="run">Does one inference on a batch of the given size (the caller prepares inputs outside the timing).</param>
    public static LatencyResult Measure(Action<int> run, int batchSize = 1, int warmup = 3, int runs = MinimumRuns)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be ≥ 1.");
        if (warmup < 0) throw new ArgumentOutOfRangeException(nameof(warmup), warmup, "warm-up count must be ≥ 0.");
        if (runs < MinimumRuns)
            throw new ArgumentOutOfRangeException(nameof(runs), runs, $"use at least {MinimumRuns} timed runs so the median is stable.");
        for (var i = 0; i < warmup; i++) run(batchSize);
        var samples = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            run(batchSize);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        var sorted = samples.OrderBy(v => v).ToArray();
        var median = runs % 2 == 1 ? sorted[runs / 2] : 0.5 * (sorted[runs / 2 - 1] + sorted[runs / 2]);
        return new LatencyResult(batchSize, runs, median, samples.Average(), sorted[0], sorted[^1], samples);
    }

    /// <summary>Measures each batch size in turn (default: 1 and 32, single-sample and batch latency).</summary>
    public static IReadOnlyList<LatencyResult> MeasureBatches(Action<int> run, IEnumerable<int>? batchSizes = null, int warmup = 3, int runs = MinimumRuns) =>
        (batchSizes ?? [1, 32]).Select(b => Measure(run, b, warmup, runs)).ToList();
}
