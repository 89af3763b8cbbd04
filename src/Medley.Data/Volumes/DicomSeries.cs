using Medley.Data.Imaging;

namespace Medley.Data.Volumes;

/// <summary>Options for writing a CT series (stored value = round((HU − intercept) / slope), signed 16-bit).</summary>
public sealed record DicomSeriesWriteOptions
{
    public double RescaleSlope { get; init; } = 1;
    public double RescaleIntercept { get; init; } = -1024;
    public string Modality { get; init; } = "CT";
    /// <summary>File name of slice z (default "slice_0000.dcm"); tests use it to scramble the on-disk order.</summary>
    public Func<int, string>? FileName { get; init; }
    /// <summary>InstanceNumber of slice z (default z + 1).</summary>
    public Func<int, int>? InstanceNumber { get; init; }
}

/// <summary>
/// A folder of single-frame DICOM files forming one 3D series. Slices are ordered by ImagePositionPatient
/// projected on the slice normal (row × column direction), or by InstanceNumber when positions are missing;
/// sizes, pixel spacing and orientation must agree and slice gaps must be even.
/// </summary>
public static class DicomSeries
{
    private const double Tolerance = 1e-3;

    /// <summary>Reads a series folder into a [D, H, W] volume of modality values (Hounsfield units for CT).</summary>
    public static Volume Read(string folder)
    {
        if (!Directory.Exists(folder))
            throw new DataFileException(folder, File.Exists(folder) ? "is a file; a DICOM series is a folder of slice files" : "the folder does not exist");
        var files = Directory.EnumerateFiles(folder)
            .Where(f => !System.IO.Path.GetFileName(f).StartsWith('.') && !System.IO.Path.GetFileName(f).Equals("DICOMDIR", StringComparison.OrdinalIgnoreCase))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0) throw new DataFileException(folder, "the folder holds no DICOM files");
        var slices = files.Select(f => DicomFile.Read(f)).ToList();

        var first = slices[0];
        foreach (var s in slices)
        {
            if (s.SeriesInstanceUid != first.SeriesInstanceUid)
                throw new DataFileException(folder, $"the folder mixes series: {s.Path} has SeriesInstanceUID {s.SeriesInstanceUid}, {first.Path} has {first.SeriesInstanceUid}; put each series in its own folder");
            if (s.Frames != 1 || s.SamplesPerPixel != 1)
                throw new DataFileException(s.Path, $"a series slice must be one grayscale frame, this file has {s.Frames} frames × {s.SamplesPerPixel} samples");
            if (s.Rows != first.Rows || s.Columns != first.Columns)
                throw new DataFileException(s.Path, $"slice size {s.Rows}×{s.Columns} differs from {first.Rows}×{first.Columns} ({first.Path})");
            if (!SameSpacing(s.PixelSpacing, first.PixelSpacing))
                throw new DataFileException(s.Path, $"pixel spacing {s.PixelSpacing} differs from {first.PixelSpacing} ({first.Path})");
            if (!SameVector(s.Orientation, first.Orientation))
                throw new DataFileException(s.Path, "image orientation differs from the other slices (a series must be one stack)");
        }

        var ordered = Order(folder, slices, out var gap);
        var pixel = first.PixelSpacing ?? (1, 1);
        var plane = first.Rows * first.Columns;
        var data = new float[(long)plane * ordered.Count];
        for (var z = 0; z < ordered.Count; z++) Array.Copy(ordered[z].Values, 0, data, (long)z * plane, plane);
        var sliceSpacing = gap ?? (first.SliceThickness > 0 ? first.SliceThickness : 1);
        return new Volume(data, ordered.Count, first.Rows, first.Columns, new Spacing3(sliceSpacing, pixel.Row, pixel.Column),
            origin: ordered[0].Position ?? new double[3]);
    }

    private static List<DicomImage> Order(string folder, List<DicomImage> slices, out double? gap)
    {
        gap = null;
        if (slices.All(s => s.Position != null && s.Orientation != null))
        {
            var o = slices[0].Orientation!;
            var normal = new[] { o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3] };
            var keyed = slices.Select(s => (Slice: s, At: s.Position![0] * normal[0] + s.Position[1] * normal[1] + s.Position[2] * normal[2]))
                .OrderBy(k => k.At).ToList();
            if (keyed.Count == 1) return new List<DicomImage> { keyed[0].Slice };
            var gaps = keyed.Zip(keyed.Skip(1), (a, b) => b.At - a.At).ToList();
            for (var i = 0; i < gaps.Count; i++)
                if (gaps[i] < Tolerance)
                    throw new DataFileException(folder, $"two slices share the same position ({keyed[i].Slice.Path} and {keyed[i + 1].Slice.Path})");
            var median = gaps.OrderBy(g => g).ElementAt(gaps.Count / 2);
            var worst = gaps.MaxBy(g => Math.Abs(g - median));
            if (Math.Abs(worst - median) > Math.Max(Tolerance, 0.01 * median))
                throw new DataFileException(folder, $"uneven slice spacing: gaps range from {gaps.Min():0.###} to {gaps.Max():0.###} mm (a slice is missing or the folder mixes stacks)");
            gap = median;
            return keyed.Select(k => k.Slice).ToList();
        }
        if (slices.All(s => s.InstanceNumber != null))
        {
            var byNumber = slices.OrderBy(s => s.InstanceNumber).ToList();
            for (var i = 1; i < byNumber.Count; i++)
                if (byNumber[i].InstanceNumber == byNumber[i - 1].InstanceNumber)
                    throw new DataFileException(folder, $"two slices share InstanceNumber {byNumber[i].InstanceNumber} ({byNumber[i - 1].Path} and {byNumber[i].Path}) and have no position to order them by");
            return byNumber;
        }
        throw new DataFileException(folder, "slices carry neither ImagePositionPatient/ImageOrientationPatient nor InstanceNumber, so their order is unknown");
    }

    private static bool SameSpacing((double Row, double Column)? a, (double Row, double Column)? b) =>
        a == null ? b == null : b != null && Math.Abs(a.Value.Row - b.Value.Row) < Tolerance && Math.Abs(a.Value.Column - b.Value.Column) < Tolerance;

    private static bool SameVector(double[]? a, double[]? b) =>
        a == null ? b == null : b != null && a.Zip(b).All(p => Math.Abs(p.First - p.Second) < Tolerance);

    /// <summary>
    /// Writes a [D, H, W] volume of Hounsfield units as a CT series, one file per slice, positions along +z from
    /// the volume's origin with its spacing. Values are rounded to int16 stored values with the given rescale.
    /// </summary>
    public static void Write(string folder, Volume volume, DicomSeriesWriteOptions? options = null)
    {
        options ??= new DicomSeriesWriteOptions();
        if (volume.Channels != 1) throw new ArgumentException($"a DICOM series holds one channel, the volume has {volume.Channels}");
        if (options.RescaleSlope == 0) throw new ArgumentException("RescaleSlope must not be 0");
        Directory.CreateDirectory(folder);
        string study = DicomWriter.NewUid(), series = DicomWriter.NewUid(), frame = DicomWriter.NewUid();
        var plane = volume.Height * volume.Width;
        for (var z = 0; z < volume.Depth; z++)
        {
            var stored = new short[plane];
            for (var i = 0; i < plane; i++)
            {
                var v = Math.Round((volume.Data[(long)z * plane + i] - options.RescaleIntercept) / options.RescaleSlope);
                stored[i] = (short)Math.Clamp(v, short.MinValue, short.MaxValue);
            }
            var name = options.FileName?.Invoke(z) ?? $"slice_{z:D4}.dcm";
            DicomWriter.WriteInt16(System.IO.Path.Combine(folder, name), stored, volume.Height, volume.Width, new DicomSliceInfo
            {
                RowSpacing = volume.Spacing.Height,
                ColumnSpacing = volume.Spacing.Width,
                SliceThickness = volume.Spacing.Depth,
                Position = new[] { volume.Origin[0], volume.Origin[1], volume.Origin[2] + z * volume.Spacing.Depth },
                RescaleSlope = options.RescaleSlope,
                RescaleIntercept = options.RescaleIntercept,
                InstanceNumber = options.InstanceNumber?.Invoke(z) ?? z + 1,
                Modality = options.Modality,
                StudyInstanceUid = study,
                SeriesInstanceUid = series,
                FrameOfReferenceUid = frame,
            });
        }
    }
}
