using System.Runtime.InteropServices;
using Medley.Torch;

namespace Medley.Data.Imaging;

/// <summary>How a pixel channel is stored.</summary>
public enum PixelDepth
{
    UInt8 = 1,
    UInt16 = 2,
    Float32 = 4,
}

/// <summary>
/// A decoded 2D image: interleaved HWC pixels (RGB order for colour) in one byte buffer, so it can be cached and
/// passed to native code without conversion. 16-bit and float pixels are stored in the machine's byte order.
/// </summary>
public sealed class ImageData
{
    public int Width { get; }
    public int Height { get; }
    /// <summary>1 (gray) or 3 (RGB).</summary>
    public int Channels { get; }
    public PixelDepth Depth { get; }
    /// <summary>Height × Width × Channels values of <see cref="Depth"/>, row-major.</summary>
    public byte[] Bytes { get; }

    public ImageData(byte[] bytes, int width, int height, int channels, PixelDepth depth)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (width <= 0 || height <= 0) throw new ArgumentException($"image size must be positive, got {width}×{height}");
        if (channels is not (1 or 3)) throw new ArgumentException($"images have 1 (gray) or 3 (RGB) channels, got {channels}");
        long expected = (long)width * height * channels * (int)depth;
        if (bytes.Length != expected)
            throw new ArgumentException($"a {width}×{height}×{channels} {depth} image needs {expected} bytes, got {bytes.Length}");
        Width = width;
        Height = height;
        Channels = channels;
        Depth = depth;
        Bytes = bytes;
    }

    public static ImageData FromUInt8(byte[] hwc, int width, int height, int channels) =>
        new(hwc, width, height, channels, PixelDepth.UInt8);

    public static ImageData FromUInt16(ushort[] hwc, int width, int height, int channels) =>
        new(MemoryMarshal.AsBytes(hwc.AsSpan()).ToArray(), width, height, channels, PixelDepth.UInt16);

    public static ImageData FromFloat(float[] hwc, int width, int height, int channels) =>
        new(MemoryMarshal.AsBytes(hwc.AsSpan()).ToArray(), width, height, channels, PixelDepth.Float32);

    public int PixelCount => Width * Height;

    /// <summary>The pixels as uint16 values (only for 16-bit images).</summary>
    public ushort[] ToUInt16Array()
    {
        if (Depth != PixelDepth.UInt16) throw new InvalidOperationException($"this image is {Depth}, not UInt16");
        return MemoryMarshal.Cast<byte, ushort>(Bytes).ToArray();
    }

    /// <summary>HWC values as float: uint8 / 255, uint16 / 65535 (so in [0, 1]); float pixels unchanged.</summary>
    public float[] ToFloatHwc()
    {
        var result = new float[PixelCount * Channels];
        switch (Depth)
        {
            case PixelDepth.UInt8:
                for (var i = 0; i < result.Length; i++) result[i] = Bytes[i] / 255f;
                break;
            case PixelDepth.UInt16:
                var u16 = MemoryMarshal.Cast<byte, ushort>(Bytes);
                for (var i = 0; i < result.Length; i++) result[i] = u16[i] / 65535f;
                break;
            default:
                MemoryMarshal.Cast<byte, float>(Bytes).CopyTo(result);
                break;
        }
        return result;
    }

    /// <summary>CHW float values (see <see cref="ToFloatHwc"/>).</summary>
    public float[] ToFloatChw() => HwcToChw(ToFloatHwc(), Height, Width, Channels);

    /// <summary>A [C, H, W] float32 tensor, uint8/uint16 scaled to [0, 1] (torchvision's ToTensor).</summary>
    public Tensor ToTensor() => Tensor.From(ToFloatChw(), new long[] { Channels, Height, Width });

    /// <summary>A [C, H, W] uint8 tensor (only for 8-bit images).</summary>
    public Tensor ToUInt8Tensor()
    {
        if (Depth != PixelDepth.UInt8) throw new InvalidOperationException($"this image is {Depth}, not UInt8");
        return Tensor.From(HwcToChw(Bytes, Height, Width, Channels), new long[] { Channels, Height, Width });
    }

    internal static T[] HwcToChw<T>(T[] hwc, int height, int width, int channels)
    {
        if (channels == 1) return (T[])hwc.Clone();
        var plane = height * width;
        var chw = new T[hwc.Length];
        for (var p = 0; p < plane; p++)
            for (var c = 0; c < channels; c++)
                chw[c * plane + p] = hwc[p * channels + c];
        return chw;
    }
}
