namespace Medley.Torch.Native;

/// <summary>
/// The heap policy Medley sets for its process (native/src/memory_policy.cpp): blocks up to 32 MB come from glibc's
/// heap rather than fresh mmaps, and up to 256 MB freed at the heap's top stay there, so the buffers a forward pass
/// frees are reused by the next one instead of being returned to the kernel and page-faulted back (a ViT-Ti batch-1
/// forward ran ~4 % faster, bench/RESULTS.md). The price is resident memory: what a run freed stays mapped, up to
/// those bounds, until it is needed again. A user who set glibc's malloc knobs (MALLOC_*_ or GLIBC_TUNABLES), or
/// MEDLEY_MALLOC=default, keeps glibc's own behaviour.
/// </summary>
internal static class MemoryPolicy
{
    public const string Variable = "MEDLEY_MALLOC";
    public const long MmapThreshold = 32L << 20;
    public const long TrimThreshold = 256L << 20;

    private static readonly string[] UserKnobs =
        { "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_", "MALLOC_ARENA_MAX" };

    /// <summary>Whether to set the policy, given how to read an environment variable.</summary>
    public static bool Applies(Func<string, string?> environment)
    {
        if (string.Equals(environment(Variable), "default", StringComparison.OrdinalIgnoreCase)) return false;
        if (UserKnobs.Any(k => environment(k) != null)) return false;
        return environment("GLIBC_TUNABLES") is not { } tunables || !tunables.Contains("glibc.malloc.", StringComparison.Ordinal);
    }
}
