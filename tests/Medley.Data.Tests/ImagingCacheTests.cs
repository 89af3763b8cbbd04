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
        // the two most recent are in memory, older ones come from disk
        cache.GetOrAdd(paths[11], Options);
        cache.GetOrAdd(paths[0], Options);
        var s = cache.Stats;
        Assert.Equal((1L, 1L, 12L), (s.MemoryHits, s.DiskHits, s.Misses));
        Assert.True(s.MemoryBytes <= budget);
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
