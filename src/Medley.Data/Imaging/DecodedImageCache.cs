using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Medley.Data.Imaging;

/// <summary>Counters of a <see cref="DecodedImageCache"/>.</summary>
public readonly record struct ImageCacheStats(long MemoryHits, long DiskHits, long Misses, long MemoryBytes, long DiskBytes, int Entries);

/// <summary>
/// An on-disk cache of decoded and resized images, so later epochs (and later runs) skip decoding. Entries are
/// keyed by (full path, modification time, file size, decode options), so an edited file is decoded again.
/// <para>
/// Layout: <c>images.bin</c> holds the pixel bytes back to back; <c>index.tsv</c> one line per entry
/// (key hash, offset, length, width, height, channels, depth). Workers reserve a region of <c>images.bin</c> with
/// an atomic add and write it concurrently (no global lock); an entry's index line is queued only after its bytes
/// are written and reaches the file in batches (and on <see cref="Flush"/>/<see cref="Dispose"/>), so a crash loses
/// at most the last unflushed entries, never trusts bytes that were not written. Reads use positional file reads
/// rather than a memory map so the OS page cache, not this process's resident memory, holds the file.
/// </para>
/// <para>
/// Memory tier: up to <see cref="MemoryBudgetBytes"/> of pixels in native memory. It is scan-resistant: entries are
/// admitted while there is room and then kept, never evicted, because an epoch reads every sample once in turn and
/// an LRU smaller than the dataset would evict each entry just before its next use (and serve no hits at all).
/// A fixed subset serves about budget/dataset of the reads. Resident memory from the cache is thus bounded by the
/// budget. Thread-safe; any number of loader workers may share one instance (do not dispose it while they read).
/// </para>
/// </summary>
public sealed class DecodedImageCache : IDisposable
{
    private sealed class Slot(long offset, int length, int width, int height, int channels, PixelDepth depth)
    {
        public readonly long Offset = offset;
        public readonly int Length = length, Width = width, Height = height, Channels = channels;
        public readonly PixelDepth Depth = depth;
        /// <summary>Native copy in the memory tier (0 = not held); set once, freed only by Dispose.</summary>
        public nint Memory;
    }

    /// <summary>Index lines are written to disk once this many are pending.</summary>
    private const int IndexBatch = 64;

    private readonly ConcurrentDictionary<string, Slot> _index = new();
    private readonly ConcurrentDictionary<string, byte> _writing = new();
    private readonly object _indexLock = new();
    private readonly List<string> _pendingLines = new();
    private readonly SafeFileHandle _data;
    private readonly StreamWriter _indexWriter;
    private long _dataLength;
    private long _memoryBytes;
    private long _memoryHits, _diskHits, _misses;
    private bool _disposed;

    // Per-thread buffer that disk hits are read into for Read (pinned, so native code can use it directly).
    [ThreadStatic] private static byte[]? t_readBuffer;

    public string Directory { get; }
    /// <summary>Bytes of decoded pixels kept in memory at most.</summary>
    public long MemoryBudgetBytes { get; }

    public DecodedImageCache(string directory, long memoryBudgetBytes)
    {
        if (memoryBudgetBytes < 0) throw new ArgumentOutOfRangeException(nameof(memoryBudgetBytes), memoryBudgetBytes, "the memory budget cannot be negative");
        Directory = directory;
        MemoryBudgetBytes = memoryBudgetBytes;
        System.IO.Directory.CreateDirectory(directory);
        var dataPath = Path.Combine(directory, "images.bin");
        var indexPath = Path.Combine(directory, "index.tsv");
        _data = File.OpenHandle(dataPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        _dataLength = RandomAccess.GetLength(_data);
        if (File.Exists(indexPath)) LoadIndex(indexPath);
        _indexWriter = new StreamWriter(new FileStream(indexPath, FileMode.Append, FileAccess.Write, FileShare.Read), Encoding.UTF8);
    }

    private void LoadIndex(string indexPath)
    {
        foreach (var line in File.ReadLines(indexPath))
        {
            var f = line.Split('\t');
            // A crash can leave a partial last line or an entry whose bytes never reached images.bin: skip those.
            if (f.Length != 7 || !long.TryParse(f[1], CultureInfo.InvariantCulture, out var offset) || !int.TryParse(f[2], CultureInfo.InvariantCulture, out var length)
                || !int.TryParse(f[3], CultureInfo.InvariantCulture, out var w) || !int.TryParse(f[4], CultureInfo.InvariantCulture, out var h)
                || !int.TryParse(f[5], CultureInfo.InvariantCulture, out var c) || !int.TryParse(f[6], CultureInfo.InvariantCulture, out var d))
                continue;
            if (offset < 0 || length <= 0 || offset + length > _dataLength || (long)w * h * c * d != length) continue;
            _index[f[0]] = new Slot(offset, length, w, h, c, (PixelDepth)d);
        }
    }

    public ImageCacheStats Stats => new(Interlocked.Read(ref _memoryHits), Interlocked.Read(ref _diskHits), Interlocked.Read(ref _misses),
        Interlocked.Read(ref _memoryBytes), Interlocked.Read(ref _dataLength), _index.Count);

    /// <summary>The decoded image for a file and decode options, decoding (and caching) it on first use. Returns a
    /// copy the caller owns; loaders should prefer <see cref="ImagePreprocessing.Apply(DecodedImageCache, string, bool, int, long, Span{float})"/>,
    /// which reads without copying.</summary>
    public ImageData GetOrAdd(string path, ImageReadOptions options) => Read(path, options).ToImageData();

    /// <summary>Shorthand for the S×S images an <see cref="ImagePreprocessing"/> consumes.</summary>
    public ImageData GetOrAdd(string path, ImagePreprocessing preprocessing) => GetOrAdd(path, preprocessing.ReadOptions);

    /// <summary>
    /// The pixels for a file without a managed copy: a memory-tier hit points into the tier (stable until Dispose),
    /// a disk hit into this thread's read buffer (valid until the thread's next Read), a miss carries the decoded image.
    /// </summary>
    internal unsafe CachedPixels Read(string path, ImageReadOptions options)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (options.Width is null || options.Height is null)
            throw new ArgumentException("the decoded-image cache stores resized images: set Width and Height in the read options");
        var key = KeyFor(path, options);
        if (_index.TryGetValue(key, out var slot))
        {
            var held = Volatile.Read(ref slot.Memory);
            if (held != 0)
            {
                Interlocked.Increment(ref _memoryHits);
                return new CachedPixels((byte*)held, slot.Width, slot.Height, slot.Channels, slot.Depth, null);
            }
            var buffer = t_readBuffer;
            if (buffer == null || buffer.Length < slot.Length)
                t_readBuffer = buffer = GC.AllocateUninitializedArray<byte>(slot.Length, pinned: true);
            var span = buffer.AsSpan(0, slot.Length);
            ReadExactly(slot, span);
            Interlocked.Increment(ref _diskHits);
            var pointer = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
            var admitted = Admit(slot, span);
            return new CachedPixels(admitted != 0 ? (byte*)admitted : pointer, slot.Width, slot.Height, slot.Channels, slot.Depth, null);
        }
        var image = ImageCodec.Read(path, options);
        Interlocked.Increment(ref _misses);
        Store(key, image);
        return new CachedPixels(null, image.Width, image.Height, image.Channels, image.Depth, image);
    }

    private void ReadExactly(Slot slot, Span<byte> destination)
    {
        var read = 0;
        while (read < destination.Length)
        {
            var n = RandomAccess.Read(_data, destination[read..], slot.Offset + read);
            if (n <= 0) throw new DataFileException(Path.Combine(Directory, "images.bin"), "the image cache file is shorter than its index (delete the cache folder)");
            read += n;
        }
    }

    // Appends a decoded image to images.bin (once per key, even when workers decode the same file at once) and
    // queues its index line; only the index batch takes a lock, and only for a list append or a batched write.
    private void Store(string key, ImageData image)
    {
        if (_index.ContainsKey(key) || !_writing.TryAdd(key, 0)) return;
        try
        {
            if (_index.ContainsKey(key)) return; // another worker finished it between the two checks
            var length = image.Bytes.Length;
            var offset = Interlocked.Add(ref _dataLength, length) - length;
            RandomAccess.Write(_data, image.Bytes, offset);
            var slot = new Slot(offset, length, image.Width, image.Height, image.Channels, image.Depth);
            Admit(slot, image.Bytes);
            _index[key] = slot;
            var line = string.Join('\t', key, offset.ToString(CultureInfo.InvariantCulture), length.ToString(CultureInfo.InvariantCulture),
                image.Width.ToString(CultureInfo.InvariantCulture), image.Height.ToString(CultureInfo.InvariantCulture),
                image.Channels.ToString(CultureInfo.InvariantCulture), ((int)image.Depth).ToString(CultureInfo.InvariantCulture));
            lock (_indexLock)
            {
                _pendingLines.Add(line);
                if (_pendingLines.Count >= IndexBatch) WritePendingLines();
            }
        }
        finally
        {
            _writing.TryRemove(key, out _);
        }
    }

    /// <summary>Writes queued index lines to <c>index.tsv</c> (done automatically in batches and on Dispose).</summary>
    public void Flush()
    {
        lock (_indexLock) WritePendingLines();
    }

    private void WritePendingLines()
    {
        if (_pendingLines.Count == 0) return;
        foreach (var line in _pendingLines) _indexWriter.WriteLine(line);
        _indexWriter.Flush();
        _pendingLines.Clear();
    }

    // Copies an entry into the memory tier if it still fits; returns the tier's copy (0 = not admitted).
    private unsafe nint Admit(Slot slot, ReadOnlySpan<byte> pixels)
    {
        var held = Volatile.Read(ref slot.Memory);
        if (held != 0) return held;
        long before;
        do
        {
            before = Interlocked.Read(ref _memoryBytes);
            if (before + slot.Length > MemoryBudgetBytes) return 0; // full: keep what is held (scan resistance)
        } while (Interlocked.CompareExchange(ref _memoryBytes, before + slot.Length, before) != before);
        var copy = (nint)NativeMemory.Alloc((nuint)slot.Length);
        pixels.CopyTo(new Span<byte>((void*)copy, slot.Length));
        if (Interlocked.CompareExchange(ref slot.Memory, copy, 0) != 0)
        {
            // another worker admitted the same entry first
            NativeMemory.Free((void*)copy);
            Interlocked.Add(ref _memoryBytes, -slot.Length);
            return slot.Memory;
        }
        return copy;
    }

    private static string KeyFor(string path, ImageReadOptions o)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new DataFileException(path, "the file does not exist");
        var text = string.Join('|', info.FullName, info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture),
            info.Length.ToString(CultureInfo.InvariantCulture), o.Width, o.Height, o.Color, o.Interpolation, o.Keep16Bit);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public unsafe void Dispose()
    {
        lock (_indexLock)
        {
            if (_disposed) return;
            _disposed = true;
            WritePendingLines();
            _indexWriter.Dispose();
            _data.Dispose();
            foreach (var slot in _index.Values)
            {
                var held = Interlocked.Exchange(ref slot.Memory, 0);
                if (held != 0) NativeMemory.Free((void*)held);
            }
            _memoryBytes = 0;
        }
    }
}

/// <summary>Pixels handed out by <see cref="DecodedImageCache"/> without a managed copy (see its Read method).</summary>
internal readonly unsafe struct CachedPixels(byte* pointer, int width, int height, int channels, PixelDepth depth, ImageData? decoded)
{
    /// <summary>The pixels in native or pinned memory; null when <see cref="Decoded"/> holds them.</summary>
    public byte* Pointer { get; } = pointer;
    public int Width { get; } = width;
    public int Height { get; } = height;
    public int Channels { get; } = channels;
    public PixelDepth Depth { get; } = depth;
    public ImageData? Decoded { get; } = decoded;

    public int Length => Width * Height * Channels * (int)Depth;

    /// <summary>A managed image the caller owns (copies unless it was just decoded).</summary>
    public ImageData ToImageData() =>
        Decoded ?? new ImageData(new ReadOnlySpan<byte>(Pointer, Length).ToArray(), Width, Height, Channels, Depth);
}
