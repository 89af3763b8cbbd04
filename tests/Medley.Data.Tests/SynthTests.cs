using System.Globalization;
using Medley.Data.Batching;
using Medley.Data.Checks;
using Medley.Data.Datasets;
using Medley.Data.Imaging;
using Medley.Data.Spec;
using Medley.Data.Splits;
using Medley.Data.Synthetic;
using Medley.Data.Tables;
using Medley.Torch;

namespace Medley.Data.Tests;

[Collection(SerialCollection.Name)]
public class SynthTests
{
    private static CsvTable Manifest(SynthResult r) => CsvTable.Read(r.ManifestPath);

    private static string[] Column(CsvTable t, string name) => Enumerable.Range(0, t.RowCount).Select(i => t.Cell(i, t.ColumnIndex(name))).ToArray();

    private static Dictionary<string, byte[]> Files(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(folder, f), File.ReadAllBytes);

    [Fact]
    public void SameSeedGivesByteIdenticalFiles()
    {
        using var d = new TempDataset();
        var o = new SynthOptions { Samples = 60, Modalities = SynthModalities.All, Signal = new[] { "image", "volume" }, TextAs = "files", Missing = new Dictionary<string, double> { ["image"] = 0.2 }, SamplesPerPatient = 3, VolumeSize = new[] { 6, 12, 12 } };
        SyntheticDataset.Generate(d.PathOf("a"), o);
        SyntheticDataset.Generate(d.PathOf("b"), o);
        SyntheticDataset.Generate(d.PathOf("c"), o with { Seed = 1 });
        var a = Files(d.PathOf("a"));
        var b = Files(d.PathOf("b"));
        Assert.True(a.Count > 150); // images, volumes, reports, manifest, vitals, vocab, spec, truth
        Assert.Equal(a.Keys.OrderBy(k => k), b.Keys.OrderBy(k => k));
        foreach (var (name, bytes) in a) Assert.True(bytes.AsSpan().SequenceEqual(b[name]), $"{name} differs between two runs with the same seed");
        Assert.NotEqual(a["manifest.csv"], Files(d.PathOf("c"))["manifest.csv"]);
    }

    [Theory]
    [InlineData(TaskKind.Binary, "nifti", "column")]
    [InlineData(TaskKind.Multiclass, "dicom", "files")]
    [InlineData(TaskKind.Multilabel, "both", "column")]
    public void DataCheckAcceptsEveryKind(TaskKind task, string volumes, string text)
    {
        using var d = new TempDataset();
        var r = SyntheticDataset.Generate(d.Dir, new SynthOptions
        {
            Task = task, Samples = 40, Classes = 4, Labels = 25, Modalities = SynthModalities.All, VolumeFormat = volumes, VolumeSize = new[] { 6, 12, 12 },
            TextAs = text, Missing = new Dictionary<string, double> { ["volume"] = 0.2, ["vitals"] = 0.2, ["report"] = 0.1 }, SamplesPerPatient = 2,
        });
        var report = DatasetChecker.Check(r.SpecPath);
        Assert.Empty(report.Problems);
        Assert.Equal(40, report.Samples);
        Assert.Equal(r.Patients, report.Groups);
        var summary = string.Join("\n", report.Summary);
        Assert.Contains("32×32×3 (40)", summary);
        Assert.Contains("1×6×12×12", summary);
        if (task == TaskKind.Multilabel) Assert.Contains("label_24", summary);
        else if (task == TaskKind.Multiclass) Assert.Contains("class_3", summary);

        // and the loaders turn it into batches of every modality
        var ds = MultimodalDataset.Open(r.SpecPath);
        ds.Fit(Enumerable.Range(0, 30).ToArray());
        using var scope = DisposeScope.Enter();
        using var batch = new DataLoader(ds, Enumerable.Range(30, 10).ToArray(), new DataLoaderOptions { BatchSize = 10, Workers = 0 }).Epoch().First();
        Assert.Equal(new long[] { 10, 3, 32, 32 }, batch.Inputs["image"].Shape);
        Assert.Equal(new long[] { 10, 1, 6, 12, 12 }, batch.Inputs["volume"].Shape);
        Assert.Equal(new long[] { 10, 12, 8 }, batch.Inputs["vitals"].Shape);
        Assert.Equal(new long[] { 10, 64 }, batch.Inputs["report"].Shape);
        Assert.Equal(10, batch.Inputs["labs"].Shape[0]);
    }

    /// <summary>Left-minus-right brightness (where the blob sits) and 4×4 pooled means of the red channel.</summary>
    private static double[] ImageFeatures(string file)
    {
        var image = ImageCodec.Read(file, new ImageReadOptions { Color = ColorMode.Gray });
        var px = image.ToFloatHwc();
        int s = image.Width, cell = s / 4;
        var features = new double[17];
        for (var y = 0; y < s; y++)
            for (var x = 0; x < s; x++)
            {
                features[0] += (x < s / 2 ? 1 : -1) * px[y * s + x];
                features[1 + (y / cell) * 4 + x / cell] += px[y * s + x];
            }
        return features;
    }

    /// <summary>Test accuracy of the best single-feature threshold rule (decision stump) chosen on the training half.</summary>
    private static double StumpAccuracy(double[][] x, bool[] y)
    {
        var half = x.Length / 2;
        var (bestF, bestT, bestSign, bestAcc) = (0, 0.0, true, -1.0);
        for (var f = 0; f < x[0].Length; f++)
            foreach (var t in x.Take(half).Select(r => r[f]).Distinct())
                foreach (var sign in new[] { true, false })
                {
                    var acc = Enumerable.Range(0, half).Count(i => (x[i][f] > t) == sign == y[i]) / (double)half;
                    if (acc > bestAcc) (bestF, bestT, bestSign, bestAcc) = (f, t, sign, acc);
                }
        return Enumerable.Range(half, x.Length - half).Count(i => (x[i][bestF] > bestT) == bestSign == y[i]) / (double)(x.Length - half);
    }

    [Fact]
    public void XorSignalNeedsBothModalities()
    {
        using var d = new TempDataset();
        var r = SyntheticDataset.Generate(d.Dir, new SynthOptions { Samples = 800, Xor = true, Modalities = new[] { "image", "labs" }, ImageSize = 16, Seed = 7 });
        var t = Manifest(r);
        var y = Column(t, "label").Select(v => v == "positive").ToArray();
        var labs = Enumerable.Range(0, t.RowCount).Select(i => new[] { "age", "crp", "wbc", "hb", "sodium", "creatinine", "lactate" }
            .Select(c => double.Parse(t.Cell(i, t.ColumnIndex(c)), CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var images = Column(t, "image").Select(f => ImageFeatures(Path.Combine(d.Dir, f))).ToArray();

        // each modality alone: the best stump is at chance on held-out samples
        Assert.InRange(StumpAccuracy(labs, y), 0.42, 0.58);
        Assert.InRange(StumpAccuracy(images, y), 0.42, 0.58);
        // yet each carries its bit clearly, and the two together give the label
        var imageBit = images.Select(f => f[0] > 0).ToArray();
        var labBit = labs.Select(f => f[1] > 20).ToArray();
        Assert.True(imageBit.Zip(r.Truth.ImageBit).Count(p => p.First == p.Second) > 0.95 * 800);
        Assert.True(labBit.Zip(r.Truth.LabBit).Count(p => p.First == p.Second) > 0.9 * 800);
        var joint = Enumerable.Range(0, 800).Count(i => (imageBit[i] ^ labBit[i]) == y[i]) / 800.0;
        Assert.True(joint > 0.85, $"image XOR labs predicts the label with accuracy {joint}");
        // a flip would move the blob to the other side and flip the label: the spec turns flips off
        Assert.Contains("flip_probability: 0", File.ReadAllText(Path.Combine(d.Dir, "spec.yaml")));
    }

    [Fact]
    public void ImageSignalIsLearnableWhenTheImageCarriesIt()
    {
        using var d = new TempDataset();
        var r = SyntheticDataset.Generate(d.Dir, new SynthOptions { Samples = 400, Modalities = new[] { "image", "labs" }, Signal = new[] { "image" }, ImageSize = 16 });
        var t = Manifest(r);
        var y = Column(t, "label").Select(v => v == "positive").ToArray();
        var images = Column(t, "image").Select(f => ImageFeatures(Path.Combine(d.Dir, f))).ToArray();
        Assert.True(StumpAccuracy(images, y) > 0.9);
        // labs are not a signal modality here: an independent draw, at chance
        var crp = Column(t, "crp").Select(v => new[] { double.Parse(v, CultureInfo.InvariantCulture) }).ToArray();
        Assert.InRange(StumpAccuracy(crp, y), 0.38, 0.62);
    }

    [Fact]
    public void MissingRatesImbalanceAndLabelNoiseAreAsAsked()
    {
        using var d = new TempDataset();
        var r = SyntheticDataset.Generate(d.Dir, new SynthOptions
        {
            Samples = 1000, Modalities = new[] { "image", "labs", "vitals" }, ImageSize = 8, Imbalance = 4, LabelNoise = 0.1,
            Missing = new Dictionary<string, double> { ["image"] = 0.3, ["labs"] = 0.1, ["vitals"] = 0.2 },
        });
        var t = Manifest(r);
        Assert.InRange(Column(t, "image").Count(c => c.Length == 0) / 1000.0, 0.25, 0.35);
        Assert.InRange(Column(t, "crp").Count(c => c.Length == 0) / 1000.0, 0.07, 0.13);
        Assert.All(Enumerable.Range(0, 1000).Where(i => t.Cell(i, t.ColumnIndex("crp")).Length == 0), i => Assert.Equal("", t.Cell(i, t.ColumnIndex("sex"))));
        var withVitals = File.ReadLines(d.PathOf("vitals.csv")).Skip(1).Select(l => l.Split(',')[0]).Distinct().Count();
        Assert.InRange(1 - withVitals / 1000.0, 0.16, 0.24);
        var recorded = Column(t, "label");
        var clean = File.ReadLines(d.PathOf("truth.csv")).Skip(1).Select(l => l.Split(',')[1]).ToArray();
        Assert.InRange(clean.Count(v => v == "negative") / (double)clean.Count(v => v == "positive"), 3.2, 5.0); // 4:1
        // 10% flips move it towards balance: (0.8·0.9 + 0.2·0.1) / (0.2·0.9 + 0.8·0.1) ≈ 2.85
        Assert.InRange(recorded.Count(v => v == "negative") / (double)recorded.Count(v => v == "positive"), 2.3, 3.5);
        Assert.InRange(clean.Zip(recorded).Count(p => p.First != p.Second) / 1000.0, 0.07, 0.13);
    }

    [Fact]
    public void PatientsGroupConsecutiveSamplesAndSplitsKeepThemTogether()
    {
        using var d = new TempDataset();
        var r = SyntheticDataset.Generate(d.Dir, new SynthOptions { Samples = 200, SamplesPerPatient = 4, Modalities = new[] { "labs" }, Signal = new[] { "labs" } });
        var t = Manifest(r);
        var patients = Column(t, "patient_id");
        var sizes = patients.GroupBy(p => p).Select(g => g.Count()).ToList();
        Assert.Equal(r.Patients, sizes.Count);
        Assert.All(sizes, s => Assert.InRange(s, 1, 4));
        Assert.Contains(sizes, s => s > 1);
        foreach (var g in Enumerable.Range(0, 200).GroupBy(i => patients[i]))
        {
            Assert.Equal(g.Count() - 1, g.Last() - g.First()); // consecutive rows
            Assert.Single(g.Select(i => t.Cell(i, t.ColumnIndex("age")) + t.Cell(i, t.ColumnIndex("sex"))).Distinct());
        }
        var ds = MultimodalDataset.Open(r.SpecPath);
        var split = Splitter.HoldOut(ds, 0).Resolve(ds).Single();
        var parts = new[] { split.Train, split.Validation, split.Test }.Select(p => p.Select(i => patients[i]).ToHashSet()).ToArray();
        Assert.Empty(parts[0].Intersect(parts[1]));
        Assert.Empty(parts[0].Intersect(parts[2]));
        Assert.Empty(parts[1].Intersect(parts[2]));
    }

    [Fact]
    public void MultilabelLabelsShareLatentFactors()
    {
        using var d = new TempDataset();
        var r = SyntheticDataset.Generate(d.Dir, new SynthOptions { Task = TaskKind.Multilabel, Samples = 1000, Labels = 25, Factors = 5, Modalities = new[] { "labs" }, Signal = new[] { "labs" } });
        var t = Manifest(r);
        var y = Enumerable.Range(0, 25).Select(l => Column(t, $"label_{l:D2}").Select(v => v == "1" ? 1.0 : 0.0).ToArray()).ToArray();
        Assert.All(y, col => Assert.InRange(col.Average(), 0.03, 0.6));
        double Corr(double[] a, double[] b)
        {
            double ma = a.Average(), mb = b.Average();
            var cov = a.Zip(b).Sum(p => (p.First - ma) * (p.Second - mb));
            return cov / Math.Sqrt(a.Sum(v => (v - ma) * (v - ma)) * b.Sum(v => (v - mb) * (v - mb)));
        }
        // labels l and l+5 load on the same main factor
        var shared = Enumerable.Range(0, 20).Select(l => Corr(y[l], y[l + 5])).Average();
        Assert.True(shared > 0.25, $"mean correlation of labels sharing a factor is {shared}");
    }

    [Fact]
    public void OptionsComeFromYamlAndBadOnesAreClear()
    {
        using var d = new TempDataset();
        var path = d.Write("synth.yaml", "task: multiclass\nclasses: 4\nsamples: 50\nmodalities: [image, labs, report]\nsignal: [image]\nlazy: report\nmissing: {labs: 0.25}\nimbalance: 2\n");
        var o = new SynthOptions().ApplyYaml(path);
        Assert.Equal(TaskKind.Multiclass, o.Task);
        Assert.Equal(4, o.Classes);
        Assert.Equal(new[] { "image", "labs", "report" }, o.Modalities);
        Assert.Equal("report", o.Lazy);
        Assert.Equal(0.25, o.Missing["labs"]);
        o = o.Apply(new Dictionary<string, object> { ["missing"] = "0.1", ["samples"] = "70" }, "flags");
        Assert.Equal(0.1, o.Missing["image"]);
        Assert.Equal(70, o.Samples);

        d.Write("bad.yaml", "samples: 10\ncolour: red\n");
        Assert.Contains("unknown key 'colour'", Assert.Throws<ArgumentException>(() => new SynthOptions().ApplyYaml(d.PathOf("bad.yaml"))).Message);
        Assert.Contains("XOR signal needs a binary task", Assert.Throws<ArgumentException>(() => new SynthOptions { Task = TaskKind.Multiclass, Xor = true }.Validate()).Message);
        Assert.Contains("unknown modality 'xray'", Assert.Throws<ArgumentException>(() => new SynthOptions { Signal = new[] { "xray" } }.Validate()).Message);
        Assert.Contains("missing rate", Assert.Throws<ArgumentException>(() => new SynthOptions { Missing = new Dictionary<string, double> { ["labs"] = 1.5 } }.Validate()).Message);
    }

    [Fact]
    public void HundredsOfSamplesTakeAboutASecond()
    {
        using var d = new TempDataset();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        SyntheticDataset.Generate(d.Dir, new SynthOptions { Samples = 300, Modalities = new[] { "image", "labs", "vitals", "report" } });
        Assert.True(watch.Elapsed.TotalSeconds < 10, $"took {watch.Elapsed.TotalSeconds:F1} s"); // generous: shared CI cores
    }
}
