using System.Text.Json.Nodes;
using Medley.Data.Splits;

namespace Medley.Training.Experiments;

/// <summary>One ablation row: which of CMAP-Fusion's three modules are on.</summary>
public sealed record AblationVariant(bool Vit, bool SmartTrim, bool Cmt)
{
    /// <summary>"vit+smarttrim+cmt", "smarttrim+cmt", ... (the modules that are on).</summary>
    public string Name => string.Join("+", new[] { (Vit, "vit"), (SmartTrim, "smarttrim"), (Cmt, "cmt") }.Where(m => m.Item1).Select(m => m.Item2));

    public IReadOnlyDictionary<string, bool> Modules => new Dictionary<string, bool> { ["vit"] = Vit, ["smarttrim"] = SmartTrim, ["cmt"] = Cmt };
}

/// <summary>
/// The ablation of METHODS.md §1.9: CMAP-Fusion with each of ViT (else the small CNN), SmartTrim (else identity) and
/// CMT (else concatenation + MLP) switched on or off, all variants trained on the same folds; comparison.json of kind
/// "ablation" with module flags, per-fold metrics, efficiency and paired t-tests against the full model.
/// </summary>
public static class AblationRunner
{
    /// <summary>
    /// The 7 rows of the paper's ablation tables: every combination with at least one of the three modules on, the full
    /// model first (the t-test reference). The 8th combination — none on: CNN + concatenation + MLP — contains none of
    /// the modules being ablated; it is a plain late-fusion baseline, not a variant of CMAP-Fusion, so it is left out.
    /// </summary>
    public static readonly IReadOnlyList<AblationVariant> Variants =
    [
        new(true, true, true),
        new(false, true, true),
        new(true, false, true),
        new(true, true, false),
        new(true, false, false),
        new(false, true, false),
        new(false, false, true),
    ];

    /// <summary>"cmap-fusion" (the 7 module combinations) or "omnifuse" (rows (a)–(f) of <see cref="OmniFuseAblation"/>).</summary>
    public static readonly IReadOnlyList<string> RowSets = ["cmap-fusion", "omnifuse"];

    /// <summary>Runs the ablation rows of <paramref name="rows"/> ("cmap-fusion" or "omnifuse") on the same folds.</summary>
    public static JsonObject Run(string rows, string specPath, RunConfig config, string outDir, SplitFile splits, Func<string, TrainerHooks>? hooks = null) => rows switch
    {
        "cmap-fusion" => Run(specPath, config, outDir, splits, hooks),
        "omnifuse" => OmniFuseAblation.Run(specPath, config, outDir, splits, hooks),
        _ => throw new ArgumentException($"--rows '{rows}': use {string.Join(" or ", RowSets)}."),
    };

    public static JsonObject Run(string specPath, RunConfig config, string outDir, SplitFile splits, Func<string, TrainerHooks>? hooks = null,
        IReadOnlyList<AblationVariant>? variants = null)
    {
        if (config.Method != "cmap-fusion")
            throw new ArgumentException($"medley ablate switches CMAP-Fusion's modules; the config's method is '{config.Method}' (use cmap-fusion).");
        if (File.Exists(Path.Combine(outDir, "comparison.json"))) throw new ArgumentException($"{outDir} already holds results (comparison.json); choose another --out.");
        Directory.CreateDirectory(outDir);
        AtomicFile.WriteAllText(Path.Combine(outDir, "config.yaml"), config.ToYaml());
        AtomicFile.Write(Path.Combine(outDir, "split.json"), tmp => splits.Save(tmp));
        var compared = new List<ComparedMethod>();
        foreach (var v in variants ?? Variants)
        {
            var c = config.Clone();
            c.Model["use_vit"] = v.Vit ? "true" : "false";
            c.Model["use_smart_trim"] = v.SmartTrim ? "true" : "false";
            c.Model["use_cmt"] = v.Cmt ? "true" : "false";
            var dir = Path.Combine(outDir, v.Name);
            var cv = CrossValidation.Run(specPath, c, dir, splits, hooks == null ? null : title => hooks($"{v.Name}: {title}"));
            compared.Add(new ComparedMethod(v.Name, cv, dir) { Modules = v.Modules });
        }
        var comparison = ComparisonFile.Build("ablation", compared, splits.Folds, splits.Repeats);
        ComparisonFile.Write(Path.Combine(outDir, "comparison.json"), comparison);
        return comparison;
    }
}
