using Medley.Evaluation.Efficiency;
using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Evaluation.Tests;

[Collection(SerialCollection.Name)]
public class EfficiencyTests
{
    [Fact]
    public void LatencyWarmsUpThenTimesEveryRunAndTakesTheMedian()
    {
        var calls = new List<int>();
        var result = Latency.Measure(b => { calls.Add(b); Thread.Sleep(b == 32 ? 4 : 1); }, batchSize: 32, warmup: 2, runs: 21);
        Assert.Equal(23, calls.Count);
        Assert.All(calls, b => Assert.Equal(32, b));
        Assert.Equal(21, result.SamplesMs.Length);
        Assert.Equal(result.SamplesMs.OrderBy(v => v).ElementAt(10), result.MedianMs);
        Assert.True(result.MedianMs >= 3.5, $"median {result.MedianMs} ms");
        Assert.Equal(result.MedianMs / 32, result.PerSampleMs, 12);
        Assert.True(result.MinMs <= result.MedianMs && result.MedianMs <= result.MaxMs);
    }

    [Fact]
    public void MeasureBatchesDefaultsToOneAndThirtyTwo()
    {
        var results = Latency.MeasureBatches(_ => { }, warmup: 0);
        Assert.Equal([1, 32], results.Select(r => r.BatchSize));
        Assert.Throws<ArgumentOutOfRangeException>(() => Latency.Measure(_ => { }, runs: 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Latency.Measure(_ => { }, batchSize: 0));
    }

    [Fact]
    public void PeakRssIsReadFromProcStatus()
    {
        Assert.Equal(123456, ProcessMemory.ParseKb("Name:\tx\nVmHWM:\t  123456 kB\nVmRSS:\t 1 kB\n", "VmHWM:"));
        Assert.Null(ProcessMemory.ParseKb("Name:\tx\n", "VmHWM:"));
        var before = ProcessMemory.PeakRssBytes();
        Assert.NotNull(before);
        Assert.True(ProcessMemory.CurrentRssBytes() > 1_000_000);
        // Touch 64 MB more than the current peak: the high-water mark must rise by about that much.
        var extra = (before.Value - ProcessMemory.CurrentRssBytes()!.Value) + 64L * 1024 * 1024;
        var block = GC.AllocateUninitializedArray<byte>((int)Math.Max(extra, 64L * 1024 * 1024));
        for (var i = 0; i < block.Length; i += 4096) block[i] = 1;
        var after = ProcessMemory.PeakRssBytes();
        GC.KeepAlive(block);
        Assert.True(after - before >= 48L * 1024 * 1024, $"peak before {before}, after {after}");
    }

    private sealed class TwoLayer : Module<Tensor, Tensor>
    {
        private readonly Linear _encoder = new(10, 4);
        private readonly Linear _head = new(4, 3, hasBias: false);
        // submodules are discovered from the fields ("_encoder" → "encoder")

        public override Tensor Forward(Tensor input) => _head.Forward(_encoder.Forward(input));
    }

    [Fact]
    public void ParametersAreCountedPerChild()
    {
        using var scope = DisposeScope.Enter();
        using var model = new TwoLayer();
        var report = ParameterCounter.Count(model);
        Assert.Equal(10 * 4 + 4 + 4 * 3, report.Total);
        Assert.Equal(report.Total, report.Trainable);
        Assert.Equal([("encoder", 44L), ("head", 12L)], report.PerChild);
        Assert.Equal(56e-6, report.Millions, 12);
    }
}

/// <summary>Tests that read process memory run alone, not beside allocating tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Evaluation serial";
}
