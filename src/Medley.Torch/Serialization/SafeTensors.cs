using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Medley.Torch.Native;

namespace Medley.Torch.Serialization;

/// <summary>
/// Reads and writes the safetensors format (8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the raw little-endian data). Every structural fact is validated before any
/// native call, so a corrupt file is an exception naming the file and the problem, never a crash.
/// </summary>
public static class SafeTensors
{
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    private static readonly Dictionary<string, DType> DTypeByCode = new()
    {
        ["F64"] = DType.Float64, ["F32"] = DType.Float32, ["F16"] = DType.Float16, ["BF16"] = DType.BFloat16,
        ["I64"] = DType.Int64, ["I32"] = DType.Int32, ["I16"] = DType.Int16, ["I8"] = DType.Int8,
        ["U8"] = DType.UInt8, ["BOOL"] = DType.Bool,
    };

    private static string CodeOf(DType dtype) =>
        DTypeByCode.First(kv => kv.Value == dtype).Key;

    /// <summary>
    /// Loads every tensor. <paramref name="rename"/> maps a stored name to the name wanted (null drops the entry):
    /// the hook for importing checkpoints whose naming differs from Medley's.
    /// </summary>
    public static Dictionary<string, Tensor> Load(string path, Func<string, string?>? rename = null) =>
        Load(path, out _, rename);

    public static Dictionary<string, Tensor> Load(string path, out Dictionary<string, string> metadata, Func<string, string?>? rename = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"safetensors file not found: {path}", path);
        var bytes = File.ReadAllBytes(path);
        return Parse(bytes, path, out metadata, rename);
    }

    /// <summary>Reads only the header: name → (dtype, shape).</summary>
    public static Dictionary<string, (DType DType, long[] Shape)> ReadHeader(string path)
    {
        using var stream = File.OpenRead(path);
        var lengthBytes = new byte[8];
        if (stream.Read(lengthBytes, 0, 8) != 8) throw Corrupt(path, "the file is shorter than the 8-byte header length");
        var headerLength = BinaryPrimitives.ReadInt64LittleEndian(lengthBytes);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes || headerLength > stream.Length - 8)
            throw Corrupt(path, $"header length {headerLength} does not fit a file of {stream.Length} bytes");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var entries = ParseHeader(header, path, stream.Length - 8 - headerLength, out _);
        return entries.ToDictionary(e => e.Name, e => (e.DType, e.Shape));
    }

    private sealed record Entry(string Name, DType DType, long[] Shape, long Begin, long End);

    private static InvalidDataException Corrupt(string path, string problem) =>
        new($"{path} is not a valid safetensors file: {problem}.");

    private static List<Entry> ParseHeader(byte[] header, string path, long dataLength, out Dictionary<string, string> metadata)
    {
        metadata = new Dictionary<string, string>();
        List<KeyValuePair<string, JsonNode?>> root;
        try
        {
            var parsed = JsonNode.Parse(Encoding.UTF8.GetString(header).TrimEnd(' ', '\0')) as JsonObject
                   ?? throw Corrupt(path, "the header is not a JSON object");
            root = parsed.ToList();
        }
        catch (JsonException e)
        {
            throw Corrupt(path, $"the header is not valid JSON ({e.Message})");
        }
        catch (ArgumentException e) // duplicate property names surface when the object is first read
        {
            throw Corrupt(path, $"the header repeats an entry name ({e.Message})");
        }
        var entries = new List<Entry>();
        foreach (var (name, node) in root)
        {
            if (name == "__metadata__")
            {
                if (node is JsonObject meta)
                    foreach (var (k, v) in meta) metadata[k] = v?.ToString() ?? "";
                continue;
            }
            if (node is not JsonObject info) throw Corrupt(path, $"entry '{name}' is not an object");
            if (info["dtype"] is not JsonValue dtypeNode || !dtypeNode.TryGetValue<string>(out var code))
                throw Corrupt(path, $"entry '{name}' has no dtype string");
            if (!DTypeByCode.TryGetValue(code, out var dtype)) throw Corrupt(path, $"entry '{name}' has unsupported dtype '{code}'");
            if (info["shape"] is not JsonArray shapeNode) throw Corrupt(path, $"entry '{name}' has no shape");
            if (info["data_offsets"] is not JsonArray offsets || offsets.Count != 2)
                throw Corrupt(path, $"entry '{name}' has no [begin, end] data_offsets");
            long[] shape;
            long begin, end;
            try
            {
                shape = shapeNode.Select(s => s!.GetValue<long>()).ToArray();
                begin = offsets[0]!.GetValue<long>();
                end = offsets[1]!.GetValue<long>();
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
            {
                throw Corrupt(path, $"entry '{name}' has a non-integer shape or offset");
            }
            if (shape.Any(s => s < 0)) throw Corrupt(path, $"entry '{name}' has a negative dimension");
            long count = 1, byteCount;
            try
            {
                foreach (var s in shape) count = checked(count * s);
                byteCount = checked(count * dtype.ElementSize());
            }
            catch (OverflowException)
            {
                throw Corrupt(path, $"entry '{name}' has too many elements (shape [{string.Join(", ", shape)}])");
            }
            if (begin < 0 || end < begin || end > dataLength)
                throw Corrupt(path, $"entry '{name}' spans bytes [{begin}, {end}) outside the {dataLength}-byte data section (truncated file?)");
            if (end - begin != byteCount)
                throw Corrupt(path, $"entry '{name}' has {end - begin} bytes but shape [{string.Join(", ", shape)}] of {code} needs {byteCount}");
            entries.Add(new Entry(name, dtype, shape, begin, end));
        }
        // Byte ranges must not overlap (empty tensors occupy none).
        Entry? previous = null;
        foreach (var e in entries.Where(e => e.End > e.Begin).OrderBy(e => e.Begin))
        {
            if (previous != null && e.Begin < previous.End)
                throw Corrupt(path, $"entries '{previous.Name}' and '{e.Name}' overlap (bytes [{previous.Begin}, {previous.End}) and [{e.Begin}, {e.End}))");
            previous = e;
        }
        return entries;
    }

    private static unsafe Dictionary<string, Tensor> Parse(byte[] bytes, string path, out Dictionary<string, string> metadata, Func<string, string?>? rename)
    {
        if (bytes.Length < 8) throw Corrupt(path, "the file is shorter than the 8-byte header length");
        var headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(0, 8));
        if (headerLength <= 0 || headerLength > MaxHeaderBytes || headerLength > bytes.Length - 8)
            throw Corrupt(path, $"header length {headerLength} does not fit a file of {bytes.Length} bytes");
        var header = bytes.AsSpan(8, (int)headerLength).ToArray();
        var dataStart = 8 + headerLength;
        var entries = ParseHeader(header, path, bytes.Length - dataStart, out metadata);

        var result = new Dictionary<string, Tensor>();
        try
        {
            fixed (byte* basePtr = bytes)
            {
                foreach (var e in entries)
                {
                    var name = rename == null ? e.Name : rename(e.Name);
                    if (name == null) continue;
                    if (result.ContainsKey(name))
                        throw new InvalidDataException($"{path}: two entries map to the name '{name}'.");
                    fixed (long* shape = e.Shape)
                    {
                        var h = NativeMethods.mdl_from_blob(basePtr + dataStart + e.Begin, shape, e.Shape.Length, (int)e.DType, 0, -1, 0);
                        result[name] = Errors.WrapFactory(h, "SafeTensors.Load", $"{path}:{e.Name}");
                    }
                }
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>Writes tensors (any device; copied to host) atomically: a temporary file renamed into place.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata) meta[k] = v;
            header["__metadata__"] = meta;
        }
        var names = tensors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        long offset = 0;
        foreach (var name in names)
        {
            var t = tensors[name];
            var length = t.NumEl * t.DType.ElementSize();
            header[name] = new JsonObject
            {
                ["dtype"] = CodeOf(t.DType),
                ["shape"] = new JsonArray(t.Shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + length),
            };
            offset += length;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (headerBytes.Length + 7) / 8 * 8;
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
            {
                Span<byte> len = stackalloc byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(len, padded);
                stream.Write(len);
                stream.Write(headerBytes);
                for (var i = headerBytes.Length; i < padded; i++) stream.WriteByte((byte)' ');
                foreach (var name in names) WriteValues(stream, tensors[name]);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    // Straight from tensor memory (a dense host copy only when the tensor is not one already): saving a checkpoint
    // must not double the process's memory by staging every tensor in managed arrays.
    private static unsafe void WriteValues(Stream stream, Tensor t)
    {
        void* data;
        var handle = NativeMethods.mdl_host_dense(t.Handle, &data);
        if (handle == IntPtr.Zero) throw Errors.Take("SafeTensors.Save", t);
        try
        {
            var remaining = t.NumEl * t.DType.ElementSize();
            var p = (byte*)data;
            while (remaining > 0)
            {
                var chunk = (int)Math.Min(remaining, 1 << 30);
                stream.Write(new ReadOnlySpan<byte>(p, chunk));
                p += chunk;
                remaining -= chunk;
            }
        }
        finally
        {
            NativeMethods.mdl_free(handle);
        }
    }
}
