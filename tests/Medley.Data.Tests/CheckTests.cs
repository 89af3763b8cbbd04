using Medley.Data.Checks;
using Medley.Data.Datasets;
using Medley.Data.Problems;
using Medley.Data.Spec;

namespace Medley.Data.Tests;

public class CheckTests
{
    [Fact]
    public void ListsEveryProblemAcrossModalitiesAndSummarises()
    {
        using var d = new TempDataset();
        d.Write("samples.csv", "id,pid,y,age,sex,img,note\ns1,p1,a,50,m,i1.png,fine\ns2,p1,b,NaN,f,gone.png,\ns2,p2,,abc,,,\ns4,p3,zz,70,m,i1.png,ok\n");
        Imaging.ImageCodec.Write(d.PathOf("i1.png"), Imaging.ImageData.FromUInt8(new byte[12], 2, 2, 3)); // a real image: images are decoded now
        d.Write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nfine\nok\n");
        d.Write("spec.yaml", """
            manifest: samples.csv
            sample_id: id
            group_id: pid
            label: {task: multiclass, column: y, classes: [a, b]}
            modalities:
              - {name: img, kind: image, column: img}
              - {name: clin, kind: tabular, numeric: [age], categorical: [sex]}
              - {name: note, kind: text, column: note, vocab: vocab.txt, max_length: 8}
            """);
        var report = DatasetChecker.Check(d.PathOf("spec.yaml"));
        var manifest = d.PathOf("samples.csv");
        Assert.Equal(5, report.ErrorCount); // duplicate id, empty label, undeclared label, NaN, 'abc'
        Assert.Equal(1, report.WarningCount); // gone.png
        Assert.Contains(report.Problems, p => p.Line == 4 && p.Column == "id");
        Assert.Contains(report.Problems, p => p.Line == 4 && p.Column == "y" && p.Message == "empty label");
        Assert.Contains(report.Problems, p => p.Line == 5 && p.Column == "y");
        Assert.Contains(report.Problems, p => p.File == manifest && p.Line == 3 && p.Column == "age");
        Assert.Contains(report.Problems, p => p.File == manifest && p.Line == 4 && p.Column == "age");
        Assert.Contains(report.Problems, p => p.Line == 3 && p.Column == "img" && p.Severity == Severity.Warning);
        var summary = string.Join("\n", report.Summary);
        Assert.Contains("samples: 4", summary);
        Assert.Contains("groups (pid): 3", summary);
        Assert.Contains("a: 1 (25.0%)", summary);
        Assert.Contains("modality 'img' (image):\n  present: 2 of 4", summary);
        Assert.Contains("age: 2 values, range 50 .. 70", summary);
        Assert.Contains("modality 'note' (text):\n  present: 2 of 4", summary);
        Assert.Contains("word pieces per text: min 1", summary);
    }

    [Fact]
    public void SpecProblemsAreReportedNotThrown()
    {
        using var d = new TempDataset();
        d.Write("spec.yaml", "manifest: nowhere.csv\nsample_id: id\nlabel: {task: binary, column: y}\nmodalities:\n  - {name: x, kind: pixels}\n  - {name: t, kind: tabular, numbers: [a]}\n");
        var report = DatasetChecker.Check(d.PathOf("spec.yaml"));
        Assert.Equal(2, report.ErrorCount);
        Assert.Contains(report.Problems, p => p.Line == 5 && p.Message.Contains("unknown kind 'pixels'"));
        Assert.Contains(report.Problems, p => p.Line == 6 && p.Column == "numbers");
        d.Write("spec.yaml", "manifest: nowhere.csv\nsample_id: id\nlabel: {task: binary, column: y}\nmodalities:\n  - {name: t, kind: tabular, numeric: [a]}\n");
        var missing = DatasetChecker.Check(d.PathOf("spec.yaml"));
        Assert.Contains(missing.Problems, p => p.File == d.PathOf("nowhere.csv") && p.Message == "file not found");
    }

    [Fact]
    public void Ham10000SpecReportsItsSamplesAndLesionGroups()
    {
        using var temp = new TempDataset();
        var report = DatasetChecker.Check(HamExample.Spec("ham10000_dx.yaml", temp));
        Assert.Empty(report.Problems.Where(p => p.Severity == Severity.Error));
        Assert.Equal(10_015, report.Samples);
        Assert.Equal(7_470, report.Groups);
        var summary = string.Join("\n", report.Summary);
        Assert.Contains("nv: 6705", summary);
        Assert.Contains("df: 115", summary);
        Assert.Contains("modality 'dermoscopy' (image):\n  present: 10015 of 10015", summary);
        Assert.Contains("age: 9958 values", summary);
    }

    [Fact]
    public void Ham10000BinarySpecExcludesTheLeakingColumn()
    {
        using var temp = new TempDataset();
        var path = HamExample.Spec("ham10000_malignant.yaml", temp);
        var ds = MultimodalDataset.Open(path);
        Assert.Equal(TaskKind.Binary, ds.Labels.Task);
        Assert.Equal(1954, ds.Labels.Counts(Enumerable.Range(0, ds.Count))[1]);
        Assert.Contains("dx_type", ds.Spec.Exclude);
        // Using dx_type as an input is refused.
        var leaky = File.ReadAllText(path).Replace("../../../shared", HamExample.SharedData())
            .Replace("categorical: [sex, localization]", "categorical: [sex, localization, dx_type]");
        var e = Assert.Throws<DataException>(() => MultimodalDataset.Open(temp.Write("leaky.yaml", leaky)));
        Assert.Contains("column 'dx_type' is listed under 'exclude'", e.Message);
    }
}
