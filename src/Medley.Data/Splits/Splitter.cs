using Medley.Data.Datasets;
using Medley.Data.Spec;

namespace Medley.Data.Splits;

/// <summary>Grouped (by the spec's group column), label-stratified splits: hold-out and repeated k-fold.</summary>
public static class Splitter
{
    /// <summary>One train/validation/test split with the given ratios (default 7:2:1).</summary>
    public static SplitFile HoldOut(MultimodalDataset dataset, int seed, double train = 0.7, double validation = 0.2, double test = 0.1)
    {
        var (_, members) = Groups(dataset);
        var parts = GroupStratifier.Assign(LabelCounts(dataset, members), members.Select(m => m.Count).ToList(),
            new[] { train, validation, test }, dataset.Labels.Task == TaskKind.Multilabel, seed);
        var split = ToSplit("holdout", dataset, members, parts, 0, 1, 2);
        return new SplitFile("holdout", seed, dataset.Spec.GroupIdColumn, new[] { train, validation, test }, null, null, new[] { split });
    }

    /// <summary>
    /// k folds × repeats (default 5 × 3): in split "r{repeat}f{fold}" fold is the test part and, from the other folds,
    /// a grouped stratified <paramref name="validation"/> fraction is held out for early stopping (0 = none).
    /// Each repeat reshuffles with its own seed derived from <paramref name="seed"/>.
    /// </summary>
    public static SplitFile KFold(MultimodalDataset dataset, int seed, int folds = 5, int repeats = 3, double validation = 0.1)
    {
        if (folds < 2) throw new ArgumentException($"k-fold needs at least 2 folds, not {folds}");
        if (repeats < 1) throw new ArgumentException($"repeats must be at least 1, not {repeats}");
        if (validation is < 0 or >= 1) throw new ArgumentException($"the validation fraction must be in [0, 1), not {validation}");
        var (_, members) = Groups(dataset);
        if (members.Count < folds) throw new ArgumentException($"{members.Count} groups cannot fill {folds} folds");
        var counts = LabelCounts(dataset, members);
        var sizes = members.Select(m => m.Count).ToList();
        var multilabel = dataset.Labels.Task == TaskKind.Multilabel;
        var splits = new List<DataSplit>();
        for (var rep = 0; rep < repeats; rep++)
        {
            var repSeed = unchecked(seed * 1_000_003 + rep * 7919);
            var fold = GroupStratifier.Assign(counts, sizes, Enumerable.Repeat(1.0, folds).ToArray(), multilabel, repSeed);
            for (var f = 0; f < folds; f++)
            {
                // Parts: 0 train, 1 validation, 2 test.
                var parts = fold.Select(x => x == f ? 2 : 0).ToArray();
                if (validation > 0)
                {
                    var rest = Enumerable.Range(0, members.Count).Where(g => fold[g] != f).ToArray();
                    var inner = GroupStratifier.Assign(rest.Select(g => counts[g]).ToList(), rest.Select(g => sizes[g]).ToList(),
                        new[] { 1 - validation, validation }, multilabel, unchecked(repSeed + 31 * (f + 1)));
                    for (var i = 0; i < rest.Length; i++) parts[rest[i]] = inner[i];
                }
                splits.Add(ToSplit($"r{rep}f{f}", dataset, members, parts, 0, 1, 2));
            }
        }
        return new SplitFile("kfold", seed, dataset.Spec.GroupIdColumn, validation > 0 ? new[] { 1 - validation, validation } : null, folds, repeats, splits);
    }

    private static (List<string> Groups, List<List<int>> Members) Groups(MultimodalDataset dataset)
    {
        var order = new List<string>();
        var members = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < dataset.Count; i++)
        {
            var g = dataset.Row(i).GroupId;
            if (!members.TryGetValue(g, out var list)) { members[g] = list = new(); order.Add(g); }
            list.Add(i);
        }
        return (order, order.Select(g => members[g]).ToList());
    }

    private static List<int[]> LabelCounts(MultimodalDataset dataset, List<List<int>> members) =>
        members.Select(rows => dataset.Labels.Counts(rows)).ToList();

    private static DataSplit ToSplit(string name, MultimodalDataset dataset, List<List<int>> members, int[] parts, int train, int val, int test)
    {
        List<string> Ids(int part) => Enumerable.Range(0, members.Count).Where(g => parts[g] == part)
            .SelectMany(g => members[g]).Order().Select(i => dataset.Row(i).SampleId).ToList();
        return new DataSplit(name, Ids(train), Ids(val), Ids(test));
    }
}
