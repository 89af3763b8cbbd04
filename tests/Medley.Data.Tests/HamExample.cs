namespace Medley.Data.Tests;

/// <summary>
/// Finds the committed HAM10000 example specs and makes their relative data path (../../../shared/data/ham10000)
/// resolve: directly when the checkout sits next to shared/, otherwise through a temporary copy of the spec whose
/// ../../../shared is a link to the shared data folder.
/// </summary>
public static class HamExample
{
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Medley.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Medley.slnx)");
    }

    public static string SharedData()
    {
        var root = RepoRoot();
        foreach (var candidate in new[] { Path.Combine(root, "..", "shared"), "/work/shared" })
            if (File.Exists(Path.Combine(candidate, "data", "ham10000", "samples.csv"))) return Path.GetFullPath(candidate);
        throw new InvalidOperationException($"the HAM10000 data (shared/data/ham10000) is neither next to {root} nor in /work/shared");
    }

    /// <summary>A spec path whose relative data path resolves; <paramref name="temp"/> holds the layout when one is needed.</summary>
    public static string Spec(string name, TempDataset temp)
    {
        var committed = Path.Combine(RepoRoot(), "examples", "ham10000", name);
        var shared = SharedData();
        if (Path.GetFullPath(Path.Combine(RepoRoot(), "..", "shared")) == shared) return committed;
        Directory.CreateSymbolicLink(temp.PathOf("shared"), shared);
        return temp.Write(Path.Combine("repo", "examples", "ham10000", name), File.ReadAllText(committed));
    }
}
