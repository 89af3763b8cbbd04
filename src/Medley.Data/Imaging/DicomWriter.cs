using System.Numerics;

namespace Medley.Data.Imaging;

/// <summary>Tags written with a DICOM slice (defaults: 1 mm pixels at the origin, axial orientation, CT).</summary>
public sealed record DicomSliceInfo
{
    public double RowSpacing { get; init; } = 1;
    public double ColumnSpacing { get; init; } = 1;
    public double SliceThickness { get; init; } = 1;
    /// <summary>ImagePositionPatient (x, y, z) in mm.</summary>
    public double[] Position { get; init; } = { 0, 0, 0 };
    /// <summary>ImageOrientationPatient: row direction then column direction.</summary>
    public double[] Orientation { get; init; } = { 1, 0, 0, 0, 1, 0 };
    public double RescaleSlope { get; init; } = 1;
    public double RescaleIntercept { get; init; }
    public int InstanceNumber { get; init; } = 1;
    public bool Monochrome1 { get; init; }
    /// <summary>"CT" (CT Image Storage), "MR", or anything else (Secondary Capture).</summary>
    public string Modality { get; init; } = "CT";
    public string StudyInstanceUid { get; init; } = "";
    public string SeriesInstanceUid { get; init; } = "";
    public string FrameOfReferenceUid { get; init; } = "";
}

/// <summary>Writes single-frame grayscale DICOM files through GDCM (tests and the synthetic generator use it).</summary>
public static unsafe class DicomWriter
{
    /// <summary>Writes signed 16-bit stored values (the usual CT encoding: HU = stored × slope + intercept).</summary>
    public static void WriteInt16(string path, short[] pixels, int rows, int columns, DicomSliceInfo? info = null)
    {
        fixed (short* p = pixels) Write(path, p, pixels.Length, rows, columns, 16, true, info ?? new DicomSliceInfo());
    }

    public static void WriteUInt16(string path, ushort[] pixels, int rows, int columns, DicomSliceInfo? info = null)
    {
        fixed (ushort* p = pixels) Write(path, p, pixels.Length, rows, columns, 16, false, info ?? new DicomSliceInfo());
    }

    public static void WriteUInt8(string path, byte[] pixels, int rows, int columns, DicomSliceInfo? info = null)
    {
        fixed (byte* p = pixels) Write(path, p, pixels.Length, rows, columns, 8, false, info ?? new DicomSliceInfo());
    }

    /// <summary>A new globally unique DICOM UID ("2.25." + a random 128-bit number, per ISO/IEC 9834-8).</summary>
    public static string NewUid() => "2.25." + new BigInteger(Guid.NewGuid().ToByteArray(), isUnsigned: true);

    private static void Write(string path, void* pixels, int count, int rows, int columns, int bits, bool signed, DicomSliceInfo info)
    {
        if (rows <= 0 || columns <= 0) throw new ArgumentException($"DICOM image size must be positive, got {rows}×{columns}");
        if (count != rows * columns) throw new ArgumentException($"{rows}×{columns} pixels expected, got {count}");
        if (info.Position.Length != 3) throw new ArgumentException("Position needs 3 values (x, y, z)");
        if (info.Orientation.Length != 6) throw new ArgumentException("Orientation needs 6 values (row then column direction)");
        var geometry = new double[12];
        geometry[0] = info.RowSpacing;
        geometry[1] = info.ColumnSpacing;
        geometry[2] = info.SliceThickness;
        info.Position.CopyTo(geometry, 3);
        info.Orientation.CopyTo(geometry, 6);
        int status;
        fixed (double* g = geometry)
            status = NativeImaging.mdl_dicom_write(path, pixels, rows, columns, bits, signed ? 1 : 0, g, info.RescaleSlope,
                info.RescaleIntercept, info.InstanceNumber, info.Monochrome1 ? 1 : 0, info.Modality, info.StudyInstanceUid,
                info.SeriesInstanceUid, info.FrameOfReferenceUid);
        if (status != 0) throw new DataFileException(path, $"DICOM write failed: {NativeImaging.TakeError()}");
    }
}
