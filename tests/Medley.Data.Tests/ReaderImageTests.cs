using Medley.Data.Batching;
using Medley.Data.Checks;
using Medley.Data.Datasets;
using Medley.Data.Imaging;
using Medley.Data.Problems;
using Medley.Data.Readers;
using Medley.Torch;

namespace Medley.Data.Tests;

[Collection(SerialCollection.Name)]
public class ReaderImageTests
{
    /// <summary>12 samples: RGB PNGs of varying size and brightness (row 3 has no image, row 5's file is gone).</summary>
    private static string Make(TempDataset d, string options = "", Func<int, byte>? level = null)
    {
        level ??= i => (byte)(20 * i);
        var lines = new List<string> { "id,pid,y,img" };
        for (var i = 0; i < 12; i++)
        {
            var file = i == 3 ? "" : i == 5 ? "img/gone.png" : $"img/s{i}.png";
            if (i != 3 && i != 5)
            {
                int w = 20 + i, h = 16 + i % 3;
                var px = new byte[w * h * 3];
                for (var p = 0; p < w * h; p++) { px[3 * p] = level(i); px[3 * p + 1] = (byte)(p % 200); px[3 * p + 2] = 100; }
                Directory.CreateDirectory(d.PathOf("img"));
                ImageCodec.Write(d.PathOf(file), ImageData.FromUInt8(px, w, h, 3));
            }
            lines.Add($"s{i},p{i / 2},{i % 2},{file}");
        }
        d.Write("samples.csv", string.Join("\n", lines));
        return d.Write("spec.yaml", $$"""
            manifest: samples.csv
            sample_id: id
            group_id: pid
            label: {task: binary, column: y}
            modalities:
              - {name: photo, kind: image, column: img, size: 8, {{(options.Length > 0 ? options : "channels: rgb")}}}
            """);
    }

    [Fact]
    public void BatchesHoldImageTensorsWithPresence()
    {
        using var d = new TempDataset();
        var ds = MultimodalDataset.Open(Make(d));
        Assert.IsType<ImageModalityReader>(ds.Reader("photo"));
        ds.Fit(Enumerable.Range(0, 8).ToArray());
        using var scope = DisposeScope.Enter();
        var batch = new DataLoader(ds, Enumerable.Range(0, 12).ToArray(), new DataLoaderOptions { BatchSize = 6, Workers = 0 }).Epoch().First();
        using (batch)
        {
            Assert.Equal(new long[] { 6, 3, 8, 8 }, batch.Inputs["photo"].Shape);
            Assert.Equal(new[] { true, true, true, false, true, false }, batch.Present["photo"].ToArray<bool>());
            var values = batch.Inputs["photo"].ToArray<float>();
            Assert.All(values.Skip(3 * 192).Take(192), v => Assert.Equal(0f, v)); // the absent sample is zeros
            Assert.All(values, v => Assert.True(float.IsFinite(v)));
            // blue is constant 100/255 in every image: std 0, so it stays centred at 0
            Assert.All(values.Skip(128).Take(64), v => Assert.Equal(0f, v, 4));
        }
    }

    [Fact]
    public void StatisticsComeFromTrainingImagesOnly()
    {
        using var d1 = new TempDataset();
        using var d2 = new TempDataset();
        // the two datasets differ only in rows 8-11 (the non-training rows)
        var a = MultimodalDataset.Open(Make(d1));
        var b = MultimodalDataset.Open(Make(d2, level: i => i >= 8 ? (byte)250 : (byte)(20 * i)));
        var train = Enumerable.Range(0, 8).ToArray();
        a.Fit(train);
        b.Fit(train);
        var pa = ((ImageModalityReader)a.Reader("photo")).Preprocessing;
        var pb = ((ImageModalityReader)b.Reader("photo")).Preprocessing;
        Assert.Equal(pa.Mean, pb.Mean);
        Assert.Equal(pa.Std, pb.Std);
        // red mean over the training images that exist (0,1,2,4,6,7), each constant 20·i/255
        var expected = new[] { 0, 1, 2, 4, 6, 7 }.Average(i => 20.0 * i / 255);
        Assert.Equal(expected, pa.Mean[0], 3);
        // fitting on all rows would move it: the test rows do influence a fit that includes them
        b.Fit(Enumerable.Range(0, 12).ToArray());
        Assert.NotEqual(pa.Mean[0], ((ImageModalityReader)b.Reader("photo")).Preprocessing.Mean[0], 3);
        // the fitted state round-trips
        var saved = a.SavePreprocessing();
        var c = MultimodalDataset.Open(d1.PathOf("spec.yaml"));
        c.LoadPreprocessing(saved);
        Assert.Equal(pa.Mean, ((ImageModalityReader)c.Reader("photo")).Preprocessing.Mean);
    }

    [Fact]
    public void AugmentationIsSeededAndOnlyInTraining()
    {
        using var d = new TempDataset();
        var ds = MultimodalDataset.Open(Make(d, "channels: gray, crop_scale: [0.5, 0.7], flip_probability: 0.5"));
        ds.Fit(Enumerable.Range(0, 8).ToArray());
        var rows = new[] { 0, 1, 2, 4 };
        float[] Load(bool augment, int epoch, int seed)
        {
            using var scope = DisposeScope.Enter();
            using var batch = new DataLoader(ds, rows, new DataLoaderOptions { BatchSize = 4, Workers = 0, Augment = augment, Seed = seed }).Epoch(epoch).First();
            Assert.Equal(new long[] { 4, 1, 8, 8 }, batch.Inputs["photo"].Shape);
            return batch.Inputs["photo"].ToArray<float>();
        }
        var eval0 = Load(false, 0, 0);
        Assert.Equal(eval0, Load(false, 3, 9)); // evaluation: no augmentation whatever the epoch/seed
        var train = Load(true, 0, 0);
        Assert.NotEqual(eval0, train);
        Assert.Equal(train, Load(true, 0, 0)); // same seed and epoch: identical
        Assert.NotEqual(train, Load(true, 1, 0)); // another epoch: other draws
        // 'augment: false' in the spec turns it off even for training loaders
        using var d2 = new TempDataset();
        var plain = MultimodalDataset.Open(Make(d2, "channels: gray, augment: false"));
        plain.Fit(Enumerable.Range(0, 8).ToArray());
        using var scope = DisposeScope.Enter();
        using var a = new DataLoader(plain, rows, new DataLoaderOptions { BatchSize = 4, Workers = 0, Augment = true }).Epoch(0).First();
        Assert.Equal(eval0, a.Inputs["photo"].ToArray<float>());
    }

    [Fact]
    public void CheckReportsSizesAndUnreadableFilesByRow()
    {
        using var d = new TempDataset();
        var spec = Make(d);
        var good = File.ReadAllBytes(d.PathOf("img/s2.png"));
        File.WriteAllBytes(d.PathOf("img/s2.png"), good[..(good.Length / 2)]); // truncated
        File.WriteAllText(d.PathOf("img/s4.png"), "not an image");
        var report = DatasetChecker.Check(spec);
        Assert.Equal(2, report.ErrorCount);
        Assert.Equal(1, report.WarningCount); // gone.png
        var manifest = d.PathOf("samples.csv");
        Assert.Contains(report.Problems, p => p.File == manifest && p.Line == 4 && p.Column == "img" && p.Message.Contains("s2.png") && p.Message.Contains("truncated"));
        Assert.Contains(report.Problems, p => p.File == manifest && p.Line == 6 && p.Column == "img" && p.Message.Contains("s4.png"));
        Assert.Contains(report.Problems, p => p.Line == 7 && p.Severity == Severity.Warning && p.Message.Contains("gone.png"));
        var summary = string.Join("\n", report.Summary);
        Assert.Contains("present: 8 of 12", summary);
        Assert.Contains("20×16×3 (1)", summary);
        Assert.Contains("loaded as: rgb 8×8, tensor [3, 8, 8]", summary);
    }

    [Fact]
    public void CacheServesLaterEpochsAndBadOptionsAreClear()
    {
        using var d = new TempDataset();
        var ds = MultimodalDataset.Open(Make(d, "cache_dir: cache, cache_memory_mb: 0"));
        ds.Fit(Enumerable.Range(0, 8).ToArray());
        var loader = new DataLoader(ds, Enumerable.Range(0, 12).ToArray(), new DataLoaderOptions { BatchSize = 12, Workers = 0 });
        float[] first, second;
        using (var b = loader.Epoch(0).First()) first = b.Inputs["photo"].ToArray<float>();
        var cacheFile = d.PathOf("cache/images.bin");
        Assert.True(new FileInfo(cacheFile).Length == 10 * 8 * 8 * 3);
        using (var b = loader.Epoch(1).First()) second = b.Inputs["photo"].ToArray<float>();
        Assert.Equal(first, second);
        Assert.Equal(10 * 8 * 8 * 3, new FileInfo(cacheFile).Length); // nothing decoded twice

        using var bad = new TempDataset();
        var e = Assert.Throws<DataException>(() => MultimodalDataset.Open(Make(bad, "channels: cmyk")));
        Assert.Contains("'channels' is 'cmyk'; valid values: gray, rgb", e.Message);
        var e2 = Assert.Throws<DataException>(() => MultimodalDataset.Open(Make(bad, "crop_scale: [0.9, 0.5]")));
        Assert.Contains("crop scale", e2.Message);
    }

    [Fact]
    public void ReadingBeforeFittingIsAClearError()
    {
        using var d = new TempDataset();
        var ds = MultimodalDataset.Open(Make(d));
        var e = Assert.Throws<InvalidOperationException>(() => ds.Reader("photo").Read(ds.Row(0)));
        Assert.Contains("not fitted", e.Message);
        using var d2 = new TempDataset();
        var raw = MultimodalDataset.Open(Make(d2, "normalize: false"));
        using var scope = DisposeScope.Enter();
        using var v = raw.Reader("photo").Read(raw.Row(1));
        Assert.All(v.Value!.ToArray<float>(), x => Assert.InRange(x, 0f, 1f));
    }

    [Fact]
    public void LoadsRealHam10000Batches()
    {
        using var temp = new TempDataset();
        var ds = MultimodalDataset.Open(HamExample.Spec("ham10000_dx.yaml", temp));
        Assert.Equal(10015, ds.Count);
        ds.Fit(Enumerable.Range(0, 64).ToArray());
        var reader = (ImageModalityReader)ds.Reader("dermoscopy");
        Assert.Equal(3, reader.Preprocessing.Mean.Length);
        Assert.InRange(reader.Preprocessing.Mean[0], 0.3, 0.95); // skin is bright and reddish
        Assert.True(reader.Preprocessing.Mean[0] > reader.Preprocessing.Mean[2]);
        var loader = new DataLoader(ds, Enumerable.Range(100, 16).ToArray(), new DataLoaderOptions { BatchSize = 8, Workers = 2, Augment = true, Seed = 1 });
        var n = 0;
        foreach (var batch in loader.Epoch(0))
            using (batch)
            {
                using var scope = DisposeScope.Enter();
                Assert.Equal(new long[] { 8, 3, 224, 224 }, batch.Inputs["dermoscopy"].Shape);
                Assert.All(batch.Present["dermoscopy"].ToArray<bool>(), Assert.True);
                var values = batch.Inputs["dermoscopy"].ToArray<float>();
                Assert.All(values, v => Assert.True(float.IsFinite(v)));
                Assert.InRange(values.Average(), -1.5, 1.5);
                Assert.Equal(new long[] { 8 }, batch.Labels.Shape);
                n++;
            }
        Assert.Equal(2, n);
    }
}
