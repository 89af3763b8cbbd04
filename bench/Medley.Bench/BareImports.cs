using System.Runtime.InteropServices;
using Medley.Torch.Native;

namespace Medley.Bench;

/// <summary>
/// The same two exports as NativeMethods declares, in a class without a static constructor: tells whether
/// NativeMethods' static constructor (class-initialisation checks around each P/Invoke) costs anything.
/// The resolver for this assembly is installed by Program.Main before any call.
/// </summary>
internal static class BareImports
{
    [DllImport(NativeLibraryHook.LibraryName)] internal static extern IntPtr mdl_add(IntPtr a, IntPtr b, double alpha);
    [DllImport(NativeLibraryHook.LibraryName)] internal static extern void mdl_free(IntPtr h);
}
