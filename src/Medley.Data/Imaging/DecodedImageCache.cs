using System.Globalization;
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
/// (key hash, offset, length, width, height, channels, depth), appended as entries are added. Reads use
/// positional file reads rather than a memory map so the OS page cache, not this process's resident memory, holds
/// the file: resident memory stays bounded by <c>memoryBudgetBytes</c> (an LRU of recently used images) even when
/// the cache is many times larger than RAM. Thread-safe; any number of loader workers may share one instance.
/// </para>
/// </summary>
public sealed class DecodedImageCache : IDisposable
{
    private readonly record struct Entry(long Offset, int Length, int Width, int Height, int Channels, PixelDepth Depth);

    private readonly object _lock = new();
    private readonly Dictionary<string, Entry> _index = new();
    // The memory tier lives in native memory: evicted entries are returned to the OS at once, whereas evicted
    // managed arrays would linger in the GC's oldest generation and let resident memory drift past the budget.
    private readonly record struct Held(string Key, IntPtr Pixels, Entry Entry);
    private readonly Dictionary<string, LinkedListNode<Held>> _memory = new();
    private readonly LinkedList<Held> _lru = new();
    private readonly SafeFileHandle _data;
    private readonly StreamWriter _indexWriter;
    private long _dataLength;
    private long _memoryBytes;
    private long _memoryHits, _diskHits, _misses;

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
            _index[f[0]] = new Entry(offset, length, w, h, c, (PixelDepth)d);
        }
    }

    public ImageCacheStats Stats
    {
        get
        {
            lock (_lock) return new ImageCacheStats(_memoryHits, _diskHits, _misses, _memoryBytes, _dataLength, _index.Count);
        }
    }

    /// <summary>The decoded image for a file and decode options, decoding (and caching) it on first use.</summary>
    public ImageData GetOrAdd(string path, ImageReadOptions options)
    {
        if (options.Width is null || options.Height is null)
            throw new ArgumentException("the decoded-image cache stores resized images: set Width and Height in the read options");
        var key = KeyFor(path, options);
        Entry entry;
        lock (_lock)
        {
            if (_memory.TryGetValue(key, out var node))
            {
                _lru.Remove(node);
                _lru.AddFirst(node);
                _memoryHits++;
                var held = node.Value;
                var copy = new byte[held.Entry.Length];
                unsafe
                {
                    new ReadOnlySpan<byte>((void*)held.Pixels, held.Entry.Length).CopyTo(copy);
                }
                return new ImageData(copy, held.Entry.Width, held.Entry.Height, held.Entry.Channels, held.Entry.Depth);
            }
            if (!_index.TryGetValue(key, out entry)) entry = default;
        }
        ImageData image;
        if (entry.Length > 0)
        {
            var bytes = new byte[entry.Length];
            var read = 0;
            while (read < bytes.Length)
            {
                var n = RandomAccess.Read(_data, bytes.AsSpan(read), entry.Offset + read);
                if (n <= 0) throw new DataFileException(Path.Combine(Directory, "images.bin"), "the image cache file is shorter than its index (delete the cache folder)");
                read += n;
            }
            image = new ImageData(bytes, entry.Width, entry.Height, entry.Channels, entry.Depth);
            lock (_lock)
            {
                _diskHits++;
                Remember(key, image);
            }
            return image;
        }
        image = ImageCodec.Read(path, options);
        lock (_lock)
        {
            _misses++;
            if (!_index.ContainsKey(key))
            {
                var offset = _dataLength;
                RandomAccess.Write(_data, image.Bytes, offset);
                _dataLength += image.Bytes.Length;
                _index[key] = new Entry(offset, image.Bytes.Length, image.Width, image.Height, image.Channels, image.Depth);
                _indexWriter.WriteLine(string.Join('\t', key, offset.ToString(CultureInfo.InvariantCulture), image.Bytes.Length.ToString(CultureInfo.InvariantCulture),
                    image.Width.ToString(CultureInfo.InvariantCulture), image.Height.ToString(CultureInfo.InvariantCulture),
                    image.Channels.ToString(CultureInfo.InvariantCulture), ((int)image.Depth).ToString(CultureInfo.InvariantCulture)));
                _indexWriter.Flush();
            }
            Remember(key, image);
        }
        return image;
    }

    /// <summary>Shorthand for the S×S images an <see cref="ImagePreprocessing"/> consumes.</summary>
    public ImageData GetOrAdd(string path, ImagePreprocessing preprocessing) => GetOrAdd(path, preprocessing.ReadOptions);

    private unsafe void Remember(string key, ImageData image)
    {
        var size = image.Bytes.Length;
        if (size > MemoryBudgetBytes || _memory.ContainsKey(key)) return;
        while (_memoryBytes + size > MemoryBudgetBytes && _lru.Last is { } oldest)
        {
            _lru.RemoveLast();
            _memory.Remove(oldest.Value.Key);
            _memoryBytes -= oldest.Value.Entry.Length;
            System.Runtime.InteropServices.NativeMemory.Free((void*)oldest.Value.Pixels);
        }
        var pixels = (IntPtr)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)size);
        image.Bytes.CopyTo(new Span<byte>((void*)pixels, size));
        var entry = new Entry(0, size, image.Width, image.Height, image.Channels, image.Depth);
        _memory[key] = _lru.AddFirst(new Held(key, pixels, entry));
        _memoryBytes += size;
    }

    private static string KeyFor(string path, ImageReadOptions o)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new DataFileException(path, "the file does not exist");
        var text = string.Join('|', info.FullName, info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture),
            info.Length.ToString(CultureInfo.InvariantCulture), o.Width, o.Height, o.Color, o.Interpolation, o.Keep16Bit);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _indexWriter.Dispose();
            _data.Dispose();
            foreach (var held in _lru)
                unsafe { System.Runtime.InteropServices.NativeMemory.Free((void*)held.Pixels); }
            _memory.Clear();
            _lru.Clear();
            _memoryBytes = 0;
        }
    }
}
