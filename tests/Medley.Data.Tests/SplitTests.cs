using Medley.Data.Datasets;
using Medley.Data.Problems;
using Medley.Data.Splits;

namespace Medley.Data.Tests;

public class SplitTests
{
    /// <summary>A random dataset: groups of 1–4 samples, labels skewed per group (so stratification matters).</summary>
    private static MultimodalDataset Random(TempDataset d, int seed, bool multilabel, int groups = 300)
    {
        var rng = new Random(seed);
        var lines = new List<string> { "id,group,y,a,b,c,x" };
        var n = 0;
        for (var g = 0; g < groups; g++)
        {
            var size = 1 + rng.Next(4);
            var cls = rng.NextDouble() switch { < 0.6 => 0, < 0.85 => 1, < 0.95 => 2, _ => 3 };
            for (var s = 0; s < size; s++)
            {
                var y = rng.NextDouble() < 0.9 ? cls : rng.Next(4);
                lines.Add($"s{n++},g{g},c{y},{(rng.NextDouble() < 0.3 ? 1 : 0)},{(rng.NextDouble() < 0.1 ? 1 : 0)},{(y == 1 ? 1 : 0)},{rng.NextDouble()}");
            }
        }
        d.Write("samples.csv", string.Join("\n", lines));
        var label = multilabel ? "{task: multilabel, columns: [a, b, c]}" : "{task: multiclass, column: y}";
        d.Write("spec.yaml", $"manifest: samples.csv\nsample_id: id\ngroup_id: group\nlabel: {label}\nmodalities:\n  - {{name: t, kind: tabular, numeric: [x]}}\n");
        return MultimodalDataset.Open(d.PathOf("spec.yaml"));
    }

    private static void AssertNoGroupLeak(MultimodalDataset ds, SplitIndices s)
    {
        var parts = new[] { s.Train, s.Validation, s.Test };
        var groupSets = parts.Select(p => p.Select(i => ds.Row(i).GroupId).ToHashSet()).ToArray();
        for (var a = 0; a < 3; a++)
            for (var b = a + 1; b < 3; b++)
                Assert.Empty(groupSets[a].Intersect(groupSets[b]));
        Assert.Equal(ds.Count, parts.Sum(p => p.Length));
        Assert.Equal(ds.Count, parts.SelectMany(p => p).Distinct().Count());
    }

    private static void AssertProportionsClose(MultimodalDataset ds, int[] part, double tolerance)
    {
        var global = ds.Labels.Counts(Enumerable.Range(0, ds.Count));
        var local = ds.Labels.Counts(part);
        for (var c = 0; c < global.Length; c++)
            Assert.InRange((double)local[c] / part.Length - (double)global[c] / ds.Count, -tolerance, tolerance);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    public void NoGroupIsInTwoPartsOfAnySplit(int seed, bool multilabel)
    {
        using var d = new TempDataset();
        var ds = Random(d, seed, multilabel);
        foreach (var file in new[] { Splitter.HoldOut(ds, seed), Splitter.KFold(ds, seed) })
            foreach (var s in file.Resolve(ds))
                AssertNoGroupLeak(ds, s);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void HoldOutKeepsRatiosAndClassProportions(bool multilabel)
    {
        using var d = new TempDataset();
        var ds = Random(d, 11, multilabel, groups: 600);
        var s = Splitter.HoldOut(ds, 5).Resolve(ds)[0];
        Assert.InRange(s.Train.Length / (double)ds.Count, 0.66, 0.74);
        Assert.InRange(s.Validation.Length / (double)ds.Count, 0.17, 0.23);
        Assert.InRange(s.Test.Length / (double)ds.Count, 0.07, 0.13);
        AssertProportionsClose(ds, s.Train, 0.02);
        AssertProportionsClose(ds, s.Validation, 0.03);
        AssertProportionsClose(ds, s.Test, 0.04);
    }

    [Fact]
    public void KFoldTestPartsCoverEverySampleOncePerRepeat()
    {
        using var d = new TempDataset();
        var ds = Random(d, 12, false);
        var file = Splitter.KFold(ds, 3);
        Assert.Equal(15, file.Splits.Count);
        var splits = file.Resolve(ds);
        for (var rep = 0; rep < 3; rep++)
        {
            var tests = splits.Skip(rep * 5).Take(5).SelectMany(s => s.Test).ToList();
            Assert.Equal(ds.Count, tests.Count);
            Assert.Equal(ds.Count, tests.Distinct().Count());
            foreach (var s in splits.Skip(rep * 5).Take(5))
            {
                AssertProportionsClose(ds, s.Test, 0.05);
                Assert.InRange(s.Validation.Length / (double)(s.Train.Length + s.Validation.Length), 0.07, 0.13);
            }
        }
        // Repeats reshuffle.
        Assert.NotEqual(splits[0].Test, splits[5].Test);
    }

    [Fact]
    public void SameSeedSameSplitDifferentSeedDifferentSplit()
    {
        using var d = new TempDataset();
        var ds = Random(d, 13, false);
        var a = Splitter.HoldOut(ds, 42).Splits[0];
        var b = Splitter.HoldOut(ds, 42).Splits[0];
        var c = Splitter.HoldOut(ds, 43).Splits[0];
        Assert.Equal(a.Train, b.Train);
        Assert.Equal(a.Test, b.Test);
        Assert.NotEqual(a.Test, c.Test);
        var k1 = Splitter.KFold(ds, 7, folds: 3, repeats: 1);
        var k2 = Splitter.KFold(ds, 7, folds: 3, repeats: 1);
        Assert.Equal(k1.Splits.Select(s => s.Test), k2.Splits.Select(s => s.Test));
    }

    [Fact]
    public void SplitFileRoundTripsAndRejectsLeaks()
    {
        using var d = new TempDataset();
        var ds = Random(d, 14, false, groups: 40);
        var file = Splitter.HoldOut(ds, 1);
        var path = d.PathOf("runs/split.json");
        file.Save(path);
        var loaded = SplitFile.Load(path);
        Assert.Equal("holdout", loaded.Method);
        Assert.Equal("group", loaded.GroupColumn);
        Assert.Equal(file.Splits[0].Test, loaded.Splits[0].Test);
        Assert.Equal(file.Resolve(ds)[0].Train, loaded.Resolve("holdout", ds).Train);

        // Move one sample of a multi-sample training group into test: that group now leaks.
        var s = file.Splits[0];
        var leaking = s.Train.First(id => s.Train.Count(o => ds.Rows.First(r => r.SampleId == o).GroupId == ds.Rows.First(r => r.SampleId == id).GroupId) > 1);
        var bad = file with { Splits = new[] { s with { Train = s.Train.Where(x => x != leaking).ToList(), Test = s.Test.Append(leaking).ToList() } } };
        var e = Assert.Throws<DataException>(() => bad.Resolve(ds));
        Assert.Contains("leakage", e.Message);
        var unknown = file with { Splits = new[] { s with { Test = s.Test.Append("nope").ToList() } } };
        Assert.Contains("'nope' is not in the dataset", Assert.Throws<DataException>(() => unknown.Resolve(ds)).Message);
    }
}
