using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Medley.Data.Imaging;

namespace Medley.Data.Volumes;

/// <summary>An n-dimensional array read from a .npy file, converted to float32, C order.</summary>
public sealed record NpyArray(float[] Data, long[] Shape, string DType);

/// <summary>
/// NumPy .npy files (format versions 1-3): little/big-endian float32/float64, int16/int32, uint8/uint16, C order.
/// </summary>
public static partial class Npy
{
    private static readonly byte[] Magic = { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' };

    public static NpyArray Read(string path)
    {
        var b = ImageCodec.ReadFileBytes(path);
        if (b.Length == 0) throw new DataFileException(path, "the file is empty (0 bytes), not a .npy file");
        if (b.Length < 10 || !b.AsSpan(0, 6).SequenceEqual(Magic))
            throw new DataFileException(path, "not a .npy file (missing the \\x93NUMPY magic)");
        int major = b[6];
        if (major is < 1 or > 3) throw new DataFileException(path, $"unsupported .npy format version {major}.{b[7]}");
        int headerLength, start;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(8));
            start = 10;
        }
        else
        {
            if (b.Length < 12) throw new DataFileException(path, ".npy file is truncated inside its header");
            headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(8));
            start = 12;
        }
        if (start + headerLength > b.Length) throw new DataFileException(path, ".npy file is truncated inside its header");
        var header = Encoding.UTF8.GetString(b, start, headerLength);
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shapeMatch.Success)
            throw new DataFileException(path, $".npy header is malformed: {header.Trim()}");
        if (fortran.Groups[1].Value == "True")
            throw new DataFileException(path, "Fortran-order .npy arrays are not supported; save with numpy.ascontiguousarray");
        var shape = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var dtype = descr.Groups[1].Value;
        var little = dtype[0] is '<' or '|';
        var kind = dtype[1..];
        if (dtype[0] is not ('<' or '>' or '|' or '=') ||
            kind is not ("f4" or "f8" or "i2" or "i4" or "u1" or "u2" or "i1"))
            throw new DataFileException(path, $"unsupported .npy dtype '{dtype}' (supported: f4, f8, i1, i2, i4, u1, u2)");
        if (dtype[0] == '=') little = BitConverter.IsLittleEndian;
        var size = kind[1] - '0';
        long count = shape.Aggregate(1L, (a, s) => a * s);
        var dataStart = start + headerLength;
        var needed = dataStart + count * size;
        if (b.Length < needed)
            throw new DataFileException(path, $".npy data is truncated: shape ({string.Join(", ", shape)}) of {dtype} needs {needed} bytes, the file has {b.Length}");
        if (b.Length > needed)
            throw new DataFileException(path, $".npy shape ({string.Join(", ", shape)}) of {dtype} does not match the file size: {needed} bytes expected, the file has {b.Length}");
        var span = b.AsSpan(dataStart);
        var data = new float[count];
        for (long i = 0; i < count; i++)
        {
            var s = span[(int)(i * size)..];
            data[i] = kind switch
            {
                "f4" => little ? BinaryPrimitives.ReadSingleLittleEndian(s) : BinaryPrimitives.ReadSingleBigEndian(s),
                "f8" => (float)(little ? BinaryPrimitives.ReadDoubleLittleEndian(s) : BinaryPrimitives.ReadDoubleBigEndian(s)),
                "i2" => little ? BinaryPrimitives.ReadInt16LittleEndian(s) : BinaryPrimitives.ReadInt16BigEndian(s),
                "i4" => little ? BinaryPrimitives.ReadInt32LittleEndian(s) : BinaryPrimitives.ReadInt32BigEndian(s),
                "u2" => little ? BinaryPrimitives.ReadUInt16LittleEndian(s) : BinaryPrimitives.ReadUInt16BigEndian(s),
                "i1" => (sbyte)s[0],
                _ => s[0],
            };
        }
        return new NpyArray(data, shape, dtype);
    }

    /// <summary>Reads a .npy holding a [D, H, W] (or [C, D, H, W]) volume; spacing is not stored in .npy files.</summary>
    public static Volume ReadVolume(string path, Spacing3? spacing = null)
    {
        var a = Read(path);
        return a.Shape.Length switch
        {
            3 => new Volume(a.Data, (int)a.Shape[0], (int)a.Shape[1], (int)a.Shape[2], spacing),
            4 => new Volume(a.Data, (int)a.Shape[1], (int)a.Shape[2], (int)a.Shape[3], spacing, (int)a.Shape[0]),
            _ => throw new DataFileException(path, $"a volume needs a 3-D [D, H, W] or 4-D [C, D, H, W] array, this one has shape ({string.Join(", ", a.Shape)})"),
        };
    }

    /// <summary>Writes a C-order array as .npy version 1.0 (little-endian float32, float64, int16, int32, uint8 or uint16).</summary>
    public static void Write<T>(string path, T[] data, long[] shape) where T : unmanaged
    {
        var descr = typeof(T) == typeof(float) ? "<f4" : typeof(T) == typeof(double) ? "<f8" : typeof(T) == typeof(short) ? "<i2"
            : typeof(T) == typeof(int) ? "<i4" : typeof(T) == typeof(byte) ? "|u1" : typeof(T) == typeof(ushort) ? "<u2"
            : throw new ArgumentException($".npy writing supports float, double, short, int, byte and ushort, not {typeof(T).Name}");
        if (shape.Aggregate(1L, (a, s) => a * s) != data.LongLength)
            throw new ArgumentException($"shape ({string.Join(", ", shape)}) does not hold {data.LongLength} values");
        var shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        var total = 10 + header.Length + 1;
        header += new string(' ', (64 - total % 64) % 64) + "\n";
        using var file = File.Create(path);
        file.Write(Magic);
        file.WriteByte(1);
        file.WriteByte(0);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        file.Write(len);
        file.Write(Encoding.ASCII.GetBytes(header));
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException(".npy writing needs a little-endian machine");
        file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")]
    private static partial Regex DescrPattern();
    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
