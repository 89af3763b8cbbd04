using Medley.Data.Volumes;

namespace Medley.Data.Tests;

public class VolumePreprocessingTests
{
    private static Volume Linear(int d, int h, int w, Spacing3 spacing) =>
        new(Enumerable.Range(0, d * h * w).Select(i => { int z = i / (h * w), y = i / w % h, x = i % w; return (float)(3 * z + 2 * y + x); }).ToArray(), d, h, w, spacing);

    [Fact]
    public void WindowClipsAndScales()
    {
        var v = new Volume(new float[] { -2000, -1000, -300, 400, 3000, 50 }, 1, 2, 3);
        var w = VolumeOps.Window(v, -1000, 400);
        Assert.Equal(new[] { 0f, 0, 0.5f, 1, 1, 1050f / 1400 }, w.Data);
    }

    [Fact]
    public void ResampleReproducesALinearFieldAtTheNewSpacing()
    {
        var v = Linear(5, 6, 8, new Spacing3(2.5, 1, 1));
        var r = VolumeOps.Resample(v, new Spacing3(1.25, 2, 0.5));
        Assert.Equal((10, 3, 16), (r.Depth, r.Height, r.Width));
        Assert.Equal(new Spacing3(1.25, 2, 0.5), r.Spacing);
        for (var z = 0; z < r.Depth; z++)
            for (var y = 0; y < r.Height; y++)
                for (var x = 0; x < r.Width; x++)
                {
                    // physical position of output voxel, clamped to the last input voxel
                    double sz = Math.Min(z * 0.5, 4), sy = Math.Min(y * 2.0, 5), sx = Math.Min(x * 0.5, 7);
                    Assert.Equal(3 * sz + 2 * sy + sx, r[z, y, x], 4);
                }
    }

    [Fact]
    public void CropPadsOutsideAndCenterCropIsCentred()
    {
        var v = Linear(4, 4, 4, Spacing3.One);
        var c = VolumeOps.CenterCrop(v, 2, 2, 2);
        Assert.Equal(v[1, 1, 1], c[0, 0, 0]);
        Assert.Equal(v[2, 2, 2], c[1, 1, 1]);
        var padded = VolumeOps.Crop(v, -1, 0, 2, 3, 2, 4, pad: -5);
        Assert.Equal((3, 2, 4), (padded.Depth, padded.Height, padded.Width));
        Assert.Equal(-5, padded[0, 0, 0]);
        Assert.Equal(v[0, 1, 3], padded[1, 1, 1]);
        Assert.Equal(-5, padded[1, 1, 2]); // x = 4 is outside
    }

    [Fact]
    public void FlipMirrorsEachAxis()
    {
        var v = Linear(2, 3, 4, Spacing3.One);
        Assert.Equal(v[1, 2, 0], VolumeOps.Flip(v, 0)[0, 2, 0]);
        Assert.Equal(v[1, 2, 0], VolumeOps.Flip(v, 1)[1, 0, 0]);
        Assert.Equal(v[1, 2, 0], VolumeOps.Flip(v, 2)[1, 2, 3]);
        Assert.Equal(v.Data, VolumeOps.Flip(VolumeOps.Flip(v, 2), 2).Data);
        Assert.Throws<ArgumentOutOfRangeException>(() => VolumeOps.Flip(v, 3));
    }

    [Fact]
    public void PreprocessingIsSeededAndOffInEvaluation()
    {
        var v = Linear(20, 30, 30, new Spacing3(2, 1, 1));
        var prep = new VolumePreprocessing
        {
            WindowLow = 0, WindowHigh = 100, CropSize = new[] { 12, 16, 16 }, FlipProbability = new[] { 0.5, 0.5, 0.5 }, Seed = 11,
        };
        var a = prep.Apply(v, training: true, epoch: 1, sampleKey: 4);
        Assert.Equal((12, 16, 16), (a.Depth, a.Height, a.Width));
        Assert.Equal(a.Data, prep.Apply(v, true, 1, 4).Data);
        var distinct = Enumerable.Range(0, 6).Select(e => prep.Apply(v, true, e, 4).Data).Count(d => !d.SequenceEqual(a.Data));
        Assert.True(distinct >= 4);
        var eval = prep.Apply(v, training: false, epoch: 5, sampleKey: 9);
        var center = VolumeOps.CenterCrop(VolumeOps.Window(v, 0, 100), 12, 16, 16);
        Assert.Equal(center.Data, eval.Data);
    }

    [Fact]
    public void JsonRoundTripAndValidation()
    {
        var prep = new VolumePreprocessing { WindowLow = -1000, WindowHigh = 400, TargetSpacing = new Spacing3(5, 0.7, 0.7), CropSize = new[] { 12, 192, 192 }, Seed = 2 };
        var back = VolumePreprocessing.FromJson(prep.ToJson());
        Assert.Equal(prep.TargetSpacing, back.TargetSpacing);
        Assert.Equal(prep.CropSize, back.CropSize);
        Assert.Equal((prep.WindowLow, prep.WindowHigh, prep.Seed), (back.WindowLow, back.WindowHigh, back.Seed));
        Assert.Throws<ArgumentException>(() => new VolumePreprocessing { WindowLow = 5 }.Validate());
        Assert.Throws<ArgumentException>(() => new VolumePreprocessing { CropSize = new[] { 1, 2 } }.Validate());
        Assert.Throws<ArgumentException>(() => VolumeOps.Window(new Volume(new float[1], 1, 1, 1), 3, 3));
    }
}
