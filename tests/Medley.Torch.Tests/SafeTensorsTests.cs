using System.Buffers.Binary;
using System.Text;
using Medley.Torch.NN;
using Medley.Torch.Serialization;

namespace Medley.Torch.Tests;

/// <summary>Corrupt safetensors files are InvalidDataExceptions naming the file and problem; name-mapping rules.</summary>
[Collection(SerialCollection.Name)] // reads Engine.LiveTensors
public class SafeTensorsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("medley_st_");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    // A file with the given header text and data section; headerLength overrides the stored length.
    private string WriteRaw(string name, string header, byte[] data, long? headerLength = null)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, headerLength ?? h.Length);
        h.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + h.Length);
        return Write(name, bytes);
    }

    private static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    private static void AssertCorrupt(string path, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
        var h = Assert.Throws<InvalidDataException>(() => SafeTensors.ReadHeader(path));
        Assert.Contains(path, h.Message);
    }

    [Fact]
    public void ValidHandWrittenFileLoads()
    {
        using var scope = DisposeScope.Enter();
        var path = WriteRaw("ok.safetensors", """{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"__metadata__":{"k":"v"}}""",
            Floats(1, 2, 3, 4));
        var loaded = SafeTensors.Load(path, out var metadata);
        Assert.Equal(new float[] { 1, 2, 3, 4 }, loaded["a"].ToArray<float>());
        Assert.Equal("v", metadata["k"]);
    }

    [Fact]
    public void EmptyOrTinyFile() => AssertCorrupt(Write("empty.safetensors", Array.Empty<byte>()), "shorter than the 8-byte header length");

    [Fact]
    public void HeaderLengthBeyondFile()
    {
        AssertCorrupt(WriteRaw("long.safetensors", "{}", Array.Empty<byte>(), headerLength: 1000), "header length 1000");
        AssertCorrupt(WriteRaw("negative.safetensors", "{}", Array.Empty<byte>(), headerLength: -5), "header length -5");
        AssertCorrupt(WriteRaw("zero.safetensors", "{}", Array.Empty<byte>(), headerLength: 0), "header length 0");
    }

    [Theory]
    [InlineData("{\"a\": {\"dtype\": ", "not valid JSON")]
    [InlineData("[1, 2, 3]", "not a JSON object")]
    [InlineData("{\"a\": 5}", "entry 'a' is not an object")]
    [InlineData("{\"a\": {\"shape\": [1], \"data_offsets\": [0, 4]}}", "entry 'a' has no dtype")]
    [InlineData("{\"a\": {\"dtype\": 7, \"shape\": [1], \"data_offsets\": [0, 4]}}", "entry 'a' has no dtype")]
    [InlineData("{\"a\": {\"dtype\": \"F8_E4M3\", \"shape\": [1], \"data_offsets\": [0, 4]}}", "unsupported dtype 'F8_E4M3'")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"data_offsets\": [0, 4]}}", "entry 'a' has no shape")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [\"x\"], \"data_offsets\": [0, 4]}}", "non-integer shape")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 4]}}", "non-integer shape")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}", "negative dimension")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [4611686018427387904, 4611686018427387904], \"data_offsets\": [0, 4]}}", "too many elements")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0]}}", "data_offsets")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 400]}}", "outside the 16-byte data section")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [8, 4]}}", "outside")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [-4, 0]}}", "outside")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}", "has 8 bytes but shape [3] of F32 needs 12")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}, \"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", "overlap")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}, \"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", "repeats an entry name")]
    public void MalformedHeaderIsAClearError(string header, string expected) =>
        AssertCorrupt(WriteRaw("bad.safetensors", header, Floats(1, 2, 3, 4)), expected);

    [Fact]
    public void TruncatedDataSection()
    {
        using var scope = DisposeScope.Enter();
        var good = Path.Combine(_dir.FullName, "good.safetensors");
        SafeTensors.Save(good, new Dictionary<string, Tensor> { ["w"] = Tensor.Ones(8, 8), ["b"] = Tensor.Zeros(8) });
        var bytes = File.ReadAllBytes(good);
        AssertCorrupt(Write("cut.safetensors", bytes[..^20]), "truncated file?");
        AssertCorrupt(Write("cut_header.safetensors", bytes[..30]), "header length");
    }

    [Fact]
    public void MissingFileNamesThePath()
    {
        var path = Path.Combine(_dir.FullName, "absent.safetensors");
        var e = Assert.Throws<FileNotFoundException>(() => SafeTensors.Load(path));
        Assert.Contains(path, e.Message);
    }

    // ---- StateDictMapping -------------------------------------------------------------------------------------

    [Fact]
    public void NameRulesComposeInOrder()
    {
        var map = new StateDictMapping()
            .StripPrefix("module.")
            .Replace(@"^backbone\.layer(\d+)\.", "encoder.blocks.$1.")
            .Rename(new Dictionary<string, string> { ["head.fc.weight"] = "classifier.weight" })
            .Drop(@"\.num_batches_tracked$")
            .AddPrefix("model.");
        Assert.Equal("model.encoder.blocks.3.conv.weight", map.MapName("module.backbone.layer3.conv.weight"));
        Assert.Equal("model.classifier.weight", map.MapName("module.head.fc.weight"));
        Assert.Equal("model.head.fc.bias", map.MapName("head.fc.bias")); // no prefix to strip: unchanged
        Assert.Null(map.MapName("module.bn.num_batches_tracked"));

        var only = new StateDictMapping().KeepOnly(@"^encoder\.").StripPrefix("encoder.");
        Assert.Equal("fc.weight", only.MapName("encoder.fc.weight"));
        Assert.Null(only.MapName("decoder.fc.weight"));
    }

    [Fact]
    public void ImportsAForeignCheckpointIntoAModule()
    {
        using var scope = DisposeScope.Enter();
        using var source = new Linear(4, 3);
        var path = Path.Combine(_dir.FullName, "foreign.safetensors");
        // A checkpoint from a wrapped model, with the bias stored as [1, 3] and an extra counter.
        SafeTensors.Save(path, new Dictionary<string, Tensor>
        {
            ["module.proj.w"] = source.Weight,
            ["module.proj.b"] = source.Bias!.Reshape(1, 3),
            ["module.steps"] = Tensor.Scalar(10L),
        });
        var map = new StateDictMapping()
            .StripPrefix("module.proj.")
            .Rename(new Dictionary<string, string> { ["w"] = "weight", ["b"] = "bias" })
            .Drop("^module\\.")
            .Convert("^bias$", t => t.Reshape(3));
        var before = LiveTensorCount.Settled();
        var loaded = map.Load(path);
        Assert.Equal(new[] { "bias", "weight" }, loaded.Keys.Order().ToArray());
        Assert.Equal(before + 2, Engine.LiveTensors); // the [1, 3] original was freed after conversion
        using var target = new Linear(4, 3);
        target.LoadStateDict(loaded);
        Assert.Equal(source.Weight.ToArray<float>(), target.Weight.ToArray<float>());
        Assert.Equal(source.Bias!.ToArray<float>(), target.Bias!.ToArray<float>());
    }

    [Fact]
    public void ApplyKeepsUnconvertedTensorsAndRejectsCollisions()
    {
        using var scope = DisposeScope.Enter();
        var a = Tensor.Ones(2, 3);
        var b = Tensor.Zeros(6);
        var map = new StateDictMapping().StripPrefix("x.").Convert("^b$", t => t.Reshape(2, 3));
        var result = map.Apply(new Dictionary<string, Tensor> { ["x.a"] = a, ["b"] = b });
        Assert.Same(a, result["a"]);
        Assert.Equal(new long[] { 2, 3 }, result["b"].Shape);
        Assert.False(b.IsDisposed); // the caller still owns the source

        var clash = Assert.Throws<InvalidOperationException>(() =>
            map.Apply(new Dictionary<string, Tensor> { ["x.a"] = a, ["a"] = b }));
        Assert.Contains("'x.a'", clash.Message);
        Assert.Contains("'a'", clash.Message);
    }

    [Fact]
    public void FailedConversionNamesTheKeyAndBadRegexIsAnArgumentError()
    {
        using var scope = DisposeScope.Enter();
        var map = new StateDictMapping().Convert("weight", t => t.View(7));
        var e = Assert.Throws<InvalidOperationException>(() =>
            map.Apply(new Dictionary<string, Tensor> { ["fc.weight"] = Tensor.Ones(2, 3) }));
        Assert.Contains("fc.weight", e.Message);
        Assert.Contains("[2, 3] float32", e.Message);
        Assert.Throws<ArgumentException>(() => new StateDictMapping().Replace("([unclosed", "x"));
        Assert.Throws<ArgumentException>(() => new StateDictMapping().StripPrefix(""));
    }

    [Fact]
    public void RenameCollisionInSafeTensorsLoadIsAnError()
    {
        using var scope = DisposeScope.Enter();
        var path = Path.Combine(_dir.FullName, "two.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["a.w"] = Tensor.Ones(1), ["b.w"] = Tensor.Ones(1) });
        var before = LiveTensorCount.Settled();
        var e = Assert.Throws<InvalidDataException>(() => new StateDictMapping().Replace(@"^\w+\.", "").Load(path));
        Assert.Contains("'w'", e.Message);
        Assert.Equal(before, Engine.LiveTensors);
    }
}
