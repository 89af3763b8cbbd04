namespace Medley.Evaluation.Efficiency;

/// <summary>Resident memory of this process from /proc/self/status (Linux). Null where that file does not exist.</summary>
public static class ProcessMemory
{
    /// <summary>Peak resident set size ("high water mark", VmHWM) in bytes since the process started.</summary>
    public static long? PeakRssBytes() => ReadKb("VmHWM:") * 1024;

    /// <summary>Current resident set size (VmRSS) in bytes.</summary>
    public static long? CurrentRssBytes() => ReadKb("VmRSS:") * 1024;

    /// <summary>Parses "Key:   12345 kB" lines of a /proc status file (exposed for tests).</summary>
    internal static long? ParseKb(string statusText, string key)
    {
        foreach (var line in statusText.Split('\n'))
        {
            if (!line.StartsWith(key, StringComparison.Ordinal)) continue;
            var parts = line[key.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 1 && long.TryParse(parts[0], out var kb)) return kb;
        }
        return null;
    }

    private static long? ReadKb(string key)
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path)) return null;
        return ParseKb(File.ReadAllText(path), key);
    }
}
