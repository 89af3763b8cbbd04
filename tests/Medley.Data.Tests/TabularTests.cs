using Medley.Data.Datasets;
using Medley.Data.Problems;
using Medley.Data.Tabular;
using Medley.Torch;

namespace Medley.Data.Tests;

public class TabularTests
{
    private static MultimodalDataset Open(TempDataset d, string manifest, string options = "")
    {
        d.Write("samples.csv", manifest);
        d.Write("spec.yaml", $"""
            manifest: samples.csv
            sample_id: id
            label: {"{"}task: binary, column: y, classes: [0, 1]{"}"}
            modalities:
              - name: labs
                kind: tabular
                numeric: [hb, crp]
                categorical: [site]
            {options}
            """);
        return MultimodalDataset.Open(d.PathOf("spec.yaml"));
    }

    [Fact]
    public void InvalidNumbersAreErrorsNamingRowAndColumn()
    {
        using var d = new TempDataset();
        var ds = Open(d, "id,hb,crp,site,y\ns1,NaN,1,a,0\ns2,inf,2,a,1\ns3,12,abc,,0\ns4,,,,1\n");
        var reader = ds.Reader("labs");
        var problems = ds.Rows.SelectMany(r => reader.Check(r).Problems).ToList();
        Assert.Equal(3, problems.Count);
        Assert.All(problems, p => Assert.Equal(Severity.Error, p.Severity));
        Assert.Equal(new int?[] { 2, 3, 4 }, problems.Select(p => p.Line));
        Assert.Equal(new[] { "hb", "hb", "crp" }, problems.Select(p => p.Column));
        Assert.Contains("NaN", problems[0].Message);
        Assert.Contains("'abc' is not a number", problems[2].Message);
        Assert.False(reader.Check(ds.Row(3)).Present); // every tabular cell empty: modality absent
    }

    [Fact]
    public void InvalidAsMissingWhenTheSpecSaysSo()
    {
        using var d = new TempDataset();
        var ds = Open(d, "id,hb,crp,site,y\ns1,NaN,1,a,0\ns2,10,3,a,1\ns3,20,5,b,0\n", "    invalid: missing\n    outlier_sigma: none");
        ds.Fit(new[] { 0, 1, 2 });
        using var scope = DisposeScope.Enter();
        using var v = ds.Reader("labs").Read(ds.Row(0));
        Assert.Empty(v.Problems);
        // hb NaN → median 15 → scaled (15-10)/10 = 0.5; crp 1 → (1-1)/4 = 0; site a one-hot [1, 0, unknown 0].
        Assert.Equal(new float[] { 0.5f, 0f, 1, 0, 0 }, v.Value!.ToArray<float>());
    }

    [Fact]
    public void CategoricalUnseenValuesGoToUnknownLevel()
    {
        using var d = new TempDataset();
        var ds = Open(d, "id,hb,crp,site,y\ns1,1,1,arm,0\ns2,2,2,leg,1\ns3,3,3,scalp,0\ns4,4,4,,1\n", "    missing_indicator: true");
        ds.Fit(new[] { 0, 1 });
        var reader = (TabularReader)ds.Reader("labs");
        Assert.Equal(new[] { "hb", "crp", "hb:missing", "crp:missing", "site=arm", "site=leg", "site=unknown", "site:missing" },
            reader.Preprocessor.FeatureNames());
        using var scope = DisposeScope.Enter();
        using var unseen = reader.Read(ds.Row(2));
        Assert.Equal(new float[] { 0, 0, 1, 0 }, unseen.Value!.ToArray<float>()[4..]);
        using var empty = reader.Read(ds.Row(3));
        Assert.Equal(new float[] { 0, 0, 0, 1 }, empty.Value!.ToArray<float>()[4..]);
    }

    [Fact]
    public void FitUsesTrainingRowsOnlyWithOutlierRemovalMedianAndMinMax()
    {
        // Training rows: hb 10..19 plus an outlier 1000 (removed by 3σ); test rows have huge values that must not matter.
        var lines = new List<string> { "id,hb,crp,site,y" };
        for (var i = 0; i < 10; i++) lines.Add($"t{i},{10 + i},1,a,0");
        for (var i = 0; i < 20; i++) lines.Add($"u{i},{10 + i % 10},1,a,0");
        lines.Add("out,1000,1,a,1");
        lines.Add("x1,5000,9000,zzz,1");
        lines.Add("x2,-7000,9000,zzz,1");
        using var d = new TempDataset();
        var ds = Open(d, string.Join("\n", lines));
        var train = Enumerable.Range(0, 31).ToArray();
        ds.Fit(train);
        var stats = ((TabularReader)ds.Reader("labs")).Preprocessor;
        var hb = stats.Numeric[0];
        Assert.Equal(10, hb.Min);
        Assert.Equal(19, hb.Max);
        Assert.Equal(14.5, hb.Median);
        Assert.Equal(31, hb.Count);
        Assert.Equal(new[] { "a" }, stats.Categorical[0].Levels);

        // Fitting on train + test rows changes the statistics: the check above would fail if test rows leaked in.
        ds.Fit(Enumerable.Range(0, ds.Count).ToArray());
        var leaky = ((TabularReader)ds.Reader("labs")).Preprocessor;
        Assert.NotEqual(hb, leaky.Numeric[0]);
        Assert.Contains("zzz", leaky.Categorical[0].Levels);
    }

    [Fact]
    public void OutliersAtApplyTimeBecomeMissingAndStateRoundTripsThroughJson()
    {
        var lines = new List<string> { "id,hb,crp,site,y" };
        for (var i = 0; i < 20; i++) lines.Add($"t{i},{(i % 2 == 0 ? 10 : 20)},{i},a,0");
        lines.Add("x,900,5,b,1");
        using var d = new TempDataset();
        var ds = Open(d, string.Join("\n", lines));
        ds.Fit(Enumerable.Range(0, 20).ToArray());
        var reader = (TabularReader)ds.Reader("labs");
        using var scope = DisposeScope.Enter();
        using var outlier = reader.Read(ds.Row(20));
        // hb 900 is > 3σ from the training mean 15 → missing → median 15 → scaled 0.5.
        Assert.Equal(0.5f, outlier.Value!.ToArray<float>()[0]);
        var json = ds.SavePreprocessing()["labs"];
        var restored = TabularPreprocessor.FromJson(json);
        Assert.Equal(reader.Preprocessor.Numeric, restored.Numeric);
        Assert.Equal(reader.Preprocessor.Categorical[0].Levels, restored.Categorical[0].Levels);
        Assert.Equal(reader.Preprocessor.Apply(new[] { 12.0, 3.0 }, new[] { "b" }), restored.Apply(new[] { 12.0, 3.0 }, new[] { "b" }));
    }

    [Fact]
    public void ReadingBeforeFitIsAClearError()
    {
        using var d = new TempDataset();
        var ds = Open(d, "id,hb,crp,site,y\ns1,1,1,a,0\n");
        var e = Assert.Throws<InvalidOperationException>(() => ds.Reader("labs").Read(ds.Row(0)));
        Assert.Contains("not fitted", e.Message);
    }
}
