using System.Buffers.Binary;
using System.IO.Compression;
using Medley.Data.Imaging;
using Medley.Data.Volumes;

namespace Medley.Data.Tests;

public class VolumeFileTests : IDisposable
{
    private readonly TempFolder _tmp = new();
    public void Dispose() => _tmp.Dispose();

    private static Volume Ramp(int d, int h, int w, int channels = 1)
    {
        var data = Enumerable.Range(0, channels * d * h * w).Select(i => i * 0.5f - 20).ToArray();
        return new Volume(data, d, h, w, new Spacing3(3, 0.75, 0.5), channels, new[] { 1.0, 2, 3 });
    }

    [Theory]
    [InlineData("v.nii", false)]
    [InlineData("v.nii.gz", false)]
    [InlineData("big.nii", true)]
    [InlineData("big.nii.gz", true)]
    public void NiftiFloatRoundTrip(string name, bool bigEndian)
    {
        var path = _tmp.File(name);
        var v = Ramp(4, 3, 5);
        Nifti.Write(path, v, bigEndian: bigEndian);
        if (name.EndsWith(".gz")) Assert.Equal(0x1F, File.ReadAllBytes(path)[0]);
        var back = Nifti.Read(path);
        Assert.Equal((4, 3, 5, 1), (back.Depth, back.Height, back.Width, back.Channels));
        Assert.Equal(v.Data, back.Data);
        Assert.Equal(new Spacing3(3, 0.75, 0.5), back.Spacing);
        Assert.Equal(new[] { 1.0, 2, 3 }, back.Origin);
    }

    [Theory]
    [InlineData(NiftiDataType.UInt8)]
    [InlineData(NiftiDataType.Int16)]
    [InlineData(NiftiDataType.Int32)]
    [InlineData(NiftiDataType.Float64)]
    public void NiftiIntegerTypesApplySclSlopeAndInter(NiftiDataType type)
    {
        var path = _tmp.File($"t{type}.nii");
        var v = new Volume(new float[] { 0, 2, 4, 6, 8, 10, 12, 14 }, 2, 2, 2);
        Nifti.Write(path, v, type, slope: 2, intercept: 0);
        Assert.Equal(v.Data, Nifti.Read(path).Data);
        if (type == NiftiDataType.Int16)
        {
            // stored values are (v - inter) / slope and the header carries the slope
            var b = File.ReadAllBytes(path);
            Assert.Equal(4, BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(352 + 2 * 4)));
            Assert.Equal(2f, BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(112)));
        }
    }

    [Fact]
    public void NiftiFourDimensionalBecomesChannels()
    {
        var path = _tmp.File("4d.nii.gz");
        Nifti.Write(path, Ramp(2, 3, 4, channels: 3));
        var back = Nifti.Read(path);
        Assert.Equal((3, 2, 3, 4), (back.Channels, back.Depth, back.Height, back.Width));
        using var scope = Medley.Torch.DisposeScope.Enter();
        Assert.Equal(new long[] { 3, 2, 3, 4 }, back.ToTensor().Shape);
        Assert.Equal(Ramp(2, 3, 4, 3).Data, back.Data);
    }

    [Fact]
    public void NiftiRejectsBrokenFilesNamingThem()
    {
        var good = _tmp.File("good.nii");
        Nifti.Write(good, Ramp(3, 3, 3));
        var bytes = File.ReadAllBytes(good);

        void Expect(string name, byte[] content, string fragment)
        {
            var path = _tmp.File(name);
            File.WriteAllBytes(path, content);
            var e = Assert.Throws<DataFileException>(() => Nifti.Read(path));
            Assert.Equal(path, e.FilePath);
            Assert.StartsWith(path, e.Message);
            Assert.Contains(fragment, e.Message);
        }

        var magic = (byte[])bytes.Clone();
        magic[344] = (byte)'x';
        Expect("magic.nii", magic, "magic");
        var size = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(size, 540);
        Expect("size.nii", size, "sizeof_hdr");
        Expect("truncated.nii", bytes[..(bytes.Length - 10)], "truncated");
        Expect("short.nii", bytes[..100], "truncated");
        var type = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt16LittleEndian(type.AsSpan(70), 32); // complex64
        Expect("type.nii", type, "unsupported NIfTI datatype 32");
        var dims = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt16LittleEndian(dims.AsSpan(42), 2); // x: 3 -> 2, file now too long
        Expect("dims.nii", dims, "do not match the file size");
        Expect("empty.nii", Array.Empty<byte>(), "empty");
        Expect("text.nii", System.Text.Encoding.ASCII.GetBytes(new string('a', 400)), "not a NIfTI-1 file");

        var gz = File.ReadAllBytes(Write(_tmp.File("good.nii.gz")));
        Expect("cut.nii.gz", gz[..(gz.Length / 2)], "gzip");
    }

    private string Write(string path)
    {
        Nifti.Write(path, Ramp(3, 3, 3));
        return path;
    }

    [Fact]
    public void NiftiHeaderWrittenByHandIsParsed()
    {
        // An independent minimal header (int16, dims 2×1×1, slope 0.5, inter 10, vox_offset 352), big-endian.
        var b = new byte[352 + 4];
        BinaryPrimitives.WriteInt32BigEndian(b, 348);
        short[] dim = { 3, 2, 1, 1, 1, 1, 1, 1 };
        for (var i = 0; i < 8; i++) BinaryPrimitives.WriteInt16BigEndian(b.AsSpan(40 + 2 * i), dim[i]);
        BinaryPrimitives.WriteInt16BigEndian(b.AsSpan(70), 4);
        BinaryPrimitives.WriteInt16BigEndian(b.AsSpan(72), 16);
        BinaryPrimitives.WriteSingleBigEndian(b.AsSpan(80), 0.9f);
        BinaryPrimitives.WriteSingleBigEndian(b.AsSpan(108), 352);
        BinaryPrimitives.WriteSingleBigEndian(b.AsSpan(112), 0.5f);
        BinaryPrimitives.WriteSingleBigEndian(b.AsSpan(116), 10f);
        "n+1\0"u8.CopyTo(b.AsSpan(344));
        BinaryPrimitives.WriteInt16BigEndian(b.AsSpan(352), -4);
        BinaryPrimitives.WriteInt16BigEndian(b.AsSpan(354), 300);
        var path = _tmp.File("hand.nii");
        File.WriteAllBytes(path, b);
        var v = Nifti.Read(path);
        Assert.Equal(new float[] { 8, 160 }, v.Data);
        Assert.Equal(0.9, v.Spacing.Width, 6);
        Assert.Equal(1, v.Spacing.Depth); // pixdim 0 means unknown -> 1
    }

    [Fact]
    public void NpyRoundTripsAndTypes()
    {
        var f = _tmp.File("f.npy");
        Npy.Write(f, new[] { 1.5f, -2, 3, 4, 5, 6 }, new long[] { 1, 2, 3 });
        var a = Npy.Read(f);
        Assert.Equal(new long[] { 1, 2, 3 }, a.Shape);
        Assert.Equal(new[] { 1.5f, -2, 3, 4, 5, 6 }, a.Data);
        var vol = Npy.ReadVolume(f, new Spacing3(2, 1, 1));
        Assert.Equal((1, 2, 3), (vol.Depth, vol.Height, vol.Width));

        var d = _tmp.File("d.npy");
        Npy.Write(d, new[] { 0.25, 1e3 }, new long[] { 2 });
        Assert.Equal(new[] { 0.25f, 1000f }, Npy.Read(d).Data);
        var s = _tmp.File("s.npy");
        Npy.Write(s, new short[] { -1024, 3000 }, new long[] { 2 });
        Assert.Equal(new[] { -1024f, 3000f }, Npy.Read(s).Data);
        var u = _tmp.File("u.npy");
        Npy.Write(u, new byte[] { 0, 255, 7, 9 }, new long[] { 2, 2 });
        Assert.Equal("|u1", Npy.Read(u).DType);
        Assert.Equal(new[] { 0f, 255, 7, 9 }, Npy.Read(u).Data);
        // header layout follows NumPy: total header length is a multiple of 64
        Assert.Equal(0, (10 + BinaryPrimitives.ReadUInt16LittleEndian(File.ReadAllBytes(u).AsSpan(8))) % 64);
    }

    [Fact]
    public void NpyWrittenByHandBigEndianIsParsed()
    {
        var header = "{'descr': '>i2', 'fortran_order': False, 'shape': (3,), }";
        header += new string(' ', 128 - 10 - header.Length - 1) + "\n";
        var b = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0 };
        b.AddRange(System.Text.Encoding.ASCII.GetBytes(header));
        b.AddRange(new byte[] { 0x01, 0x00, 0xFF, 0xFE, 0x00, 0x07 });
        var path = _tmp.File("be.npy");
        File.WriteAllBytes(path, b.ToArray());
        Assert.Equal(new[] { 256f, -2, 7 }, Npy.Read(path).Data);
    }

    private static byte[] Patch(byte[] bytes, string from, string to)
    {
        var copy = (byte[])bytes.Clone();
        var at = bytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(from));
        Assert.True(at > 0);
        System.Text.Encoding.ASCII.GetBytes(to).CopyTo(copy, at);
        return copy;
    }

    [Fact]
    public void NpyRejectsBrokenFilesNamingThem()
    {
        var good = _tmp.File("good.npy");
        Npy.Write(good, new float[24], new long[] { 2, 3, 4 });
        var bytes = File.ReadAllBytes(good);
        void Expect(string name, byte[] content, string fragment, Func<string, object>? read = null)
        {
            var path = _tmp.File(name);
            File.WriteAllBytes(path, content);
            var e = Assert.Throws<DataFileException>(() => (read ?? (p => Npy.Read(p)))(path));
            Assert.StartsWith(path, e.Message);
            Assert.Contains(fragment, e.Message);
        }
        Expect("cut.npy", bytes[..(bytes.Length - 4)], "truncated");
        Expect("long.npy", bytes.Concat(new byte[8]).ToArray(), "does not match the file size");
        Expect("empty.npy", Array.Empty<byte>(), "empty");
        Expect("text.npy", "hello world, not numpy"u8.ToArray(), "not a .npy file");
        Expect("c8.npy", Patch(bytes, "<f4", "<c8"), "unsupported .npy dtype");
        Expect("fortran.npy", Patch(bytes, "False", "True "), "Fortran");
        var two = _tmp.File("two.npy");
        Npy.Write(two, new float[4], new long[] { 2, 2 });
        Expect("2d.npy", File.ReadAllBytes(two), "3-D", p => Npy.ReadVolume(p));
    }
}
