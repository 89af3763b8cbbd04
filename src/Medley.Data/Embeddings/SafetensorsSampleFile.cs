using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Medley.Torch;
using Medley.Torch.Serialization;

namespace Medley.Data.Embeddings;

/// <summary>
/// A whole-dataset .safetensors file with one tensor per sample, named by the sample id (or another key). Only the
/// header is read up front; each sample's bytes are read when asked for, so the file may exceed memory.
/// Float32, float64 (returned as float32) and int64 tensors are supported.
/// </summary>
public sealed class SafetensorsSampleFile
{
    private sealed record Entry(DType DType, long[] Shape, long Begin, long End);

    private readonly Dictionary<string, Entry> _entries;
    private readonly long _dataStart;

    public string Path { get; }

    /// <summary>The tensor names in the file.</summary>
    public IReadOnlyCollection<string> Keys => _entries.Keys;

    private SafetensorsSampleFile(string path, Dictionary<string, Entry> entries, long dataStart) =>
        (Path, _entries, _dataStart) = (path, entries, dataStart);

    /// <summary>Reads and validates the header; a malformed or truncated file is an <see cref="InvalidDataException"/>.</summary>
    public static SafetensorsSampleFile Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"embedding file not found: {path}", path);
        // The engine's reader validates every structural fact (JSON, dtypes, shapes, offsets inside the data).
        var checkedHeader = SafeTensors.ReadHeader(path);
        using var stream = File.OpenRead(path);
        var lengthBytes = new byte[8];
        stream.ReadExactly(lengthBytes);
        var headerLength = BinaryPrimitives.ReadInt64LittleEndian(lengthBytes);
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(header).TrimEnd(' ', '\0'));
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var (name, (dtype, shape)) in checkedHeader)
        {
            var offsets = doc.RootElement.GetProperty(name).GetProperty("data_offsets");
            entries[name] = new Entry(dtype, shape, offsets[0].GetInt64(), offsets[1].GetInt64());
        }
        return new SafetensorsSampleFile(path, entries, 8 + headerLength);
    }

    public bool Contains(string key) => _entries.ContainsKey(key);

    /// <summary>The stored shape of <paramref name="key"/>, or null when the file has no such tensor.</summary>
    public long[]? ShapeOf(string key) => _entries.TryGetValue(key, out var e) ? e.Shape : null;

    /// <summary>Reads one tensor (float64 becomes float32); joins the current <see cref="DisposeScope"/>.</summary>
    public Tensor Read(string key)
    {
        if (!_entries.TryGetValue(key, out var e)) throw new KeyNotFoundException($"{Path} has no tensor '{key}'");
        var bytes = new byte[e.End - e.Begin];
        using (var handle = File.OpenHandle(Path))
        {
            if (RandomAccess.Read(handle, bytes, _dataStart + e.Begin) != bytes.Length)
                throw new InvalidDataException($"{Path} is truncated: tensor '{key}' extends past the end of the file");
        }
        return e.DType switch
        {
            DType.Float32 => Tensor.From(MemoryMarshal.Cast<byte, float>(bytes).ToArray(), e.Shape),
            DType.Float64 => Tensor.From(MemoryMarshal.Cast<byte, double>(bytes).ToArray().Select(v => (float)v).ToArray(), e.Shape),
            DType.Int64 => Tensor.From(MemoryMarshal.Cast<byte, long>(bytes).ToArray(), e.Shape),
            var d => throw new InvalidDataException($"{Path}: tensor '{key}' is {d.Name()}; embeddings must be float32, float64 or int64"),
        };
    }

    /// <summary>Checks the dtype without reading the data (the error <see cref="Read"/> would raise).</summary>
    public string? DTypeProblem(string key) =>
        _entries.TryGetValue(key, out var e) && e.DType is not (DType.Float32 or DType.Float64 or DType.Int64)
            ? $"{Path}: tensor '{key}' is {e.DType.Name()}; embeddings must be float32, float64 or int64" : null;
}
