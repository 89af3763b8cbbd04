using System.Text;
using Medley.Data.Datasets;
using Medley.Data.Embeddings;
using Medley.Data.Problems;
using Medley.Torch;
using Medley.Torch.Serialization;

namespace Medley.Data.Tests;

public class EmbeddingTests
{
    /// <summary>A hand-made .npy (version 1.0) with any header dict and payload.</summary>
    private static byte[] RawNpy(string dict, byte[] payload)
    {
        var header = dict + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange(new byte[] { 1, 0, (byte)(header.Length & 0xFF), (byte)(header.Length >> 8) });
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(payload);
        return bytes.ToArray();
    }

    [Fact]
    public void NpyRoundTripsEachSupportedDtype()
    {
        using var d = new TempDataset();
        using var scope = DisposeScope.Enter();
        NpyFile.Save(d.PathOf("f.npy"), new float[] { 1, 2, 3, 4, 5, 6 }, new long[] { 2, 3 });
        NpyFile.Save(d.PathOf("d.npy"), new double[] { 0.5, -1 }, new long[] { 2 });
        NpyFile.Save(d.PathOf("l.npy"), new long[] { 7, 8, 9 }, new long[] { 3, 1 });
        var f = NpyFile.Load(d.PathOf("f.npy"));
        Assert.Equal(DType.Float32, f.DType);
        Assert.Equal(new long[] { 2, 3 }, f.Shape);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, f.ToArray<float>());
        Assert.Equal(new[] { 0.5, -1 }, NpyFile.Load(d.PathOf("d.npy")).ToArray<double>());
        var l = NpyFile.Load(d.PathOf("l.npy"));
        Assert.Equal(new long[] { 3, 1 }, l.Shape);
        Assert.Equal(new long[] { 7, 8, 9 }, l.ToArray<long>());
    }

    [Fact]
    public void NpyParsesNumpyWrittenHeaders()
    {
        // Exactly what numpy 1.x writes for np.arange(3, dtype='<f8'), including the padding.
        using var d = new TempDataset();
        var dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }".PadRight(117);
        d.WriteBytes("a.npy", RawNpy(dict, new double[] { 0, 1, 2 }.SelectMany(BitConverter.GetBytes).ToArray()));
        using var scope = DisposeScope.Enter();
        Assert.Equal(new double[] { 0, 1, 2 }, NpyFile.Load(d.PathOf("a.npy")).ToArray<double>());
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16, "Fortran")]
    [InlineData("{'descr': '<i4', 'fortran_order': False, 'shape': (4,), }", 16, "dtype '<i4' is not supported (supported: <f4, <f8, <i8)")]
    [InlineData("{'descr': '>f4', 'fortran_order': False, 'shape': (4,), }", 16, "dtype '>f4'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 20, "truncated")]
    [InlineData("{'shape': (2, 3), }", 24, "lacks descr")]
    public void NpyErrorsAreClear(string dict, int payloadBytes, string message)
    {
        using var d = new TempDataset();
        var path = d.WriteBytes("bad.npy", RawNpy(dict, new byte[payloadBytes]));
        var e = Assert.Throws<InvalidDataException>(() => NpyFile.ReadHeader(path));
        Assert.Contains(message, e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void NotAnNpyFile()
    {
        using var d = new TempDataset();
        var path = d.Write("x.npy", "hello");
        Assert.Contains("magic", Assert.Throws<InvalidDataException>(() => NpyFile.ReadHeader(path)).Message);
    }

    [Fact]
    public void EmbeddingModalityFromNpyAndSafetensors()
    {
        using var d = new TempDataset();
        using var scope = DisposeScope.Enter();
        NpyFile.Save(d.PathOf("s1.npy"), new double[] { 1, 2, 3, 4 }, new long[] { 2, 2 });
        SafeTensors.Save(d.PathOf("s2.safetensors"), new Dictionary<string, Tensor>
        {
            ["emb"] = Tensor.From(new float[] { 5, 6, 7, 8 }, new long[] { 2, 2 }),
            ["other"] = Tensor.Zeros(1),
        });
        NpyFile.Save(d.PathOf("s3.npy"), new float[] { 1, 2, 3 }, new long[] { 3 });
        d.Write("samples.csv", "id,y,emb\ns1,0,s1.npy\ns2,1,s2.safetensors\ns3,0,s3.npy\ns4,1,\ns5,0,gone.npy\n");
        d.Write("spec.yaml", "manifest: samples.csv\nsample_id: id\nlabel: {task: binary, column: y, classes: [0, 1]}\nmodalities:\n  - {name: frozen, kind: embedding, column: emb, key: emb}\n");
        var ds = MultimodalDataset.Open(d.PathOf("spec.yaml"));
        var reader = ds.Reader("frozen");
        using var a = reader.Read(ds.Row(0));
        Assert.Equal(DType.Float32, a.Value!.DType);
        Assert.Equal(new float[] { 1, 2, 3, 4 }, a.Value.ToArray<float>());
        using var b = reader.Read(ds.Row(1));
        Assert.Equal(new float[] { 5, 6, 7, 8 }, b.Value!.ToArray<float>());
        Assert.Equal(new long[] { 2, 2 }, reader.ItemShape);
        var wrong = reader.Check(ds.Row(2));
        Assert.False(wrong.Present);
        var p = Assert.Single(wrong.Problems);
        Assert.Equal((Severity.Error, 4, "emb"), (p.Severity, p.Line!.Value, p.Column));
        Assert.Contains("shape [3]", p.Message);
        Assert.False(reader.Check(ds.Row(3)).Present);
        Assert.Empty(reader.Check(ds.Row(3)).Problems);
        Assert.Equal(Severity.Warning, reader.Check(ds.Row(4)).Problems.Single().Severity);
    }
}
