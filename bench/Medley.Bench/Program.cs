using System.Diagnostics;
using Medley.Torch;

// Engine micro-benchmarks, run by bench/run.sh next to the Python peer (bench/python/bench_torch.py).
// Prints "RESULT <name> <microseconds>" lines: the median over repeats of the mean time per operation.
namespace Medley.Bench;

public static class Program
{
    public static int Main(string[] args)
    {
        Medley.Torch.Native.NativeLibraryHook.Register(typeof(Program).Assembly);
        if (args.Length >= 3 && args[0] == "prune-latency") return PruneLatency.Run(args[1], args[2], args.Length > 3 ? int.Parse(args[3]) : 5);
        if (args.Length == 3 && args[0] == "cmap") return CmapBench.Run(args[1], args[2]);
        if (args.Length >= 1 && args[0] == "vit-ops") return VitBlockOps.Run(args.Length > 1 ? args[1] : "ti");
        var breakdown = args.Contains("breakdown");
        var only = args.Length > 0 && !breakdown ? new HashSet<string>(args) : null;
        var repeats = int.Parse(Environment.GetEnvironmentVariable("BENCH_REPEATS") ?? "7");
        Console.WriteLine($"# medley: threads={Engine.Threads} repeats={repeats}");
        var selected = (breakdown ? Breakdown.All : Benchmarks.All).Where(b => only == null || only.Contains(b.Name)).ToArray();
        // Warm every tiny benchmark first, so the first one measured does not pay for tiered JIT of the shared path.
        foreach (var (name, run) in selected)
            if (name != "mlp_step") run();
        foreach (var (name, run) in selected)
        {
            var (wall, cpu) = Measure(run, repeats);
            Console.WriteLine($"RESULT {name} {wall:F3}");
            if (cpu is { } c) Console.WriteLine($"RESULT cpu:{name} {c:F3}");
        }
        return 0;
    }

    /// <summary>Runs once to warm up, then <paramref name="repeats"/> times; returns the median µs per op of each clock.</summary>
    private static (double Wall, double? Cpu) Measure(Func<Timing> run, int repeats)
    {
        run();
        var samples = new Timing[repeats];
        for (var i = 0; i < repeats; i++) samples[i] = run();
        var wall = samples.Select(t => t.Wall).Order().ElementAt(repeats / 2);
        double? cpu = samples[0].ThreadCpu == null ? null : samples.Select(t => t.ThreadCpu!.Value).Order().ElementAt(repeats / 2);
        return (wall, cpu);
    }

    /// <summary>Mean microseconds per iteration of <paramref name="body"/> over <paramref name="count"/> iterations.</summary>
    public static double Time(int count, Action body)
    {
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < count; i++) body();
        return sw.Elapsed.TotalMicroseconds / count;
    }
}
