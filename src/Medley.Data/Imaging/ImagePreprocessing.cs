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
        var result = new float[image.Channels * Size * Size];
        Apply(image, training, epoch, sampleKey, result);
        return result;
    }

    /// <summary>As <see cref="Apply(ImageData, bool, int, long)"/>, writing C×S×S values into
    /// <paramref name="destination"/> (e.g. a sample's slot in a batch buffer) without allocating the output.</summary>
    public void Apply(ImageData image, bool training, int epoch, long sampleKey, Span<float> destination)
    {
        if (image.Width != Size || image.Height != Size) image = ImageCodec.Resize(image, Size, Size, Interpolation);
        var c = image.Channels;
        var plane = Size * Size;
        if (destination.Length != c * plane)
            throw new ArgumentException($"destination holds {destination.Length} values, a {c}×{Size}×{Size} image needs {c * plane}");
        if (IsFitted && Mean.Length != c) throw new ArgumentException($"preprocessing was fitted on {Mean.Length}-channel images, this one has {c}");
        var draw = DrawFor(training, epoch, sampleKey);

        if (image.Depth == PixelDepth.UInt8)
        {
            unsafe
            {
                fixed (byte* src = image.Bytes)
                    ApplyUInt8(src, c, draw, destination);
            }
            return;
        }

        float[] hwc;
        if (draw is { } d)
            // geometry on the decoded pixels, blur on floats so it does not quantise
            hwc = ImageAugmentation.ApplyBlur(ImageAugmentation.ApplyGeometry(image, d).ToFloatHwc(), Size, Size, c, d);
        else
            hwc = image.ToFloatHwc();
        for (var p = 0; p < plane; p++)
            for (var ch = 0; ch < c; ch++)
                destination[ch * plane + p] = Normalize(hwc[p * c + ch], ch);
    }

    /// <summary>
    /// Reads the S×S image for <paramref name="path"/> through <paramref name="cache"/> (decoding and caching it on
    /// first use) and writes it, preprocessed as <see cref="Apply(ImageData, bool, int, long, Span{float})"/>
    /// would, into <paramref name="destination"/>. Cached 8-bit images go from the cache's memory (or a per-thread
    /// read buffer) through one fused native pass into the destination, with no per-sample managed allocation.
    /// </summary>
    public unsafe void Apply(DecodedImageCache cache, string path, bool training, int epoch, long sampleKey, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var pixels = cache.Read(path, ReadOptions);
        if (pixels.Pointer == null || pixels.Depth != PixelDepth.UInt8 || pixels.Width != Size || pixels.Height != Size)
        {
            Apply(pixels.ToImageData(), training, epoch, sampleKey, destination);
            return;
        }
        var c = pixels.Channels;
        if (destination.Length != c * Size * Size)
            throw new ArgumentException($"destination holds {destination.Length} values, a {c}×{Size}×{Size} image needs {c * Size * Size}");
        if (IsFitted && Mean.Length != c) throw new ArgumentException($"preprocessing was fitted on {Mean.Length}-channel images, this one has {c}");
        ApplyUInt8(pixels.Pointer, c, DrawFor(training, epoch, sampleKey), destination);
    }

    private ImageAugmentation.Draw? DrawFor(bool training, int epoch, long sampleKey) =>
        training && Augmentation.Enabled ? Augmentation.DrawFor(Size, Size, new SampleRandom(Seed, epoch, sampleKey)) : null;

    // S×S 8-bit HWC pixels -> normalised CHW floats. Without a crop this is one table lookup per value (then a row
    // reversal for a flip); with a crop, the fused native crop-resize + flip + normalise pass writes straight into
    // the destination. A blur (only when σ matters) runs on the normalised planes: it commutes with the per-channel
    // affine normalisation because its weights sum to one.
    private unsafe void ApplyUInt8(byte* src, int c, ImageAugmentation.Draw? draw, Span<float> destination)
    {
        var plane = Size * Size;
        var ksize = draw is { } db ? ImageAugmentation.BlurKernelSize(db.Sigma, Size, Size) : 0;
        if (draw is not { } d || (d.CropWidth == Size && d.CropHeight == Size))
        {
            Span<float> lut = stackalloc float[256 * c];
            for (var ch = 0; ch < c; ch++)
                for (var v = 0; v < 256; v++) lut[ch * 256 + v] = Normalize(v / 255f, ch);
            ToChw(new ReadOnlySpan<byte>(src, c * plane), lut, destination, plane, c);
            if (draw is { Flip: true })
                for (var row = 0; row < c * Size; row++) destination.Slice(row * Size, Size).Reverse();
            if (ksize > 0)
                fixed (float* dst = destination)
                    for (var ch = 0; ch < c; ch++)
                        if (NativeImaging.mdl_img_gaussian_blur(dst + ch * plane, Size, Size, 1, draw!.Value.Sigma, ksize) != 0)
                            throw new InvalidOperationException($"Gaussian blur failed: {NativeImaging.TakeError()}");
            return;
        }
        var scale = stackalloc float[c];
        var shift = stackalloc float[c];
        for (var ch = 0; ch < c; ch++)
        {
            var std = IsFitted ? (Std[ch] > 1e-12 ? Std[ch] : 1) : 1;
            scale[ch] = (float)(1 / (255 * std));
            shift[ch] = IsFitted ? (float)(-Mean[ch] / std) : 0f;
        }
        fixed (float* dst = destination)
            if (NativeAugment.mdl_img_augment_chw_u8(src, Size, Size, c, d.X0, d.Y0, d.CropWidth, d.CropHeight, d.Flip ? 1 : 0,
                    scale, shift, dst, Size, Size, d.Sigma, ksize) != 0)
                throw new InvalidOperationException($"fused augmentation failed: {NativeImaging.TakeError()}");
    }

    private static unsafe void ToChw(ReadOnlySpan<byte> src, ReadOnlySpan<float> lut, Span<float> dst, int plane, int c)
    {
        fixed (byte* s = src)
        fixed (float* l = lut)
        fixed (float* d = dst)
        {
            if (c == 3)
            {
                float* r = d, g = d + plane, b = d + 2 * plane;
                for (var p = 0; p < plane; p++)
                {
                    r[p] = l[s[3 * p]];
                    g[p] = l[256 + s[3 * p + 1]];
                    b[p] = l[512 + s[3 * p + 2]];
                }
            }
            else
            {
                for (var p = 0; p < plane; p++)
                    for (var ch = 0; ch < c; ch++)
                        d[ch * plane + p] = l[ch * 256 + s[p * c + ch]];
            }
        }
    }

    private float Normalize(float value, int channel) =>
        IsFitted ? (float)((value - Mean[channel]) / (Std[channel] > 1e-12 ? Std[channel] : 1)) : value;

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
