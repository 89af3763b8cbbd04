using System.Text.Json;
using System.Text.Json.Serialization;
using Medley.Data.Imaging;

namespace Medley.Data.Volumes;

/// <summary>
/// Volume preprocessing saved with the model, applied in this order: resample to <see cref="TargetSpacing"/>,
/// HU window to [0, 1], crop a <see cref="CropSize"/> window (centred in evaluation, at a random position in
/// training), then random flips per axis in training. Randomness depends only on (Seed, epoch, sample).
/// </summary>
public sealed record VolumePreprocessing
{
    /// <summary>HU window (e.g. −1000 and 400); null = leave values as they are.</summary>
    public double? WindowLow { get; init; }
    public double? WindowHigh { get; init; }
    /// <summary>Target voxel spacing in mm; null = keep the scan's spacing.</summary>
    public Spacing3? TargetSpacing { get; init; }
    /// <summary>Window size [D, H, W] (MMCAF-Net uses 12×192×192); null = whole volume.</summary>
    public int[]? CropSize { get; init; }
    /// <summary>Value for crop regions outside the volume (after windowing: 0 = the window's low end).</summary>
    public float PadValue { get; init; }
    public bool Augment { get; init; } = true;
    /// <summary>Probability of mirroring along depth, height, width in training.</summary>
    public double[] FlipProbability { get; init; } = { 0, 0, 0.5 };
    public ulong Seed { get; init; }

    public void Validate()
    {
        if (WindowLow.HasValue != WindowHigh.HasValue) throw new ArgumentException("set both WindowLow and WindowHigh, or neither");
        if (WindowLow is { } lo && WindowHigh is { } hi && !(hi > lo)) throw new ArgumentException($"window must have high > low, got [{lo}, {hi}]");
        if (CropSize is { } c && (c.Length != 3 || c.Any(s => s <= 0))) throw new ArgumentException("CropSize needs three positive sizes [D, H, W]");
        if (FlipProbability.Length != 3 || FlipProbability.Any(p => p is < 0 or > 1)) throw new ArgumentException("FlipProbability needs three probabilities in [0, 1] (depth, height, width)");
    }

    public Volume Apply(Volume volume, bool training, int epoch = 0, long sampleKey = 0)
    {
        Validate();
        var v = volume;
        if (TargetSpacing is { } spacing) v = VolumeOps.Resample(v, spacing);
        if (WindowLow is { } lo && WindowHigh is { } hi) v = VolumeOps.Window(v, lo, hi);
        var rng = training && Augment ? new SampleRandom(Seed, epoch, sampleKey) : null;
        if (CropSize is { } c)
        {
            if (rng == null) v = VolumeOps.CenterCrop(v, c[0], c[1], c[2], PadValue);
            else
            {
                int Start(int size, int window) => size > window ? rng.NextInt(size - window + 1) : (size - window) / 2;
                int z0 = Start(v.Depth, c[0]), y0 = Start(v.Height, c[1]), x0 = Start(v.Width, c[2]);
                v = VolumeOps.Crop(v, z0, y0, x0, c[0], c[1], c[2], PadValue);
            }
        }
        if (rng != null)
            for (var axis = 0; axis < 3; axis++)
                if (rng.NextDouble() < FlipProbability[axis]) v = VolumeOps.Flip(v, axis);
        return v;
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static VolumePreprocessing FromJson(string json)
    {
        var result = JsonSerializer.Deserialize<VolumePreprocessing>(json, Json) ?? throw new ArgumentException("empty volume preprocessing JSON");
        result.Validate();
        return result;
    }
}
