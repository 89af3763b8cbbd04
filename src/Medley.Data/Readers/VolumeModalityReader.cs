using System.Collections.Concurrent;
using System.Globalization;
using Medley.Data.Imaging;
using Medley.Data.Problems;
using Medley.Data.Spec;
using Medley.Data.Volumes;
using Medley.Torch;

namespace Medley.Data.Readers;

/// <summary>
/// 3D volumes named in `column`: NIfTI (.nii, .nii.gz), NumPy (.npy) or a folder holding one DICOM series (rescaled
/// to Hounsfield units). Preprocessing (<see cref="VolumePreprocessing"/>): resample to `spacing` [D, H, W] mm, HU
/// `window` [low, high] to [0, 1], `crop` [D, H, W] (centred in evaluation, random in training) and random flips in
/// training, seeded per (epoch, sample). Output float32 [C, D, H, W] (C = 1 for CT/MR).
/// </summary>
public sealed class VolumeModalityReader : IAugmentingReader, ISummarizingReader
{
    private readonly ModalityContext _context;
    private readonly string _column;
    private readonly VolumePreprocessing _preprocessing;
    private readonly ConcurrentDictionary<int, (int C, int D, int H, int W, Spacing3 Spacing)> _seen = new();
    private long[]? _shape;
    private readonly object _lock = new();

    public VolumeModalityReader(ModalityContext context)
    {
        _context = context;
        var o = context.Options;
        _column = context.RequireColumn("column");
        _ = context.Root;
        var window = OptionLists.Numbers(o, "window", 2);
        if (window != null && !(window[1] > window[0])) throw o.Error("window", $"'window' needs [low, high] with high > low, got [{window[0]}, {window[1]}]");
        var spacing = OptionLists.Numbers(o, "spacing", 3);
        if (spacing != null && spacing.Any(s => s <= 0)) throw o.Error("spacing", "'spacing' needs three positive sizes in mm [depth, height, width]");
        var crop = OptionLists.PositiveInts(o, "crop", 3);
        var flips = OptionLists.Numbers(o, "flip_probability", 3) ?? new[] { 0.0, 0.0, 0.5 };
        if (flips.Any(p => p is < 0 or > 1)) throw o.Error("flip_probability", "'flip_probability' needs three probabilities in [0, 1] (depth, height, width)");
        _preprocessing = new VolumePreprocessing
        {
            WindowLow = window?[0],
            WindowHigh = window?[1],
            TargetSpacing = spacing == null ? null : new Spacing3(spacing[0], spacing[1], spacing[2]),
            CropSize = crop,
            Augment = o.Bool("augment", true),
            FlipProbability = flips,
            Seed = (ulong)o.Int("seed", 0, 0),
        };
        if (crop != null) _shape = new long[] { 1, crop[0], crop[1], crop[2] };
    }

    public ModalitySpec Spec => _context.Modality;
    public VolumePreprocessing Preprocessing => _preprocessing;
    /// <summary>[1, D, H, W] when `crop` is set; otherwise the first volume read fixes it.</summary>
    public long[]? ItemShape { get { lock (_lock) return _shape; } }

    /// <summary>Reads a volume file or DICOM series folder by its extension.</summary>
    public static Volume Load(string path)
    {
        if (Directory.Exists(path)) return DicomSeries.Read(path);
        var lower = path.ToLowerInvariant();
        if (lower.EndsWith(".nii") || lower.EndsWith(".nii.gz")) return Nifti.Read(path);
        if (lower.EndsWith(".npy")) return Npy.ReadVolume(path);
        throw new DataFileException(path, "unknown volume format (use .nii, .nii.gz, .npy or a folder holding a DICOM series)");
    }

    private string? Existing(SampleRow row, List<DataProblem> problems)
    {
        var file = OptionLists.FileOf(_context, row, _column);
        if (file == null) return null;
        if (File.Exists(file) || Directory.Exists(file)) return file;
        problems.Add(DataProblem.Warning(row.ManifestPath, row.Line, _column, $"sample '{row.SampleId}', modality '{Spec.Name}': file not found (treated as missing): {file}"));
        return null;
    }

    private Volume? TryLoad(SampleRow row, List<DataProblem> problems)
    {
        var file = Existing(row, problems);
        if (file == null) return null;
        try
        {
            var volume = Load(file);
            _seen[row.Index] = (volume.Channels, volume.Depth, volume.Height, volume.Width, volume.Spacing);
            return volume;
        }
        catch (Exception e) when (e is DataFileException or IOException or InvalidDataException or ArgumentException)
        {
            problems.Add(_context.RowError(row, _column, $"unreadable volume: {e.Message}"));
            return null;
        }
    }

    public ModalityValue Check(SampleRow row)
    {
        var problems = new List<DataProblem>();
        return TryLoad(row, problems) == null ? ModalityValue.Missing(problems) : ModalityValue.PresentOnly(problems);
    }

    public ModalityValue Read(SampleRow row) => Read(row, new ReadContext(false, 0));

    public ModalityValue Read(SampleRow row, ReadContext context)
    {
        var problems = new List<DataProblem>();
        var volume = TryLoad(row, problems);
        if (volume == null) return ModalityValue.Missing(problems);
        var v = _preprocessing.Apply(volume, context.Augment, 0, context.Seed);
        var shape = new long[] { v.Channels, v.Depth, v.Height, v.Width };
        lock (_lock) _shape ??= shape;
        return ModalityValue.Of(Tensor.From(v.Data, shape), problems: problems);
    }

    public IEnumerable<string> Summarize(IReadOnlyList<SampleRow> rows)
    {
        if (_seen.IsEmpty)
            foreach (var row in rows) using (Check(row)) { }
        string Join<T>(IEnumerable<T> items) where T : notnull =>
            string.Join(", ", items.GroupBy(x => x).OrderByDescending(g => g.Count()).Take(8).Select(g => $"{g.Key} ({g.Count()})"));
        var seen = _seen.Values.ToList();
        if (seen.Count == 0) { yield return "no readable volumes"; yield break; }
        yield return "shapes (C×D×H×W): " + Join(seen.Select(s => $"{s.C}×{s.D}×{s.H}×{s.W}"));
        yield return "spacing (D×H×W mm): " + Join(seen.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Spacing.Depth:G4}×{s.Spacing.Height:G4}×{s.Spacing.Width:G4}")));
        var p = _preprocessing;
        yield return string.Create(CultureInfo.InvariantCulture,
            $"preprocessing: window {(p.WindowLow is { } lo ? $"[{lo}, {p.WindowHigh}]" : "none")}, spacing {(p.TargetSpacing?.ToString() ?? "as stored")}, crop {(p.CropSize is { } c ? string.Join("×", c) : "none")}");
    }
}

/// <summary>Makes <see cref="VolumeModalityReader"/>s.</summary>
public sealed class VolumeModalityReaderFactory : IModalityReaderFactory
{
    public ModalityKind Kind => ModalityKind.Volume;
    public IReadOnlyList<string> OptionKeys { get; } = new[] { "column", "root", "window", "spacing", "crop", "augment", "flip_probability", "seed" };
    public IModalityReader Create(ModalityContext context) => new VolumeModalityReader(context);
}
