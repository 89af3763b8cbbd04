using System.Globalization;
using System.Text;
using Medley.Data.Embeddings;

namespace Medley.Training.Tests;

/// <summary>
/// A small dataset written to a temporary folder: an "image" modality (per-sample .npy [3, S, S] with a bright patch on
/// the left or right) and a tabular "labs" modality (4 numbers). The label is lab_0 &gt; 0 (<see cref="Rule.Lab"/>) or
/// (patch on the right) XOR (lab_0 &gt; 0) (<see cref="Rule.Xor"/>, which needs both modalities).
/// </summary>
public sealed class ToyDataset : IDisposable
{
    public enum Rule { Lab, Xor }

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "medley-train-" + Guid.NewGuid().ToString("N")[..10]);
    public string Spec => Path.Combine(Dir, "dataset.yaml");
    public int Count { get; }

    public ToyDataset(int count = 96, Rule rule = Rule.Lab, int seed = 1, int size = 16, bool withImage = true, bool allNegative = false)
    {
        Count = count;
        Directory.CreateDirectory(Path.Combine(Dir, "img"));
        var rng = new Random(seed);
        var csv = new StringBuilder("id,patient,y,img,l0,l1,l2,l3\n");
        for (var i = 0; i < count; i++)
        {
            var right = rng.Next(2) == 1;
            var labs = Enumerable.Range(0, 4).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
            var positive = rule == Rule.Lab ? labs[0] > 0 : right ^ (labs[0] > 0);
            var image = new float[3 * size * size];
            for (var c = 0; c < 3; c++)
                for (var y = 0; y < size; y++)
                    for (var x = 0; x < size; x++)
                    {
                        var inPatch = y >= size / 4 && y < 3 * size / 4 && (right ? x >= size / 2 : x < size / 2);
                        image[(c * size + y) * size + x] = (inPatch ? 1f : 0f) + (float)(rng.NextDouble() * 0.2);
                    }
            if (withImage) NpyFile.Save(Path.Combine(Dir, "img", $"s{i}.npy"), image, new long[] { 3, size, size });
            var label = allNegative || !positive ? "neg" : "pos";
            csv.Append(CultureInfo.InvariantCulture, $"s{i},p{i / 2},{label},img/s{i}.npy,{string.Join(",", labs.Select(v => v.ToString("F4", CultureInfo.InvariantCulture)))}\n");
        }
        File.WriteAllText(Path.Combine(Dir, "samples.csv"), csv.ToString());
        var image_ = withImage ? "  - name: image\n    kind: embedding\n    column: img\n" : "";
        const string classes = "[neg, pos]";
        File.WriteAllText(Spec,
            "manifest: samples.csv\nsample_id: id\ngroup_id: patient\n" +
            $"label:\n  task: binary\n  column: y\n  classes: {classes}\n" +
            "modalities:\n" + image_ +
            "  - name: labs\n    kind: tabular\n    numeric: [l0, l1, l2, l3]\n");
    }

    public string Path_(string relative) => Path.Combine(Dir, relative);

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
