using Medley.Data.Imaging;
using Medley.Torch;

namespace Medley.Data.Tests;

public class ImagingPreprocessingTests : IDisposable
{
    private readonly TempFolder _tmp = new();
    public void Dispose() => _tmp.Dispose();

    private const int S = 16;

    private List<(string Path, byte[] Pixels)> WriteTrainingImages(int count, int seed)
    {
        var list = new List<(string, byte[])>();
        for (var i = 0; i < count; i++)
        {
            var pixels = TestPictures.Random(S * S * 3, seed + i);
            var path = _tmp.File($"train{seed}_{i}.png");
            ImageCodec.Write(path, ImageData.FromUInt8(pixels, S, S, 3));
            list.Add((path, pixels));
        }
        return list;
    }

    [Fact]
    public void ZScoreStatisticsMatchIndependentComputationOnTrainingFilesOnly()
    {
        var train = WriteTrainingImages(3, 10);
        var heldOut = WriteTrainingImages(2, 50);
        var fitted = new ImagePreprocessing { Size = S }.Fit(train.Select(t => t.Path));
        for (var c = 0; c < 3; c++)
        {
            var values = train.SelectMany(t => t.Pixels.Where((_, i) => i % 3 == c)).Select(v => v / 255.0).ToArray();
            var mean = values.Average();
            var std = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());
            Assert.Equal(mean, fitted.Mean[c], 6);
            Assert.Equal(std, fitted.Std[c], 6);
        }
        Assert.Equal(3L * S * S, fitted.FittedPixels);
        // adding held-out images would change the statistics: fitting on train alone must not see them
        var withHeldOut = new ImagePreprocessing { Size = S }.Fit(train.Concat(heldOut).Select(t => t.Path));
        Assert.NotEqual(fitted.Mean[0], withHeldOut.Mean[0]);
    }

    [Fact]
    public void EvaluationAppliesOnlyResizeAndZScore()
    {
        var train = WriteTrainingImages(2, 1);
        var prep = new ImagePreprocessing { Size = S, Seed = 42 }.Fit(train.Select(t => t.Path));
        var image = ImageCodec.Read(train[0].Path);
        var output = prep.Apply(image, training: false, epoch: 3, sampleKey: 7);
        var expected = new float[3 * S * S];
        for (var p = 0; p < S * S; p++)
            for (var c = 0; c < 3; c++)
                expected[c * S * S + p] = (float)((train[0].Pixels[p * 3 + c] / 255.0 - prep.Mean[c]) / prep.Std[c]);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], output[i], 4);
        // evaluation output does not depend on epoch or sample key
        Assert.Equal(output, prep.Apply(image, training: false, epoch: 9, sampleKey: 1));
    }

    [Fact]
    public void EightBitFastPathMatchesTheGeneralFloatPath()
    {
        var train = WriteTrainingImages(2, 5);
        var prep = new ImagePreprocessing { Size = S, Seed = 3 }.Fit(train.Select(t => t.Path));
        var u8 = ImageCodec.Read(train[1].Path);
        var f32 = ImageData.FromFloat(u8.ToFloatHwc(), S, S, 3);
        Assert.Equal(prep.Apply(f32, training: false), prep.Apply(u8, training: false));
        // with a flip-only augmentation the geometry is exact in both pixel types
        var flipOnly = prep with { Augmentation = new ImageAugmentation { FlipProbability = 1, CropScaleMin = 1, CropScaleMax = 1 } };
        Assert.Equal(flipOnly.Apply(f32, true, 4, 4), flipOnly.Apply(u8, true, 4, 4));
        var span = new float[3 * S * S];
        prep.Apply(u8, true, 1, 1, span);
        Assert.Equal(prep.Apply(u8, true, 1, 1), span);
        Assert.Throws<ArgumentException>(() => prep.Apply(u8, true, 1, 1, new float[5]));
    }

    [Fact]
    public void SameSeedEpochAndSampleGiveIdenticalAugmentation()
    {
        var image = ImageData.FromUInt8(TestPictures.Rgb(S, S), S, S, 3);
        var prep = new ImagePreprocessing { Size = S, Seed = 7, Augmentation = new ImageAugmentation { BlurSigmaMax = 1.0 } };
        var a = prep.Apply(image, training: true, epoch: 2, sampleKey: 5);
        var b = prep.Apply(image, training: true, epoch: 2, sampleKey: 5);
        Assert.Equal(a, b);
        var differs = Enumerable.Range(0, 8).Count(e => !prep.Apply(image, true, e, 5).SequenceEqual(a));
        Assert.True(differs >= 6, $"only {differs} of 8 epochs gave a different augmentation");
        Assert.NotEqual(a, (prep with { Seed = 8 }).Apply(image, true, 2, 5));
        Assert.NotEqual(a, prep.Apply(image, training: false));
        Assert.Equal(prep.Apply(image, training: false), (prep with { Augmentation = prep.Augmentation with { Enabled = false } }).Apply(image, true, 2, 5));
    }

    [Fact]
    public void FlipMirrorsColumns()
    {
        var image = ImageData.FromUInt8(TestPictures.Rgb(S, S), S, S, 3);
        var prep = new ImagePreprocessing
        {
            Size = S,
            Augmentation = new ImageAugmentation { FlipProbability = 1, CropScaleMin = 1, CropScaleMax = 1, BlurSigmaMax = 0 },
        };
        var plain = prep.Apply(image, training: false);
        var flipped = prep.Apply(image, training: true, 0, 0);
        for (var c = 0; c < 3; c++)
            for (var y = 0; y < S; y++)
                for (var x = 0; x < S; x++)
                    Assert.Equal(plain[(c * S + y) * S + x], flipped[(c * S + y) * S + S - 1 - x]);
    }

    [Fact]
    public void RandomResizedCropZoomsIntoAWindow()
    {
        // a horizontal ramp: after cropping 0.8 of the side and resizing back, the ramp's slope shrinks to 0.8
        const int n = 40;
        var ramp = new float[n * n];
        for (var y = 0; y < n; y++)
            for (var x = 0; x < n; x++) ramp[y * n + x] = x;
        var aug = new ImageAugmentation { FlipProbability = 0, CropScaleMin = 0.8, CropScaleMax = 0.8, BlurSigmaMax = 0 };
        var output = aug.Apply(ramp, n, n, 1, new SampleRandom(1, 0, 0));
        var slope = (output[20 * n + 30] - output[20 * n + 10]) / 20.0;
        Assert.Equal(0.8, slope, 2);
        Assert.InRange(output[0], 0, n * 0.2 + 0.5);
    }

    [Fact]
    public void BlurMatchesAnIndependentGaussianKernel()
    {
        const int n = 21;
        const double sigma = 1.5;
        var impulse = new float[n * n];
        impulse[10 * n + 10] = 1;
        var blurred = ImageAugmentation.Blur(impulse, n, n, 1, sigma);
        var radius = (int)Math.Ceiling(3 * sigma);
        var k1 = Enumerable.Range(-radius, 2 * radius + 1).Select(i => Math.Exp(-i * i / (2 * sigma * sigma))).ToArray();
        var norm = k1.Sum();
        for (var dy = -radius; dy <= radius; dy++)
            for (var dx = -radius; dx <= radius; dx++)
                Assert.Equal(k1[dy + radius] * k1[dx + radius] / (norm * norm), blurred[(10 + dy) * n + 10 + dx], 5);
        Assert.Equal(1.0, blurred.Sum(), 4);
        // the paper's σ ≤ 0.1 px leaves the image unchanged to float precision
        var faint = ImageAugmentation.Blur(impulse, n, n, 1, 0.1);
        Assert.True(faint.Zip(impulse).Max(p => Math.Abs(p.First - p.Second)) < 1e-6, string.Join(",", faint.Where(v => v != 0)));
    }

    [Fact]
    public void JsonRoundTripKeepsFittedState()
    {
        var prep = new ImagePreprocessing { Size = S, Seed = 3, Mean = new[] { 0.1, 0.2, 0.3 }, Std = new[] { 0.4, 0.5, 0.6 }, FittedPixels = 99,
            Augmentation = new ImageAugmentation { BlurSigmaMax = 2, FlipProbability = 0.25 } };
        var json = prep.ToJson();
        Assert.Contains("\"Bilinear\"", json);
        var back = ImagePreprocessing.FromJson(json);
        Assert.Equal(prep.Mean, back.Mean);
        Assert.Equal(prep.Std, back.Std);
        Assert.Equal(prep.Augmentation, back.Augmentation);
        Assert.Equal((prep.Size, prep.Seed, prep.FittedPixels, prep.Color), (back.Size, back.Seed, back.FittedPixels, back.Color));
        var image = ImageData.FromUInt8(TestPictures.Rgb(S, S), S, S, 3);
        Assert.Equal(prep.Apply(image, true, 1, 2), back.Apply(image, true, 1, 2));
    }

    [Fact]
    public void TensorOutputAndArgumentChecks()
    {
        using var scope = DisposeScope.Enter();
        var image = ImageData.FromUInt8(TestPictures.Rgb(30, 20), 30, 20, 3);
        var t = new ImagePreprocessing { Size = S }.ApplyTensor(image, training: false);
        Assert.Equal(new long[] { 3, S, S }, t.Shape);
        Assert.Throws<ArgumentException>(() => new ImagePreprocessing { Size = S }.Fit(Array.Empty<string>()));
        Assert.Throws<ArgumentException>(() => ImagePreprocessing.FromJson("{\"Size\": 0}"));
        Assert.Throws<ArgumentException>(() => new ImageAugmentation { CropScaleMin = 0.9, CropScaleMax = 0.5 }.Validate());
        Assert.Throws<ArgumentException>(() => new ImagePreprocessing { Size = S, Mean = new[] { 0.5 }, Std = new[] { 0.2 } }.Apply(image, false));
    }
}
