using Medley.Data.Imaging;
using Medley.Data.Volumes;
using Medley.Torch;

namespace Medley.Data.Tests;

public class VolumeDicomTests : IDisposable
{
    private readonly TempFolder _tmp = new();
    public void Dispose() => _tmp.Dispose();

    private static Volume Phantom(int d, int h, int w, Spacing3 spacing)
    {
        var data = new float[d * h * w];
        for (var z = 0; z < d; z++)
            for (var y = 0; y < h; y++)
                for (var x = 0; x < w; x++)
                    data[(z * h + y) * w + x] = -1000 + 100 * z + 7 * y + x; // HU, unique per voxel
        return new Volume(data, d, h, w, spacing, origin: new[] { -20.0, 15.0, 100.0 });
    }

    [Fact]
    public void SingleSliceRoundTripAppliesRescaleToHounsfieldUnits()
    {
        var path = _tmp.File("one.dcm");
        var stored = Enumerable.Range(0, 6 * 5).Select(i => (short)(i * 40)).ToArray();
        DicomWriter.WriteInt16(path, stored, 6, 5, new DicomSliceInfo
        {
            RescaleSlope = 2, RescaleIntercept = -1024, RowSpacing = 0.7, ColumnSpacing = 0.8, Position = new[] { 1.0, 2, 3 }, InstanceNumber = 7,
        });
        var image = DicomFile.Read(path);
        Assert.Equal((6, 5, 1, 1), (image.Rows, image.Columns, image.Frames, image.SamplesPerPixel));
        Assert.Equal(stored.Select(s => (float)(s * 2 - 1024)).ToArray(), image.Values);
        Assert.Equal(new[] { 1.0, 2, 3 }, image.Position);
        Assert.Equal(7, image.InstanceNumber);
        Assert.Equal(0.7, image.PixelSpacing!.Value.Row, 6);
        Assert.Equal(0.8, image.PixelSpacing!.Value.Column, 6);
        Assert.Equal(DicomPhotometric.Monochrome2, image.Photometric);

        // the 2D image reader accepts DICOM too and returns the rescaled values as float pixels
        var asImage = ImageCodec.Read(path);
        Assert.Equal((5, 6, 1, PixelDepth.Float32), (asImage.Width, asImage.Height, asImage.Channels, asImage.Depth));
        Assert.Equal(image.Values, asImage.ToFloatHwc());
    }

    [Fact]
    public void EightBitAndMonochrome1AreHandled()
    {
        var path = _tmp.File("mono1.dcm");
        var stored = new byte[] { 0, 10, 200, 255 };
        DicomWriter.WriteUInt8(path, stored, 2, 2, new DicomSliceInfo { Monochrome1 = true, Modality = "OT" });
        var image = DicomFile.Read(path);
        Assert.Equal(DicomPhotometric.Monochrome1, image.Photometric);
        Assert.Equal(new float[] { 255, 245, 55, 0 }, image.Values); // reflected so larger = brighter
        Assert.Equal(new float[] { 0, 10, 200, 255 }, DicomFile.Read(path, invertMonochrome1: false).Values);
    }

    [Fact]
    public void SeriesIsOrderedByPositionNotFileNameAndRescaledToHu()
    {
        var volume = Phantom(6, 4, 5, new Spacing3(2.5, 0.6, 0.6));
        var folder = System.IO.Path.Combine(_tmp.Path, "series");
        var scrambled = new[] { 3, 0, 5, 1, 4, 2 };
        DicomSeries.Write(folder, volume, new DicomSeriesWriteOptions
        {
            RescaleSlope = 1, RescaleIntercept = -1024,
            FileName = z => $"IM{scrambled[z]:D2}.dcm",
            InstanceNumber = z => 100 - z, // instance numbers deliberately reversed: position must win
        });
        var read = DicomSeries.Read(folder);
        Assert.Equal((6, 4, 5), (read.Depth, read.Height, read.Width));
        Assert.Equal(volume.Data, read.Data);
        Assert.Equal(2.5, read.Spacing.Depth, 6);
        Assert.Equal(0.6, read.Spacing.Height, 6);
        Assert.Equal(new[] { -20.0, 15.0, 100.0 }, read.Origin);
        using var scope = DisposeScope.Enter();
        var t = read.ToTensor();
        Assert.Equal(new long[] { 6, 4, 5 }, t.Shape);
        Assert.Equal(-1000 + 100 * 2 + 7 * 1 + 3, t.ToArray<float>()[(2 * 4 + 1) * 5 + 3]);
    }

    [Fact]
    public void SeriesWithPerSliceRescaleUsesEachSlicesOwnValues()
    {
        var folder = System.IO.Path.Combine(_tmp.Path, "mixed");
        Directory.CreateDirectory(folder);
        var uid = DicomWriter.NewUid();
        for (var z = 0; z < 3; z++)
            DicomWriter.WriteInt16(System.IO.Path.Combine(folder, $"s{2 - z}.dcm"), new short[] { 1000, 1100, 1200, 1300 }, 2, 2, new DicomSliceInfo
            {
                Position = new[] { 0.0, 0, 5.0 * z }, RescaleSlope = z + 1, RescaleIntercept = -1000, SeriesInstanceUid = uid, InstanceNumber = z + 1,
            });
        var read = DicomSeries.Read(folder);
        Assert.Equal(5.0, read.Spacing.Depth, 6);
        Assert.Equal(new float[] { 0, 100, 200, 300, 1000, 1200, 1400, 1600, 2000, 2300, 2600, 2900 }, read.Data);
    }

    [Fact]
    public void SeriesProblemsAreReportedWithTheFileOrFolder()
    {
        var volume = Phantom(4, 3, 3, new Spacing3(2, 1, 1));
        var gap = System.IO.Path.Combine(_tmp.Path, "gap");
        DicomSeries.Write(gap, volume);
        File.Delete(System.IO.Path.Combine(gap, "slice_0002.dcm"));
        var e = Assert.Throws<DataFileException>(() => DicomSeries.Read(gap));
        Assert.Equal(gap, e.FilePath);
        Assert.Contains("uneven slice spacing", e.Message);

        var mixedSize = System.IO.Path.Combine(_tmp.Path, "size");
        DicomSeries.Write(mixedSize, volume);
        DicomWriter.WriteInt16(System.IO.Path.Combine(mixedSize, "slice_0001.dcm"), new short[16], 4, 4);
        var e2 = Assert.Throws<DataFileException>(() => DicomSeries.Read(mixedSize));
        Assert.Contains("slice_0001.dcm", e2.Message);

        var junk = System.IO.Path.Combine(_tmp.Path, "junk");
        DicomSeries.Write(junk, volume);
        var bad = System.IO.Path.Combine(junk, "notes.dcm");
        File.WriteAllText(bad, "not dicom at all");
        var e3 = Assert.Throws<DataFileException>(() => DicomSeries.Read(junk));
        Assert.Equal(bad, e3.FilePath);

        Assert.Throws<DataFileException>(() => DicomSeries.Read(System.IO.Path.Combine(_tmp.Path, "missing")));
        var empty = System.IO.Path.Combine(_tmp.Path, "empty");
        Directory.CreateDirectory(empty);
        Assert.Contains("no DICOM files", Assert.Throws<DataFileException>(() => DicomSeries.Read(empty)).Message);
    }

    [Fact]
    public void CorruptTruncatedAndEmptyDicomFilesAreRejected()
    {
        var good = _tmp.File("good.dcm");
        DicomWriter.WriteInt16(good, Enumerable.Range(0, 64 * 64).Select(i => (short)i).ToArray(), 64, 64);
        var bytes = File.ReadAllBytes(good);

        var truncated = _tmp.File("truncated.dcm");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length - 3000)]);
        Assert.StartsWith(truncated, Assert.Throws<DataFileException>(() => DicomFile.Read(truncated)).Message);

        var header = _tmp.File("header-only.dcm");
        File.WriteAllBytes(header, bytes[..200]);
        Assert.StartsWith(header, Assert.Throws<DataFileException>(() => DicomFile.Read(header)).Message);

        var empty = _tmp.File("empty.dcm");
        File.WriteAllBytes(empty, Array.Empty<byte>());
        Assert.Contains("empty", Assert.Throws<DataFileException>(() => DicomFile.Read(empty)).Message);

        var scrambled = (byte[])bytes.Clone();
        for (var i = 140; i < 400; i++) scrambled[i] = (byte)(i * 37 % 251);
        var corrupt = _tmp.File("corrupt.dcm");
        File.WriteAllBytes(corrupt, scrambled);
        Assert.StartsWith(corrupt, Assert.Throws<DataFileException>(() => DicomFile.Read(corrupt)).Message);

        foreach (var cut in new[] { 131, 140, 250, 600 })
        {
            var partial = _tmp.File($"cut{cut}.dcm");
            File.WriteAllBytes(partial, bytes[..cut]);
            Assert.StartsWith(partial, Assert.Throws<DataFileException>(() => DicomFile.Read(partial)).Message);
        }

        var text = _tmp.File("text.dcm");
        File.WriteAllText(text, "hello, I am not a DICOM file");
        Assert.StartsWith(text, Assert.Throws<DataFileException>(() => DicomFile.Read(text)).Message);
    }
}
