namespace Medley.Data.Tests;

/// <summary>A temporary folder the test writes a small dataset into (spec, manifest, files); deleted on dispose.</summary>
public sealed class TempDataset : IDisposable
{
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "medley-data-" + Guid.NewGuid().ToString("N")[..10]);

    public TempDataset() => Directory.CreateDirectory(Dir);

    public string Write(string relative, string text)
    {
        var path = Path.Combine(Dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.Replace("\r\n", "\n"));
        return path;
    }

    public string WriteBytes(string relative, byte[] bytes)
    {
        var path = Path.Combine(Dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public string PathOf(string relative) => Path.Combine(Dir, relative);

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
