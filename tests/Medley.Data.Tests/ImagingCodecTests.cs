using Medley.Data.Imaging;
using Medley.Torch;

namespace Medley.Data.Tests;

public class ImagingCodecTests : IDisposable
{
    private readonly TempFolder _tmp = new();
    public void Dispose() => _tmp.Dispose();

    [Theory]
    [InlineData(".png")]
    [InlineData(".tif")]
    [InlineData(".bmp")]
    public void LosslessRgbRoundTripIsExact(string ext)
    {
        var pixels = TestPictures.Random(17 * 11 * 3, 1);
        var path = _tmp.File("rgb" + ext);
        ImageCodec.Write(path, ImageData.FromUInt8(pixels, 17, 11, 3));
        var back = ImageCodec.Read(path);
        Assert.Equal((17, 11, 3, PixelDepth.UInt8), (back.Width, back.Height, back.Channels, back.Depth));
        Assert.Equal(pixels, back.Bytes);
    }

    [Theory]
    [InlineData(".png")]
    [InlineData(".tif")]
    public void LosslessGrayRoundTripIsExact(string ext)
    {
        var pixels = TestPictures.Gray(20, 9);
        var path = _tmp.File("gray" + ext);
        ImageCodec.Write(path, ImageData.FromUInt8(pixels, 20, 9, 1));
        var back = ImageCodec.Read(path);
        Assert.Equal((20, 9, 1), (back.Width, back.Height, back.Channels));
        Assert.Equal(pixels, back.Bytes);
    }

    [Theory]
    [InlineData(".png")]
    [InlineData(".tif")]
    public void SixteenBitGrayRoundTripKeepsValues(string ext)
    {
        var values = Enumerable.Range(0, 12 * 10).Select(i => (ushort)(i * 541)).ToArray();
        var path = _tmp.File("g16" + ext);
        ImageCodec.Write(path, ImageData.FromUInt16(values, 12, 10, 1));
        var back = ImageCodec.Read(path);
        Assert.Equal(PixelDepth.UInt16, back.Depth);
        Assert.Equal(values, back.ToUInt16Array());
        var as8 = ImageCodec.Read(path, new ImageReadOptions { Keep16Bit = false });
        Assert.Equal(PixelDepth.UInt8, as8.Depth);
        Assert.Equal((byte)Math.Round(values[5] / 257.0), as8.Bytes[5]);
    }

    [Fact]
    public void JpegRoundTripIsCloseAndKeepsChannelOrder()
    {
        var pixels = TestPictures.Rgb(64, 48);
        var path = _tmp.File("rgb.jpg");
        ImageCodec.Write(path, ImageData.FromUInt8(pixels, 64, 48, 3), jpegQuality: 98);
        var back = ImageCodec.Read(path);
        Assert.Equal((64, 48, 3), (back.Width, back.Height, back.Channels));
        var meanError = pixels.Zip(back.Bytes, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(meanError < 3, $"mean abs error {meanError}");
        // red grows with x: a swapped R/B order would break this
        var right = (10 * 64 + 60) * 3;
        Assert.True(back.Bytes[right] > 200 && back.Bytes[right + 2] < 80);
        var gray = ImageCodec.Read(_tmp.File("rgb.jpg"), new ImageReadOptions { Color = ColorMode.Gray });
        Assert.Equal(1, gray.Channels);
    }

    [Fact]
    public void GrayJpegStaysGrayAndCanBeForcedToRgb()
    {
        var path = _tmp.File("gray.jpg");
        ImageCodec.Write(path, ImageData.FromUInt8(TestPictures.Gray(16, 16), 16, 16, 1));
        Assert.Equal(1, ImageCodec.Read(path).Channels);
        var rgb = ImageCodec.Read(path, new ImageReadOptions { Color = ColorMode.Rgb });
        Assert.Equal(3, rgb.Channels);
        Assert.Equal(rgb.Bytes[0], rgb.Bytes[1]);
        Assert.Equal(rgb.Bytes[1], rgb.Bytes[2]);
    }

    [Fact]
    public void ToTensorGivesChwInUnitRange()
    {
        using var scope = DisposeScope.Enter();
        var pixels = new byte[] { 0, 51, 255, 102, 153, 204 }; // 2×1 RGB
        var t = ImageData.FromUInt8(pixels, 2, 1, 3).ToTensor();
        Assert.Equal(new long[] { 3, 1, 2 }, t.Shape);
        Assert.Equal(new[] { 0f, 102 / 255f, 51 / 255f, 153 / 255f, 1f, 204 / 255f }, t.ToArray<float>());
        var u = ImageData.FromUInt8(pixels, 2, 1, 3).ToUInt8Tensor();
        Assert.Equal(DType.UInt8, u.DType);
        Assert.Equal(new byte[] { 0, 102, 51, 153, 255, 204 }, u.ToArray<byte>());
    }

    [Fact]
    public void BilinearResizeMatchesOpenCvHalfPixelFormula()
    {
        // cv::INTER_LINEAR: src = (dst + 0.5) * scale - 0.5, clamped at the borders; uint8 uses 11-bit fixed point.
        int w = 7, h = 5, tw = 12, th = 9;
        var src = TestPictures.Random(w * h, 3);
        var resized = ImageCodec.Resize(ImageData.FromUInt8(src, w, h, 1), tw, th);
        for (var y = 0; y < th; y++)
            for (var x = 0; x < tw; x++)
            {
                var expected = Bilinear(src, w, h, (x + 0.5) * w / tw - 0.5, (y + 0.5) * h / th - 0.5);
                Assert.InRange(resized.Bytes[y * tw + x], Math.Floor(expected) - 1, Math.Ceiling(expected) + 1);
            }
        // float pixels go through the same formula without fixed-point rounding
        var f = src.Select(v => (float)v).ToArray();
        var rf = ImageCodec.Resize(ImageData.FromFloat(f, w, h, 1), tw, th).ToFloatHwc();
        Assert.Equal(Bilinear(src, w, h, (3 + 0.5) * w / tw - 0.5, (4 + 0.5) * h / th - 0.5), rf[4 * tw + 3], 3);
    }

    [Fact]
    public void AreaResizeAveragesBlocks()
    {
        int w = 8, h = 6;
        var src = TestPictures.Random(w * h * 3, 4);
        var r = ImageCodec.Resize(ImageData.FromUInt8(src, w, h, 3), 4, 3, Interpolation.Area);
        for (var y = 0; y < 3; y++)
            for (var x = 0; x < 4; x++)
                for (var c = 0; c < 3; c++)
                {
                    double sum = 0;
                    for (var dy = 0; dy < 2; dy++)
                        for (var dx = 0; dx < 2; dx++) sum += src[((2 * y + dy) * w + 2 * x + dx) * 3 + c];
                    Assert.InRange(r.Bytes[(y * 4 + x) * 3 + c], Math.Floor(sum / 4), Math.Ceiling(sum / 4));
                }
    }

    [Fact]
    public void ResizeWhileDecodingEqualsResizeAfter()
    {
        var path = _tmp.File("r.png");
        var image = ImageData.FromUInt8(TestPictures.Rgb(40, 30), 40, 30, 3);
        ImageCodec.Write(path, image);
        var direct = ImageCodec.Read(path, new ImageReadOptions { Width = 24, Height = 24, Interpolation = Interpolation.Area });
        Assert.Equal(ImageCodec.Resize(image, 24, 24, Interpolation.Area).Bytes, direct.Bytes);
    }

    private static double Bilinear(byte[] src, int w, int h, double sx, double sy)
    {
        sx = Math.Clamp(sx, 0, w - 1);
        sy = Math.Clamp(sy, 0, h - 1);
        int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
        int x1 = Math.Min(x0 + 1, w - 1), y1 = Math.Min(y0 + 1, h - 1);
        double fx = sx - x0, fy = sy - y0;
        double top = src[y0 * w + x0] * (1 - fx) + src[y0 * w + x1] * fx;
        double bottom = src[y1 * w + x0] * (1 - fx) + src[y1 * w + x1] * fx;
        return top * (1 - fy) + bottom * fy;
    }
}
