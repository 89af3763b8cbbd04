using System.Text.Json.Nodes;
using Medley.Data.Splits;
using Medley.Models.Methods;

namespace Medley.Training.Experiments;

/// <summary>One row of OmniFuse's ablation (paper Table 4): its letter and which components are on.</summary>
public sealed record OmniFuseRow(string Letter, bool DwFuse, bool Tla, bool ImpForward, bool ImpBackward)
{
    /// <summary>"(b) dwfuse+tla": the letter and the components that are on ("(a) concat" when none is).</summary>
    public string Name => $"({Letter}) " + (Components.Count == 0 ? "concat" : string.Join("+", Components));

    private IReadOnlyList<string> Components =>
        new[] { (DwFuse, "dwfuse"), (Tla, "tla"), (ImpForward, "imp-fw"), (ImpBackward, "imp-bw") }.Where(c => c.Item1).Select(c => c.Item2).ToList();

    public IReadOnlyDictionary<string, bool> Modules => new Dictionary<string, bool>
    {
        ["dwfuse"] = DwFuse, ["tla"] = Tla, ["imp_fw"] = ImpForward, ["imp_bw"] = ImpBackward,
    };

    /// <summary>The omnifuse config keys of this row.</summary>
    public IReadOnlyDictionary<string, string> Keys => new Dictionary<string, string>
    {
        ["use_dwfuse"] = Bool(DwFuse), ["use_tla"] = Bool(Tla), ["use_imputation"] = Bool(ImpForward), ["use_backward"] = Bool(ImpBackward),
    };

    private static string Bool(bool b) => b ? "true" : "false";
}

/// <summary>
/// OmniFuse's ablation, METHODS.md §2.7(d) / the paper's Table 4, rows (a)–(f) over DWFuse, TLA, IMP-fw (forward CRA
/// imputation) and IMP-bw (backward CRA, cycle consistency), each row a CV on the same folds into DIR/&lt;row&gt;/;
/// comparison.json of kind "ablation" with the component flags and paired t-tests against the full model (f).
/// The rows, from the paper's text ("row (a) ... removes all proposed components and fuses multi-modalities in a basic
/// concatenation manner"; "the introduction of DWFuse alone" (b); "in row (c), adding TLA"; "introducing the
/// IMP-forward module in row (d)"; "the inclusion of IMP-backward further enhances performance, as shown in row (f)"):
///   (a) none · (b) DWFuse · (c) DWFuse+TLA · (d) DWFuse+TLA+IMP-fw · (e) DWFuse+IMP-fw+IMP-bw · (f) all four.
/// [choice] Row (e) has three ticks whose columns the extracted PDF text lost; Medley reads it as the full model
/// without TLA (IMP-bw needs IMP-fw's output, so "DWFuse+TLA+IMP-bw" would be no model) — so (d)/(e) each drop one
/// component of (f).
/// </summary>
public static class OmniFuseAblation
{
    public static readonly IReadOnlyList<OmniFuseRow> Rows =
    [
        new("a", false, false, false, false),
        new("b", true, false, false, false),
        new("c", true, true, false, false),
        new("d", true, true, true, false),
        new("e", true, false, true, true),
        new("f", true, true, true, true),
    ];

    public static JsonObject Run(string specPath, RunConfig config, string outDir, SplitFile splits, Func<string, TrainerHooks>? hooks = null,
        IReadOnlyList<OmniFuseRow>? rows = null)
    {
        var keys = MethodRegistry.Get(config.Method ?? throw new ArgumentException("no method given.")).ConfigKeys;
        var missing = Rows[0].Keys.Keys.Where(k => !keys.Contains(k)).ToList();
        if (missing.Count > 0)
            throw new ArgumentException($"--rows omnifuse switches {string.Join(", ", Rows[0].Keys.Keys)}, but method '{config.Method}' has no {string.Join(", ", missing)} (use omnifuse).");
        if (File.Exists(Path.Combine(outDir, "comparison.json"))) throw new ArgumentException($"{outDir} already holds results (comparison.json); choose another --out.");
        Directory.CreateDirectory(outDir);
        AtomicFile.WriteAllText(Path.Combine(outDir, "config.yaml"), config.ToYaml());
        AtomicFile.Write(Path.Combine(outDir, "split.json"), tmp => splits.Save(tmp));
        var compared = new List<ComparedMethod>();
        // The full model (f) is the reference of the t-tests, so it comes first in comparison.json; the rows keep their letters.
        var ordered = (rows ?? Rows).OrderByDescending(r => r.DwFuse && r.Tla && r.ImpForward && r.ImpBackward).ToList();
        foreach (var row in ordered)
        {
            var c = config.Clone();
            foreach (var (k, v) in row.Keys) c.Model[k] = v;
            var dir = Path.Combine(outDir, $"row_{row.Letter}");
            var cv = CrossValidation.Run(specPath, c, dir, splits, hooks == null ? null : title => hooks($"{row.Name}: {title}"));
            compared.Add(new ComparedMethod(row.Name, cv, dir) { Modules = row.Modules });
        }
        var comparison = ComparisonFile.Build("ablation", compared, splits.Folds, splits.Repeats);
        ComparisonFile.Write(Path.Combine(outDir, "comparison.json"), comparison);
        return comparison;
    }
}
