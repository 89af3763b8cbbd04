namespace Medley.Data.Splits;

/// <summary>
/// Assigns whole groups (patients) to parts with target ratios while keeping each class's share close to its global
/// share. Single-label: groups are stratified by their majority class and each goes to the part furthest below its
/// target for that class. Multilabel: the iterative stratification of Sechidis, Tsoumakas &amp; Vlahavas (2011),
/// applied to groups weighted by their sample counts. Deterministic for a given seed.
/// </summary>
public static class GroupStratifier
{
    /// <param name="labelCounts">Per group, the number of its samples in each class (multilabel: positives per label).</param>
    /// <param name="sizes">Per group, its number of samples.</param>
    /// <returns>The part index of each group.</returns>
    public static int[] Assign(IReadOnlyList<int[]> labelCounts, IReadOnlyList<int> sizes, IReadOnlyList<double> ratios, bool multilabel, int seed)
    {
        if (ratios.Count == 0 || ratios.Any(r => r < 0) || ratios.Sum() <= 0)
            throw new ArgumentException("split ratios must be non-negative and not all zero");
        var sum = ratios.Sum();
        var r = ratios.Select(x => x / sum).ToArray();
        var rng = new Random(seed);
        return multilabel ? Iterative(labelCounts, sizes, r, rng) : ByMajorityClass(labelCounts, sizes, r, rng);
    }

    private static int[] ByMajorityClass(IReadOnlyList<int[]> counts, IReadOnlyList<int> sizes, double[] r, Random rng)
    {
        var parts = new int[counts.Count];
        var strata = Enumerable.Range(0, counts.Count).GroupBy(g => Majority(counts[g])).OrderBy(s => s.Key);
        var overall = new double[r.Length];
        var total = sizes.Sum();
        for (var j = 0; j < r.Length; j++) overall[j] = r[j] * total;
        foreach (var stratum in strata)
        {
            // Shuffle, then place big groups first: they are the hardest to fit, small ones fill the gaps.
            var groups = Shuffle(stratum.ToArray(), rng).OrderByDescending(g => sizes[g]).ToArray();
            var stratumTotal = groups.Sum(g => sizes[g]);
            var desired = r.Select(x => x * stratumTotal).ToArray();
            foreach (var g in groups)
            {
                var j = Best(desired, overall, rng);
                parts[g] = j;
                desired[j] -= sizes[g];
                overall[j] -= sizes[g];
            }
        }
        return parts;
    }

    private static int Majority(int[] counts)
    {
        var best = 0;
        for (var c = 1; c < counts.Length; c++) if (counts[c] > counts[best]) best = c;
        return best;
    }

    private static int[] Iterative(IReadOnlyList<int[]> counts, IReadOnlyList<int> sizes, double[] r, Random rng)
    {
        var k = r.Length;
        var labels = counts.Count == 0 ? 0 : counts[0].Length;
        var parts = Enumerable.Repeat(-1, counts.Count).ToArray();
        var total = sizes.Sum();
        var desired = r.Select(x => x * total).ToArray();
        var desiredLabel = new double[labels][];
        for (var l = 0; l < labels; l++)
        {
            var positives = counts.Sum(c => c[l]);
            desiredLabel[l] = r.Select(x => x * positives).ToArray();
        }
        var remaining = new HashSet<int>(Enumerable.Range(0, counts.Count));
        var remainingPositives = new long[labels];
        for (var l = 0; l < labels; l++) remainingPositives[l] = counts.Sum(c => (long)c[l]);

        void Place(int g, int j)
        {
            parts[g] = j;
            remaining.Remove(g);
            desired[j] -= sizes[g];
            for (var l = 0; l < labels; l++)
            {
                desiredLabel[l][j] -= counts[g][l];
                remainingPositives[l] -= counts[g][l];
            }
        }

        while (remaining.Count > 0)
        {
            // The label with the fewest (but some) remaining positives goes first: rare labels are placed while there is room.
            var label = -1;
            for (var l = 0; l < labels; l++)
                if (remainingPositives[l] > 0 && (label < 0 || remainingPositives[l] < remainingPositives[label])) label = l;
            if (label < 0)
            {
                // Groups without any positive label: fill the parts furthest below their target size.
                foreach (var g in Shuffle(remaining.OrderBy(x => x).ToArray(), rng))
                    Place(g, Best(desired, desired, rng));
                break;
            }
            var withLabel = Shuffle(remaining.Where(g => counts[g][label] > 0).OrderBy(x => x).ToArray(), rng);
            foreach (var g in withLabel)
                Place(g, Best(desiredLabel[label], desired, rng));
        }
        return parts;
    }

    /// <summary>The part with the largest primary need; ties by the largest secondary need, then at random.</summary>
    private static int Best(double[] primary, double[] secondary, Random rng)
    {
        var best = new List<int> { 0 };
        for (var j = 1; j < primary.Length; j++)
        {
            var b = best[0];
            var cmp = Compare(primary[j], primary[b]);
            if (cmp == 0) cmp = Compare(secondary[j], secondary[b]);
            if (cmp > 0) best = new List<int> { j };
            else if (cmp == 0) best.Add(j);
        }
        return best.Count == 1 ? best[0] : best[rng.Next(best.Count)];
    }

    private static int Compare(double a, double b) => Math.Abs(a - b) < 1e-9 ? 0 : a.CompareTo(b);

    private static T[] Shuffle<T>(T[] items, Random rng)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
        return items;
    }
}
