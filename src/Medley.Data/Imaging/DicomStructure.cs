using System.Buffers.Binary;
using System.Text;

namespace Medley.Data.Imaging;

/// <summary>
/// Walks a DICOM file's element structure before GDCM sees it. Debian's GDCM is built with assertions, so a file
/// cut inside its header aborts the whole process, and a cut inside the pixel data is silently padded; checking
/// here that every element fits in the file turns both into a clear error naming the file.
/// </summary>
internal static class DicomStructure
{
    private const string ImplicitLittleEndian = "1.2.840.10008.1.2";
    private const string ExplicitBigEndian = "1.2.840.10008.1.2.2";
    private const string Deflated = "1.2.840.10008.1.2.1.99";
    private const uint Undefined = 0xFFFFFFFF;
    private const int MaxDepth = 32;

    /// <summary>What is wrong with the structure, or null when every element fits.</summary>
    public static string? FindProblem(byte[] b)
    {
        int pos;
        var hasPreamble = b.Length >= 132 && b[128] == 'D' && b[129] == 'I' && b[130] == 'C' && b[131] == 'M';
        string transferSyntax;
        if (hasPreamble)
        {
            pos = 132;
            transferSyntax = ImplicitLittleEndian;
            // File meta information: always explicit VR little endian, group 0002.
            while (pos + 4 <= b.Length && BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(pos)) == 0x0002)
            {
                var start = pos;
                var problem = Element(b, ref pos, b.Length, explicitVr: true, depth: 0, out var tag);
                if (problem != null) return problem;
                if (tag == 0x00020010) transferSyntax = Encoding.ASCII.GetString(b, start + 8, pos - start - 8).TrimEnd('\0', ' ');
            }
        }
        else if (b.Length >= 8 && b[0] == 0x08 && b[1] == 0x00)
        {
            pos = 0; // a raw data set without preamble (old ACR-NEMA style files)
            transferSyntax = IsVr(b, 4) ? "explicit" : ImplicitLittleEndian;
        }
        else
        {
            return b.Length < 132 ? $"not a DICOM file ({b.Length} bytes, no DICM marker)" : "not a DICOM file (no DICM marker at byte 128)";
        }
        if (transferSyntax is ExplicitBigEndian or Deflated) return null; // rare; left to GDCM
        if (pos >= b.Length) return "the file holds only its meta header, no data set";
        var explicitVr = transferSyntax != ImplicitLittleEndian;
        while (pos < b.Length)
        {
            var problem = Element(b, ref pos, b.Length, explicitVr, 0, out _);
            if (problem != null) return problem;
        }
        return null;
    }

    private static bool IsVr(byte[] b, int at) =>
        at + 2 <= b.Length && b[at] is >= (byte)'A' and <= (byte)'Z' && b[at + 1] is >= (byte)'A' and <= (byte)'Z';

    private static bool LongForm(string vr) => vr is "OB" or "OD" or "OF" or "OL" or "OV" or "OW" or "SQ" or "SV" or "UC" or "UN" or "UR" or "UT" or "UV";

    // Reads one element at pos (advancing past it, including nested items of undefined length).
    private static string? Element(byte[] b, ref int pos, int end, bool explicitVr, int depth, out uint tag)
    {
        tag = 0;
        if (depth > MaxDepth) return "sequences are nested too deeply (corrupt data set)";
        if (pos + 8 > end) return Truncated(b, pos, "an element header");
        var group = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(pos));
        var element = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(pos + 2));
        tag = (uint)group << 16 | element;
        string vr;
        uint length;
        int header;
        if (group == 0xFFFE || !explicitVr)
        {
            vr = group == 0xFFFE ? "item" : "implicit";
            length = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(pos + 4));
            header = 8;
        }
        else
        {
            if (!IsVr(b, pos + 4)) return $"corrupt data set: element ({group:X4},{element:X4}) at byte {pos} has no valid VR";
            vr = Encoding.ASCII.GetString(b, pos + 4, 2);
            if (LongForm(vr))
            {
                if (pos + 12 > end) return Truncated(b, pos, $"element ({group:X4},{element:X4})");
                length = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(pos + 8));
                header = 12;
            }
            else
            {
                length = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(pos + 6));
                header = 8;
            }
        }
        pos += header;
        if (length != Undefined)
        {
            if ((long)pos + length > end)
                return tag == 0x7FE00010
                    ? $"the pixel data is truncated: it needs {length} bytes from byte {pos}, the file has {b.Length}"
                    : Truncated(b, pos, $"element ({group:X4},{element:X4}) of {length} bytes");
            pos += (int)length;
            return null;
        }
        if (tag is 0xFFFEE00D or 0xFFFEE0DD) return null;
        // Undefined length: a sequence (or encapsulated pixel data) of items ending in a sequence delimiter, or an
        // item whose elements end in an item delimiter.
        var isItem = tag == 0xFFFEE000;
        while (true)
        {
            if (pos >= end) return Truncated(b, pos, isItem ? "a sequence item" : $"sequence ({group:X4},{element:X4})");
            var problem = Element(b, ref pos, end, explicitVr, depth + 1, out var inner);
            if (problem != null) return problem;
            if (isItem && inner == 0xFFFEE00D) return null;
            if (!isItem && inner == 0xFFFEE0DD) return null;
        }
    }

    private static string Truncated(byte[] b, int pos, string what) =>
        $"the file is truncated inside {what} (at byte {pos}, the file has {b.Length})";
}
