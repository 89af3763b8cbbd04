using System.Collections.Concurrent;
using System.Globalization;
using Medley.Data.Imaging;
using Medley.Data.Problems;
using Medley.Data.Spec;
using Medley.Torch;

namespace Medley.Data.Readers;

/// <summary>
/// 2D images (PNG, JPEG, BMP, TIFF, DICOM) named in `column`: decoded, resized to `size`×`size`, converted to
/// `channels` (gray or rgb) and z-scored per channel with statistics fitted on training images only; in training
/// loaders the CMAP augmentations (crop, flip, blur) run, seeded per (epoch, sample). Output float32 [C, S, S].
/// An optional on-disk cache (`cache_dir`, `cache_memory_mb`) keeps decoded, resized images for later epochs and runs.
/// </summary>
public sealed class ImageModalityReader : IFittableReader, IAugmentingReader, ISummarizingReader
{
    private readonly ModalityContext _context;
    private readonly string _column;
    private readonly int _fitSamples;
    private readonly bool _normalize;
    private readonly DecodedImageCache? _cache;
    private ImagePreprocessing _preprocessing;
    // what `data check` saw per row: stored width, height and channels
    private readonly ConcurrentDictionary<int, (int W, int H, int C)> _seen = new();

    public ImageModalityReader(ModalityContext context)
    {
        _context = context;
        var o = context.Options;
        _column = context.RequireColumn("column");
        _ = context.Root;
        var color = o.Choice("channels", "rgb", "gray", "rgb") == "gray" ? ColorMode.Gray : ColorMode.Rgb;
        var crop = OptionLists.Numbers(o, "crop_scale", 2) ?? new[] { 0.8, 1.0 };
        var blur = OptionLists.Numbers(o, "blur_sigma", 2) ?? new[] { 0.0, 0.1 };
        var augmentation = new ImageAugmentation
        {
            Enabled = o.Bool("augment", true),
            FlipProbability = o.Double("flip_probability") ?? 0.5,
            CropScaleMin = crop[0],
            CropScaleMax = crop[1],
            BlurSigmaMin = blur[0],
            BlurSigmaMax = blur[1],
        };
        try { augmentation.Validate(); }
        catch (ArgumentException e) { throw o.Error("augment", e.Message); }
        _preprocessing = new ImagePreprocessing
        {
            Size = o.Int("size", 224, 1, 8192),
            Color = color,
            Augmentation = augmentation,
            Seed = (ulong)o.Int("seed", 0, 0),
        };
        _normalize = o.Bool("normalize", true);
        _fitSamples = o.Int("fit_samples", 2000, 1);
        if (o.String("cache_dir") is { Length: > 0 })
        {
            var budget = (long)o.Int("cache_memory_mb", 256, 0) * 1024 * 1024;
            _cache = SharedCaches.Get(context.SpecPath("cache_dir"), budget);
        }
    }

    public ModalitySpec Spec => _context.Modality;
    public int Channels => _preprocessing.Color == ColorMode.Gray ? 1 : 3;
    public int Size => _preprocessing.Size;
    public long[]? ItemShape => new long[] { Channels, Size, Size };
    public bool IsFitted => !_normalize || _preprocessing.IsFitted;
    /// <summary>The current preprocessing (statistics once fitted).</summary>
    public ImagePreprocessing Preprocessing => _preprocessing;

    private string? Existing(SampleRow row, List<DataProblem> problems)
    {
        var file = OptionLists.FileOf(_context, row, _column);
        if (file == null) return null;
        if (File.Exists(file)) return file;
        problems.Add(DataProblem.Warning(row.ManifestPath, row.Line, _column, $"sample '{row.SampleId}', modality '{Spec.Name}': file not found (treated as missing): {file}"));
        return null;
    }

    /// <summary>Decodes the file as stored to prove it is readable, and records its size for the summary.</summary>
    public ModalityValue Check(SampleRow row)
    {
        var problems = new List<DataProblem>();
        var file = Existing(row, problems);
        if (file == null) return ModalityValue.Missing(problems);
        try
        {
            var image = ImageCodec.Read(file, new ImageReadOptions { Keep16Bit = false });
            _seen[row.Index] = (image.Width, image.Height, image.Channels);
            return ModalityValue.PresentOnly(problems);
        }
        catch (Exception e) when (e is DataFileException or IOException or ArgumentException or InvalidOperationException)
        {
            problems.Add(_context.RowError(row, _column, $"unreadable image: {e.Message}"));
            return ModalityValue.Missing(problems);
        }
    }

    public ModalityValue Read(SampleRow row) => Read(row, new ReadContext(false, 0));

    public ModalityValue Read(SampleRow row, ReadContext context)
    {
        if (!IsFitted)
            throw new InvalidOperationException($"modality '{Spec.Name}': the image statistics are not fitted; fit the dataset on its training rows first (or set 'normalize: false')");
        var problems = new List<DataProblem>();
        var file = Existing(row, problems);
        if (file == null) return ModalityValue.Missing(problems);
        ImageData image;
        try { image = Load(file); }
        catch (Exception e) when (e is DataFileException or IOException)
        {
            problems.Add(_context.RowError(row, _column, $"unreadable image: {e.Message}"));
            return ModalityValue.Missing(problems);
        }
        var values = new float[Channels * Size * Size];
        _preprocessing.Apply(image, context.Augment, 0, context.Seed, values);
        return ModalityValue.Of(Tensor.From(values, new long[] { Channels, Size, Size }), problems: problems);
    }

    private ImageData Load(string file) => _cache != null ? _cache.GetOrAdd(file, _preprocessing) : _preprocessing.Load(file);

    /// <summary>Fits the per-channel mean/std on (at most `fit_samples`, evenly spaced) training images that exist.</summary>
    public void Fit(IReadOnlyList<SampleRow> trainRows)
    {
        if (!_normalize) return;
        var files = trainRows.Select(r => OptionLists.FileOf(_context, r, _column)).Where(f => f != null && File.Exists(f)).Select(f => f!).ToList();
        if (files.Count == 0)
            throw new InvalidOperationException($"modality '{Spec.Name}': no training sample has an image file to fit the statistics on");
        var step = Math.Max(1.0, files.Count / (double)_fitSamples);
        var picked = Enumerable.Range(0, Math.Min(files.Count, _fitSamples)).Select(i => files[(int)(i * step)]);
        _preprocessing = _preprocessing with { Mean = Array.Empty<double>(), Std = Array.Empty<double>() };
        _preprocessing = _preprocessing.Fit(picked.Select(Load));
    }

    public string SaveState() => _preprocessing.ToJson();

    public void LoadState(string json)
    {
        var loaded = ImagePreprocessing.FromJson(json);
        if (loaded.Size != Size || loaded.Color != _preprocessing.Color)
            throw new InvalidDataException($"modality '{Spec.Name}': saved preprocessing is {loaded.Color} {loaded.Size}px but the spec asks for {_preprocessing.Color} {Size}px");
        _preprocessing = loaded;
    }

    public IEnumerable<string> Summarize(IReadOnlyList<SampleRow> rows)
    {
        if (_seen.IsEmpty)
            foreach (var row in rows) using (Check(row)) { }
        var sizes = _seen.Values.GroupBy(s => s).OrderByDescending(g => g.Count())
            .Select(g => $"{g.Key.W}×{g.Key.H}×{g.Key.C} ({g.Count()})").ToList();
        yield return $"stored sizes (width×height×channels): {(sizes.Count == 0 ? "none readable" : string.Join(", ", sizes.Take(8)))}{(sizes.Count > 8 ? $", … {sizes.Count - 8} more" : "")}";
        yield return string.Create(CultureInfo.InvariantCulture,
            $"loaded as: {(Channels == 1 ? "gray" : "rgb")} {Size}×{Size}, tensor [{Channels}, {Size}, {Size}]{(_cache != null ? $", cache {_cache.Directory}" : "")}");
    }
}

/// <summary>One <see cref="DecodedImageCache"/> per folder in this process, so readers sharing a folder never write it twice.</summary>
internal static class SharedCaches
{
    private static readonly Dictionary<string, DecodedImageCache> Caches = new();

    public static DecodedImageCache Get(string directory, long budget)
    {
        var key = Path.GetFullPath(directory);
        lock (Caches)
        {
            if (!Caches.TryGetValue(key, out var cache)) Caches[key] = cache = new DecodedImageCache(key, budget);
            return cache;
        }
    }
}

/// <summary>Makes <see cref="ImageModalityReader"/>s.</summary>
public sealed class ImageModalityReaderFactory : IModalityReaderFactory
{
    public ModalityKind Kind => ModalityKind.Image;
    public IReadOnlyList<string> OptionKeys { get; } = new[]
    {
        "column", "root", "channels", "size", "normalize", "fit_samples", "augment", "flip_probability", "crop_scale",
        "blur_sigma", "seed", "cache_dir", "cache_memory_mb",
    };
    public IModalityReader Create(ModalityContext context) => new ImageModalityReader(context);
}
