using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Medley.Evaluation.Tests;

/// <summary>
/// Writes run directories exactly as docs/runs.md defines them (log.csv, metrics.json, predictions.csv,
/// cv_metrics.json, comparison.json, sweep*.json, features.safetensors, r{R}_f{K}/), with seeded synthetic numbers,
/// so the report can be tested without training anything.
/// </summary>
internal static class ReportingRunFixture
{
    public static readonly string[] Classes = ["nv", "mel", "bcc"];
    public const int FoldCount = 3, RepeatCount = 2, Epochs = 12, FeatureSamples = 48, FeatureDim = 8;

    /// <summary>A temporary directory deleted on dispose.</summary>
    public sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("medley-report-").FullName;
        public string Sub(string name) { var p = System.IO.Path.Combine(Path, name); Directory.CreateDirectory(p); return p; }
        public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
    }

    /// <summary>Per-fold test accuracy of each compared method, keyed by (repeat, fold): the numbers the t-tests must reproduce.</summary>
    public static double FoldAccuracy(string method, int repeat, int fold) => method switch
    {
        "cmap-fusion" => 0.90 + 0.01 * ((repeat * FoldCount + fold) % 3),
        "image-only" => 0.62 + 0.015 * ((repeat * FoldCount + fold * 2) % 4),
        _ => 0.90 + 0.01 * ((repeat * FoldCount + fold + 1) % 3) - 0.004, // lab-noise: close to cmap-fusion
    };

    public static readonly string[] Methods = ["cmap-fusion", "image-only", "lab-noise"];

    /// <summary>A complete CV experiment: fold directories, cv_metrics.json, comparison.json, three sweeps and features.</summary>
    public static void WriteCvExperiment(string dir, bool withSummary = true, string comparisonKind = "compare")
    {
        Config(dir, "cmap-fusion", 7);
        var runs = new List<object>();
        for (var r = 0; r < RepeatCount; r++)
            for (var k = 0; k < FoldCount; k++)
            {
                var fold = Path.Combine(dir, $"r{r}_f{k}");
                Directory.CreateDirectory(fold);
                var seed = 100 + r * 10 + k;
                WriteSingleRun(fold, seed, Epochs - k, FoldAccuracy("cmap-fusion", r, k));
                runs.Add(new { repeat = r, fold = k, test = FoldTest("cmap-fusion", r, k) });
            }
        var cv = new Dictionary<string, object> { ["folds"] = FoldCount, ["repeats"] = RepeatCount, ["runs"] = runs };
        if (withSummary)
            cv["summary"] = new Dictionary<string, object> { ["accuracy"] = new { mean = 0.911, std = 0.008, ci95 = new[] { 0.902, 0.920 } } };
        Json(Path.Combine(dir, "cv_metrics.json"), cv);
        Comparison(dir, comparisonKind);
        Sweep(Path.Combine(dir, "sweep_noise.json"), "noise", [0, 0.1, 0.2, 0.3, 0.4], v => 0.92 - 0.6 * v * v);
        Sweep(Path.Combine(dir, "sweep_lab-mask.json"), "lab-mask", [0, 0.1, 0.2, 0.3, 0.4], v => 0.92 - 0.3 * v);
        Sweep(Path.Combine(dir, "sweep_gamma.json"), "gamma", [0.1, 0.2, 0.3, 0.4, 0.5], v => 0.9 + 0.02 * Math.Sin(10 * v));
        Features(Path.Combine(dir, "features.safetensors"), seed: 3, aligned: true);
    }

    public static Dictionary<string, double> FoldTest(string method, int r, int k)
    {
        var acc = FoldAccuracy(method, r, k);
        return new() { ["accuracy"] = acc, ["f1_macro"] = acc - 0.02, ["auroc"] = Math.Min(0.99, acc + 0.05), ["kappa"] = 2 * acc - 1 };
    }

    /// <summary>One training run: config.yaml, log.csv, metrics.json, predictions.csv and (optionally) features.safetensors.</summary>
    public static void WriteSingleRun(string dir, int seed, int epochs = Epochs, double accuracy = 0.9, bool features = false, int classes = 3)
    {
        var rng = new Random(seed);
        Config(dir, "cmap-fusion", seed);
        var log = new StringBuilder("epoch,train_loss,val_loss,val_accuracy,val_f1_macro,lr,seconds\n");
        for (var e = 1; e <= epochs; e++)
            log.Append(Inv($"{e},{1.2 * Math.Exp(-e / 4.0) + 0.05 + 0.01 * rng.NextDouble():F5},{1.2 * Math.Exp(-e / 5.0) + 0.12 + 0.02 * rng.NextDouble():F5},"))
               .Append(Inv($"{accuracy - 0.4 * Math.Exp(-e / 3.0):F5},{accuracy - 0.02 - 0.4 * Math.Exp(-e / 3.0):F5},{1e-4 * Math.Min(1, e / 3.0) * (0.5 + 0.5 * Math.Cos(Math.PI * e / epochs)):E4},{2.5 + rng.NextDouble():F3}\n"));
        File.WriteAllText(Path.Combine(dir, "log.csv"), log.ToString());

        var names = Classes.Take(classes).ToArray();
        var csv = new StringBuilder("sample_id,label,predicted," + string.Join(",", names.Select(c => "prob_" + c)) + "\n");
        for (var i = 0; i < 40; i++)
        {
            var label = i % classes;
            var logits = Enumerable.Range(0, classes).Select(c => (c == label ? 2.0 : 0.0) + 1.3 * Normal(rng)).ToArray();
            var max = logits.Max();
            var exp = logits.Select(v => Math.Exp(v - max)).ToArray();
            var probs = exp.Select(v => v / exp.Sum()).ToArray();
            var pred = Array.IndexOf(probs, probs.Max());
            csv.Append(Inv($"s{seed}_{i},{names[label]},{names[pred]},")).Append(string.Join(",", probs.Select(p => p.ToString("R", CultureInfo.InvariantCulture)))).Append('\n');
        }
        File.WriteAllText(Path.Combine(dir, "predictions.csv"), csv.ToString());

        Json(Path.Combine(dir, "metrics.json"), new Dictionary<string, object>
        {
            ["method"] = "cmap-fusion", ["task"] = "multiclass", ["classes"] = names,
            ["test"] = new Dictionary<string, double> { ["accuracy"] = accuracy, ["f1_macro"] = accuracy - 0.02, ["auroc"] = 0.95, ["kappa"] = 0.8, ["ece"] = 0.04 },
            ["val_best"] = new { epoch = epochs - 2, metric = "f1_macro", value = accuracy - 0.03 },
            ["efficiency"] = new { @params = 5_800_000, flops = 2.4e9, macs = 1.2e9, latency_ms_b1 = 6.1, latency_ms_b32 = 41.5, peak_rss_mb = 910 },
            ["efficiency_pruned"] = new { @params = 3_300_000, flops = 1.4e9, macs = 0.7e9, latency_ms_b1 = 4.0, latency_ms_b32 = 27.0, peak_rss_mb = 850 },
            ["features"] = new { sparsity = 0.42, cross_modal_cosine = 0.31 },
        });
        if (features) Features(Path.Combine(dir, "features.safetensors"), seed, aligned: true);
    }

    public static void Config(string dir, string method, int seed) => File.WriteAllText(Path.Combine(dir, "config.yaml"), $"""
        # resolved configuration
        dataset:
          spec: data/synthetic/spec.yaml
        method:
          name: {method}
          gamma: 0.3
          lambda1: 0.1
          vit:
            size: tiny
            patch: 16
        training:
          epochs: {Epochs}
          lr: 1.0e-4
          batch_size: 32
        seed: {seed}
        classes:
          - nv
          - mel
        """);

    private static void Comparison(string dir, string kind)
    {
        var methods = Methods.Select((m, i) => new Dictionary<string, object>
        {
            ["name"] = m,
            ["modules"] = new Dictionary<string, bool> { ["vit"] = true, ["smarttrim"] = i != 1, ["cmt"] = i != 2 },
            ["runs"] = Enumerable.Range(0, RepeatCount).SelectMany(r => Enumerable.Range(0, FoldCount).Select(k => (object)new { repeat = r, fold = k, test = FoldTest(m, r, k) })).ToList(),
            ["efficiency"] = new { @params = 5_800_000 - 1_500_000 * i, flops = (2.4 - 0.7 * i) * 1e9, latency_ms_b1 = 6.1 - i, latency_ms_b32 = 41.5 - 5 * i, peak_rss_mb = 900 - 20 * i },
        }).ToList();
        Json(Path.Combine(dir, "comparison.json"), new { kind, reference = "cmap-fusion", methods });
    }

    public static void Sweep(string path, string kind, double[] values, Func<double, double> curve) =>
        Json(path, new
        {
            kind, metric = "accuracy", values,
            results = new Dictionary<string, object>
            {
                ["cmap-fusion"] = values.Select(v => new { value = v, metric = curve(v), std = 0.01 + 0.02 * v }).ToList(),
                ["image-only"] = values.Select(v => new { value = v, metric = curve(v) - 0.25, std = 0.02 }).ToList(),
            },
        });

    /// <summary>F_I, F_L (samples × dim, float32), S (samples × 2·dim, float32) and labels (int64): class clusters, the lab features shifted when not aligned.</summary>
    public static void Features(string path, int seed, bool aligned)
    {
        var rng = new Random(seed);
        int n = FeatureSamples, d = FeatureDim;
        var labels = Enumerable.Range(0, n).Select(i => (long)(i % Classes.Length)).ToArray();
        float[] Make(double shift) => Enumerable.Range(0, n * d).Select(idx =>
        {
            var (i, j) = (idx / d, idx % d);
            return (float)((j == labels[i] ? 3.0 : 0.0) + shift * (j % 2 == 0 ? 1 : -1) + 0.5 * Normal(rng));
        }).ToArray();
        var fi = Make(0);
        var fl = Make(aligned ? 0.2 : 4.0);
        var s = Enumerable.Range(0, n * 2 * d).Select(idx => (float)(1 / (1 + Math.Exp(-((idx % (2 * d)) < d / 2 ? 2.0 : -1.0) - Normal(rng))))).ToArray();
        WriteSafeTensors(path, [("F_I", "F32", [n, d], F32(fi)), ("F_L", "F32", [n, d], F32(fl)), ("S", "F32", [n, 2 * d], F32(s)),
                                ("labels", "I64", [n], labels.SelectMany(BitConverter.GetBytes).ToArray())]);
    }

    public static byte[] F32(float[] v) => v.SelectMany(BitConverter.GetBytes).ToArray();

    public static void WriteSafeTensors(string path, IReadOnlyList<(string Name, string DType, long[] Shape, byte[] Data)> tensors)
    {
        var header = new Dictionary<string, object> { ["__metadata__"] = new Dictionary<string, string> { ["format"] = "pt" } };
        long offset = 0;
        foreach (var (name, dtype, shape, data) in tensors)
        {
            header[name] = new { dtype, shape, data_offsets = new[] { offset, offset + data.Length } };
            offset += data.Length;
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        using var fs = File.Create(path);
        fs.Write(BitConverter.GetBytes((ulong)json.Length));
        fs.Write(json);
        foreach (var t in tensors) fs.Write(t.Data);
    }

    public static void Json(string path, object value) =>
        File.WriteAllText(path, JsonSerializer.Serialize(value, new JsonSerializerOptions { WriteIndented = true }));

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
