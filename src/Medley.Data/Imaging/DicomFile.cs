using System.Text;
using M = Medley.Data.Imaging.NativeImaging.DicomMeta;

namespace Medley.Data.Imaging;

/// <summary>Photometric interpretation of a DICOM image.</summary>
public enum DicomPhotometric
{
    Monochrome1 = 1,
    Monochrome2 = 2,
    Rgb = 3,
    Other = 4,
}

/// <summary>One DICOM file's pixels (modality values after rescale) and the geometry needed to stack slices.</summary>
public sealed class DicomImage
{
    public required string Path { get; init; }
    public int Rows { get; init; }
    public int Columns { get; init; }
    public int Frames { get; init; }
    public int SamplesPerPixel { get; init; }
    public int BitsStored { get; init; }
    public bool IsSigned { get; init; }
    public double RescaleSlope { get; init; }
    public double RescaleIntercept { get; init; }
    public DicomPhotometric Photometric { get; init; }
    /// <summary>ImagePositionPatient (x, y, z) in mm, or null when absent.</summary>
    public double[]? Position { get; init; }
    /// <summary>ImageOrientationPatient: row direction (3) then column direction (3), or null when absent.</summary>
    public double[]? Orientation { get; init; }
    /// <summary>PixelSpacing: (between rows, between columns) in mm, or null when absent.</summary>
    public (double Row, double Column)? PixelSpacing { get; init; }
    public double SliceThickness { get; init; }
    public int? InstanceNumber { get; init; }
    public string SeriesInstanceUid { get; init; } = "";
    /// <summary>Frames × Rows × Columns × Samples values: stored value × slope + intercept (Hounsfield units for CT).</summary>
    public required float[] Values { get; init; }
}

/// <summary>Reads single DICOM files through GDCM (native/src/dicom_io.cpp).</summary>
public static unsafe class DicomFile
{
    /// <summary>
    /// Reads one DICOM file. Stored values are rescaled with RescaleSlope/Intercept (to Hounsfield units for CT).
    /// MONOCHROME1 images (where larger stored values are darker) are first reflected within their stored bit range
    /// so that larger always means brighter, as for MONOCHROME2.
    /// </summary>
    public static DicomImage Read(string path, bool invertMonochrome1 = true)
    {
        if (Directory.Exists(path)) throw new DataFileException(path, "is a folder; read a DICOM series with DicomSeries.Read");
        if (!File.Exists(path)) throw new DataFileException(path, "the file does not exist");
        var bytes = ImageCodec.ReadFileBytes(path);
        if (bytes.Length == 0) throw new DataFileException(path, "the file is empty (0 bytes), not a DICOM file");
        var problem = DicomStructure.FindProblem(bytes);
        if (problem != null) throw new DataFileException(path, problem);
        var meta = new double[M.Count];
        var uid = new byte[128];
        IntPtr buffer;
        fixed (double* m = meta)
        fixed (byte* u = uid)
            buffer = NativeImaging.mdl_dicom_read(path, m, u, uid.Length);
        if (buffer == IntPtr.Zero) throw new DataFileException(path, $"DICOM read failed: {NativeImaging.TakeError()}");
        float[] values;
        try
        {
            values = new float[NativeImaging.mdl_dicom_buffer_count(buffer)];
            fixed (float* v = values)
                if (NativeImaging.mdl_dicom_buffer_copy(buffer, v, values.Length) != 0)
                    throw new DataFileException(path, NativeImaging.TakeError());
        }
        finally
        {
            NativeImaging.mdl_dicom_buffer_free(buffer);
        }

        var photometric = (DicomPhotometric)(int)meta[M.Photometric];
        int bitsStored = (int)meta[M.BitsStored];
        var signed = meta[M.Signed] != 0;
        var slope = meta[M.Slope] == 0 ? 1.0 : meta[M.Slope];
        var intercept = meta[M.Intercept];
        if (invertMonochrome1 && photometric == DicomPhotometric.Monochrome1)
        {
            // Reflect within the stored range: unsigned [0, 2^n-1] -> 2^n-1-v; signed [-2^(n-1), 2^(n-1)-1] -> -1-v.
            var top = signed ? -1.0 : Math.Pow(2, bitsStored) - 1;
            for (var i = 0; i < values.Length; i++) values[i] = (float)(top - values[i]);
        }
        if (slope != 1 || intercept != 0)
            for (var i = 0; i < values.Length; i++) values[i] = (float)(values[i] * slope + intercept);

        var uidText = Encoding.ASCII.GetString(uid, 0, Math.Max(0, Array.IndexOf(uid, (byte)0)));
        return new DicomImage
        {
            Path = path,
            Rows = (int)meta[M.Rows],
            Columns = (int)meta[M.Cols],
            Frames = (int)meta[M.Frames],
            SamplesPerPixel = (int)meta[M.Samples],
            BitsStored = bitsStored,
            IsSigned = signed,
            RescaleSlope = slope,
            RescaleIntercept = intercept,
            Photometric = photometric,
            Position = meta[M.HasPosition] != 0 ? meta.AsSpan(M.PosX, 3).ToArray() : null,
            Orientation = meta[M.HasOrientation] != 0 ? meta.AsSpan(M.RowX, 6).ToArray() : null,
            PixelSpacing = meta[M.HasSpacing] != 0 ? (meta[M.SpacingRow], meta[M.SpacingCol]) : null,
            SliceThickness = meta[M.SliceThickness],
            InstanceNumber = meta[M.HasInstance] != 0 ? (int)meta[M.Instance] : null,
            SeriesInstanceUid = uidText,
            Values = values,
        };
    }
}
