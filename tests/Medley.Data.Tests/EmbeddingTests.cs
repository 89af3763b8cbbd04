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

    private const string WholeFileSpecHead = "manifest: samples.csv\nsample_id: id\nlabel: {task: binary, column: y, classes: [0, 1]}\nmodalities:\n";

    [Fact]
    public void EmbeddingModalityFromAWholeDatasetFileKeyedBySampleId()
    {
        using var d = new TempDataset();
        using var scope = DisposeScope.Enter();
        SafeTensors.Save(d.PathOf("emb/all.safetensors"), new Dictionary<string, Tensor>
        {
            ["s1"] = Tensor.From(new float[] { 1, 2, 3 }),
            ["s2"] = Tensor.From(new double[] { 4, 5, 6 }),
            ["s4"] = Tensor.From(new float[] { 7, 8 }),
            ["extra"] = Tensor.From(new float[] { 0, 0, 0 }),
        });
        d.Write("samples.csv", "id,y\ns1,0\ns2,1\ns3,0\ns4,1\n");
        d.Write("spec.yaml", WholeFileSpecHead + "  - {name: frozen, kind: embedding, file: emb/all.safetensors, key_by: sample_id}\n");
        var ds = MultimodalDataset.Open(d.PathOf("spec.yaml"));
        var reader = ds.Reader("frozen");
        using var a = reader.Read(ds.Row(0));
        Assert.Equal(new float[] { 1, 2, 3 }, a.Value!.ToArray<float>());
        using var b = reader.Read(ds.Row(1));
        Assert.Equal(DType.Float32, b.Value!.DType);
        Assert.Equal(new float[] { 4, 5, 6 }, b.Value.ToArray<float>());
        Assert.Equal(new long[] { 3 }, reader.ItemShape);
        var absent = reader.Read(ds.Row(2)); // no tensor for s3: missing data, not an error
        Assert.False(absent.Present);
        Assert.Empty(absent.Problems);
        var wrong = reader.Check(ds.Row(3));
        Assert.False(wrong.Present);
        var p = Assert.Single(wrong.Problems);
        Assert.Equal((Severity.Error, 5), (p.Severity, p.Line!.Value));
        Assert.Contains("tensor 's4' has shape [2]", p.Message);
        var summary = string.Join("\n", ((Medley.Data.Readers.ISummarizingReader)reader).Summarize(ds.Rows));
        Assert.Contains("a tensor for 3 of 4 samples; 1 tensors match no sample", summary);
    }

    [Fact]
    public void WholeDatasetFileKeyedByAColumnAndDefaultKeyBy()
    {
        using var d = new TempDataset();
        using var scope = DisposeScope.Enter();
        SafeTensors.Save(d.PathOf("all.safetensors"), new Dictionary<string, Tensor>
        {
            ["img_001"] = Tensor.From(new float[] { 1, 2 }),
            ["s2"] = Tensor.From(new float[] { 3, 4 }),
        });
        d.Write("samples.csv", "id,y,image_key\ns1,0,img_001\ns2,1,\n");
        d.Write("spec.yaml", WholeFileSpecHead +
            "  - {name: by_column, kind: embedding, file: all.safetensors, key_by: image_key}\n" +
            "  - {name: by_id, kind: embedding, file: all.safetensors}\n");
        var ds = MultimodalDataset.Open(d.PathOf("spec.yaml"));
        using var a = ds.Reader("by_column").Read(ds.Row(0));
        Assert.Equal(new float[] { 1, 2 }, a.Value!.ToArray<float>());
        Assert.False(ds.Reader("by_column").Check(ds.Row(1)).Present); // empty key cell
        Assert.False(ds.Reader("by_id").Check(ds.Row(0)).Present);
        using var b = ds.Reader("by_id").Read(ds.Row(1));
        Assert.Equal(new float[] { 3, 4 }, b.Value!.ToArray<float>());
    }

    [Theory]
    [InlineData("{name: e, kind: embedding, file: all.safetensors, column: emb}", "exactly one of them")]
    [InlineData("{name: e, kind: embedding}", "exactly one of them")]
    [InlineData("{name: e, kind: embedding, file: all.npy}", "must be .safetensors")]
    [InlineData("{name: e, kind: embedding, file: gone.safetensors}", "not found")]
    [InlineData("{name: e, kind: embedding, file: bad.safetensors}", "not a valid safetensors file")]
    [InlineData("{name: e, kind: embedding, file: all.safetensors, key_by: nope}", "nope")]
    [InlineData("{name: e, kind: embedding, column: emb, key_by: sample_id}", "'key_by' goes with 'file'")]
    public void WholeDatasetFileSpecErrorsAreClear(string modality, string message)
    {
        using var d = new TempDataset();
        using var scope = DisposeScope.Enter();
        SafeTensors.Save(d.PathOf("all.safetensors"), new Dictionary<string, Tensor> { ["s1"] = Tensor.Zeros(2) });
        d.WriteBytes("bad.safetensors", new byte[] { 200, 0, 0, 0, 0, 0, 0, 0, (byte)'{' });
        d.Write("samples.csv", "id,y,emb\ns1,0,a.npy\n");
        d.Write("spec.yaml", WholeFileSpecHead + "  - " + modality + "\n");
        var e = Assert.Throws<DataException>(() => MultimodalDataset.Open(d.PathOf("spec.yaml")));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void TruncatedWholeDatasetFileIsAClearError()
    {
        using var d = new TempDataset();
        using var scope = DisposeScope.Enter();
        var path = d.PathOf("all.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["s1"] = Tensor.Zeros(4), ["s2"] = Tensor.Ones(4) });
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^6]);
        d.Write("samples.csv", "id,y\ns1,0\n");
        d.Write("spec.yaml", WholeFileSpecHead + "  - {name: e, kind: embedding, file: all.safetensors}\n");
        var e = Assert.Throws<DataException>(() => MultimodalDataset.Open(d.PathOf("spec.yaml")));
        Assert.Contains("truncated", e.Message);
        Assert.Contains(path, e.Message);
    }
}
