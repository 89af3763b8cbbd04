using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Medley.Data.Imaging;

namespace Medley.Data.Volumes;

/// <summary>NIfTI-1 voxel types supported for reading and writing (the header's datatype codes).</summary>
public enum NiftiDataType : short
{
    UInt8 = 2,
    Int16 = 4,
    Int32 = 8,
    Float32 = 16,
    Float64 = 64,
    Int8 = 256,
    UInt16 = 512,
}

/// <summary>
/// Single-file NIfTI-1 (.nii, or gzip-compressed .nii.gz) reader and writer. Voxels become float32 in
/// [t][z][y][x] order (x fastest, as stored): a [D, H, W] volume, with time/echo as channels for 4D files.
/// scl_slope/scl_inter are applied (slope 0 means none, per the standard); pixdim gives the spacing.
/// </summary>
public static class Nifti
{
    private const int HeaderSize = 348;
    private const int DataOffset = 352;

    public static Volume Read(string path)
    {
        var bytes = ImageCodec.ReadFileBytes(path);
        if (bytes.Length == 0) throw new DataFileException(path, "the file is empty (0 bytes), not a NIfTI file");
        if (bytes.Length >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B) bytes = Gunzip(path, bytes);
        return Parse(path, bytes);
    }

    private static byte[] Gunzip(string path, byte[] compressed)
    {
        try
        {
            using var input = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
            using var output = new MemoryStream();
            input.CopyTo(output);
            // The gzip trailer's ISIZE is the uncompressed length mod 2^32; .NET stops quietly at a cut-off stream.
            var isize = compressed.Length >= 18 ? BinaryPrimitives.ReadUInt32LittleEndian(compressed.AsSpan(compressed.Length - 4)) : 0u;
            if (compressed.Length < 18 || (uint)output.Length != isize)
                throw new DataFileException(path, $"the gzip stream is truncated or corrupt (it decompressed to {output.Length} bytes, its trailer says {isize})");
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DataFileException(path, $"the gzip stream is corrupt or truncated ({e.Message})", e);
        }
    }

    private static Volume Parse(string path, byte[] b)
    {
        if (b.Length < HeaderSize) throw new DataFileException(path, $"NIfTI file is truncated: {b.Length} bytes, shorter than the 348-byte header");
        bool little;
        if (BinaryPrimitives.ReadInt32LittleEndian(b) == HeaderSize) little = true;
        else if (BinaryPrimitives.ReadInt32BigEndian(b) == HeaderSize) little = false;
        else throw new DataFileException(path, $"not a NIfTI-1 file: sizeof_hdr is {BinaryPrimitives.ReadInt32LittleEndian(b)}, expected 348");
        short I16(int at) => little ? BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(at)) : BinaryPrimitives.ReadInt16BigEndian(b.AsSpan(at));
        float F32(int at) => little ? BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(at)) : BinaryPrimitives.ReadSingleBigEndian(b.AsSpan(at));

        var magic = Encoding.ASCII.GetString(b, 344, 3);
        if (magic == "ni1") throw new DataFileException(path, "two-file NIfTI (.hdr/.img, magic 'ni1') is not supported; convert to a single .nii file");
        if (magic != "n+1" || b[347] != 0) throw new DataFileException(path, $"not a NIfTI-1 file: magic is '{Printable(b, 344, 4)}', expected 'n+1'");

        int rank = I16(40);
        if (rank is < 1 or > 7) throw new DataFileException(path, $"invalid dim[0] = {rank} (must be 1-7)");
        var dim = new int[8];
        for (var i = 1; i <= 7; i++) dim[i] = i <= rank ? I16(40 + 2 * i) : 1;
        for (var i = 1; i <= rank; i++)
            if (dim[i] <= 0) throw new DataFileException(path, $"invalid dimension dim[{i}] = {dim[i]}");
        for (var i = 5; i <= rank; i++)
            if (dim[i] != 1) throw new DataFileException(path, $"{rank}-D NIfTI with dim[{i}] = {dim[i]} is not supported (up to 4-D: x, y, z, t)");
        var type = (NiftiDataType)I16(70);
        var size = type switch
        {
            NiftiDataType.UInt8 or NiftiDataType.Int8 => 1,
            NiftiDataType.Int16 or NiftiDataType.UInt16 => 2,
            NiftiDataType.Int32 or NiftiDataType.Float32 => 4,
            NiftiDataType.Float64 => 8,
            _ => throw new DataFileException(path, $"unsupported NIfTI datatype {(short)type} (supported: uint8, int8, int16, uint16, int32, float32, float64)"),
        };
        var offset = (long)F32(108);
        if (offset < HeaderSize) throw new DataFileException(path, $"invalid vox_offset {F32(108)} (inside the header)");
        long count = (long)dim[1] * dim[2] * dim[3] * dim[4];
        var needed = offset + count * size;
        if (b.Length < needed)
            throw new DataFileException(path, $"NIfTI data is truncated: dims {dim[1]}×{dim[2]}×{dim[3]}×{dim[4]} of {type} need {needed} bytes, the file has {b.Length}");
        if (b.Length > needed)
            throw new DataFileException(path, $"NIfTI dims {dim[1]}×{dim[2]}×{dim[3]}×{dim[4]} of {type} do not match the file size: {needed} bytes expected, the file has {b.Length}");

        var slope = F32(112);
        var inter = F32(116);
        var scale = slope != 0 && float.IsFinite(slope);
        if (!float.IsFinite(inter)) inter = 0;
        var data = new float[count];
        var span = b.AsSpan((int)offset);
        for (long i = 0; i < count; i++)
        {
            var at = (int)(i * size);
            double v = type switch
            {
                NiftiDataType.UInt8 => span[at],
                NiftiDataType.Int8 => (sbyte)span[at],
                NiftiDataType.Int16 => little ? BinaryPrimitives.ReadInt16LittleEndian(span[at..]) : BinaryPrimitives.ReadInt16BigEndian(span[at..]),
                NiftiDataType.UInt16 => little ? BinaryPrimitives.ReadUInt16LittleEndian(span[at..]) : BinaryPrimitives.ReadUInt16BigEndian(span[at..]),
                NiftiDataType.Int32 => little ? BinaryPrimitives.ReadInt32LittleEndian(span[at..]) : BinaryPrimitives.ReadInt32BigEndian(span[at..]),
                NiftiDataType.Float32 => little ? BinaryPrimitives.ReadSingleLittleEndian(span[at..]) : BinaryPrimitives.ReadSingleBigEndian(span[at..]),
                _ => little ? BinaryPrimitives.ReadDoubleLittleEndian(span[at..]) : BinaryPrimitives.ReadDoubleBigEndian(span[at..]),
            };
            data[i] = (float)(scale ? v * slope + inter : v);
        }
        double Pix(int i) => Math.Abs(F32(76 + 4 * i)) is var p && p > 0 && double.IsFinite(p) ? p : 1;
        var origin = new double[] { F32(268), F32(272), F32(276) };
        return new Volume(data, dim[3], dim[2], dim[1], new Spacing3(Pix(3), Pix(2), Pix(1)), dim[4], origin);
    }

    /// <summary>
    /// Writes a volume as NIfTI-1 (gzip-compressed when the path ends in .gz). Integer types store
    /// round((value − intercept) / slope) and record slope/intercept in scl_slope/scl_inter.
    /// </summary>
    public static void Write(string path, Volume volume, NiftiDataType type = NiftiDataType.Float32, double slope = 1,
        double intercept = 0, bool bigEndian = false)
    {
        if (slope == 0) throw new ArgumentException("slope must not be 0");
        var size = type switch
        {
            NiftiDataType.UInt8 or NiftiDataType.Int8 => 1,
            NiftiDataType.Int16 or NiftiDataType.UInt16 => 2,
            NiftiDataType.Int32 or NiftiDataType.Float32 => 4,
            NiftiDataType.Float64 => 8,
            _ => throw new ArgumentException($"unsupported NIfTI datatype {type}"),
        };
        var count = volume.Data.LongLength;
        var b = new byte[DataOffset + count * size];
        var little = !bigEndian;
        void I16(int at, short v) { if (little) BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(at), v); else BinaryPrimitives.WriteInt16BigEndian(b.AsSpan(at), v); }
        void I32(int at, int v) { if (little) BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(at), v); else BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(at), v); }
        void F32(int at, double v) { if (little) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(at), (float)v); else BinaryPrimitives.WriteSingleBigEndian(b.AsSpan(at), (float)v); }

        I32(0, HeaderSize);
        var dims = volume.Channels > 1
            ? new[] { 4, volume.Width, volume.Height, volume.Depth, volume.Channels }
            : new[] { 3, volume.Width, volume.Height, volume.Depth };
        for (var i = 0; i < 8; i++) I16(40 + 2 * i, (short)(i < dims.Length ? dims[i] : 1));
        I16(70, (short)type);
        I16(72, (short)(size * 8));
        var pix = new[] { 1.0, volume.Spacing.Width, volume.Spacing.Height, volume.Spacing.Depth, 1, 1, 1, 1 };
        for (var i = 0; i < 8; i++) F32(76 + 4 * i, pix[i]);
        F32(108, DataOffset);
        var integral = type is not (NiftiDataType.Float32 or NiftiDataType.Float64);
        F32(112, integral ? slope : 1);
        F32(116, integral ? intercept : 0);
        b[123] = 2; // xyzt_units: millimetres
        I16(254, 1); // sform_code: scanner coordinates from srow_*
        F32(268, volume.Origin[0]);
        F32(272, volume.Origin[1]);
        F32(276, volume.Origin[2]);
        F32(280, volume.Spacing.Width); F32(292, volume.Origin[0]);
        F32(300, volume.Spacing.Height); F32(308, volume.Origin[1]);
        F32(320, volume.Spacing.Depth); F32(324, volume.Origin[2]);
        Encoding.ASCII.GetBytes("n+1\0").CopyTo(b, 344);

        var span = b.AsSpan(DataOffset);
        for (long i = 0; i < count; i++)
        {
            var at = (int)(i * size);
            double v = volume.Data[i];
            double q = integral ? Math.Round((v - intercept) / slope) : v;
            switch (type)
            {
                case NiftiDataType.UInt8: span[at] = (byte)Math.Clamp(q, 0, 255); break;
                case NiftiDataType.Int8: span[at] = (byte)(sbyte)Math.Clamp(q, -128, 127); break;
                case NiftiDataType.Int16: I16(DataOffset + at, (short)Math.Clamp(q, short.MinValue, short.MaxValue)); break;
                case NiftiDataType.UInt16:
                    var u = (ushort)Math.Clamp(q, 0, ushort.MaxValue);
                    if (little) BinaryPrimitives.WriteUInt16LittleEndian(span[at..], u); else BinaryPrimitives.WriteUInt16BigEndian(span[at..], u);
                    break;
                case NiftiDataType.Int32: I32(DataOffset + at, (int)Math.Clamp(q, int.MinValue, int.MaxValue)); break;
                case NiftiDataType.Float32: F32(DataOffset + at, q); break;
                default:
                    if (little) BinaryPrimitives.WriteDoubleLittleEndian(span[at..], q); else BinaryPrimitives.WriteDoubleBigEndian(span[at..], q);
                    break;
            }
        }
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            using var file = File.Create(path);
            using var gz = new GZipStream(file, CompressionLevel.Fastest);
            gz.Write(b);
        }
        else
        {
            File.WriteAllBytes(path, b);
        }
    }

    private static string Printable(byte[] b, int at, int n) =>
        new(b.Skip(at).Take(n).Select(c => c is >= 32 and < 127 ? (char)c : '?').ToArray());
}
