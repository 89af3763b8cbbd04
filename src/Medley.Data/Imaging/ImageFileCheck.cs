using System.Buffers.Binary;

namespace Medley.Data.Imaging;

/// <summary>Image container formats recognised by their leading bytes.</summary>
public enum ImageFormat
{
    Png,
    Jpeg,
    Bmp,
    Tiff,
    Dicom,
}

/// <summary>
/// Recognises an image file by its signature and checks that its structure is complete. Decoders often return a
/// partly grey picture for a truncated file instead of failing, so truncation is caught here, before decoding.
/// </summary>
internal static class ImageFileCheck
{
    public static ImageFormat? Detect(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 8 && b[0] == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G' && b[4] == 0x0D && b[5] == 0x0A && b[6] == 0x1A && b[7] == 0x0A)
            return ImageFormat.Png;
        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return ImageFormat.Jpeg;
        if (b.Length >= 2 && b[0] == 'B' && b[1] == 'M') return ImageFormat.Bmp;
        if (b.Length >= 4 && ((b[0] == 'I' && b[1] == 'I' && b[2] == 42 && b[3] == 0) || (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && b[3] == 42)))
            return ImageFormat.Tiff;
        if (b.Length >= 132 && b[128] == 'D' && b[129] == 'I' && b[130] == 'C' && b[131] == 'M') return ImageFormat.Dicom;
        return null;
    }

    /// <summary>A description of what is wrong with the file's structure, or null when it looks complete.</summary>
    public static string? FindStructuralProblem(ImageFormat format, ReadOnlySpan<byte> b) => format switch
    {
        ImageFormat.Png => CheckPng(b),
        ImageFormat.Jpeg => CheckJpeg(b),
        ImageFormat.Bmp => CheckBmp(b),
        ImageFormat.Tiff => CheckTiff(b),
        _ => null,
    };

    private static string? CheckPng(ReadOnlySpan<byte> b)
    {
        long pos = 8;
        var sawHeader = false;
        while (pos + 8 <= b.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(b.Slice((int)pos, 4));
            var type = System.Text.Encoding.ASCII.GetString(b.Slice((int)pos + 4, 4));
            if (!sawHeader && type != "IHDR") return "PNG file does not start with an IHDR chunk (corrupt)";
            sawHeader = true;
            var end = pos + 12 + length;
            if (end > b.Length) return $"PNG file is truncated (chunk {type} needs {end} bytes, the file has {b.Length})";
            if (type == "IEND") return null;
            pos = end;
        }
        return $"PNG file is truncated (no IEND chunk in its {b.Length} bytes)";
    }

    private static string? CheckJpeg(ReadOnlySpan<byte> b)
    {
        // The end-of-image marker FF D9 closes every complete JPEG; a few writers pad after it.
        var tail = b.Slice(Math.Max(0, b.Length - 4096));
        for (var i = tail.Length - 2; i >= 0; i--)
            if (tail[i] == 0xFF && tail[i + 1] == 0xD9) return null;
        return $"JPEG file is truncated (no end-of-image marker in its {b.Length} bytes)";
    }

    private static string? CheckBmp(ReadOnlySpan<byte> b)
    {
        if (b.Length < 26) return $"BMP file is truncated ({b.Length} bytes, shorter than its header)";
        var declared = BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(2, 4));
        var dataOffset = BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(10, 4));
        if (declared > b.Length) return $"BMP file is truncated (header says {declared} bytes, the file has {b.Length})";
        if (dataOffset >= b.Length) return $"BMP file is truncated (pixel data would start at byte {dataOffset}, the file has {b.Length})";
        return null;
    }

    private static string? CheckTiff(ReadOnlySpan<byte> span)
    {
        var b = span.ToArray();
        var little = b[0] == 'I';
        uint U32(int at) => little ? BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at, 4)) : BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(at, 4));
        ushort U16(int at) => little ? BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at, 2)) : BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(at, 2));
        if (b.Length < 8) return "TIFF file is truncated (no header)";
        var ifd = U32(4);
        if (ifd + 2 > b.Length) return $"TIFF file is truncated (first directory at byte {ifd}, the file has {b.Length})";
        int count = U16((int)ifd);
        if (ifd + 2 + 12L * count > b.Length) return "TIFF file is truncated (inside its first directory)";
        long[]? offsets = null, sizes = null;
        for (var i = 0; i < count; i++)
        {
            var e = (int)ifd + 2 + 12 * i;
            int tag = U16(e), type = U16(e + 2);
            var n = U32(e + 4);
            if (tag is not (273 or 279 or 324 or 325) || type is not (3 or 4)) continue;
            var size = type == 3 ? 2 : 4;
            long at = n * size <= 4 ? e + 8 : U32(e + 8);
            if (at + n * size > b.Length) return "TIFF file is truncated (its strip table lies past the end)";
            var values = new long[n];
            for (var k = 0; k < n; k++) values[k] = type == 3 ? U16((int)(at + k * 2)) : U32((int)(at + k * 4));
            if (tag is 273 or 324) offsets = values;
            else sizes = values;
        }
        if (offsets == null || sizes == null) return null;
        for (var k = 0; k < Math.Min(offsets.Length, sizes.Length); k++)
            if (offsets[k] + sizes[k] > b.Length)
                return $"TIFF file is truncated (image data runs to byte {offsets[k] + sizes[k]}, the file has {b.Length})";
        return null;
    }
}
