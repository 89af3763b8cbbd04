using System.CommandLine;
using System.Diagnostics;
using Medley.Data.Synthetic;

namespace Medley.Cli;

/// <summary>`medley data synth --out DIR [--config synth.yaml] [flags]`: writes a synthetic multimodal dataset with known ground truth.</summary>
internal static class DataSynthCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write the dataset into.", Required = true };
        var config = new Option<FileInfo?>("--config") { Description = "YAML file with generator options (flags given here override it)." };
        // Each flag maps to the YAML key of the same name (dashes become underscores).
        var flags = new (string Flag, string Description)[]
        {
            ("--task", "binary, multiclass or multilabel (default binary)."),
            ("--samples", "Number of samples (default 300)."),
            ("--seed", "Random seed; the same seed gives identical files (default 0)."),
            ("--classes", "Classes of a multiclass task (default 3)."),
            ("--labels", "Labels of a multilabel task (default 25)."),
            ("--factors", "Shared latent factors behind the multilabel labels (default 5)."),
            ("--modalities", "Comma-separated: image,volume,labs,vitals,report (default image,labs,vitals,report)."),
            ("--signal", "Modalities that carry the label signal (default image,labs)."),
            ("--lazy", "A modality that mostly ignores the label (noisy, 'lazy')."),
            ("--dominant", "A signal modality three times stronger than the others."),
            ("--missing", "Missing rates: one rate for all, or image=0.2,labs=0.1."),
            ("--label-noise", "Fraction of wrong recorded labels (default 0)."),
            ("--imbalance", "Most/least frequent class ratio (default 1 = balanced)."),
            ("--samples-per-patient", "Each patient has 1..N samples (default 1)."),
            ("--image-size", "Image side in pixels (default 32)."),
            ("--channels", "rgb or gray (default rgb)."),
            ("--volume-format", "nifti, dicom or both (default nifti)."),
            ("--volume-size", "Volume size D,H,W (default 16,32,32)."),
            ("--text-as", "Reports in a manifest column ('column') or one .txt per sample ('files')."),
        };
        var options = flags.Select(f => new Option<string?>(f.Flag) { Description = f.Description }).ToList();
        var xor = new Option<bool>("--xor") { Description = "Binary label = image pattern XOR lab sign: neither modality alone beats chance." };
        var command = new Command("synth", "Write a synthetic multimodal dataset (images, volumes, labs, vitals, reports, manifest, spec) with known ground truth.");
        command.Options.Add(output);
        command.Options.Add(config);
        foreach (var o in options) command.Options.Add(o);
        command.Options.Add(xor);
        command.SetAction(parseResult =>
        {
            var synth = new SynthOptions();
            if (parseResult.GetValue(config) is { } file) synth = synth.ApplyYaml(file.FullName);
            var values = new Dictionary<string, object>();
            for (var i = 0; i < flags.Length; i++)
                if (parseResult.GetValue(options[i]) is { } v) values[flags[i].Flag[2..].Replace('-', '_')] = v;
            if (parseResult.GetValue(xor)) values["xor"] = "true";
            synth = synth.Apply(values, "command line");
            var watch = Stopwatch.StartNew();
            var result = SyntheticDataset.Generate(parseResult.GetValue(output)!.FullName, synth);
            Console.WriteLine($"wrote {result.Samples} samples of {result.Patients} patients ({synth.Task.ToString().ToLowerInvariant()}; modalities {string.Join(", ", synth.Modalities)}) in {watch.Elapsed.TotalSeconds:F1} s");
            Console.WriteLine($"spec: {result.SpecPath}");
            Console.WriteLine($"check it with: medley data check --spec {result.SpecPath}");
            return 0;
        });
        return command;
    }
}
