using Medley.Data.Datasets;
using Medley.Data.Problems;
using Medley.Data.Spec;

namespace Medley.Data.Tests;

public class SpecTests
{
    private const string Manifest = """
        id,patient,img,age,sex,dx,leak
        s1,p1,a.png,50,male,nv,histo
        s2,p1,b.png,61,female,mel,histo
        s3,p2,,70,,nv,consensus
        s4,p3,missing.png,,female,bkl,follow_up
        """;

    private const string Spec = """
        name: toy
        manifest: samples.csv
        sample_id: id
        group_id: patient
        label:
          task: multiclass
          column: dx
        exclude: [leak]
        modalities:
          - name: photo
            kind: image
            column: img
            root: images
          - name: clinical
            kind: tabular
            numeric: [age]
            categorical: [sex]
        """;

    private static TempDataset Make(string spec = Spec, string manifest = Manifest)
    {
        var d = new TempDataset();
        d.Write("spec.yaml", spec);
        d.Write("samples.csv", manifest);
        // real images: the image reader decodes them
        Directory.CreateDirectory(d.PathOf("images"));
        foreach (var name in new[] { "a", "b" })
            Imaging.ImageCodec.Write(d.PathOf($"images/{name}.png"), Imaging.ImageData.FromUInt8(new byte[12], 2, 2, 3));
        return d;
    }

    private static IReadOnlyList<DataProblem> ProblemsOf(Action action) => Assert.Throws<DataException>(action).Problems;

    [Fact]
    public void LoadsSpecAndManifest()
    {
        using var d = Make();
        var ds = MultimodalDataset.Open(d.PathOf("spec.yaml"));
        Assert.Equal(4, ds.Count);
        Assert.Equal(new[] { "bkl", "mel", "nv" }, ds.Labels.ClassNames);
        Assert.Equal(TaskKind.Multiclass, ds.Labels.Task);
        Assert.Equal(1, ds.Labels.ClassOf(1)); // mel
        Assert.Equal(new[] { "p1", "p1", "p2", "p3" }, ds.GroupIds);
        Assert.Equal(new[] { "leak" }, ds.Spec.Exclude);
        Assert.Equal(ModalityKind.Image, ds.Spec.Modalities[0].Kind);
        Assert.Equal(Path.Combine(d.Dir, "samples.csv"), ds.Spec.ManifestPath);
    }

    [Fact]
    public void ImagePresenceComesFromCellsAndFiles()
    {
        using var d = Make();
        var ds = MultimodalDataset.Open(d.PathOf("spec.yaml"));
        var reader = ds.Reader("photo");
        var checks = ds.Rows.Select(reader.Check).ToList();
        Assert.Equal(new[] { true, true, false, false }, checks.Select(c => c.Present));
        Assert.Empty(checks[2].Problems); // empty cell: absent, not a problem
        var warning = Assert.Single(checks[3].Problems);
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Equal(5, warning.Line);
        Assert.Contains("missing.png", warning.Message);
    }

    [Fact]
    public void UnknownKeysListTheValidOnes()
    {
        using var d = Make(Spec.Replace("group_id: patient", "group_id: patient\ngroups: x").Replace("numeric: [age]", "numeric: [age]\n    scale: yes"));
        var problems = ProblemsOf(() => DatasetSpec.Load(d.PathOf("spec.yaml")));
        Assert.Contains(problems, p => p.Column == "groups" && p.Message.Contains("valid keys: name, description, manifest") && p.Line == 5);
        Assert.Contains(problems, p => p.Column == "scale" && p.Message.Contains("outlier_sigma") && p.Message.Contains("modality 'clinical'"));
    }

    [Fact]
    public void UnknownKindsListTheValidOnes()
    {
        using var d = Make(Spec.Replace("kind: image", "kind: photo").Replace("task: multiclass", "task: regression"));
        var problems = ProblemsOf(() => DatasetSpec.Load(d.PathOf("spec.yaml")));
        Assert.Contains(problems, p => p.Message.Contains("unknown kind 'photo'") && p.Message.Contains("image, volume, tabular, timeseries, text, embedding"));
        Assert.Contains(problems, p => p.Message.Contains("unknown task 'regression'") && p.Message.Contains("binary, multiclass, multilabel"));
    }

    [Fact]
    public void MissingRequiredKeysAreReported()
    {
        using var d = Make("manifest: samples.csv\nmodalities: []\n");
        var problems = ProblemsOf(() => DatasetSpec.Load(d.PathOf("spec.yaml")));
        Assert.Contains(problems, p => p.Column == "sample_id");
        Assert.Contains(problems, p => p.Column == "label");
        Assert.Contains(problems, p => p.Column == "modalities");
    }

    [Fact]
    public void ManifestErrorsNameFileLineAndColumnAndAreAllListed()
    {
        const string bad = """
            id,patient,img,age,sex,dx,leak
            s1,p1,a.png,50,male,nv,histo
            s1,p1,b.png,61,female,,histo
            s3,,,70,,xx,consensus
            """;
        using var d = Make(Spec.Replace("column: dx", "column: dx\n  classes: [nv, mel, bkl]"), bad);
        var problems = ProblemsOf(() => MultimodalDataset.Open(d.PathOf("spec.yaml")));
        var manifest = d.PathOf("samples.csv");
        Assert.Contains(problems, p => p.File == manifest && p.Line == 3 && p.Column == "id" && p.Message.Contains("duplicate sample id 's1' (first on line 2)"));
        Assert.Contains(problems, p => p.Line == 3 && p.Column == "dx" && p.Message == "empty label");
        Assert.Contains(problems, p => p.Line == 4 && p.Column == "dx" && p.Message.Contains("'xx' is not one of the declared classes (nv, mel, bkl)"));
        Assert.Contains(problems, p => p.Line == 4 && p.Column == "patient" && p.Message.Contains("empty group id"));
        Assert.True(problems.Count >= 4);
    }

    [Fact]
    public void MissingColumnsAreNamed()
    {
        using var d = Make(Spec.Replace("group_id: patient", "group_id: subject").Replace("numeric: [age]", "numeric: [age, bmi]"));
        var problems = ProblemsOf(() => MultimodalDataset.Open(d.PathOf("spec.yaml")));
        Assert.Contains(problems, p => p.Column == "subject" && p.Message.Contains("group_id column 'subject'") && p.Message.Contains("id, patient, img"));
    }

    [Fact]
    public void ModalityColumnMissingFromManifestIsAnError()
    {
        using var d = Make(Spec.Replace("numeric: [age]", "numeric: [age, bmi]"));
        var problems = ProblemsOf(() => MultimodalDataset.Open(d.PathOf("spec.yaml")));
        var p = Assert.Single(problems, p => p.Severity == Severity.Error);
        Assert.Equal(d.PathOf("spec.yaml"), p.File);
        Assert.Contains("column 'bmi' is not in the manifest", p.Message);
    }

    [Fact]
    public void ExcludedAndLabelColumnsCannotBeInputs()
    {
        using var d = Make(Spec.Replace("categorical: [sex]", "categorical: [sex, leak, dx]"));
        var problems = ProblemsOf(() => MultimodalDataset.Open(d.PathOf("spec.yaml")));
        Assert.Contains(problems, p => p.Message.Contains("'leak' is listed under 'exclude'"));
    }

    [Fact]
    public void BinaryNeedsTwoClasses()
    {
        using var d = Make(Spec.Replace("task: multiclass", "task: binary"));
        var problems = ProblemsOf(() => MultimodalDataset.Open(d.PathOf("spec.yaml")));
        Assert.Contains(problems, p => p.Message.Contains("3 distinct values") && p.Message.Contains("binary"));
    }

    [Fact]
    public void BinaryAndMultilabelLabelsEncode()
    {
        const string manifest = """
            id,a,b,c,y
            s1,1,0,1,no
            s2,0,0,0,yes
            """;
        using var d = new TempDataset();
        d.Write("samples.csv", manifest);
        d.Write("bin.yaml", "manifest: samples.csv\nsample_id: id\nlabel: {task: binary, column: y, classes: [no, yes]}\nmodalities:\n  - {name: t, kind: tabular, numeric: [a]}\n");
        d.Write("ml.yaml", "manifest: samples.csv\nsample_id: id\nlabel: {task: multilabel, columns: [a, b, c]}\nmodalities:\n  - {name: t, kind: tabular, categorical: [y]}\n");
        var bin = MultimodalDataset.Open(d.PathOf("bin.yaml"));
        Assert.Equal(new[] { 0, 1 }, new[] { bin.Labels.ClassOf(0), bin.Labels.ClassOf(1) });
        Assert.Equal(new[] { "s1", "s2" }, bin.GroupIds); // no group column: each sample is its own group
        using var scope = Torch.DisposeScope.Enter();
        Assert.Equal(new float[] { 0, 1 }, bin.Labels.ToTensor(new[] { 0, 1 }).ToArray<float>());
        var ml = MultimodalDataset.Open(d.PathOf("ml.yaml"));
        var t = ml.Labels.ToTensor(new[] { 0, 1 });
        Assert.Equal(new long[] { 2, 3 }, t.Shape);
        Assert.Equal(new float[] { 1, 0, 1, 0, 0, 0 }, t.ToArray<float>());
        Assert.Equal(new[] { 1, 0, 1 }, ml.Labels.Counts(new[] { 0, 1 }));
    }

    [Fact]
    public void CsvQuotingAndRaggedRows()
    {
        var table = Tables.CsvTable.Parse("a,b\n\"x, \"\"y\"\"\",\"multi\nline\"\n3,4\n", "m.csv");
        Assert.Equal("x, \"y\"", table.Cell(0, 0));
        Assert.Equal("multi\nline", table.Cell(0, 1));
        Assert.Equal(4, table.Lines[1]);
        var e = Assert.Throws<DataException>(() => Tables.CsvTable.Parse("a,b\n1,2,3\n4\n", "m.csv"));
        Assert.Equal(new int?[] { 2, 3 }, e.Problems.Select(p => p.Line));
    }
}
