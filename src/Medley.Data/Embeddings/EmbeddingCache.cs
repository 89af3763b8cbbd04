using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Medley.Torch;
using Microsoft.Win32.SafeHandles;

namespace Medley.Data.Embeddings;

/// <summary>
/// An on-disk cache of frozen-encoder embeddings (float32 tensors of any shape, one per sample), so later epochs and
/// runs skip the encoder. One folder per <see cref="EmbeddingCacheKey"/> under the cache root holds an append-only
/// data file (raw float32 payloads) and an append-only index (sample id, offset, shape, payload checksum per
/// record, each record itself checksummed). Opening reads only the index; values are read on demand.
/// <para>
/// Damage never yields wrong values: a torn or corrupt index tail is cut off, records pointing past the end of a
/// truncated data file are dropped, and a payload whose checksum no longer matches is treated as a miss — all of
/// these are recomputed on the next <see cref="GetOrCompute"/>. Thread-safe; one process writes a folder at a time.
/// </para>
/// </summary>
public sealed class EmbeddingCache : IDisposable
{
    private const string DataFileName = "embeddings.bin";
    private const string IndexFileName = "embeddings.idx";
    private const string KeyFileName = "key.txt";
    private const uint RecordMagic = 0x5849454D; // "MEIX"
    private const int PayloadHashBytes = 16;
    private const int RecordHashBytes = 8;
    private const int MaxRecordBytes = 1 << 20;

    private sealed record Entry(long Offset, long[] Shape, byte[] PayloadHash)
    {
        public long Count => Shape.Aggregate(1L, (a, b) => a * b);
    }

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly object _lock = new();
    private readonly SafeFileHandle _data;
    private readonly FileStream _index;
    private long _dataLength;
    private long _hits, _computed, _dropped;

    public EmbeddingCacheKey Key { get; }

    /// <summary>The folder holding this key's files.</summary>
    public string Folder { get; }

    /// <summary>Samples found in the cache by <see cref="GetOrCompute"/> and <see cref="TryGet"/>.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Samples <see cref="GetOrCompute"/> had to pass to the encoder.</summary>
    public long Computed => Interlocked.Read(ref _computed);

    /// <summary>Entries discarded as damaged (at open or on read); they are recomputed when asked for.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public int Count { get { lock (_lock) return _entries.Count; } }

    private EmbeddingCache(EmbeddingCacheKey key, string folder, SafeFileHandle data, FileStream index)
    {
        (Key, Folder, _data, _index) = (key, folder, data, index);
        _dataLength = RandomAccess.GetLength(data);
    }

    /// <summary>Opens (or creates) the cache for <paramref name="key"/> under <paramref name="root"/>.</summary>
    public static EmbeddingCache Open(string root, EmbeddingCacheKey key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key.EncoderId, nameof(key.EncoderId));
        ArgumentNullException.ThrowIfNull(key.PreprocessingHash);
        var folder = Path.Combine(Path.GetFullPath(root), key.FolderName);
        Directory.CreateDirectory(folder);
        var keyFile = Path.Combine(folder, KeyFileName);
        if (!File.Exists(keyFile) || File.ReadAllText(keyFile) != key.Describe())
        {
            // A new folder, or one whose key file is missing or differs (interrupted creation): start empty.
            File.Delete(Path.Combine(folder, DataFileName));
            File.Delete(Path.Combine(folder, IndexFileName));
            var tmp = keyFile + ".tmp";
            File.WriteAllText(tmp, key.Describe());
            File.Move(tmp, keyFile, overwrite: true);
        }
        SafeFileHandle? data = null;
        try
        {
            data = File.OpenHandle(Path.Combine(folder, DataFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            var index = new FileStream(Path.Combine(folder, IndexFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            var cache = new EmbeddingCache(key, folder, data, index);
            cache.LoadIndex();
            return cache;
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            data?.Dispose();
            throw new IOException($"cannot open the embedding cache {folder}: {e.Message} (is another process writing it?)", e);
        }
    }

    /// <summary>
    /// The embeddings of <paramref name="sampleIds"/>, in order. Samples not cached are passed to
    /// <paramref name="compute"/> in one call (each once, in first-seen order); it must return one floating tensor
    /// per id, which is stored (as float32) and returned. Results join the current <see cref="DisposeScope"/>.
    /// </summary>
    public Tensor[] GetOrCompute(IReadOnlyList<string> sampleIds, Func<IReadOnlyList<string>, IReadOnlyList<Tensor>> compute)
    {
        var result = new Tensor?[sampleIds.Count];
        var missing = new List<string>();
        for (var i = 0; i < sampleIds.Count; i++)
            if (TryGet(sampleIds[i], out var cached)) result[i] = cached;
            else if (!missing.Contains(sampleIds[i])) missing.Add(sampleIds[i]);
        if (missing.Count == 0) return result!;

        var computed = compute(missing);
        if (computed == null || computed.Count != missing.Count)
            throw new InvalidOperationException($"the embedding function returned {computed?.Count ?? 0} tensors for {missing.Count} samples");
        Interlocked.Add(ref _computed, missing.Count);
        var byId = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (var i = 0; i < missing.Count; i++) byId[missing[i]] = Put(missing[i], computed[i]);
        for (var i = 0; i < sampleIds.Count; i++) result[i] ??= byId[sampleIds[i]];
        return result!;
    }

    /// <summary>The cached embedding of <paramref name="sampleId"/>, or false when absent or found damaged.</summary>
    public bool TryGet(string sampleId, out Tensor? value)
    {
        value = null;
        Entry? entry;
        lock (_lock) _entries.TryGetValue(sampleId, out entry);
        if (entry == null) return false;
        var values = new float[entry.Count];
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        var read = entry.Offset + bytes.Length <= RandomAccess.GetLength(_data) ? RandomAccess.Read(_data, bytes, entry.Offset) : -1;
        if (read != bytes.Length || !PayloadHash(bytes).AsSpan().SequenceEqual(entry.PayloadHash))
        {
            lock (_lock)
                if (_entries.TryGetValue(sampleId, out var current) && ReferenceEquals(current, entry)) _entries.Remove(sampleId);
            Interlocked.Increment(ref _dropped);
            return false;
        }
        Interlocked.Increment(ref _hits);
        value = Tensor.From(values, entry.Shape);
        return true;
    }

    /// <summary>Stores <paramref name="value"/> (any floating dtype, stored as float32) and returns the float32 tensor.</summary>
    public Tensor Put(string sampleId, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(sampleId);
        if (Encoding.UTF8.GetByteCount(sampleId) > ushort.MaxValue) throw new ArgumentException($"sample id is too long ({sampleId.Length} characters)");
        if (!value.DType.IsFloatingPoint())
            throw new ArgumentException($"the embedding cache stores floating tensors; sample '{sampleId}' got {value.Describe()}");
        var asFloat = value.DType == DType.Float32 ? value : value.To(DType.Float32);
        var values = asFloat.ToArray<float>();
        var shape = asFloat.Shape.ToArray();
        var payload = MemoryMarshal.AsBytes(values.AsSpan());
        var hash = PayloadHash(payload);
        lock (_lock)
        {
            var offset = _dataLength;
            RandomAccess.Write(_data, payload, offset);
            _dataLength += payload.Length;
            // The index record goes after its data, so a crash between the two leaves only unreferenced bytes.
            _index.Write(EncodeRecord(sampleId, offset, shape, hash));
            _index.Flush();
            _entries[sampleId] = new Entry(offset, shape, hash);
        }
        return ReferenceEquals(asFloat, value) ? value : asFloat;
    }

    /// <summary>Reads every intact index record; cuts a damaged tail and rewrites the index if records were dropped.</summary>
    private void LoadIndex()
    {
        var bytes = new byte[_index.Length];
        _index.Position = 0;
        _index.ReadExactly(bytes);
        var position = 0;
        var kept = new List<(string Id, Entry Entry)>();
        var dropped = 0;
        while (TryDecodeRecord(bytes, ref position, out var id, out var entry))
        {
            if (entry!.Offset + entry.Count * sizeof(float) <= _dataLength) kept.Add((id!, entry));
            else dropped++;
        }
        if (position < bytes.Length) dropped++; // a torn or corrupt tail
        foreach (var (id, entry) in kept) _entries[id] = entry; // later records supersede earlier ones
        _dropped = dropped;
        if (dropped == 0) { _index.Position = _index.Length; return; }
        _index.SetLength(0);
        foreach (var (id, entry) in _entries) _index.Write(EncodeRecord(id, entry.Offset, entry.Shape, entry.PayloadHash));
        _index.Flush();
    }

    private static byte[] EncodeRecord(string sampleId, long offset, long[] shape, byte[] payloadHash)
    {
        var id = Encoding.UTF8.GetBytes(sampleId);
        var bodyLength = 2 + id.Length + 8 + 4 + 8 * shape.Length + PayloadHashBytes;
        var record = new byte[8 + bodyLength + RecordHashBytes];
        var span = record.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, RecordMagic);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], bodyLength);
        var body = span.Slice(8, bodyLength);
        BinaryPrimitives.WriteUInt16LittleEndian(body, (ushort)id.Length);
        id.CopyTo(body[2..]);
        var at = 2 + id.Length;
        BinaryPrimitives.WriteInt64LittleEndian(body[at..], offset);
        BinaryPrimitives.WriteInt32LittleEndian(body[(at + 8)..], shape.Length);
        at += 12;
        foreach (var d in shape) { BinaryPrimitives.WriteInt64LittleEndian(body[at..], d); at += 8; }
        payloadHash.CopyTo(body[at..]);
        SHA256.HashData(body)[..RecordHashBytes].CopyTo(span[(8 + bodyLength)..]);
        return record;
    }

    private static bool TryDecodeRecord(byte[] bytes, ref int position, out string? sampleId, out Entry? entry)
    {
        (sampleId, entry) = (null, null);
        var rest = bytes.AsSpan(position);
        if (rest.Length < 8 || BinaryPrimitives.ReadUInt32LittleEndian(rest) != RecordMagic) return false;
        var bodyLength = BinaryPrimitives.ReadInt32LittleEndian(rest[4..]);
        if (bodyLength < 2 + 8 + 4 + PayloadHashBytes || bodyLength > MaxRecordBytes || rest.Length < 8 + bodyLength + RecordHashBytes) return false;
        var body = rest.Slice(8, bodyLength);
        if (!SHA256.HashData(body).AsSpan(0, RecordHashBytes).SequenceEqual(rest.Slice(8 + bodyLength, RecordHashBytes))) return false;
        var idLength = BinaryPrimitives.ReadUInt16LittleEndian(body);
        var at = 2 + idLength;
        if (at + 12 > body.Length) return false;
        var offset = BinaryPrimitives.ReadInt64LittleEndian(body[at..]);
        var ndim = BinaryPrimitives.ReadInt32LittleEndian(body[(at + 8)..]);
        at += 12;
        if (ndim < 0 || at + 8L * ndim + PayloadHashBytes != body.Length || offset < 0) return false;
        var shape = new long[ndim];
        for (var d = 0; d < ndim; d++, at += 8)
            if ((shape[d] = BinaryPrimitives.ReadInt64LittleEndian(body[at..])) < 0) return false;
        sampleId = Encoding.UTF8.GetString(body.Slice(2, idLength));
        entry = new Entry(offset, shape, body[at..].ToArray());
        position += 8 + bodyLength + RecordHashBytes;
        return true;
    }

    private static byte[] PayloadHash(ReadOnlySpan<byte> payload) => SHA256.HashData(payload)[..PayloadHashBytes];

    public void Dispose()
    {
        lock (_lock)
        {
            _index.Dispose();
            _data.Dispose();
        }
    }
}
