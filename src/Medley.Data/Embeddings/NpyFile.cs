using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Medley.Torch;

namespace Medley.Data.Embeddings;

/// <summary>
/// Reads NumPy .npy files (format versions 1–3): little-endian float32 (&lt;f4), float64 (&lt;f8) or int64 (&lt;i8),
/// C order. Fortran order, other dtypes, big-endian data and truncated files raise an <see cref="InvalidDataException"/>
/// naming the file and the problem.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' };

    /// <summary>The parsed header: dtype, shape and where the data starts.</summary>
    public sealed record Header(DType DType, long[] Shape, long DataOffset)
    {
        public long Count => Shape.Aggregate(1L, (a, b) => a * b);
    }

    public static Header ReadHeader(string path)
    {
        using var stream = OpenOrThrow(path);
        var header = ParseHeader(stream, path);
        var needed = header.DataOffset + header.Count * header.DType.ElementSize();
        if (stream.Length < needed)
            throw Invalid(path, $"truncated: the header promises {header.Count} values of {Describe(header.DType)} ({needed} bytes in all) but the file has {stream.Length} bytes");
        return header;
    }

    /// <summary>Loads the array as a tensor of its dtype and shape.</summary>
    public static Tensor Load(string path)
    {
        var header = ReadHeader(path);
        var bytes = new byte[header.Count * header.DType.ElementSize()];
        using (var stream = OpenOrThrow(path))
        {
            stream.Position = header.DataOffset;
            stream.ReadExactly(bytes);
        }
        return header.DType switch
        {
            DType.Float32 => Tensor.From(Cast<float>(bytes), header.Shape),
            DType.Float64 => Tensor.From(Cast<double>(bytes), header.Shape),
            _ => Tensor.From(Cast<long>(bytes), header.Shape),
        };
    }

    /// <summary>Writes a C-order little-endian .npy (version 1.0); used by tests and caches.</summary>
    public static void Save<T>(string path, T[] data, long[] shape) where T : unmanaged
    {
        var descr = DTypeExtensions.Of<T>() switch
        {
            DType.Float32 => "<f4", DType.Float64 => "<f8", DType.Int64 => "<i8",
            var d => throw new ArgumentException($"NpyFile.Save supports float32, float64 and int64, not {d.Name()}"),
        };
        var shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        var total = Magic.Length + 2 + 2 + dict.Length + 1;
        var padded = dict + new string(' ', (64 - total % 64) % 64) + "\n";
        using var stream = File.Create(path);
        stream.Write(Magic);
        stream.Write(new byte[] { 1, 0 });
        var len = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)padded.Length);
        stream.Write(len);
        stream.Write(Encoding.ASCII.GetBytes(padded));
        stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
    }

    private static FileStream OpenOrThrow(string path) =>
        File.Exists(path) ? File.OpenRead(path) : throw new FileNotFoundException($"npy file not found: {path}", path);

    private static T[] Cast<T>(byte[] bytes) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(bytes).ToArray();

    private static InvalidDataException Invalid(string path, string problem) => new($"{path} is not a readable .npy file: {problem}");

    private static string Describe(DType d) => d switch { DType.Float32 => "<f4", DType.Float64 => "<f8", _ => "<i8" };

    private static Header ParseHeader(Stream stream, string path)
    {
        var prefix = new byte[8];
        if (stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8 || !prefix.AsSpan(0, 6).SequenceEqual(Magic))
            throw Invalid(path, "it does not start with the \\x93NUMPY magic");
        int major = prefix[6];
        int headerLength;
        if (major == 1)
        {
            var b = new byte[2];
            if (stream.ReadAtLeast(b, 2, false) < 2) throw Invalid(path, "truncated header");
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(b);
        }
        else if (major is 2 or 3)
        {
            var b = new byte[4];
            if (stream.ReadAtLeast(b, 4, false) < 4) throw Invalid(path, "truncated header");
            var l = BinaryPrimitives.ReadUInt32LittleEndian(b);
            if (l > 1 << 24) throw Invalid(path, $"header length {l} is implausible");
            headerLength = (int)l;
        }
        else throw Invalid(path, $"format version {major}.{prefix[7]} is not supported (1.0–3.0 are)");
        var text = new byte[headerLength];
        if (stream.ReadAtLeast(text, headerLength, false) < headerLength) throw Invalid(path, "truncated header");
        var dict = Encoding.UTF8.GetString(text);

        var descr = DescrPattern().Match(dict);
        var fortran = FortranPattern().Match(dict);
        var shape = ShapePattern().Match(dict);
        if (!descr.Success || !fortran.Success || !shape.Success)
            throw Invalid(path, $"the header '{dict.Trim()}' lacks descr, fortran_order or shape");
        if (fortran.Groups[1].Value == "True")
            throw Invalid(path, "it is in Fortran (column-major) order; save it in C order (np.ascontiguousarray)");
        var dtype = descr.Groups[1].Value switch
        {
            "<f4" => DType.Float32,
            "<f8" => DType.Float64,
            "<i8" => DType.Int64,
            var d => throw Invalid(path, $"dtype '{d}' is not supported (supported: <f4, <f8, <i8)"),
        };
        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw Invalid(path, $"bad shape entry '{s}'"))
            .ToArray();
        return new Header(dtype, dims, stream.Position);
    }

    [GeneratedRegex(@"['""]descr['""]\s*:\s*['""]([^'""]+)['""]")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"['""]fortran_order['""]\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"['""]shape['""]\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
