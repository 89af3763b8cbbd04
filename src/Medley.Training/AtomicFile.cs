using System.Text;

namespace Medley.Training;

/// <summary>Writes files through a temporary sibling and a rename, so a killed run never leaves a half-written file.</summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string text) => Write(path, tmp => File.WriteAllText(tmp, text, new UTF8Encoding(false)));

    /// <summary>Calls <paramref name="write"/> with a temporary path, then renames it over <paramref name="path"/>.</summary>
    public static void Write(string path, Action<string> write)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = full + $".tmp{Environment.ProcessId}";
        try
        {
            write(tmp);
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }
}
