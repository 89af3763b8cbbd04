using Medley.Data.Datasets;
using Medley.Data.Problems;
using Medley.Data.Timeseries;
using Medley.Torch;

namespace Medley.Data.Tests;

public class TimeseriesTests
{
    private const string Manifest = "id,y,hr0,hr1,hr2\ns1,0,60,,80\ns2,1,,,\ns3,0,100,110,x\n";

    private static MultimodalDataset OpenLong(TempDataset d, string series, string options = "")
    {
        d.Write("samples.csv", Manifest);
        d.Write("vitals.csv", series);
        d.Write("spec.yaml", $"""
            manifest: samples.csv
            sample_id: id
            label: {"{"}task: binary, column: y, classes: [0, 1]{"}"}
            modalities:
              - name: vitals
                kind: timeseries
                file: vitals.csv
                time_column: t
                steps: 3
                outlier_sigma: none
                scaling: none
            {options}
            """);
        return MultimodalDataset.Open(d.PathOf("spec.yaml"));
    }

    private static float[,] Read(MultimodalDataset ds, int row)
    {
        using var scope = DisposeScope.Enter();
        using var v = ds.Reader("vitals").Read(ds.Row(row));
        Assert.True(v.Present);
        var shape = v.Value!.Shape;
        var flat = v.Value.ToArray<float>();
        var m = new float[shape[0], shape[1]];
        for (var i = 0; i < flat.Length; i++) m[i / shape[1], i % shape[1]] = flat[i];
        return m;
    }

    [Fact]
    public void LongFormatInterpolatesLinearlyWithObservedMask()
    {
        using var d = new TempDataset();
        var ds = OpenLong(d, "id,t,variable,value\ns1,0,hr,60\ns1,10,hr,80\ns1,4,sbp,120\ns3,0,hr,100\ns3,2,sbp,140\n");
        ds.Fit(new[] { 0, 2 });
        var reader = (TimeseriesReader)ds.Reader("vitals");
        Assert.Equal(new[] { "hr", "sbp" }, reader.Variables);
        var m = Read(ds, 0); // grid 0, 5, 10
        Assert.Equal(new float[] { 60, 70, 80 }, new[] { m[0, 0], m[1, 0], m[2, 0] });
        Assert.Equal(new float[] { 1, 0, 1 }, new[] { m[0, 2], m[1, 2], m[2, 2] });
        Assert.Equal(new float[] { 120, 120, 120 }, new[] { m[0, 1], m[1, 1], m[2, 1] }); // constant outside observations
        Assert.Equal(new float[] { 0, 1, 0 }, new[] { m[0, 3], m[1, 3], m[2, 3] });      // t=4 is nearest to step 5
        Assert.False(reader.Check(ds.Row(1)).Present);                                     // s2 has no rows
    }

    [Fact]
    public void UnmeasuredVariableTakesTheTrainingMedian()
    {
        using var d = new TempDataset();
        var ds = OpenLong(d, "id,t,variable,value\ns1,0,hr,60\ns1,1,sbp,100\ns2,0,sbp,999\ns3,0,hr,100\ns3,1,sbp,120\n");
        ds.Fit(new[] { 0, 2 }); // s2 (sbp 999) is not training data
        var m = Read(ds, 0);
        Assert.Equal(110, ((TimeseriesReader)ds.Reader("vitals")).Preprocessor.Variables[1].Median);
        var s2 = Read(ds, 1);
        Assert.Equal(80f, s2[0, 0]);  // hr never measured in s2: training median of 60 and 100
        Assert.Equal(0f, s2[0, 2]);   // ... and its mask is 0
        Assert.Equal(999f, s2[0, 1]);
        Assert.Equal(60f, m[0, 0]);
    }

    [Fact]
    public void InvalidValuesNameTheSeriesFileLineAndColumn()
    {
        using var d = new TempDataset();
        var ds = OpenLong(d, "id,t,variable,value\ns1,0,hr,60\ns1,x,hr,61\ns1,2,hr,inf\nzz,0,hr,1\n");
        var reader = ds.Reader("vitals");
        var problems = reader.Check(ds.Row(0)).Problems;
        Assert.Equal(2, problems.Count);
        Assert.Equal((d.PathOf("vitals.csv"), 3, "t"), (problems[0].File, problems[0].Line, problems[0].Column));
        Assert.Equal((4, "value"), (problems[1].Line!.Value, problems[1].Column));
        var unknown = Assert.Single(((Readers.IFileProblemsReader)reader).FileProblems);
        Assert.Equal(5, unknown.Line);
        Assert.Contains("'zz' is not in the manifest", unknown.Message);
    }

    [Fact]
    public void WideFormatUsesManifestColumnsAndTimes()
    {
        using var d = new TempDataset();
        d.Write("samples.csv", Manifest);
        d.Write("spec.yaml", """
            manifest: samples.csv
            sample_id: id
            label: {task: binary, column: y, classes: [0, 1]}
            modalities:
              - name: vitals
                kind: timeseries
                format: wide
                variables:
                  hr: [hr0, hr1, hr2]
                times: [0, 1, 4]
                steps: 5
                invalid: missing
            """);
        var ds = MultimodalDataset.Open(d.PathOf("spec.yaml"));
        ds.Fit(new[] { 0, 2 });
        // training values 60, 80, 100, 110 → min 60, max 110; s1: 60 at t0, 80 at t4 → grid 0..4 step 1.
        var m = Read(ds, 0);
        var expected = new[] { 60, 65, 70, 75, 80 }.Select(v => (float)((v - 60) / 50.0)).ToArray();
        for (var t = 0; t < 5; t++) Assert.Equal(expected[t], m[t, 0], 5);
        Assert.Equal(new float[] { 1, 0, 0, 0, 1 }, Enumerable.Range(0, 5).Select(t => m[t, 1]));
        Assert.False(ds.Reader("vitals").Check(ds.Row(1)).Present);
        Assert.Empty(ds.Reader("vitals").Check(ds.Row(2)).Problems); // 'x' is missing by the spec's choice
        var state = TimeseriesPreprocessor.FromJson(ds.SavePreprocessing()["vitals"]);
        Assert.Equal(110, state.Variables[0].Max);
    }

    [Fact]
    public void WideFormatRejectsLongFormatKeys()
    {
        using var d = new TempDataset();
        d.Write("samples.csv", Manifest);
        d.Write("spec.yaml", "manifest: samples.csv\nsample_id: id\nlabel: {task: binary, column: y, classes: [0, 1]}\nmodalities:\n  - {name: v, kind: timeseries, format: wide, file: x.csv, variables: {hr: [hr0]}}\n");
        var e = Assert.Throws<DataException>(() => MultimodalDataset.Open(d.PathOf("spec.yaml")));
        Assert.Contains("'file' belongs to the long format", e.Message);
    }
}
