// OmniFuse training throughput on cached embeddings (issue 5, acceptance 7): the real Trainer.Fit + OmniFuseStrategy
// path over an in-memory batch source. Peer: bench/python/bench_omnifuse.py (bench/reference/omnifuse.py); driver:
// bench/run-omnifuse.sh. Prints "RESULT <key> <value>" lines.
//   Medley.Bench.OmniFuse --samples N [--batch 64] [--steps S] [--seed 1] [--warmup 5] [MODEL]
//   Medley.Bench.OmniFuse --export PATH [--seed 1] [MODEL]     writes the initial weights (Medley's state dict) and exits
//   MODEL: [--dims 512,768,256] [--embed 512] [--latent 128] [--hidden 128] (image,text,ehr widths; the paper's defaults)
using System.Diagnostics;
using System.Globalization;
using Medley.Bench.OmniFuse;
using Medley.Data.Spec;
using Medley.Models.Methods.OmniFuse;
using Medley.Torch;
using Medley.Torch.Serialization;
using Medley.Training;
using Medley.Training.Strategies;

var opt = BenchArgs.Parse(args);
BenchModel.Configure(opt.Dims, opt.Embed, opt.Latent, opt.Hidden);
if (opt.Export != null)
{
    using var exported = BenchModel.Build(opt.Seed);
    SafeTensors.Save(opt.Export, exported.StateDict());
    Console.WriteLine($"exported {exported.StateDict().Count} tensors to {opt.Export}");
    return 0;
}

Console.WriteLine($"# medley omnifuse: threads={Engine.Threads} samples={opt.Samples} batch={opt.Batch} steps={opt.Steps} seed={opt.Seed} " +
                  $"dims={string.Join(",", BenchModel.Modalities.Select(m => m.Width))} embed={opt.Embed} latent={opt.Latent} hidden={opt.Hidden}");
var rssStart = Rss.Current("VmRSS");
using var source = BenchData.Make(opt.Samples, opt.Batch, opt.Steps, opt.Seed);
var rssData = Rss.Current("VmRSS");
using var model = BenchModel.Build(opt.Seed);
var options = new TrainingOptions
{
    Epochs = 2, BatchSize = opt.Batch, LearningRate = 1e-4, WarmupEpochs = 0, WeightDecay = 1e-5, Patience = 0,
    EarlyStoppingMetric = "loss", Seed = opt.Seed, Workers = 0, Augment = false,
};
var names = BenchModel.Modalities.Select(m => m.Name).ToList();
var binding = new InputBinding(names.ToDictionary(n => n, n => n), names.ToDictionary(n => n, _ => ModalityKind.Embedding));
var strategy = StrategyRegistry.For("omnifuse", model);
var progress = new TimingProgress(opt.Batch);
var runDir = Path.Combine(Path.GetTempPath(), $"medley-bench-omnifuse-{Environment.ProcessId}");
try
{
    new Trainer(model, options, binding, TaskKind.Binary, new[] { "0", "1" }, strategy)
        .Fit(source, null, runDir, hooks: new TrainerHooks { Progress = progress });
}
finally
{
    if (Directory.Exists(runDir)) Directory.Delete(runDir, true);
}

var e1 = progress.Epochs[1];
var e2 = progress.Epochs[2];
var n = e1.BatchTimes.Count;
var w = Math.Min(opt.Warmup, n - 1);
Report("steps_per_epoch", n);
Report("dataset_mb", source.Bytes / 1048576.0);
// Epoch 1 (TLA off: δ_lazy exists from epoch 2): the plain OmniFuse step, after w warm-up steps.
Report("step_sps", opt.Batch * (n - w) / (e1.BatchTimes[n - 1] - e1.BatchTimes[w - 1]));
Report("epoch1_sps", opt.Batch * n / (e1.BatchTimes[n - 1] - e1.Start));
// Epoch 2 (TLA on): the 2^M − 1 combination search over the epoch's samples, then steps with the extra δ_lazy pass.
Report("tla_search_s", e2.BatchTimes[0] - e2.Start - (e2.BatchTimes[1] - e2.BatchTimes[0]));
Report("tla_step_sps", opt.Batch * (n - 1) / (e2.BatchTimes[n - 1] - e2.BatchTimes[0]));
Report("tla_epoch_sps", opt.Batch * n / (e2.BatchTimes[n - 1] - e2.Start));
Report("first_loss", e1.Losses[0]);
Report("lazy_mask", ((OmniFuseStrategy)strategy).LazyCombination ?? 0);
Report("rss_start_mb", rssStart / 1048576.0);
Report("rss_after_data_mb", rssData / 1048576.0);
Report("rss_step10_mb", progress.RssAtStep10 / 1048576.0);
Report("rss_last_step_epoch1_mb", progress.RssLastStepEpoch1 / 1048576.0);
Report("rss_end_epoch1_mb", e1.RssEnd / 1048576.0);
Report("rss_end_epoch2_mb", e2.RssEnd / 1048576.0);
Report("peak_rss_mb", Rss.Current("VmHWM") / 1048576.0);
// The .NET side of RSS: memory the GC has committed (its heap plus reserve), to tell managed growth from native.
Report("gc_committed_step10_mb", progress.GcCommittedAtStep10 / 1048576.0);
Report("gc_committed_last_step_epoch1_mb", progress.GcCommittedLastStepEpoch1 / 1048576.0);
Report("live_tensors", Engine.LiveTensors);
return 0;

static void Report(string key, double value) => Console.WriteLine($"RESULT {key} {value.ToString("G6", CultureInfo.InvariantCulture)}");

namespace Medley.Bench.OmniFuse
{
    /// <summary>
    /// The benchmarked model: METHODS.md §2 defaults (K = 5, d = 512, latent 128, p_drop 0.3, α/β/λ the paper's, TLA on);
    /// the widths can be changed with <see cref="Configure"/> (bench_omnifuse.py takes the same four arguments).
    /// </summary>
    public static class BenchModel
    {
        private static readonly string[] Names = { "image", "text", "ehr" };

        /// <summary>Cached embeddings; default as in the paper: ResNet-34 image 512-d, BERT-base text 768-d, an EHR encoding 256-d.</summary>
        public static (string Name, int Width)[] Modalities { get; private set; } = new[] { ("image", 512), ("text", 768), ("ehr", 256) };
        public static int EmbedDim { get; private set; } = 512;
        public static int LatentDim { get; private set; } = 128;
        public static int ClassifierHidden { get; private set; } = 128;

        public static void Configure(int[] dims, int embed, int latent, int hidden)
        {
            if (dims.Length != Names.Length) throw new ArgumentException($"--dims needs {Names.Length} widths (image,text,ehr), got {dims.Length}");
            Modalities = Names.Select((n, i) => (n, dims[i])).ToArray();
            (EmbedDim, LatentDim, ClassifierHidden) = (embed, latent, hidden);
        }

        public static OmniFuseModel Build(int seed)
        {
            Engine.ManualSeed((ulong)seed + 1000);
            return new OmniFuseModel(new OmniFuseConfig
            {
                ModalityShapes = string.Join(";", Modalities.Select(m => $"{m.Name}:embedding:{m.Width}")),
                Task = "binary", NumClasses = 2, EmbedDim = EmbedDim, NumAutoencoders = 5, LatentDim = LatentDim, ClassifierHidden = ClassifierHidden,
                PDrop = 0.3, UseTla = true,
            });
        }
    }

    /// <summary>The synthetic cached-embedding dataset (bench_omnifuse.py makes the same numbers with the same ops).</summary>
    public static class BenchData
    {
        public const double MissingRate = 0.2;

        public static InMemorySource Make(long samples, int batch, int steps, int seed)
        {
            using var scope = DisposeScope.Enter();
            Engine.ManualSeed((ulong)seed);
            var values = BenchModel.Modalities.Select(m => Tensor.Randn(samples, m.Width)).ToList();
            var present = BenchModel.Modalities.Select(_ => Tensor.Rand(samples).Ge(MissingRate)).ToList();
            // Every sample has at least one modality: the image where nothing else is.
            present[0] = present[0].LogicalOr(Tensor.Stack(present, 1).Any(1).LogicalNot());
            var labels = Tensor.Rand(samples).Lt(0.5).To(DType.Float32).DetachFromScope();
            var list = BenchModel.Modalities.Select((m, i) =>
                (m.Name, (values[i] * present[i].Unsqueeze(1).To(DType.Float32)).DetachFromScope(), present[i].DetachFromScope())).ToList();
            return new InMemorySource(list, labels, batch, steps, seed) { Bytes = list.Sum(m => m.Item2.NumEl * 4 + m.Item3.NumEl) + samples * 4 };
        }
    }

    /// <summary>Wall-clock timestamps of every step the trainer reports, per epoch; RSS at a few points.</summary>
    public sealed class TimingProgress(int batchSize) : ITrainingProgress
    {
        public sealed class EpochTimes
        {
            public double Start;
            public readonly List<double> BatchTimes = new();
            public readonly List<double> Losses = new();
            public long RssEnd;
        }

        private readonly Stopwatch clock = Stopwatch.StartNew();
        public readonly Dictionary<int, EpochTimes> Epochs = new();
        public long RssAtStep10;
        public long RssLastStepEpoch1;
        public long GcCommittedAtStep10;
        public long GcCommittedLastStepEpoch1;
        private double nextStart;
        private int perEpoch;

        public void Start(string title, int firstEpoch, int epochs, int batchesPerEpoch)
        {
            nextStart = clock.Elapsed.TotalSeconds;
            perEpoch = batchesPerEpoch;
        }

        public void Batch(int epoch, int batch, double loss)
        {
            var now = clock.Elapsed.TotalSeconds;
            if (!Epochs.TryGetValue(epoch, out var e)) Epochs[epoch] = e = new EpochTimes { Start = nextStart };
            e.BatchTimes.Add(now);
            e.Losses.Add(loss);
            if (epoch == 1 && batch == 10) (RssAtStep10, GcCommittedAtStep10) = (Rss.Current("VmRSS"), GC.GetGCMemoryInfo().TotalCommittedBytes);
            if (epoch == 1 && batch == perEpoch)   // before the checkpoint is written
                (RssLastStepEpoch1, GcCommittedLastStepEpoch1) = (Rss.Current("VmRSS"), GC.GetGCMemoryInfo().TotalCommittedBytes);
        }

        // Called after the epoch's checkpoints are written: the next epoch's clock starts here (checkpoints are not timed).
        public void Epoch(EpochRecord record, string metric, double? best)
        {
            Epochs[record.Epoch].RssEnd = Rss.Current("VmRSS");
            nextStart = clock.Elapsed.TotalSeconds;
        }

        public void Dispose() { }
    }

    public static class Rss
    {
        /// <summary>A /proc/self/status memory line in bytes (VmRSS: now, VmHWM: peak).</summary>
        public static long Current(string field)
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                    return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            return 0;
        }
    }

    public sealed record BenchArgs(long Samples, int Batch, int Steps, int Seed, int Warmup, string? Export, int[] Dims, int Embed, int Latent, int Hidden)
    {
        public static BenchArgs Parse(string[] args)
        {
            string? Get(string key) => Array.IndexOf(args, key) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
            return new BenchArgs(long.Parse(Get("--samples") ?? "10000", CultureInfo.InvariantCulture), int.Parse(Get("--batch") ?? "64", CultureInfo.InvariantCulture),
                int.Parse(Get("--steps") ?? "0", CultureInfo.InvariantCulture), int.Parse(Get("--seed") ?? "1", CultureInfo.InvariantCulture),
                int.Parse(Get("--warmup") ?? "5", CultureInfo.InvariantCulture), Get("--export"),
                (Get("--dims") ?? "512,768,256").Split(',').Select(d => int.Parse(d, CultureInfo.InvariantCulture)).ToArray(),
                int.Parse(Get("--embed") ?? "512", CultureInfo.InvariantCulture), int.Parse(Get("--latent") ?? "128", CultureInfo.InvariantCulture),
                int.Parse(Get("--hidden") ?? "128", CultureInfo.InvariantCulture));
        }
    }
}
