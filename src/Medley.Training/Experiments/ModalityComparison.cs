using System.Text.Json;
using System.Text.Json.Nodes;
using Medley.Data.Splits;
using Medley.Evaluation.Statistics;
using Medley.Models.Methods;

namespace Medley.Training.Experiments;

/// <summary>One column of the methods × combinations table: the best method by mean, whether it beats every other by a paired t-test, and those tests.</summary>
public sealed record ColumnResult(string? Best, bool Star, IReadOnlyDictionary<string, TestResult?> Tests, IReadOnlyDictionary<string, double> Means);

/// <summary>Settings of <see cref="ModalityComparison.Run"/>.</summary>
public sealed record ModalityCompareOptions
{
    /// <summary>Modality combinations (dataset modality names); null = every non-empty combination of the spec's modalities.</summary>
    public IReadOnlyList<IReadOnlyList<string>>? Combinations { get; init; }
    /// <summary>The table's metric (the paper: AUROC).</summary>
    public string Metric { get; init; } = "auroc";
    /// <summary>Significance level of the * (the paper: 0.05).</summary>
    public double Alpha { get; init; } = 0.05;
    /// <summary>The concatenation method of the Table 2 view (uni-modal vs concatenated); the view is left out when it is not compared.</summary>
    public string Baseline { get; init; } = "concat";
}

/// <summary>
/// METHODS.md §2.7(a)/(b), the paper's Tables 2 and 3: every method × every modality combination (model key
/// `modalities`; one name = a uni-modal model), k-fold CV on the same folds into DIR/&lt;method&gt;/&lt;a+b&gt;/. compare.json
/// holds per cell the fold metrics and summary, per column the best method and a * when it beats every other method
/// of the column by a paired t-test over the folds (p &lt; alpha, and better on average), with all p-values; and the
/// Table 2 view: for each combination, the baseline's (concat) score beside the best uni-modal score of its modalities.
/// Each column is also written as DIR/&lt;a+b&gt;/comparison.json (ComparisonFile format, first method the reference).
/// </summary>
public static class ModalityComparison
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>"a+b" (combination names join modality names with +).</summary>
    public static string Name(IReadOnlyList<string> combination) => string.Join("+", combination);

    /// <summary>Every non-empty combination, by size, then in the order of the modalities.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> AllCombinations(IReadOnlyList<string> modalities)
    {
        if (modalities.Count > 10) throw new ArgumentException($"{modalities.Count} modalities give {(1 << modalities.Count) - 1} combinations; pass --combinations.");
        var all = new List<IReadOnlyList<string>>();
        for (var mask = 1; mask < 1 << modalities.Count; mask++)
            all.Add(Enumerable.Range(0, modalities.Count).Where(i => (mask >> i & 1) == 1).Select(i => modalities[i]).ToList());
        return all.OrderBy(c => c.Count).ToList(); // OrderBy is stable: same-size combinations keep the mask order
    }

    /// <summary>"image+labs,labs" → combinations; names must be modalities of the spec.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> ParseCombinations(string text, IReadOnlyList<string> modalities)
    {
        var result = new List<IReadOnlyList<string>>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var names = part.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            foreach (var n in names)
                if (!modalities.Contains(n))
                    throw new ArgumentException($"--combinations: '{n}' is not a modality of the dataset spec (modalities: {string.Join(", ", modalities)}).");
            if (names.Count == 0 || names.Distinct().Count() != names.Count) throw new ArgumentException($"--combinations: '{part}' must name distinct modalities joined by '+'.");
            var ordered = modalities.Where(names.Contains).ToList();
            if (result.Any(r => r.SequenceEqual(ordered))) throw new ArgumentException($"--combinations: '{part}' is given twice.");
            result.Add(ordered);
        }
        if (result.Count == 0) throw new ArgumentException("--combinations: give at least one, e.g. --combinations image,labs,image+labs.");
        return result;
    }

    /// <summary>
    /// The best method of a column by mean, and a star when it beats each other method by a paired t-test on the
    /// folds both have (two-sided p &lt; alpha, positive mean difference). An undefined test (all differences equal to
    /// zero, fewer than two shared folds) is no evidence: no star.
    /// </summary>
    public static ColumnResult Column(IReadOnlyDictionary<string, IReadOnlyDictionary<(int Repeat, int Fold), double>> byMethod, double alpha = 0.05)
    {
        var means = byMethod.Where(kv => kv.Value.Count > 0).ToDictionary(kv => kv.Key, kv => kv.Value.Values.Average());
        if (means.Count == 0) return new ColumnResult(null, false, new Dictionary<string, TestResult?>(), means);
        var best = means.OrderByDescending(kv => kv.Value).First().Key;
        var tests = new Dictionary<string, TestResult?>();
        var star = means.Count > 1;
        foreach (var (other, values) in byMethod.Where(kv => kv.Key != best && means.ContainsKey(kv.Key)))
        {
            var folds = byMethod[best].Keys.Where(values.ContainsKey).OrderBy(k => k).ToList();
            TestResult? t = folds.Count >= 2 ? PairedTests.TTest(folds.Select(k => byMethod[best][k]).ToList(), folds.Select(k => values[k]).ToList()) : null;
            tests[other] = t;
            if (t is null || !(t.PValue < alpha) || !(t.Statistic > 0)) star = false;
        }
        return new ColumnResult(best, star, tests, means);
    }

    public static JsonObject Run(string specPath, IReadOnlyList<RunConfig> configs, string outDir, SplitFile splits, ModalityCompareOptions options,
        Func<string, TrainerHooks>? hooks = null)
    {
        if (configs.Count == 0) throw new ArgumentException("--methods: give at least one method.");
        var methods = configs.Select(c => c.Method!).ToList();
        if (methods.Distinct().Count() != methods.Count) throw new ArgumentException("--methods names a method twice.");
        foreach (var m in methods)
            if (!MethodRegistry.Get(m).ConfigKeys.Contains("modalities"))
                throw new ArgumentException($"method '{m}' has no 'modalities' key, so it cannot be trained on a chosen modality combination (medley compare takes the fusion methods).");
        if (File.Exists(Path.Combine(outDir, "compare.json"))) throw new ArgumentException($"{outDir} already holds a comparison (compare.json); choose another --out.");
        var spec = Medley.Data.Datasets.MultimodalDataset.Open(specPath).Spec;
        var combinations = options.Combinations ?? AllCombinations(spec.Modalities.Select(m => m.Name).ToList());
        Directory.CreateDirectory(outDir);
        AtomicFile.Write(Path.Combine(outDir, "split.json"), tmp => splits.Save(tmp));

        var cells = new JsonArray();
        var columns = new JsonArray();
        // combination name → method → fold → metric value
        var table = new Dictionary<string, Dictionary<string, IReadOnlyDictionary<(int, int), double>>>();
        foreach (var combination in combinations)
        {
            var name = Name(combination);
            var compared = new List<ComparedMethod>();
            table[name] = new Dictionary<string, IReadOnlyDictionary<(int, int), double>>();
            foreach (var config in configs)
            {
                var (c, ignored) = CrossValidation.WithoutForeignKeys(config);
                c = c.Clone();
                c.Model["modalities"] = combination.Cast<object?>().ToList();
                var dir = Path.Combine(outDir, MissingSweepRunner.Slug(c.Method!), MissingSweepRunner.Slug(name));
                var cv = CrossValidation.Run(specPath, c, dir, splits, hooks == null ? null : title => hooks($"{name}: {title}"));
                compared.Add(new ComparedMethod(c.Method!, cv, dir) { IgnoredKeys = ignored });
                table[name][c.Method!] = FoldValues(cv, options.Metric);
                cells.Add(new JsonObject
                {
                    ["method"] = c.Method,
                    ["combination"] = new JsonArray(combination.Select(x => (JsonNode?)x).ToArray()),
                    ["name"] = name,
                    ["run_dir"] = Path.GetRelativePath(outDir, dir),
                    ["runs"] = cv["runs"]!.DeepClone(),
                    ["summary"] = cv["summary"]!.DeepClone(),
                });
            }
            var columnDir = Path.Combine(outDir, "by-combination", MissingSweepRunner.Slug(name));
            Directory.CreateDirectory(columnDir);
            ComparisonFile.Write(Path.Combine(columnDir, "comparison.json"), ComparisonFile.Build("compare", compared, splits.Folds, splits.Repeats));
            columns.Add(ColumnJson(name, combination, Column(table[name], options.Alpha)));
        }

        var result = new JsonObject
        {
            ["kind"] = "modality-compare",
            ["metric"] = options.Metric,
            ["alpha"] = options.Alpha,
            ["folds"] = splits.Folds,
            ["repeats"] = splits.Repeats,
            ["methods"] = new JsonArray(methods.Select(m => (JsonNode?)m).ToArray()),
            ["combinations"] = new JsonArray(combinations.Select(c => (JsonNode?)Name(c)).ToArray()),
            ["cells"] = cells,
            ["columns"] = columns,
        };
        if (Table2(table, combinations, options.Baseline) is { } t2) result["unimodal_vs_concat"] = t2;
        AtomicFile.WriteAllText(Path.Combine(outDir, "compare.json"), result.ToJsonString(Indented));
        return result;
    }

    private static JsonObject ColumnJson(string name, IReadOnlyList<string> combination, ColumnResult column)
    {
        var tests = new JsonObject();
        foreach (var (other, t) in column.Tests)
            tests[other] = t is null ? null : new JsonObject
            {
                ["t"] = double.IsFinite(t.Statistic) ? t.Statistic : null,
                ["df"] = t.DegreesOfFreedom,
                ["p"] = double.IsFinite(t.PValue) ? t.PValue : null,
                ["mean_difference"] = column.Means[column.Best!] - column.Means[other],
            };
        return new JsonObject
        {
            ["name"] = name,
            ["combination"] = new JsonArray(combination.Select(x => (JsonNode?)x).ToArray()),
            ["best"] = column.Best,
            ["star"] = column.Star,
            ["tests"] = tests,
        };
    }

    /// <summary>Table 2: per multi-modality combination, the baseline's mean beside each member's uni-modal mean (the same baseline on one modality).</summary>
    private static JsonArray? Table2(Dictionary<string, Dictionary<string, IReadOnlyDictionary<(int, int), double>>> table,
        IReadOnlyList<IReadOnlyList<string>> combinations, string baseline)
    {
        if (!table.Values.Any(col => col.ContainsKey(baseline))) return null;
        double? Mean(string combination) =>
            table.TryGetValue(combination, out var col) && col.TryGetValue(baseline, out var v) && v.Count > 0 ? v.Values.Average() : null;
        var rows = new JsonArray();
        foreach (var combination in combinations.Where(c => c.Count > 1))
        {
            if (Mean(Name(combination)) is not { } concat) continue;
            var uni = new JsonObject();
            foreach (var m in combination)
                if (Mean(m) is { } u) uni[m] = u;
            var row = new JsonObject { ["combination"] = Name(combination), ["baseline"] = baseline, ["concat"] = concat, ["unimodal"] = uni };
            if (uni.Count > 0)
            {
                var best = uni.OrderByDescending(kv => kv.Value!.GetValue<double>()).First();
                row["best_unimodal"] = best.Key;
                // "Modality laziness": the concatenation does worse than its best single modality.
                row["lazy"] = concat < best.Value!.GetValue<double>();
            }
            rows.Add(row);
        }
        return rows;
    }

    private static IReadOnlyDictionary<(int, int), double> FoldValues(JsonObject cv, string metric)
    {
        var values = new Dictionary<(int, int), double>();
        foreach (var run in (JsonArray)cv["runs"]!)
        {
            if (run!["test"]![metric] is not JsonValue v || !v.TryGetValue<double>(out var d))
                throw new ArgumentException($"metric '{metric}' is not among the test metrics (known: {string.Join(", ", ((JsonObject)run["test"]!).Select(kv => kv.Key))}); choose another --metric.");
            if (double.IsFinite(d)) values[(run["repeat"]!.GetValue<int>(), run["fold"]!.GetValue<int>())] = d;
        }
        return values;
    }
}
