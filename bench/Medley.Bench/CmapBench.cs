using System.Diagnostics;
using Medley.Models.Methods.CmapFusion;
using Medley.Torch;
using Medley.Torch.Profiling;
using Medley.Torch.Optim;
using Medley.Torch.Serialization;

namespace Medley.Bench;

/// <summary>
/// `Medley.Bench cmap CONFIG WEIGHTS`: CMAP-Fusion training step (batch 32) and inference (batch 1 and 32), the same
/// model, weights, inputs and op sequence as bench/python/bench_cmap.py (see there for CONFIG and the env knobs).
/// Prints "RESULT cmap_CONFIG_BENCH µs": the median over timed iterations of one iteration's wall time.
/// </summary>
public static class CmapBench
{
    private const int LabSteps = 8, LabVars = 6, Classes = 7;

    private static CmapFusionConfig Config(string name)
    {
        var (d, layers, heads, mlp) = name switch
        {
            "ti" => (192, 12, 3, 768),
            "b" => (768, 12, 12, 3072),
            _ => throw new ArgumentException($"cmap bench: unknown config '{name}' (ti or b)."),
        };
        return new CmapFusionConfig
        {
            NumClasses = Classes, LabSteps = LabSteps, LabVariables = LabVars, ImageSize = 224, PatchSize = 16,
            VitLayers = layers, VitHeads = heads, VitMlpDim = mlp, Dim = d, LabHidden = d, Gamma = 0.3, CmtHeads = 8,
            CmtForm = "tokens", Lambda1 = 0.1, Lambda2 = 0.01,
        };
    }

    private static readonly Dictionary<string, Dictionary<string, (int Warmup, int Iters)>> Iterations = new()
    {
        ["ti"] = new() { ["train_b32"] = (3, 10), ["infer_b1"] = (5, 30), ["infer_b32"] = (2, 10) },
        ["b"] = new() { ["train_b32"] = (2, 5), ["infer_b1"] = (3, 20), ["infer_b32"] = (1, 5) },
    };

    public static int Run(string name, string weights)
    {
        var only = (Environment.GetEnvironmentVariable("CMAP_ONLY") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        Console.WriteLine($"# medley: cmap {name} threads={Engine.Threads}");
        using var model = new CmapFusionModel(Config(name));
        void Load()
        {
            using var scope = DisposeScope.Enter();
            model.LoadStateDict(SafeTensors.Load(weights));
        }
        Load();
        (int, int) Iters(string bench)
        {
            var (w, n) = Iterations[name][bench];
            return (int.Parse(Environment.GetEnvironmentVariable("CMAP_WARMUP") ?? w.ToString()),
                int.Parse(Environment.GetEnvironmentVariable("CMAP_ITERS") ?? n.ToString()));
        }

        if (only.Count == 0 || only.Contains("train_b32"))
        {
            var (image, labs, target) = Inputs(32);
            using (var optimizer = new AdamW(model.Parameters(), learningRate: 1e-4, weightDecay: 0.01))
            {
                model.Train();
                var parts = new Dictionary<string, List<double>> { ["fwd"] = new(), ["bwd"] = new(), ["opt"] = new() };
                void Step()
                {
                    var t0 = Stopwatch.GetTimestamp();
                    using var scope = DisposeScope.Enter();
                    optimizer.ZeroGrad();
                    var loss = model.Loss(model.Forward(image, labs), target).Total;
                    var t1 = Stopwatch.GetTimestamp();
                    loss.Backward();
                    var t2 = Stopwatch.GetTimestamp();
                    optimizer.Step();
                    var t3 = Stopwatch.GetTimestamp();
                    parts["fwd"].Add(Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds);
                    parts["bwd"].Add(Stopwatch.GetElapsedTime(t1, t2).TotalMicroseconds);
                    parts["opt"].Add(Stopwatch.GetElapsedTime(t2, t3).TotalMicroseconds);
                }
                Report(name, "train_b32", Timed(Step, Iters("train_b32")));
                // Where the step's time goes (medians over the warm-up and timed steps alike).
                foreach (var (part, v) in parts) Report(name, "train_b32_" + part, v.Order().ElementAt(v.Count / 2));
            }
            image.Dispose(); labs.Dispose(); target.Dispose();
            Load();
        }
        model.Eval();
        foreach (var batch in new[] { 1, 32 })
        {
            var bench = $"infer_b{batch}";
            if (only.Count > 0 && !only.Contains(bench) && !only.Contains(bench + "_vit")) continue;
            var (image, labs, target) = Inputs(batch);
            void Infer()
            {
                using var scope = DisposeScope.Enter();
                using var noGrad = Engine.NoGrad();
                _ = model.Forward(image, labs).Logits;
            }
            Report(name, bench, Timed(Infer, Iters(bench)));
            // The forward's FLOPs (2 per multiply-add), for bench/roofline-cmap.sh: the least time any engine needs.
            using (var counter = FlopCounter.Start()) { Infer(); Console.WriteLine($"RESULT flops:cmap_{name}_{bench} {counter.Total}"); }
            // The image encoder alone: how much of the forward is the ViT.
            void EncodeImage()
            {
                using var scope = DisposeScope.Enter();
                using var noGrad = Engine.NoGrad();
                _ = model.ImageEncoder.Forward(image);
            }
            if (only.Contains(bench + "_vit")) Report(name, bench + "_vit", Timed(EncodeImage, Iters(bench)));
            image.Dispose(); labs.Dispose(); target.Dispose();
        }
        return 0;
    }

    private static void Report(string name, string bench, double micros) =>
        Console.WriteLine($"RESULT cmap_{name}_{bench} {micros:F1}");

    private static void Report(string name, string bench, (double Wall, double Cpu) t)
    {
        Report(name, bench, t.Wall);
        Console.WriteLine($"RESULT cpu:cmap_{name}_{bench} {t.Cpu:F1}");
    }

    // Random inputs; the values do not matter for timing (the model's weights are the shared ones).
    private static (Tensor Image, Tensor Labs, Tensor Target) Inputs(int batch)
    {
        Engine.ManualSeed((ulong)batch);
        var image = Tensor.Randn(batch, 3, 224, 224).DetachFromScope();
        var labs = Tensor.Rand(batch, LabSteps, LabVars).DetachFromScope();
        var target = Tensor.Randint(0, Classes, new long[] { batch }).DetachFromScope();
        return (image, labs, target);
    }

    /// <summary>Median wall time and median process CPU time (all threads; steadier than wall on a loaded machine), µs.</summary>
    private static (double Wall, double Cpu) Timed(Action body, (int Warmup, int Iters) n)
    {
        for (var i = 0; i < n.Warmup; i++) body();
        var wall = new double[n.Iters];
        var cpu = new double[n.Iters];
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < n.Iters; i++)
        {
            process.Refresh();
            var startCpu = process.TotalProcessorTime;
            var start = Stopwatch.GetTimestamp();
            body();
            wall[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            process.Refresh();
            cpu[i] = (process.TotalProcessorTime - startCpu).TotalMicroseconds;
        }
        Array.Sort(wall);
        Array.Sort(cpu);
        return (wall[n.Iters / 2], cpu[n.Iters / 2]);
    }
}
