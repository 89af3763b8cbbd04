using Medley.Torch;

namespace Medley.Data.Volumes;

/// <summary>Voxel size in mm along depth (slices), height (rows) and width (columns).</summary>
public readonly record struct Spacing3(double Depth, double Height, double Width)
{
    public static Spacing3 One => new(1, 1, 1);
    public override string ToString() => $"{Depth}×{Height}×{Width} mm";
}

/// <summary>
/// A 3D image: float32 voxels in C order [channel][depth][height][width] (one channel for CT/MR; several for
/// 4D NIfTI or multi-sequence volumes), its voxel spacing and the position of its first voxel.
/// </summary>
public sealed class Volume
{
    public int Channels { get; }
    public int Depth { get; }
    public int Height { get; }
    public int Width { get; }
    public Spacing3 Spacing { get; }
    /// <summary>Patient position (x, y, z) of voxel [0, 0, 0] in mm (zero when unknown).</summary>
    public double[] Origin { get; }
    public float[] Data { get; }

    public Volume(float[] data, int depth, int height, int width, Spacing3? spacing = null, int channels = 1, double[]? origin = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (channels <= 0 || depth <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"volume sizes must be positive, got {channels}×{depth}×{height}×{width}");
        var expected = (long)channels * depth * height * width;
        if (data.LongLength != expected)
            throw new ArgumentException($"a {channels}×{depth}×{height}×{width} volume needs {expected} values, got {data.LongLength}");
        var s = spacing ?? Spacing3.One;
        if (!(s.Depth > 0 && s.Height > 0 && s.Width > 0)) throw new ArgumentException($"voxel spacing must be positive, got {s}");
        Data = data;
        Depth = depth;
        Height = height;
        Width = width;
        Channels = channels;
        Spacing = s;
        Origin = origin ?? new double[3];
    }

    public long VoxelsPerChannel => (long)Depth * Height * Width;

    /// <summary>The voxel at (channel, z, y, x).</summary>
    public float this[int c, int z, int y, int x] => Data[((c * (long)Depth + z) * Height + y) * Width + x];
    public float this[int z, int y, int x] => this[0, z, y, x];

    /// <summary>[D, H, W] float32 for one channel, [C, D, H, W] otherwise.</summary>
    public Tensor ToTensor() => Channels == 1
        ? Tensor.From(Data, new long[] { Depth, Height, Width })
        : Tensor.From(Data, new long[] { Channels, Depth, Height, Width });

    public Volume With(float[] data, int depth, int height, int width, Spacing3? spacing = null) =>
        new(data, depth, height, width, spacing ?? Spacing, Channels, Origin);
}
