using System.Globalization;
using System.Text;
using Medley.Data.Spec;

namespace Medley.Data.Synthetic;

/// <summary>The spec.yaml of a synthetic dataset (the format `medley data check` and the loaders read).</summary>
internal static class SynthSpecWriter
{
    public static string Write(SynthOptions o, IReadOnlyList<string> labelColumns, IReadOnlyList<string> classNames)
    {
        var s = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        s.Append($"# written by `medley data synth` (seed {o.Seed}); truth.csv holds the clean labels and is never an input\n");
        s.Append($"name: synthetic-{o.Task.Name()}\n");
        s.Append(string.Create(inv, $"description: \"{o.Samples} samples; signal in {string.Join("+", o.Signal)}{(o.Xor ? " (image XOR labs)" : "")}{(o.Lazy != null ? $"; lazy {o.Lazy}" : "")}{(o.Dominant != null ? $"; dominant {o.Dominant}" : "")}; label noise {o.LabelNoise}; imbalance {o.Imbalance}\"\n"));
        s.Append("manifest: manifest.csv\nsample_id: sample_id\ngroup_id: patient_id\nlabel:\n");
        s.Append($"  task: {o.Task.Name()}\n");
        if (o.Task == TaskKind.Multilabel) s.Append($"  columns: [{string.Join(", ", labelColumns)}]\n");
        else s.Append($"  column: label\n  classes: [{string.Join(", ", classNames)}]\n");
        s.Append("modalities:\n");
        if (o.Has(SynthModalities.Image))
        {
            s.Append($"  - name: image\n    kind: image\n    column: image\n    channels: {o.Channels}\n    size: {o.ImageSize}\n");
            // The XOR image bit is the blob's side: a horizontal flip would silently flip the label.
            if (o.Xor) s.Append("    flip_probability: 0\n");
        }
        if (o.Has(SynthModalities.Volume))
            s.Append("  - name: volume\n    kind: volume\n    column: volume\n    window: [-200, 300]\n");
        if (o.Has(SynthModalities.Labs))
            s.Append($"  - name: labs\n    kind: tabular\n    numeric: [age, {string.Join(", ", SynthRenderers.Labs.Select(l => l.Name))}]\n    categorical: [sex]\n");
        if (o.Has(SynthModalities.Vitals))
            s.Append("  - name: vitals\n    kind: timeseries\n    file: vitals.csv\n    id_column: sample_id\n    steps: 12\n    start: 0\n    end: 48\n");
        if (o.Has(SynthModalities.Report))
            s.Append($"  - name: report\n    kind: text\n    {(o.TextAs == "files" ? "file_column: report_file" : "column: report")}\n    vocab: vocab.txt\n    max_length: 64\n");
        return s.ToString();
    }
}
