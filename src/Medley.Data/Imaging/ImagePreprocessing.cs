using System.Text.Json;
using System.Text.Json.Serialization;
using Medley.Torch;

namespace Medley.Data.Imaging;

/// <summary>
/// Image preprocessing fitted on the training split only and saved with the model: resize to S×S, per-channel
/// z-score with training statistics, and (in training only) <see cref="ImageAugmentation"/> seeded per
/// (seed, epoch, sample). Serializes to JSON.
/// </summary>
public sealed record ImagePreprocessing
{
    public int Size { get; init; } = 224;
    public ColorMode Color { get; init; } = ColorMode.Rgb;
    public Interpolation Interpolation { get; init; } = Interpolation.Bilinear;
    /// <summary>Per-channel mean of training pixels scaled to [0, 1] (empty = not fitted: no z-score).</summary>
    public double[] Mean { get; init; } = Array.Empty<double>();
    /// <summary>Per-channel population standard deviation of training pixels scaled to [0, 1].</summary>
    public double[] Std { get; init; } = Array.Empty<double>();
    /// <summary>Training pixels the statistics came from (for the record).</summary>
    public long FittedPixels { get; init; }
    public ImageAugmentation Augmentation { get; init; } = new();
    /// <summary>Base seed of the augmentation stream.</summary>
    public ulong Seed { get; init; }

    public bool IsFitted => Mean.Length > 0;

    /// <summary>The read options that decode straight to the S×S training size.</summary>
    public ImageReadOptions ReadOptions => new() { Color = Color, Width = Size, Height = Size, Interpolation = Interpolation, Keep16Bit = false };

    /// <summary>Decodes and resizes one image file (what the decoded-image cache stores).</summary>
    public ImageData Load(string path) => ImageCodec.Read(path, ReadOptions);

    /// <summary>Fits the per-channel statistics on training image files (only those: never pass validation/test files).</summary>
    public ImagePreprocessing Fit(IEnumerable<string> trainingPaths) => Fit(trainingPaths.Select(Load));

    /// <summary>Fits the per-channel statistics on already decoded training images (resized to S×S if needed).</summary>
    public ImagePreprocessing Fit(IEnumerable<ImageData> trainingImages)
    {
        Validate();
        double[]? sum = null, sumSq = null;
        long pixels = 0;
        foreach (var original in trainingImages)
        {
            var image = original.Width == Size && original.Height == Size ? original : ImageCodec.Resize(original, Size, Size, Interpolation);
            sum ??= new double[image.Channels];
            sumSq ??= new double[image.Channels];
            if (image.Channels != sum.Length)
                throw new ArgumentException($"training images mix {sum.Length}- and {image.Channels}-channel images; set Color to Gray or Rgb");
            var values = image.ToFloatHwc();
            var c = image.Channels;
            for (var i = 0; i < values.Length; i++)
            {
                double v = values[i];
                sum[i % c] += v;
                sumSq[i % c] += v * v;
            }
            pixels += image.PixelCount;
        }
        if (sum == null || pixels == 0) throw new ArgumentException("cannot fit image statistics on an empty training set");
        var mean = sum.Select(s => s / pixels).ToArray();
        var std = sumSq!.Select((s, i) => Math.Sqrt(Math.Max(0, s / pixels - mean[i] * mean[i]))).ToArray();
        return this with { Mean = mean, Std = std, FittedPixels = pixels };
    }

    public void Validate()
    {
        if (Size <= 0) throw new ArgumentException($"image Size must be positive, got {Size}");
        if (Mean.Length != Std.Length) throw new ArgumentException($"Mean has {Mean.Length} channels but Std has {Std.Length}");
        Augmentation.Validate();
    }

    /// <summary>
    /// Turns a decoded S×S image into normalized CHW floats. Augmentation runs only when <paramref name="training"/>
    /// is true; its randomness depends only on (Seed, epoch, sampleKey).
    /// </summary>
    public float[] Apply(ImageData image, bool training, int epoch = 0, long sampleKey = 0)
    {
        if (image.Width != Size || image.Height != Size) image = ImageCodec.Resize(image, Size, Size, Interpolation);
        float[] hwc;
        if (training && Augmentation.Enabled)
        {
            // geometry on the decoded (usually uint8) pixels, blur on floats so it does not quantise
            var draw = Augmentation.DrawFor(Size, Size, new SampleRandom(Seed, epoch, sampleKey));
            hwc = ImageAugmentation.ApplyBlur(ImageAugmentation.ApplyGeometry(image, draw).ToFloatHwc(), Size, Size, image.Channels, draw);
        }
        else
        {
            hwc = image.ToFloatHwc();
        }
        var c = image.Channels;
        if (IsFitted)
        {
            if (Mean.Length != c) throw new ArgumentException($"preprocessing was fitted on {Mean.Length}-channel images, this one has {c}");
            for (var i = 0; i < hwc.Length; i++)
            {
                var ch = i % c;
                hwc[i] = (float)((hwc[i] - Mean[ch]) / (Std[ch] > 1e-12 ? Std[ch] : 1));
            }
        }
        return ImageData.HwcToChw(hwc, Size, Size, c);
    }

    /// <summary>A [C, S, S] float32 tensor (see <see cref="Apply"/>).</summary>
    public Tensor ApplyTensor(ImageData image, bool training, int epoch = 0, long sampleKey = 0) =>
        Tensor.From(Apply(image, training, epoch, sampleKey), new long[] { image.Channels, Size, Size });

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ImagePreprocessing FromJson(string json)
    {
        var result = JsonSerializer.Deserialize<ImagePreprocessing>(json, Json) ?? throw new ArgumentException("empty image preprocessing JSON");
        result.Validate();
        return result;
    }
}
