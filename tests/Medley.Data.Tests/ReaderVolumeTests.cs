using Medley.Data.Batching;
using Medley.Data.Checks;
using Medley.Data.Datasets;
using Medley.Data.Problems;
using Medley.Data.Readers;
using Medley.Data.Volumes;
using Medley.Torch;

namespace Medley.Data.Tests;

[Collection(SerialCollection.Name)]
public class ReaderVolumeTests
{
    /// <summary>A 6×10×12 HU volume: −1000 background with a +200 HU bright cube whose corner is at (z, y, x).</summary>
    private static Volume Phantom(int z, int y, int x, Spacing3? spacing = null)
    {
        const int D = 6, H = 10, W = 12;
        var data = new float[D * H * W];
        Array.Fill(data, -1000f);
        for (var k = z; k < z + 2; k++)
            for (var j = y; j < y + 3; j++)
                for (var i = x; i < x + 3; i++)
                    data[(k * H + j) * W + i] = 200f;
        return new Volume(data, D, H, W, spacing ?? new Spacing3(2, 1, 1));
    }

    /// <summary>Four samples, one per container (.nii.gz, .nii, .npy, DICOM series folder) plus one without a volume.</summary>
    private static string Make(TempDataset d, string options)
    {
        Nifti.Write(d.PathOf("a.nii.gz"), Phantom(1, 2, 3));
        Nifti.Write(d.PathOf("b.nii"), Phantom(2, 4, 5), NiftiDataType.Int16);
        var c = Phantom(3, 5, 7);
        Npy.Write(d.PathOf("c.npy"), c.Data, new long[] { c.Depth, c.Height, c.Width });
        DicomSeries.Write(d.PathOf("series_d"), Phantom(1, 1, 2));
        d.Write("samples.csv", "id,pid,y,ct\nA,p1,0,a.nii.gz\nB,p2,1,b.nii\nC,p3,0,c.npy\nD,p4,1,series_d\nE,p5,0,\n");
        return d.Write("spec.yaml", $$"""
            manifest: samples.csv
            sample_id: id
            group_id: pid
            label: {task: binary, column: y}
            modalities:
              - {name: ct, kind: volume, column: ct, {{options}}}
            """);
    }

    [Fact]
    public void BatchesHoldWindowedCroppedVolumes()
    {
        using var d = new TempDataset();
        var ds = MultimodalDataset.Open(Make(d, "window: [-1000, 400], crop: [4, 8, 8]"));
        Assert.IsType<VolumeModalityReader>(ds.Reader("ct"));
        ds.Fit(Enumerable.Range(0, 3).ToArray());
        using var scope = DisposeScope.Enter();
        using var batch = new DataLoader(ds, Enumerable.Range(0, 5).ToArray(), new DataLoaderOptions { BatchSize = 5, Workers = 0 }).Epoch().First();
        Assert.Equal(new long[] { 5, 1, 4, 8, 8 }, batch.Inputs["ct"].Shape);
        Assert.Equal(new[] { true, true, true, true, false }, batch.Present["ct"].ToArray<bool>());
        var v = batch.Inputs["ct"].ToArray<float>();
        Assert.All(v, x => Assert.InRange(x, 0f, 1f));
        const int per = 4 * 8 * 8;
        // each present sample keeps the whole 2×3×3 cube after the centred crop (window maps 200 HU to 6/7)
        for (var s = 0; s < 4; s++)
            Assert.Equal(18, v.Skip(s * per).Take(per).Count(x => Math.Abs(x - 1200f / 1400f) < 1e-3));
        Assert.All(v.Skip(4 * per), x => Assert.Equal(0f, x));
    }

    [Fact]
    public void ResamplesToTheRequestedSpacingAndFlipsOnlyInTraining()
    {
        using var d = new TempDataset();
        var ds = MultimodalDataset.Open(Make(d, "spacing: [1, 1, 1], flip_probability: [0, 0, 1]"));
        var reader = ds.Reader("ct");
        using var scope = DisposeScope.Enter();
        using var eval = reader.Read(ds.Row(0));
        Assert.Equal(new long[] { 1, 12, 10, 12 }, eval.Value!.Shape); // 6 slices of 2 mm -> 12 of 1 mm
        var augmenting = (IAugmentingReader)reader;
        using var train = augmenting.Read(ds.Row(0), new ReadContext(true, 5));
        using var flipped = eval.Value.Flip(new long[] { 3 });
        Assert.Equal(flipped.ToArray<float>(), train.Value!.ToArray<float>());
    }

    [Fact]
    public void CheckReportsShapesSpacingAndUnreadableVolumes()
    {
        using var d = new TempDataset();
        var spec = Make(d, "window: [-1000, 400]");
        var bytes = File.ReadAllBytes(d.PathOf("a.nii.gz"));
        File.WriteAllBytes(d.PathOf("a.nii.gz"), bytes[..(bytes.Length / 2)]);
        var report = DatasetChecker.Check(spec);
        Assert.Equal(1, report.ErrorCount);
        Assert.Contains(report.Problems, p => p.Severity == Severity.Error && p.File == d.PathOf("samples.csv") && p.Line == 2 && p.Column == "ct" && p.Message.Contains("a.nii.gz"));
        var summary = string.Join("\n", report.Summary);
        Assert.Contains("present: 3 of 5", summary);
        Assert.Contains("shapes (C×D×H×W): 1×6×10×12 (3)", summary);
        Assert.Contains("2×1×1 (2)", summary); // NIfTI and DICOM keep the spacing
        Assert.Contains("1×1×1 (1)", summary); // .npy has none
        Assert.Contains("window [-1000, 400]", summary);
    }

    [Fact]
    public void BadOptionsNameTheKey()
    {
        using var d = new TempDataset();
        var e = Assert.Throws<DataException>(() => MultimodalDataset.Open(Make(d, "window: [400, -1000]")));
        Assert.Contains("high > low", e.Message);
        e = Assert.Throws<DataException>(() => MultimodalDataset.Open(Make(d, "crop: [4, 8]")));
        Assert.Contains("'crop' needs 3 numbers", e.Message);
        e = Assert.Throws<DataException>(() => MultimodalDataset.Open(Make(d, "spacing: [1, 0, 1]")));
        Assert.Contains("positive", e.Message);
    }
}
