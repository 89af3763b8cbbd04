using System.Globalization;
using System.Text;
using Medley.Data.Imaging;
using Medley.Data.Spec;
using Medley.Data.Volumes;

namespace Medley.Data.Synthetic;

/// <summary>What <see cref="SyntheticDataset.Generate"/> wrote.</summary>
public sealed record SynthResult(string Folder, string SpecPath, string ManifestPath, int Samples, int Patients, SynthLatents Truth);

/// <summary>
/// Writes a complete synthetic dataset folder for `medley data synth`: images (PNG), volumes (NIfTI .nii.gz and/or
/// DICOM series), labs in the manifest, a long-format vitals CSV, text reports (a column or .txt files), a WordPiece
/// vocab, manifest.csv, spec.yaml (accepted by `medley data check`) and truth.csv (clean labels and the XOR bits,
/// never an input). The same options and seed give byte-identical files (DICOM series excepted: GDCM stamps each
/// file with fresh UIDs; their pixels are identical).
/// </summary>
public static class SyntheticDataset
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static SynthResult Generate(string folder, SynthOptions o)
    {
        o.Validate();
        Directory.CreateDirectory(folder);
        var truth = SynthLatents.Draw(o);
        var n = o.Samples;
        var firstSlotIsNormal = o.Task != TaskKind.Multilabel;

        // patients: 1..k consecutive samples each, sharing age and sex
        var patientOf = new int[n];
        var patients = 0;
        for (var i = 0; i < n; patients++)
        {
            var take = 1 + new SynthRandom(o.Seed, SynthRandom.Stream.Patient, patients).Int(o.SamplesPerPatient);
            for (var k = 0; k < take && i < n; k++) patientOf[i++] = patients;
        }

        bool Missing(string m, int i) =>
            o.Missing.TryGetValue(m, out var rate) && rate > 0
            && new SynthRandom(o.Seed, SynthRandom.Stream.Missing, (long)i * 16 + SynthModalities.All.ToList().IndexOf(m)).Chance(rate);
        var absent = SynthModalities.All.ToDictionary(m => m, m => Enumerable.Range(0, n).Select(i => o.Has(m) && Missing(m, i)).ToArray());
        string Id(int i) => $"S{i + 1:D5}";

        var imageCell = new string[n];
        var volumeCell = new string[n];
        var reportText = new string[n];
        if (o.Has(SynthModalities.Image)) Directory.CreateDirectory(Path.Combine(folder, "images"));
        if (o.Has(SynthModalities.Volume)) Directory.CreateDirectory(Path.Combine(folder, "volumes"));
        if (o.Has(SynthModalities.Report) && o.TextAs == "files") Directory.CreateDirectory(Path.Combine(folder, "reports"));
        Parallel.For(0, n, i =>
        {
            if (o.Has(SynthModalities.Image) && !absent[SynthModalities.Image][i])
            {
                imageCell[i] = $"images/{Id(i)}.png";
                var image = SynthRenderers.Image(truth.Render[SynthModalities.Image][i], truth.Strength[SynthModalities.Image], o.ImageSize, o.Channels == "rgb", o.Seed, i);
                ImageCodec.Write(Path.Combine(folder, imageCell[i]), image);
            }
            if (o.Has(SynthModalities.Volume) && !absent[SynthModalities.Volume][i])
            {
                var volume = SynthRenderers.Volume(truth.Render[SynthModalities.Volume][i], truth.Strength[SynthModalities.Volume], o.VolumeSize, firstSlotIsNormal, o.Seed, i);
                var dicom = o.VolumeFormat == "dicom" || (o.VolumeFormat == "both" && i % 2 == 1);
                volumeCell[i] = dicom ? $"volumes/{Id(i)}_dicom" : $"volumes/{Id(i)}.nii.gz";
                if (dicom) DicomSeries.Write(Path.Combine(folder, volumeCell[i]), volume);
                else Nifti.Write(Path.Combine(folder, volumeCell[i]), volume, NiftiDataType.Int16);
            }
            if (o.Has(SynthModalities.Report) && !absent[SynthModalities.Report][i])
            {
                reportText[i] = SynthRenderers.Report(truth.Render[SynthModalities.Report][i], truth.Strength[SynthModalities.Report], firstSlotIsNormal, o.Seed, i);
                if (o.TextAs == "files") File.WriteAllText(Path.Combine(folder, "reports", $"{Id(i)}.txt"), reportText[i] + "\n");
            }
        });

        // manifest
        var labelColumns = o.Task == TaskKind.Multilabel ? Enumerable.Range(0, o.Labels).Select(l => $"label_{l:D2}").ToArray() : new[] { "label" };
        var classNames = o.Task == TaskKind.Binary ? new[] { "negative", "positive" } : Enumerable.Range(0, o.Classes).Select(k => $"class_{k}").ToArray();
        var header = new List<string> { "sample_id", "patient_id" };
        header.AddRange(labelColumns);
        if (o.Has(SynthModalities.Image)) header.Add("image");
        if (o.Has(SynthModalities.Volume)) header.Add("volume");
        if (o.Has(SynthModalities.Labs)) { header.Add("age"); header.Add("sex"); header.AddRange(SynthRenderers.Labs.Select(l => l.Name)); }
        if (o.Has(SynthModalities.Report)) header.Add(o.TextAs == "files" ? "report_file" : "report");
        var loadings = SynthRenderers.LabLoadings(truth.Slots, o.Seed);
        var manifest = new StringBuilder().Append(string.Join(",", header)).Append('\n');
        for (var i = 0; i < n; i++)
        {
            var cells = new List<string> { Id(i), $"P{patientOf[i] + 1:D5}" };
            if (o.Task == TaskKind.Multilabel) cells.AddRange(truth.RecordedLabels[i].Select(b => b ? "1" : "0"));
            else cells.Add(classNames[truth.RecordedClass[i]]);
            if (o.Has(SynthModalities.Image)) cells.Add(imageCell[i] ?? "");
            if (o.Has(SynthModalities.Volume)) cells.Add(volumeCell[i] ?? "");
            if (o.Has(SynthModalities.Labs))
            {
                if (absent[SynthModalities.Labs][i]) cells.AddRange(Enumerable.Repeat("", 2 + SynthRenderers.Labs.Length));
                else
                {
                    var p = new SynthRandom(o.Seed, SynthRandom.Stream.Patient, 1_000_000 + patientOf[i]);
                    cells.Add(Math.Round(Math.Clamp(60 + 15 * p.Normal(), 18, 95)).ToString(Inv));
                    cells.Add(p.Chance(0.5) ? "female" : "male");
                    cells.AddRange(SynthRenderers.LabValues(truth.Render[SynthModalities.Labs][i], truth.Strength[SynthModalities.Labs], loadings, o.Seed, i).Select(v => v.ToString("0.##", Inv)));
                }
            }
            if (o.Has(SynthModalities.Report))
                cells.Add(reportText[i] == null ? "" : o.TextAs == "files" ? $"reports/{Id(i)}.txt" : Quote(reportText[i]));
            manifest.Append(string.Join(",", cells)).Append('\n');
        }
        var manifestPath = Path.Combine(folder, "manifest.csv");
        File.WriteAllText(manifestPath, manifest.ToString());

        if (o.Has(SynthModalities.Vitals))
        {
            var vitals = new StringBuilder("sample_id,time,variable,value\n");
            for (var i = 0; i < n; i++)
            {
                if (absent[SynthModalities.Vitals][i]) continue;
                foreach (var (t, v, value) in SynthRenderers.VitalSeries(truth.Render[SynthModalities.Vitals][i], truth.Strength[SynthModalities.Vitals], o.Seed, i))
                    vitals.Append(Id(i)).Append(',').Append(t.ToString("0.0", Inv)).Append(',').Append(v).Append(',').Append(value.ToString("0.0", Inv)).Append('\n');
            }
            File.WriteAllText(Path.Combine(folder, "vitals.csv"), vitals.ToString());
        }
        if (o.Has(SynthModalities.Report)) File.WriteAllText(Path.Combine(folder, "vocab.txt"), string.Join("\n", SynthRenderers.Vocabulary()) + "\n");

        var truthCsv = new StringBuilder("sample_id,");
        truthCsv.Append(o.Task == TaskKind.Multilabel ? string.Join(",", labelColumns.Select(c => "clean_" + c)) : "clean_label,image_bit,lab_bit").Append('\n');
        for (var i = 0; i < n; i++)
        {
            truthCsv.Append(Id(i)).Append(',');
            truthCsv.Append(o.Task == TaskKind.Multilabel
                ? string.Join(",", truth.CleanLabels[i].Select(b => b ? "1" : "0"))
                : $"{classNames[truth.CleanClass[i]]},{(truth.ImageBit[i] ? 1 : 0)},{(truth.LabBit[i] ? 1 : 0)}").Append('\n');
        }
        File.WriteAllText(Path.Combine(folder, "truth.csv"), truthCsv.ToString());

        var specPath = Path.Combine(folder, "spec.yaml");
        File.WriteAllText(specPath, SynthSpecWriter.Write(o, labelColumns, classNames));
        return new SynthResult(Path.GetFullPath(folder), specPath, manifestPath, n, patients, truth);
    }

    private static string Quote(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
