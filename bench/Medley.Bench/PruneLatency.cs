using System.Diagnostics;
using Medley.Torch.Profiling;
using Medley.Models.Methods.CmapFusion;
using Medley.Torch;
using Medley.Training;

namespace Medley.Bench;

/// <summary>
/// `Medley.Bench prune-latency RUN PRUNED_RUN [ROUNDS]`: inference latency of a CMAP-Fusion run and its pruned copy
/// (`medley prune`), measured in one process and interleaved: each round times the unpruned and then the pruned
/// model (order swapped every round) at batch 1 and 32 — warm-up, then the median of CMAP_ITERS (default 30) forward
/// passes in eval mode without grad. Prints per round and the median over rounds (wall, and the calling thread's CPU time: with
/// MEDLEY_NUM_THREADS=1 all the work runs on it), with params and FLOPs.
/// Inputs are random tensors of the runs' shapes (latency does not depend on the values).
/// </summary>
public static class PruneLatency
{
    public static int Run(string runDir, string prunedDir, int rounds)
    {
        var iters = int.Parse(Environment.GetEnvironmentVariable("CMAP_ITERS") ?? "30");
        var warmup = int.Parse(Environment.GetEnvironmentVariable("CMAP_WARMUP") ?? "10");
        using var a = SavedRun.Load(runDir);
        using var b = SavedRun.Load(prunedDir);
        var models = new[] { ("unpruned", (CmapFusionModel)a.Model), ("pruned", (CmapFusionModel)b.Model) };
        var c = models[0].Item2.Config;
        Console.WriteLine($"# prune-latency threads={Engine.Threads} rounds={rounds} warmup={warmup} iters={iters}");
        foreach (var (name, m) in models)
        {
            m.Eval();
            using var scope = DisposeScope.Enter();
            using var noGrad = Engine.NoGrad();
            var (image, labs) = Inputs(c, 1);
            using var counter = FlopCounter.Start();
            m.Forward(image, labs);
            Console.WriteLine($"# {name}: image dims {m.ImageDim}, lab dims {m.LabDim}, params {m.ParameterCount()}, FLOPs {counter.Total}");
        }
        var samples = new Dictionary<string, List<double>>();
        for (var r = 0; r < rounds; r++)
            foreach (var batch in new[] { 1, 32 })
            {
                using var scope = DisposeScope.Enter();
                var (image, labs) = Inputs(c, batch);
                var order = r % 2 == 0 ? models : models.Reverse().ToArray();
                foreach (var (name, m) in order)
                {
                    var (ms, cpuMs) = Median(m, image, labs, warmup, iters);
                    var key = $"{name}_b{batch}";
                    (samples.TryGetValue(key, out var l) ? l : samples[key] = new List<double>()).Add(ms);
                    (samples.TryGetValue("cpu:" + key, out var lc) ? lc : samples["cpu:" + key] = new List<double>()).Add(cpuMs);
                    Console.WriteLine($"round {r + 1} {key} {ms:F3} ms (thread CPU {cpuMs:F3} ms)");
                }
            }
        foreach (var (key, l) in samples)
            Console.WriteLine($"RESULT {key} {l.Order().ElementAt(l.Count / 2):F3} ms (rounds: {string.Join(", ", l.Select(v => v.ToString("F3")))})");
        return 0;
    }

    private static (Tensor Image, Tensor Labs) Inputs(CmapFusionConfig c, int batch) =>
        (Tensor.Randn(batch, c.InChannels, c.ImageSize, c.ImageSize), Tensor.Rand(batch, c.LabSteps, c.LabVariables));

    /// <summary>Median wall ms and median CPU ms of the calling thread (with 1 intra-op thread all the work runs on it;
    /// it leaves out time spent waiting for a core on a loaded machine).</summary>
    private static (double Wall, double Cpu) Median(CmapFusionModel m, Tensor image, Tensor labs, int warmup, int iters)
    {
        using var noGrad = Engine.NoGrad();
        var wall = new double[iters];
        var cpu = new double[iters];
        for (var i = -warmup; i < iters; i++)
        {
            var clock = OpClock.Start();
            using (DisposeScope.Enter()) m.Forward(image, labs);
            var t = clock.PerOp(1);
            if (i >= 0) (wall[i], cpu[i]) = (t.Wall / 1000, t.ThreadCpu!.Value / 1000);
        }
        Array.Sort(wall);
        Array.Sort(cpu);
        return (wall[iters / 2], cpu[iters / 2]);
    }
}
