// Loading throughput for 2D images (decode + resize to S + CMAP augmentation + z-score) with background workers:
// an uncached epoch, the first epoch through the decoded-image cache (decode + cache write), then cached epochs;
// peak resident memory is sampled throughout and compared with the cache's memory budget.
using System.Diagnostics;
using System.Globalization;
using Medley.Data.Imaging;

var options = Args.Parse(args);
var imageDir = Path.Combine(options.Data, "images");
if (!Directory.Exists(imageDir)) { Console.Error.WriteLine($"no images folder at {imageDir}"); return 1; }
var paths = Directory.GetFiles(imageDir, "*.jpg").OrderBy(p => p, StringComparer.Ordinal).Take(options.Limit).ToArray();
var prep = new ImagePreprocessing { Size = options.Size, Seed = 1 };
ImageCodec.SetOpenCvThreads(1); // the workers already use every core
prep = prep.Fit(paths.Take(256));
long decodedBytes = (long)paths.Length * options.Size * options.Size * 3;
var budget = options.BudgetMb > 0 ? options.BudgetMb * 1024L * 1024 : decodedBytes / 3;
var cacheDir = options.Cache ?? Path.Combine(Path.GetTempPath(), $"medley-bench-cache-{Environment.ProcessId}");
if (Directory.Exists(cacheDir)) Directory.Delete(cacheDir, true);

var rss = new RssSampler();
GC.Collect();
var baseline = RssSampler.CurrentRssBytes();
Console.WriteLine($"images: {paths.Length} ({options.Data}), size {options.Size}, workers {options.Workers}");
Console.WriteLine($"decoded dataset: {Mb(decodedBytes)} MB, cache memory budget: {Mb(budget)} MB ({decodedBytes / (double)budget:0.0}x smaller)");
Console.WriteLine($"baseline RSS: {Mb(baseline)} MB");

var rows = new List<(string Name, double Seconds, double CpuSeconds, long PeakRss)>();
void Run(string name, Action<int, float[]> load)
{
    rss.ResetPeak();
    // CPU time alongside wall time: on a shared, loaded machine the wall time depends on what else runs
    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    var next = -1;
    double checksum = 0;
    var workers = Enumerable.Range(0, options.Workers).Select(_ => Task.Factory.StartNew(() =>
    {
        double local = 0;
        var sample = new float[3 * options.Size * options.Size]; // a worker's slot, as a batcher would provide
        int i;
        while ((i = Interlocked.Increment(ref next)) < paths.Length)
        {
            load(i, sample);
            local += sample[0];
        }
        lock (rows) checksum += local;
    }, TaskCreationOptions.LongRunning)).ToArray();
    Task.WaitAll(workers);
    sw.Stop();
    var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
    var peak = rss.Peak;
    rows.Add((name, sw.Elapsed.TotalSeconds, cpu, peak));
    Console.WriteLine($"{name,-48} {paths.Length / sw.Elapsed.TotalSeconds,6:0} samples/s  {sw.Elapsed.TotalSeconds,6:0.00} s  CPU {cpu,6:0.00} s ({1e6 * cpu / paths.Length,5:0} µs/sample)  peak RSS {Mb(peak)} MB  (checksum {checksum:0.###})");
}

Run("no cache: decode+resize+augment (epoch 0)", (i, x) => prep.Apply(prep.Load(paths[i]), true, 0, i, x));
using (var cache = new DecodedImageCache(cacheDir, budget))
{
    // the loader's path: pixels go from the cache (memory tier, or a positional read into a per-thread buffer)
    // through the fused augmentation pass into the worker's slot
    Run("cache, first epoch: decode+resize+write+augment", (i, x) => prep.Apply(cache, paths[i], true, 1, i, x));
    PrintStats(cache);
    Run("cache, epoch 2: cached read+augment", (i, x) => prep.Apply(cache, paths[i], true, 2, i, x));
    Run("cache, epoch 3: cached read+augment", (i, x) => prep.Apply(cache, paths[i], true, 3, i, x));
    Run("cache, eval epoch: cached read, no augment", (i, x) => prep.Apply(cache, paths[i], false, 0, i, x));
    Run("no cache, eval: decode+resize, no augment", (i, x) => prep.Apply(prep.Load(paths[i]), false, 0, i, x));
    PrintStats(cache);
}
Directory.Delete(cacheDir, true);
var first = rows[1].Seconds;
var cached = rows[2].Seconds;
Console.WriteLine($"speed-up of the cached epoch over the first cached-run epoch: {first / cached:0.0}x (epoch 3: {first / rows[3].Seconds:0.0}x); over the uncached epoch: {rows[0].Seconds / cached:0.0}x");
Console.WriteLine($"same in CPU time: {rows[1].CpuSeconds / rows[2].CpuSeconds:0.0}x (epoch 3: {rows[1].CpuSeconds / rows[3].CpuSeconds:0.0}x); over the uncached epoch: {rows[0].CpuSeconds / rows[2].CpuSeconds:0.0}x");
Console.WriteLine($"peak RSS over baseline: {Mb(rows.Max(r => r.PeakRss) - baseline)} MB (budget {Mb(budget)} MB), of the cache epochs: {Mb(rows.Skip(1).Take(4).Max(r => r.PeakRss) - baseline)} MB; VmHWM {Mb(RssSampler.HighWaterBytes())} MB");
rss.Dispose();
return 0;

static void PrintStats(DecodedImageCache cache)
{
    var s = cache.Stats;
    Console.WriteLine($"  cache: {s.Entries} entries, {Mb(s.DiskBytes)} MB on disk, {Mb(s.MemoryBytes)} MB in memory; hits memory {s.MemoryHits}, disk {s.DiskHits}, misses {s.Misses}");
}

static string Mb(long bytes) => (bytes / 1048576.0).ToString("0", CultureInfo.InvariantCulture);

sealed record Args(string Data, int Limit, int Workers, int Size, long BudgetMb, string? Cache)
{
    public static Args Parse(string[] a)
    {
        string Get(string name, string fallback) { var i = Array.IndexOf(a, name); return i >= 0 && i + 1 < a.Length ? a[i + 1] : fallback; }
        return new Args(
            Get("--data", Path.Combine("..", "shared", "data", "ham10000")),
            int.Parse(Get("--limit", int.MaxValue.ToString())),
            int.Parse(Get("--workers", Environment.ProcessorCount.ToString())),
            int.Parse(Get("--size", "224")),
            long.Parse(Get("--budget-mb", "0")),
            Array.IndexOf(a, "--cache") >= 0 ? Get("--cache", "") : null);
    }
}

/// <summary>Samples VmRSS from /proc every 20 ms and keeps the maximum.</summary>
sealed class RssSampler : IDisposable
{
    private long _peak;
    private readonly Timer _timer;

    public RssSampler() => _timer = new Timer(_ => Sample(), null, 0, 20);

    public long Peak { get { Sample(); return Interlocked.Read(ref _peak); } }

    public void ResetPeak() => Interlocked.Exchange(ref _peak, CurrentRssBytes());

    private void Sample()
    {
        var now = CurrentRssBytes();
        long old;
        while (now > (old = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, old) != old) { }
    }

    public static long CurrentRssBytes() => StatusField("VmRSS:");
    public static long HighWaterBytes() => StatusField("VmHWM:");

    private static long StatusField(string name)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(name))
                return long.Parse(line[name.Length..].Trim().Split(' ')[0]) * 1024;
        return 0;
    }

    public void Dispose() => _timer.Dispose();
}
