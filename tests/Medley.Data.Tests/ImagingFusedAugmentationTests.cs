using Medley.Data.Imaging;

namespace Medley.Data.Tests;

/// <summary>The fused native augmentation pass (crop-resize + flip + blur + normalise + CHW) against the
/// step-by-step reference: OpenCV 8-bit crop/resize/flip, float conversion, blur, then z-score and reorder.</summary>
public class ImagingFusedAugmentationTests : IDisposable
{
    private readonly TempFolder _tmp = new();
    public void Dispose() => _tmp.Dispose();

    // Reference: the pre-fusion pipeline, one step at a time through the public/internal building blocks.
    private static float[] StepByStep(ImagePreprocessing prep, ImageData image, int epoch, long key)
    {
        var s = prep.Size;
        var c = image.Channels;
        var draw = prep.Augmentation.DrawFor(s, s, new SampleRandom(prep.Seed, epoch, key));
        var hwc = ImageAugmentation.ApplyGeometry(image, draw).ToFloatHwc();
        hwc = ImageAugmentation.ApplyBlur(hwc, s, s, c, draw);
        var chw = new float[hwc.Length];
        for (var p = 0; p < s * s; p++)
            for (var ch = 0; ch < c; ch++)
            {
                double v = hwc[p * c + ch];
                chw[ch * s * s + p] = prep.IsFitted ? (float)((v - prep.Mean[ch]) / prep.Std[ch]) : (float)v;
            }
        return chw;
    }

    private static void AssertWithinOneGreyLevel(ImagePreprocessing prep, float[] expected, float[] actual, int channels)
    {
        Assert.Equal(expected.Length, actual.Length);
        var plane = expected.Length / channels;
        var worst = 0.0;
        for (var i = 0; i < expected.Length; i++)
        {
            // compare in [0, 1] pixel units: undo the z-score's division
            var std = prep.IsFitted ? prep.Std[i / plane] : 1;
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]) * std);
        }
        Assert.True(worst <= 1 / 255.0, $"largest difference {worst * 255:0.###} grey levels");
    }

    [Theory]
    [InlineData(40, 3, 0.1, false)]   // the paper's setting: blur is negligible and skipped
    [InlineData(40, 3, 2.0, false)]   // a real blur (σ up to 2 px)
    [InlineData(40, 3, 0.1, true)]    // fitted z-score
    [InlineData(37, 3, 0.1, true)]    // a width that leaves a tail after the 8- and 4-pixel vector groups
    [InlineData(40, 1, 1.5, true)]    // gray images
    public void FusedPathMatchesTheStepByStepPipeline(int s, int channels, double sigmaMax, bool fitted)
    {
        var pixels = channels == 3 ? TestPictures.Rgb(s, s) : TestPictures.Random(s * s, 4);
        if (channels == 3)
        {
            // add texture so interpolation errors would show
            var noise = TestPictures.Random(s * s * 3, 11);
            for (var i = 0; i < pixels.Length; i++) pixels[i] = (byte)((pixels[i] + noise[i]) / 2);
        }
        var image = ImageData.FromUInt8(pixels, s, s, channels);
        var prep = new ImagePreprocessing
        {
            Size = s,
            Seed = 21,
            Augmentation = new ImageAugmentation { CropScaleMin = 0.5, BlurSigmaMin = 0, BlurSigmaMax = sigmaMax },
        };
        if (fitted)
            prep = prep with
            {
                Mean = Enumerable.Repeat(0.45, channels).ToArray(),
                Std = Enumerable.Range(0, channels).Select(c => 0.2 + 0.05 * c).ToArray(),
            };
        var flips = 0;
        var crops = 0;
        for (var k = 0; k < 40; k++)
        {
            var draw = prep.Augmentation.DrawFor(s, s, new SampleRandom(prep.Seed, 3, k));
            flips += draw.Flip ? 1 : 0;
            crops += draw.CropWidth < s ? 1 : 0;
            AssertWithinOneGreyLevel(prep, StepByStep(prep, image, 3, k), prep.Apply(image, true, 3, k), channels);
        }
        Assert.InRange(flips, 5, 35); // both branches were exercised
        Assert.InRange(crops, 30, 40);
    }

    [Fact]
    public void FlipOnlyAndFullCropStayExact()
    {
        const int s = 24;
        var image = ImageData.FromUInt8(TestPictures.Random(s * s * 3, 2), s, s, 3);
        var prep = new ImagePreprocessing
        {
            Size = s,
            Augmentation = new ImageAugmentation { FlipProbability = 1, CropScaleMin = 1, CropScaleMax = 1, BlurSigmaMax = 0 },
        };
        Assert.Equal(StepByStep(prep, image, 0, 0), prep.Apply(image, true, 0, 0));
    }

    [Fact]
    public void CropAtTheImageBordersReadsOnlyInsideTheWindow()
    {
        // bright outside a dark 30x30 window at the bottom-right corner: a read past the window would bleed in
        const int s = 32;
        var pixels = new byte[s * s];
        for (var y = 0; y < s; y++)
            for (var x = 0; x < s; x++) pixels[y * s + x] = (byte)(x >= 2 && y >= 2 ? 10 : 250);
        var image = ImageData.FromUInt8(pixels, s, s, 1);
        var prep = new ImagePreprocessing { Size = s, Augmentation = new ImageAugmentation { FlipProbability = 0, CropScaleMin = 30.0 / 32, CropScaleMax = 30.0 / 32 } };
        var found = false;
        for (var k = 0; k < 50 && !found; k++)
        {
            var draw = prep.Augmentation.DrawFor(s, s, new SampleRandom(prep.Seed, 0, k));
            if (draw.X0 != 2 || draw.Y0 != 2) continue;
            found = true;
            Assert.All(prep.Apply(image, true, 0, k), v => Assert.Equal(10 / 255f, v, 6));
        }
        Assert.True(found, "no draw put the window in the corner");
    }

    [Fact]
    public void CachedPathIsDeterministicBySeedAndEqualsTheDirectPath()
    {
        const int s = 24;
        var paths = Enumerable.Range(0, 6).Select(i =>
        {
            var path = _tmp.File($"img{i}.png");
            ImageCodec.Write(path, ImageData.FromUInt8(TestPictures.Random(30 * 20 * 3, i), 30, 20, 3));
            return path;
        }).ToList();
        var prep = new ImagePreprocessing { Size = s, Seed = 4, Augmentation = new ImageAugmentation { BlurSigmaMax = 1.0 } };
        using var cache = new DecodedImageCache(Path.Combine(_tmp.Path, "cache"), 2L * s * s * 3);
        var slot = new float[3 * s * s];
        for (var epoch = 0; epoch < 3; epoch++) // miss, then memory and disk hits
            for (var i = 0; i < paths.Count; i++)
            {
                prep.Apply(cache, paths[i], true, epoch % 2, i, slot);
                Assert.Equal(prep.Apply(prep.Load(paths[i]), true, epoch % 2, i), slot);
            }
        var s1 = cache.Stats;
        Assert.True(s1.MemoryHits > 0 && s1.DiskHits > 0, s1.ToString());
        var other = new float[3 * s * s];
        (prep with { Seed = 5 }).Apply(cache, paths[0], true, 0, 0, other);
        prep.Apply(cache, paths[0], true, 0, 0, slot);
        Assert.NotEqual(slot, other);
        prep.Apply(cache, paths[0], false, 0, 0, slot);
        Assert.Equal(prep.Apply(prep.Load(paths[0]), false), slot);
        Assert.Throws<ArgumentException>(() => prep.Apply(cache, paths[0], true, 0, 0, new float[7]));
    }
}
