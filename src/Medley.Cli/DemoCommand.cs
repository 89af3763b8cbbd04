using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Medley.Cli.Demo;
using Medley.Data.Synthetic;
using Medley.Evaluation.Reporting;
using Medley.Training;

namespace Medley.Cli;

/// <summary>
/// `medley demo [--out runs/demo] [--seed 0] [--quick]`: the product in one command. Synthesises a small image + lab
/// data set whose label is (blob position in the image) XOR (sign of a lab value), so neither modality alone beats
/// chance; cross-validates CMAP-Fusion against the image-only and lab-only baselines on the same folds; writes the
/// comparison and report.html into the run folder (docs/runs.md) and prints where the report is. Layout: data/,
/// CMAP-Fusion's folds r0_fK/ and cv_metrics.json at the top, image-only/ and lab-only/ CV folders, comparison.json.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Run folder to write (data/, one folder per method, comparison.json, report.html).", DefaultValueFactory = _ => "runs/demo" };
        var seed = new Option<int>("--seed") { Description = "Seed of the data, the folds and the training.", DefaultValueFactory = _ => 0 };
        var quick = new Option<bool>("--quick") { Description = "A tiny, fast version (smoke test of the whole pipeline; the figures mean little)." };
        var command = new Command("demo", "Synthesise an image + lab data set whose label needs both, cross-validate CMAP-Fusion against image-only and lab-only, write the report.")
        {
            output, seed, quick,
        };
        command.SetAction(parse => Run(parse.GetValue(output)!, parse.GetValue(seed), parse.GetValue(quick) ? DemoPlan.Quick : DemoPlan.Full));
        return command;
    }

    internal static int Run(string outDir, int seed, DemoPlan plan)
    {
        if (seed < 0) throw new ArgumentException($"--seed must be 0 or more (got {seed}).");
        if (File.Exists(Path.Combine(outDir, "comparison.json")))
            throw new ArgumentException($"{outDir} already holds a finished demo; choose another --out or delete it.");
        var clock = Stopwatch.StartNew();

        var dataDir = Path.Combine(outDir, "data");
        Console.WriteLine($"[1/3] synthesising {plan.Samples} samples into {dataDir}: 32×32 image + labs; label = (blob position) XOR (crp sign)");
        var data = SyntheticDataset.Generate(Path.GetFullPath(dataDir), new SynthOptions
        {
            Samples = plan.Samples, Seed = (ulong)seed, Xor = true, Modalities = new[] { SynthModalities.Image, SynthModalities.Labs },
        });

        Console.WriteLine($"[2/3] {plan.Folds}-fold cross-validation of {string.Join(", ", DemoPlan.Methods)} (same folds; up to {plan.Epochs} epochs each)");
        var configs = DemoPlan.Methods.Select(m => plan.Config(m, seed, data.SpecPath)).ToList();
        var splits = CrossValidation.Splits(data.SpecPath, seed, plan.Folds, 1);
        var comparison = CrossValidation.Compare(data.SpecPath, configs, outDir, splits,
            title => new TrainerHooks { Progress = new PlainProgress(Console.Out), Title = title });
        AddEfficiency(outDir, comparison);
        PromoteReference(outDir, DemoPlan.Methods[0]);

        Console.WriteLine("[3/3] writing the report");
        var report = RunReport.Write(outDir, options: new RunReportOptions { Title = "Medley demo: CMAP-Fusion vs single-modality baselines on synthetic XOR data", TSneSeed = seed });

        Console.WriteLine();
        Console.WriteLine($"test accuracy over {plan.Folds} folds (mean ± std):");
        foreach (var method in DemoPlan.Methods)
        {
            var s = MethodEntries(comparison).First(e => e.Name == method).Node["summary"]!["accuracy"]!;
            Console.WriteLine(FormattableString.Invariant($"  {method,-12} {s["mean"]!.GetValue<double>():F3} ± {s["std"]?.GetValue<double>() ?? double.NaN:F3}"));
        }
        Console.WriteLine($"neither modality alone beats chance (0.5); CMAP-Fusion combines them. {report.Figures.Count} figures, {clock.Elapsed.TotalMinutes:F1} min.");
        Console.WriteLine($"report: {Path.GetFullPath(Path.Combine(outDir, "report.html"))}");
        return 0;
    }

    /// <summary>
    /// Moves CMAP-Fusion's folds (r0_fK/, cv_metrics.json, config.yaml) from outDir/cmap-fusion/ up into the run folder:
    /// the report reads per-fold curves, ROC, confusion matrices, t-SNE and importances from the folder it is given,
    /// so the demo's report shows them for CMAP-Fusion beside the comparison of all three methods.
    /// </summary>
    private static void PromoteReference(string outDir, string method)
    {
        var from = Path.Combine(outDir, method);
        foreach (var dir in Directory.GetDirectories(from)) Directory.Move(dir, Path.Combine(outDir, Path.GetFileName(dir)));
        foreach (var file in new[] { "cv_metrics.json", "config.yaml" })
            if (File.Exists(Path.Combine(from, file))) File.Move(Path.Combine(from, file), Path.Combine(outDir, file), overwrite: true);
        if (!Directory.EnumerateFileSystemEntries(from).Any()) Directory.Delete(from);
    }

    /// <summary>
    /// Adds each method's mean efficiency over its folds (params, FLOPs, latency from the folds' metrics.json) to
    /// comparison.json, so the report's efficiency table and accuracy-vs-FLOPs plot have their data.
    /// </summary>
    private static void AddEfficiency(string outDir, JsonObject comparison)
    {
        foreach (var (method, node) in MethodEntries(comparison))
        {
            var sums = new Dictionary<string, (double Sum, int Count)>();
            foreach (var dir in Directory.GetDirectories(Path.Combine(outDir, method)).Where(d => Path.GetFileName(d).StartsWith("r", StringComparison.Ordinal)))
            {
                var path = Path.Combine(dir, "metrics.json");
                if (!File.Exists(path) || JsonNode.Parse(File.ReadAllText(path))?["efficiency"] is not JsonObject eff) continue;
                foreach (var (k, v) in eff)
                    if (v is JsonValue jv && jv.TryGetValue<double>(out var d))
                        sums[k] = sums.TryGetValue(k, out var s) ? (s.Sum + d, s.Count + 1) : (d, 1);
            }
            if (sums.Count == 0) continue;
            var mean = new JsonObject();
            foreach (var (k, (sum, count)) in sums) mean[k] = sum / count;
            node!["efficiency"] = mean;
        }
        AtomicFile.WriteAllText(Path.Combine(outDir, "comparison.json"), comparison.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>comparison.json lists methods as an array of {"name", ...} (older files: an object keyed by name).</summary>
    private static IEnumerable<(string Name, JsonObject Node)> MethodEntries(JsonObject comparison) =>
        comparison["methods"] switch
        {
            JsonArray list => list.OfType<JsonObject>().Select(m => (m["name"]!.GetValue<string>(), m)),
            JsonObject byName => byName.Select(kv => (kv.Key, (JsonObject)kv.Value!)),
            _ => throw new InvalidDataException("comparison.json has no \"methods\" list."),
        };
}
