using Medley.Torch.Native;

namespace Medley.Torch.Tests;

/// <summary>The heap policy Medley sets at load (MemoryPolicy, native/src/memory_policy.cpp), and when it stands aside.</summary>
public class MemoryPolicyTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        key => vars.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public void AppliesUnlessTheUserTunedMallocOrOptedOut()
    {
        Assert.True(MemoryPolicy.Applies(Env()));
        Assert.True(MemoryPolicy.Applies(Env(("GLIBC_TUNABLES", "glibc.cpu.hwcaps=-AVX512F"))));
        Assert.True(MemoryPolicy.Applies(Env(("MEDLEY_MALLOC", "keep"))));
        Assert.False(MemoryPolicy.Applies(Env(("MEDLEY_MALLOC", "default"))));
        Assert.False(MemoryPolicy.Applies(Env(("MEDLEY_MALLOC", "DEFAULT"))));
        Assert.False(MemoryPolicy.Applies(Env(("MALLOC_TRIM_THRESHOLD_", "131072"))));
        Assert.False(MemoryPolicy.Applies(Env(("MALLOC_ARENA_MAX", "2"))));
        Assert.False(MemoryPolicy.Applies(Env(("GLIBC_TUNABLES", "glibc.malloc.mmap_threshold=1048576"))));
    }

    [Fact]
    public void TheNativeKnobsTakeValidThresholdsAndRefuseOthers()
    {
        using var t = Tensor.Zeros(2); // the engine is loaded (and has set the policy once already)
        if (OperatingSystem.IsLinux())
            Assert.Equal(0, NativeMethods.mdl_keep_freed_memory(MemoryPolicy.MmapThreshold, MemoryPolicy.TrimThreshold));
        Assert.Equal(-1, NativeMethods.mdl_keep_freed_memory(0, MemoryPolicy.TrimThreshold));
        Assert.Equal(-1, NativeMethods.mdl_keep_freed_memory(MemoryPolicy.MmapThreshold, 1L << 40));
    }
}
