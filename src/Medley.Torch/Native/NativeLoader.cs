using System.Reflection;
using System.Runtime.InteropServices;

namespace Medley.Torch.Native;

/// <summary>Finds libmedley_native.so: $MEDLEY_NATIVE_LIB, next to the assembly, or a native/build folder above it.</summary>
internal static class NativeLoader
{
    public const string LibraryName = "medley_native";
    private const string FileName = "libmedley_native.so";
    private static readonly HashSet<Assembly> Registered = new();

    public static void Register() => RegisterFor(typeof(NativeLoader).Assembly);

    /// <summary>Resolves "medley_native" for another assembly's DllImports (the resolver is per assembly).</summary>
    public static void RegisterFor(Assembly assembly)
    {
        lock (Registered)
            if (!Registered.Add(assembly)) return;
        NativeLibrary.SetDllImportResolver(assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != LibraryName) return IntPtr.Zero;
        QuietIdleThreads();
        var tried = new List<string>();
        foreach (var candidate in Candidates())
        {
            tried.Add(candidate);
            if (!File.Exists(candidate)) continue;
            try
            {
                return NativeLibrary.Load(candidate);
            }
            catch (DllNotFoundException e)
            {
                throw new DllNotFoundException(
                    $"Found {candidate} but could not load it (is libtorch installed? {e.Message}). " + SetupHint);
            }
        }
        throw new DllNotFoundException(
            $"Medley's native library ({FileName}) was not found; looked in: {string.Join(", ", tried)}. " + SetupHint);
    }

    private static readonly object PolicyLock = new();
    private static bool policySet;

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetNativeEnvironment(string name, string value, int overwrite);

    /// <summary>
    /// libtorch's OpenMP threads busy-wait between parallel regions by default, while OpenBLAS runs every GEMM on its
    /// own threads over all cores: with two intra-op threads on two cores the spinners and the GEMM threads fight, and
    /// training and inference ran 2–5× slower than with one thread (bench/RESULTS.md). Idle OpenMP threads therefore
    /// sleep at once unless the user chose a policy. libgomp reads this when it loads, so it is set just before
    /// libtorch is, through libc (Environment.SetEnvironmentVariable does not reach native getenv).
    /// </summary>
    private static void QuietIdleThreads()
    {
        // Once, on the first resolve (before libtorch loads): setenv must not race later native getenv calls.
        lock (PolicyLock)
        {
            if (policySet) return;
            policySet = true;
        }
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") != null || Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") != null)
            return;
        try
        {
            SetNativeEnvironment("GOMP_SPINCOUNT", "0", 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: keep the runtime's default policy.
        }
    }

    internal const string SetupHint =
        "Run scripts/setup.sh: on Debian/Ubuntu as root it installs libtorch-dev and builds the native layer; " +
        "elsewhere set LIBTORCH=/path/to/libtorch (a pytorch.org download, CPU or CUDA) and run it again.";

    private static IEnumerable<string> Candidates()
    {
        var env = Environment.GetEnvironmentVariable("MEDLEY_NATIVE_LIB");
        if (!string.IsNullOrEmpty(env)) yield return env;
        yield return Path.Combine(AppContext.BaseDirectory, FileName);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            yield return Path.Combine(dir.FullName, "native", "build", FileName);
    }
}
