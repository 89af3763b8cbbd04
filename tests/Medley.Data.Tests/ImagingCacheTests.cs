using Medley.Data.Imaging;

namespace Medley.Data.Tests;

public class ImagingCacheTests : IDisposable
{
    private readonly TempFolder _tmp = new();
    public void Dispose() => _tmp.Dispose();

    private static readonly ImageReadOptions Options = new() { Width = 24, Height = 24, Color = ColorMode.Rgb };
    private const int ImageBytes = 24 * 24 * 3;

    private List<string> WriteImages(int count)
    {
        var paths = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var path = _tmp.File($"img{i}.png");
            ImageCodec.Write(path, ImageData.FromUInt8(TestPictures.Random(30 * 20 * 3, i), 30, 20, 3));
            paths.Add(path);
        }
        return paths;
    }

    private string CacheDir => Path.Combine(_tmp.Path, "cache");

    [Fact]
    public void SecondReadComesFromMemoryThenDiskAndMatchesDecoding()
    {
        var paths = WriteImages(3);
        using (var cache = new DecodedImageCache(CacheDir, memoryBudgetBytes: 10 * ImageBytes))
        {
            var first = cache.GetOrAdd(paths[0], Options);
            Assert.Equal(ImageCodec.Read(paths[0], Options).Bytes, first.Bytes);
            var again = cache.GetOrAdd(paths[0], Options);
            Assert.Equal(first.Bytes, again.Bytes);
            Assert.Equal(new ImageCacheStats(1, 0, 1, ImageBytes, ImageBytes, 1), cache.Stats);
        }
        // a new instance (a later run) finds the entry on disk and does not decode
        using (var cache = new DecodedImageCache(CacheDir, memoryBudgetBytes: 0))
        {
            var fromDisk = cache.GetOrAdd(paths[0], Options);
            Assert.Equal(ImageCodec.Read(paths[0], Options).Bytes, fromDisk.Bytes);
            Assert.Equal((24, 24, 3), (fromDisk.Width, fromDisk.Height, fromDisk.Channels));
            var s = cache.Stats;
            Assert.Equal((0L, 1L, 0L, 0L), (s.MemoryHits, s.DiskHits, s.Misses, s.MemoryBytes));
        }
    }

    [Fact]
    public void DifferentOptionsAndEditedFilesAreSeparateEntries()
    {
        var paths = WriteImages(1);
        using var cache = new DecodedImageCache(CacheDir, 1 << 20);
        var a = cache.GetOrAdd(paths[0], Options);
        var gray = cache.GetOrAdd(paths[0], Options with { Color = ColorMode.Gray });
        Assert.Equal(1, gray.Channels);
        Assert.Equal(2, cache.Stats.Misses);

        ImageCodec.Write(paths[0], ImageData.FromUInt8(TestPictures.Random(30 * 20 * 3, 99), 30, 20, 3));
        File.SetLastWriteTimeUtc(paths[0], DateTime.UtcNow.AddMinutes(5));
        var edited = cache.GetOrAdd(paths[0], Options);
        Assert.Equal(3, cache.Stats.Misses);
        Assert.NotEqual(a.Bytes, edited.Bytes);
        Assert.Equal(ImageCodec.Read(paths[0], Options).Bytes, edited.Bytes);
    }

    [Fact]
    public void MemoryStaysWithinTheBudget()
    {
        var paths = WriteImages(12);
        var budget = (long)(2.5 * ImageBytes);
        using var cache = new DecodedImageCache(CacheDir, budget);
        foreach (var p in paths) cache.GetOrAdd(p, Options);
        Assert.Equal(2L * ImageBytes, cache.Stats.MemoryBytes);
        Assert.Equal(12L * ImageBytes, cache.Stats.DiskBytes);
        // scan-resistant: the first two admitted stay in memory, later ones come from disk
        cache.GetOrAdd(paths[11], Options);
        cache.GetOrAdd(paths[0], Options);
        var s = cache.Stats;
        Assert.Equal((1L, 1L, 12L), (s.MemoryHits, s.DiskHits, s.Misses));
        Assert.True(s.MemoryBytes <= budget);
    }

    [Fact]
    public void SequentialEpochsKeepServingTheSameSubsetFromMemory()
    {
        // an LRU smaller than the dataset would evict every entry just before its next use in a sequential scan
        var paths = WriteImages(12);
        var budget = 3L * ImageBytes + 7;
        using var cache = new DecodedImageCache(CacheDir, budget);
        var prep = new ImagePreprocessing { Size = 24 };
        var slot = new float[3 * 24 * 24];
        for (var epoch = 0; epoch < 3; epoch++)
            for (var i = 0; i < paths.Count; i++)
            {
                prep.Apply(cache, paths[i], true, epoch, i, slot);
                Assert.True(cache.Stats.MemoryBytes <= budget);
            }
        var s = cache.Stats;
        Assert.Equal(12L, s.Misses);
        Assert.Equal(2L * 3, s.MemoryHits);
        Assert.Equal(2L * 9, s.DiskHits);
        Assert.Equal(3L * ImageBytes, s.MemoryBytes);
    }

    [Fact]
    public void ZeroBudgetHoldsNothingInMemory()
    {
        var paths = WriteImages(3);
        using var cache = new DecodedImageCache(CacheDir, 0);
        for (var epoch = 0; epoch < 2; epoch++)
            foreach (var p in paths) Assert.Equal(ImageCodec.Read(p, Options).Bytes, cache.GetOrAdd(p, Options).Bytes);
        var s = cache.Stats;
        Assert.Equal((0L, 0L, 3L, 3L), (s.MemoryHits, s.MemoryBytes, s.Misses, s.DiskHits));
    }

    [Fact]
    public void EntriesBeyondOneIndexBatchSurviveARestart()
    {
        var paths = WriteImages(70); // more than one batch of index lines, plus a partial batch flushed by Dispose
        var prep = new ImagePreprocessing { Size = 24, Seed = 5 };
        var first = new float[paths.Count][];
        using (var cache = new DecodedImageCache(CacheDir, 4 * ImageBytes))
            for (var i = 0; i < paths.Count; i++)
            {
                first[i] = new float[3 * 24 * 24];
                prep.Apply(cache, paths[i], true, 1, i, first[i]);
            }
        using (var cache = new DecodedImageCache(CacheDir, 4 * ImageBytes))
        {
            Assert.Equal(70, cache.Stats.Entries);
            var again = new float[3 * 24 * 24];
            for (var i = 0; i < paths.Count; i++)
            {
                prep.Apply(cache, paths[i], true, 1, i, again);
                Assert.Equal(first[i], again);
            }
            var s = cache.Stats;
            Assert.Equal((0L, 70L, 0L), (s.Misses, s.DiskHits, s.MemoryHits));
            Assert.Equal(4L * ImageBytes, s.MemoryBytes);
            Assert.Equal(70L * ImageBytes, s.DiskBytes);
        }
    }

    [Fact]
    public void ConcurrentWorkersWritingAndReadingDoNotCorruptTheCache()
    {
        var paths = WriteImages(40);
        var prep = new ImagePreprocessing { Size = 24, Seed = 9 };
        var options = prep.ReadOptions; // the same entries serve GetOrAdd and the preprocessing path
        var expected = paths.Select(p => ImageCodec.Read(p, options).Bytes).ToArray();
        var expectedSamples = paths.Select((p, i) => prep.Apply(ImageCodec.Read(p, options), true, 0, i)).ToArray();
        using (var cache = new DecodedImageCache(CacheDir, 6 * ImageBytes))
        {
            for (var round = 0; round < 2; round++)
                Parallel.For(0, 40 * 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
                {
                    var i = k % 40;
                    if (k % 2 == 0)
                        Assert.Equal(expected[i], cache.GetOrAdd(paths[i], options).Bytes);
                    else
                    {
                        var slot = new float[3 * 24 * 24];
                        prep.Apply(cache, paths[i], true, 0, i, slot);
                        Assert.Equal(expectedSamples[i], slot);
                    }
                });
            Assert.Equal(40, cache.Stats.Entries);
            Assert.Equal(40L * ImageBytes, cache.Stats.DiskBytes);
            Assert.True(cache.Stats.MemoryBytes <= 6 * ImageBytes);
        }
        // every entry on disk is intact after a restart
        using (var cache = new DecodedImageCache(CacheDir, 0))
        {
            for (var i = 0; i < 40; i++) Assert.Equal(expected[i], cache.GetOrAdd(paths[i], options).Bytes);
            Assert.Equal(0L, cache.Stats.Misses);
        }
    }

    [Fact]
    public void ConcurrentWorkersGetCorrectImages()
    {
        var paths = WriteImages(24);
        var expected = paths.Select(p => ImageCodec.Read(p, Options).Bytes).ToArray();
        using var cache = new DecodedImageCache(CacheDir, 5 * ImageBytes);
        for (var epoch = 0; epoch < 2; epoch++)
            Parallel.For(0, 24 * 3, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
                Assert.Equal(expected[i % 24], cache.GetOrAdd(paths[i % 24], Options).Bytes));
        Assert.Equal(24, cache.Stats.Entries);
        Assert.Equal(24L * ImageBytes, cache.Stats.DiskBytes);
    }

    [Fact]
    public void DamagedCacheFilesAreIgnoredNotTrusted()
    {
        var paths = WriteImages(2);
        using (var cache = new DecodedImageCache(CacheDir, 0))
            foreach (var p in paths) cache.GetOrAdd(p, Options);
        // cut the data file in the middle of the second entry and add a garbage index line
        using (var f = new FileStream(Path.Combine(CacheDir, "images.bin"), FileMode.Open)) f.SetLength(ImageBytes + 10);
        File.AppendAllText(Path.Combine(CacheDir, "index.tsv"), "garbage\tline\n");
        using (var cache = new DecodedImageCache(CacheDir, 0))
        {
            Assert.Equal(1, cache.Stats.Entries);
            Assert.Equal(ImageCodec.Read(paths[1], Options).Bytes, cache.GetOrAdd(paths[1], Options).Bytes);
            Assert.Equal(1, cache.Stats.Misses);
        }
    }

    [Fact]
    public void ErrorsNameTheFile()
    {
        using var cache = new DecodedImageCache(CacheDir, 0);
        var missing = _tmp.File("gone.png");
        Assert.Equal(missing, Assert.Throws<DataFileException>(() => cache.GetOrAdd(missing, Options)).FilePath);
        var text = _tmp.File("text.png");
        File.WriteAllText(text, "not an image");
        Assert.StartsWith(text, Assert.Throws<DataFileException>(() => cache.GetOrAdd(text, Options)).Message);
        Assert.Throws<ArgumentException>(() => cache.GetOrAdd(text, new ImageReadOptions()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DecodedImageCache(CacheDir + "2", -1));
    }
}
