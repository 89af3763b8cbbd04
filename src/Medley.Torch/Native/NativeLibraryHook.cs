using System.Reflection;

namespace Medley.Torch.Native;

/// <summary>
/// Lets other Medley assemblies declare their own [DllImport("medley_native")] functions (e.g. Medley.Data's
/// image and DICOM readers) and find the same native library Medley.Torch uses.
/// </summary>
public static class NativeLibraryHook
{
    /// <summary>The name to use in DllImport attributes.</summary>
    public const string LibraryName = NativeLoader.LibraryName;

    /// <summary>Installs Medley's library resolver for the given assembly (idempotent).</summary>
    public static void Register(Assembly assembly) => NativeLoader.RegisterFor(assembly);
}
