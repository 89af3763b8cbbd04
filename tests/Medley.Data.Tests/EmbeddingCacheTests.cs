using Medley.Data.Embeddings;
using Medley.Torch;

namespace Medley.Data.Tests;

public class EmbeddingCacheTests
{
    private static readonly EmbeddingCacheKey KeyA = new("encoder-a@sha256:1111", "prep-1");

    /// <summary>A stand-in encoder: a [2, 3] tensor whose values depend on the sample id and the encoder's salt.</summary>
    private sealed class FakeEncoder(float salt = 0)
    {
        public List<List<string>> Calls { get; } = new();

        public static float[] ValuesOf(string id, float salt) =>
            Enumerable.Range(0, 6).Select(i => id.Sum(c => (float)c) * 0.01f + i + salt).ToArray();

        public IReadOnlyList<Tensor> Encode(IReadOnlyList<string> ids)
        {
            Calls.Add(ids.ToList());
            return ids.Select(id => Tensor.From(ValuesOf(id, salt), new long[] { 2, 3 })).ToList();
        }
    }

    private static IReadOnlyList<Tensor> MustNotBeCalled(IReadOnlyList<string> ids) =>
        throw new Xunit.Sdk.XunitException($"the encoder was called for {string.Join(", ", ids)}");

    private static void AssertValues(IReadOnlyList<string> ids, Tensor[] values, float salt = 0)
    {
        Assert.Equal(ids.Count, values.Length);
        for (var i = 0; i < ids.Count; i++)
        {
            Assert.Equal(DType.Float32, values[i].DType);
            Assert.Equal(new long[] { 2, 3 }, values[i].Shape);
            Assert.Equal(FakeEncoder.ValuesOf(ids[i], salt), values[i].ToArray<float>());
        }
    }

    private static readonly string[] Ids = { "s1", "s2", "patient-3/scan 7", "s4" };

    [Fact]
    public void SecondPassAndLaterRunsDoNotCallTheEncoder()
    {
        using var d = new TempDataset();
        using var scope = DisposeScope.Enter();
        var encoder = new FakeEncoder();
        using (var cache = EmbeddingCache.Open(d.Dir, KeyA))
        {
            AssertValues(Ids, cache.GetOrCompute(Ids, encoder.Encode));
            Assert.Equal(Ids, Assert.Single(encoder.Calls));
            AssertValues(Ids, cache.GetOrCompute(Ids, MustNotBeCalled)); // the next epoch
            Assert.Equal((4L, 4L), (cache.Hits, cache.Computed));
        }
        using var reopened = EmbeddingCache.Open(d.Dir, KeyA); // the next run
        Assert.Equal(4, reopened.Count);
        var shuffled = new[] { "s4", "s1", "patient-3/scan 7" };
        AssertValues(shuffled, reopened.GetOrCompute(shuffled, MustNotBeCalled));
        Assert.Equal(0, reopened.Dropped);
    }

    [Fact]
    public void OnlyMissingSamplesGoToTheEncoderEachOnce()
    {
        using var d = new TempDataset();
        using var scope = DisposeScope.Enter();
        var encoder = new FakeEncoder();
        using var cache = EmbeddingCache.Open(d.Dir, KeyA);
        cache.GetOrCompute(new[] { "s1", "s2" }, encoder.Encode);
        var ids = new[] { "s2", "s5", "s1", "s5", "s6" };
        AssertValues(ids, cache.GetOrCompute(ids, encoder.Encode));
        Assert.Equal(new[] { "s5", "s6" }, encoder.Calls[1]);
    }

    [Fact]
    public void ChangingTheEncoderOrPreprocessingInvalidates()
    {
        using var d = new TempDataset();
        using var scope = DisposeScope.Enter();
        using (var a = EmbeddingCache.Open(d.Dir, KeyA)) a.GetOrCompute(Ids, new FakeEncoder().Encode);

        var newWeights = new FakeEncoder(salt: 100);
        using (var b = EmbeddingCache.Open(d.Dir, KeyA with { EncoderId = "encoder-a@sha256:2222" }))
        {
            AssertValues(Ids, b.GetOrCompute(Ids, newWeights.Encode), salt: 100);
            Assert.Equal(Ids, Assert.Single(newWeights.Calls));
        }
        var newPreprocessing = new FakeEncoder(salt: 7);
        using (var c = EmbeddingCache.Open(d.Dir, KeyA with { PreprocessingHash = "prep-2" }))
            AssertValues(Ids, c.GetOrCompute(Ids, newPreprocessing.Encode), salt: 7);
        Assert.Single(newPreprocessing.Calls);

        // Each key keeps its own values: going back to the first encoder needs no recomputation.
        using var again = EmbeddingCache.Open(d.Dir, KeyA);
        AssertValues(Ids, again.GetOrCompute(Ids, MustNotBeCalled));
    }

    [Fact]
    public void EncoderIdFollowsTheWeightsFileContents()
    {
        using var d = new TempDataset();
        var weights = d.WriteBytes("w.safetensors", new byte[] { 1, 2, 3 });
        var before = EmbeddingCacheKey.EncoderIdOf("vit", weights);
        Assert.StartsWith("vit@sha256:", before);
        Assert.Equal(before, EmbeddingCacheKey.EncoderIdOf("vit", weights));
        d.WriteBytes("w.safetensors", new byte[] { 1, 2, 4 });
        Assert.NotEqual(before, EmbeddingCacheKey.EncoderIdOf("vit", weights));
    }

    private static string DataFile(EmbeddingCache cache) => Path.Combine(cache.Folder, "embeddings.bin");
    private static string IndexFile(EmbeddingCache cache) => Path.Combine(cache.Folder, "embeddings.idx");

    /// <summary>Fills a cache, closes it, damages a file with <paramref name="damage"/> and reopens it.</summary>
    private static EmbeddingCache FillDamageReopen(string root, Action<string, string> damage)
    {
        string data, index;
        using (var cache = EmbeddingCache.Open(root, KeyA))
        {
            cache.GetOrCompute(Ids, new FakeEncoder().Encode);
            (data, index) = (DataFile(cache), IndexFile(cache));
        }
        damage(data, index);
        return EmbeddingCache.Open(root, KeyA);
    }

    private static void Truncate(string path, long by)
    {
        using var f = new FileStream(path, FileMode.Open);
        f.SetLength(f.Length - by);
    }

    [Fact]
    public void TruncatedDataFileMeansRecomputeNeverWrongValues()
    {
        using var d = new TempDataset();
        using var scope = DisposeScope.Enter();
        using (var cache = FillDamageReopen(d.Dir, (data, _) => Truncate(data, 5)))
        {
            Assert.Equal(1, cache.Dropped); // the last sample's payload lost its tail
            var encoder = new FakeEncoder();
            AssertValues(Ids, cache.GetOrCompute(Ids, encoder.Encode));
            Assert.Equal(new[] { "s4" }, Assert.Single(encoder.Calls));
        }
        // The repaired cache serves everything in the following run.
        using var next = EmbeddingCache.Open(d.Dir, KeyA);
        AssertValues(Ids, next.GetOrCompute(Ids, MustNotBeCalled));
        Assert.Equal(0, next.Dropped);
    }

    [Fact]
    public void DataFileCutToNothingRecomputesEverything()
    {
        using var d = new TempDataset();
        using var scope = DisposeScope.Enter();
        using var cache = FillDamageReopen(d.Dir, (data, _) => File.WriteAllBytes(data, Array.Empty<byte>()));
        Assert.Equal(0, cache.Count);
        var encoder = new FakeEncoder();
        AssertValues(Ids, cache.GetOrCompute(Ids, encoder.Encode));
        Assert.Equal(Ids, Assert.Single(encoder.Calls));
    }

    [Fact]
    public void CorruptPayloadBytesAreDetectedAndRecomputed()
    {
        using var d = new TempDataset();
        using var scope = DisposeScope.Enter();
        // Flip one byte inside the second sample's payload (each payload is 6 float32 = 24 bytes).
        using var cache = FillDamageReopen(d.Dir, (data, _) =>
        {
            var bytes = File.ReadAllBytes(data);
            bytes[24 + 10] ^= 0x40;
            File.WriteAllBytes(data, bytes);
        });
        Assert.False(cache.TryGet("s2", out _));
        Assert.True(cache.TryGet("s1", out _));
        var encoder = new FakeEncoder();
        AssertValues(Ids, cache.GetOrCompute(Ids, encoder.Encode));
        Assert.Equal(new[] { "s2" }, Assert.Single(encoder.Calls));
        Assert.Equal(1, cache.Dropped);
    }

    [Theory]
    [InlineData(3)]   // a torn last record
    [InlineData(-1)]  // garbage appended after the records
    public void DamagedIndexTailKeepsTheIntactRecords(int cut)
    {
        using var d = new TempDataset();
        using var scope = DisposeScope.Enter();
        using var cache = FillDamageReopen(d.Dir, (_, index) =>
        {
            if (cut > 0) Truncate(index, cut);
            else File.AppendAllText(index, "not a record");
        });
        var encoder = new FakeEncoder();
        AssertValues(Ids, cache.GetOrCompute(Ids, encoder.Encode));
        Assert.Equal(cut > 0 ? new[] { "s4" } : Array.Empty<string>(), encoder.Calls.SelectMany(c => c));
        Assert.Equal(1, cache.Dropped);
    }

    [Fact]
    public void FloatingInputIsStoredAsFloat32AndOtherDtypesAreRejected()
    {
        using var d = new TempDataset();
        using var scope = DisposeScope.Enter();
        using var cache = EmbeddingCache.Open(d.Dir, KeyA);
        var stored = cache.Put("d", Tensor.From(new double[] { 0.25, -2 }));
        Assert.Equal(DType.Float32, stored.DType);
        Assert.True(cache.TryGet("d", out var back));
        Assert.Equal(new float[] { 0.25f, -2 }, back!.ToArray<float>());
        var e = Assert.Throws<ArgumentException>(() => cache.Put("i", Tensor.From(new long[] { 1 })));
        Assert.Contains("int64", e.Message);
        var wrongCount = Assert.Throws<InvalidOperationException>(() => cache.GetOrCompute(new[] { "x", "y" }, ids => new[] { Tensor.Zeros(1) }));
        Assert.Contains("1 tensors for 2 samples", wrongCount.Message);
        Assert.False(cache.TryGet("x", out _));
    }

    [Fact]
    public void ConcurrentReadersAndWritersGetTheRightValues()
    {
        using var d = new TempDataset();
        using var cache = EmbeddingCache.Open(d.Dir, KeyA);
        var ids = Enumerable.Range(0, 40).Select(i => $"s{i}").ToArray();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            using var scope = DisposeScope.Enter();
            var mine = ids.Where((_, i) => i % 4 == worker % 4).ToArray();
            AssertValues(mine, cache.GetOrCompute(mine, new FakeEncoder().Encode));
        });
        using var check = DisposeScope.Enter();
        AssertValues(ids, cache.GetOrCompute(ids, MustNotBeCalled));
    }
}
