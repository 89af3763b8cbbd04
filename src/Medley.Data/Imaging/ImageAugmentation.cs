namespace Medley.Data.Imaging;

/// <summary>
/// CMAP-Fusion's training augmentations, applied in this order to the resized S×S image: random resized crop
/// (a square-proportioned window of <see cref="CropScaleMin"/>–<see cref="CropScaleMax"/> of each side at a random
/// position, resized back to S×S bilinearly), random horizontal flip, Gaussian blur with σ uniform in
/// [<see cref="BlurSigmaMin"/>, <see cref="BlurSigmaMax"/>].
/// <para>
/// σ is in pixels of the S×S image, the unit of torchvision's GaussianBlur (which a PyTorch implementation of the
/// paper's "σ ∈ [0, 0.1]" would use); the kernel is (2⌈3σ⌉+1)² with reflect padding. Taken literally, σ ≤ 0.1 px
/// barely changes an image (the neighbour weight is e^(−1/(2σ²)) ≤ 2e−22), so the paper's setting is reproduced
/// faithfully but is close to a no-op; widen the range (e.g. 0.1–2.0, torchvision's default) for a real blur.
/// </para>
/// </summary>
public sealed record ImageAugmentation
{
    public bool Enabled { get; init; } = true;
    public double FlipProbability { get; init; } = 0.5;
    public double CropScaleMin { get; init; } = 0.8;
    public double CropScaleMax { get; init; } = 1.0;
    public double BlurSigmaMin { get; init; }
    public double BlurSigmaMax { get; init; } = 0.1;

    public void Validate()
    {
        if (FlipProbability is < 0 or > 1) throw new ArgumentException($"FlipProbability must be in [0, 1], got {FlipProbability}");
        if (!(CropScaleMin > 0 && CropScaleMin <= CropScaleMax && CropScaleMax <= 1))
            throw new ArgumentException($"crop scale range must satisfy 0 < min ≤ max ≤ 1, got [{CropScaleMin}, {CropScaleMax}]");
        if (!(BlurSigmaMin >= 0 && BlurSigmaMin <= BlurSigmaMax))
            throw new ArgumentException($"blur σ range must satisfy 0 ≤ min ≤ max, got [{BlurSigmaMin}, {BlurSigmaMax}]");
    }

    /// <summary>The random choices for one sample, drawn in a fixed order so each is reproducible.</summary>
    public readonly record struct Draw(int X0, int Y0, int CropWidth, int CropHeight, bool Flip, double Sigma);

    public Draw DrawFor(int width, int height, SampleRandom rng)
    {
        var scale = rng.Uniform(CropScaleMin, CropScaleMax);
        var cropW = Math.Clamp((int)Math.Round(scale * width), 1, width);
        var cropH = Math.Clamp((int)Math.Round(scale * height), 1, height);
        var x0 = rng.NextInt(width - cropW + 1);
        var y0 = rng.NextInt(height - cropH + 1);
        var flip = rng.NextDouble() < FlipProbability;
        var sigma = rng.Uniform(BlurSigmaMin, BlurSigmaMax);
        return new Draw(x0, y0, cropW, cropH, flip, sigma);
    }

    /// <summary>Crop + resize back + flip, in the image's own pixel type (one native pass).</summary>
    public static ImageData ApplyGeometry(ImageData image, Draw d)
    {
        var output = new byte[image.Bytes.Length];
        return ApplyGeometry(image, d, output) ? new ImageData(output, image.Width, image.Height, image.Channels, image.Depth) : image;
    }

    /// <summary>Writes the augmented pixels into <paramref name="output"/> (at least as long as the image's bytes);
    /// returns false, writing nothing, when the draw leaves the image unchanged.</summary>
    internal static unsafe bool ApplyGeometry(ImageData image, Draw d, byte[] output)
    {
        if (d.CropWidth == image.Width && d.CropHeight == image.Height && !d.Flip) return false;
        if (output.Length < image.Bytes.Length) throw new ArgumentException("output buffer is too small");
        fixed (byte* src = image.Bytes)
        fixed (byte* dst = output)
            if (NativeImaging.mdl_img_crop_resize_flip(src, image.Width, image.Height, image.Channels, (int)image.Depth,
                    d.X0, d.Y0, d.CropWidth, d.CropHeight, d.Flip ? 1 : 0, dst, image.Width, image.Height, (int)Interpolation.Bilinear) != 0)
                throw new InvalidOperationException($"augmentation crop/resize failed: {NativeImaging.TakeError()}");
        return true;
    }

    /// <summary>Below this σ (px) the Gaussian's neighbour weight e^(−1/(2σ²)) is under 3e−10, so the blur moves no
    /// pixel by more than 3e−10 of the [0, 1] range; it is skipped (the paper's σ ≤ 0.1 always falls here).</summary>
    public const double NegligibleSigma = 0.15;

    /// <summary>Gaussian blur of float HWC pixels with the drawn σ (returns the input when σ is negligible).</summary>
    public static float[] ApplyBlur(float[] hwc, int width, int height, int channels, Draw d) =>
        d.Sigma < NegligibleSigma ? hwc : Blur(hwc, width, height, channels, d.Sigma);

    /// <summary>Augments float HWC pixels into a new array of the same size.</summary>
    public float[] Apply(float[] hwc, int width, int height, int channels, SampleRandom rng)
    {
        var d = DrawFor(width, height, rng);
        var image = ApplyGeometry(ImageData.FromFloat(hwc, width, height, channels), d);
        return ApplyBlur(image.ToFloatHwc(), width, height, channels, d);
    }

    internal static float[] Crop(float[] hwc, int width, int channels, int x0, int y0, int cropW, int cropH)
    {
        var result = new float[cropW * cropH * channels];
        for (var y = 0; y < cropH; y++)
            Array.Copy(hwc, ((y0 + y) * width + x0) * channels, result, y * cropW * channels, cropW * channels);
        return result;
    }

    internal static float[] FlipHorizontal(float[] hwc, int width, int height, int channels)
    {
        var result = new float[hwc.Length];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                Array.Copy(hwc, (y * width + x) * channels, result, (y * width + width - 1 - x) * channels, channels);
        return result;
    }

    // (2⌈3σ⌉+1), limited so reflect padding's radius stays inside the image
    private static int KernelSize(double sigma, int width, int height) =>
        Math.Min(2 * (int)Math.Ceiling(3 * sigma) + 1, 2 * ((Math.Min(width, height) - 1) / 2) + 1);

    /// <summary>The blur kernel size the drawn σ calls for, 0 when the blur is skipped (negligible σ or a kernel under 3).</summary>
    internal static int BlurKernelSize(double sigma, int width, int height)
    {
        if (sigma < NegligibleSigma) return 0;
        var k = KernelSize(sigma, width, height);
        return k < 3 ? 0 : k;
    }

    internal static unsafe float[] Blur(float[] hwc, int width, int height, int channels, double sigma)
    {
        var result = (float[])hwc.Clone();
        var ksize = KernelSize(sigma, width, height);
        if (ksize < 3) return result;
        fixed (float* p = result)
            if (NativeImaging.mdl_img_gaussian_blur(p, width, height, channels, sigma, ksize) != 0)
                throw new InvalidOperationException($"Gaussian blur failed: {NativeImaging.TakeError()}");
        return result;
    }
}
