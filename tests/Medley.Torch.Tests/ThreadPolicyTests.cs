using System.Runtime.InteropServices;

namespace Medley.Torch.Tests;

/// <summary>Loading the engine makes idle OpenMP threads sleep (unless the user chose a policy): see NativeLoader.</summary>
public class ThreadPolicyTests
{
    [DllImport("libc", EntryPoint = "getenv")]
    private static extern IntPtr NativeGetenv(string name);

    [Fact]
    public void IdleOpenMpThreadsSleepUnlessTheUserChoseAPolicy()
    {
        using var t = Tensor.Zeros(2); // the engine is loaded
        var native = Marshal.PtrToStringAnsi(NativeGetenv("GOMP_SPINCOUNT"));
        var userSpin = Environment.GetEnvironmentVariable("GOMP_SPINCOUNT");
        if (userSpin != null) Assert.Equal(userSpin, native);
        else if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") != null) Assert.Null(native);
        else Assert.Equal("0", native);
    }
}
