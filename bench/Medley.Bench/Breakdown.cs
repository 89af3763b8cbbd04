using System.Diagnostics;
using Medley.Torch;
using Medley.Torch.Native;

namespace Medley.Bench;

/// <summary>
/// Where the per-op time of a tiny add goes (run with `Medley.Bench breakdown`): the raw P/Invoke + libtorch floor,
/// then the managed Tensor wrapper, then scope registration.
/// </summary>
public static class Breakdown
{
    public static readonly (string Name, Func<double> Run)[] All =
    {
        ("raw_add_free", RawAddFree),
        ("raw_add_free_batched1000", RawBatched),
        ("raw_add_free_no_cctor", RawAddFreeBare),
        ("wrapper_alloc_dispose", WrapperOnly),
        ("raw_add_free_fnptr", () => RawFunctionPointers(suppressTransition: false)),
        ("raw_add_free_fnptr_suppress_free", () => RawFunctionPointers(suppressTransition: true)),
    };

    // The same calls through unmanaged function pointers instead of DllImport stubs; optionally mdl_free without
    // the GC transition (it only deletes a handle, so it is short and never calls back into .NET).
    private static unsafe double RawFunctionPointers(bool suppressTransition)
    {
        var lib = System.Runtime.InteropServices.NativeLibrary.Load(NativeLoader.LibraryName, typeof(Tensor).Assembly, null);
        var add = (delegate* unmanaged<IntPtr, IntPtr, double, IntPtr>)System.Runtime.InteropServices.NativeLibrary.GetExport(lib, "mdl_add");
        var freeExport = System.Runtime.InteropServices.NativeLibrary.GetExport(lib, "mdl_free");
        var free = (delegate* unmanaged<IntPtr, void>)freeExport;
        var freeFast = (delegate* unmanaged[SuppressGCTransition]<IntPtr, void>)freeExport;
        using var a = Tensor.Ones(2, 2).DetachFromScope();
        using var b = Tensor.Ones(2, 2).DetachFromScope();
        var ha = a.Handle;
        var hb = b.Handle;
        var sw = Stopwatch.StartNew();
        if (suppressTransition)
            for (var i = 0; i < Benchmarks.TinyOps; i++) freeFast(add(ha, hb, 1));
        else
            for (var i = 0; i < Benchmarks.TinyOps; i++) free(add(ha, hb, 1));
        return sw.Elapsed.TotalMicroseconds / Benchmarks.TinyOps;
    }

    // mdl_add + mdl_free straight through P/Invoke: no Tensor object, no error check.
    private static double RawAddFree()
    {
        using var a = Tensor.Ones(2, 2).DetachFromScope();
        using var b = Tensor.Ones(2, 2).DetachFromScope();
        var ha = a.Handle;
        var hb = b.Handle;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < Benchmarks.TinyOps; i++) NativeMethods.mdl_free(NativeMethods.mdl_add(ha, hb, 1));
        return sw.Elapsed.TotalMicroseconds / Benchmarks.TinyOps;
    }

    // As RawAddFree through DllImports declared in a class without a static constructor.
    private static double RawAddFreeBare()
    {
        using var a = Tensor.Ones(2, 2).DetachFromScope();
        using var b = Tensor.Ones(2, 2).DetachFromScope();
        var ha = a.Handle;
        var hb = b.Handle;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < Benchmarks.TinyOps; i++) BareImports.mdl_free(BareImports.mdl_add(ha, hb, 1));
        return sw.Elapsed.TotalMicroseconds / Benchmarks.TinyOps;
    }

    // As above but 1000 results alive at once before freeing (what a scope does to the native allocator).
    private static double RawBatched()
    {
        using var a = Tensor.Ones(2, 2).DetachFromScope();
        using var b = Tensor.Ones(2, 2).DetachFromScope();
        var ha = a.Handle;
        var hb = b.Handle;
        var held = new IntPtr[1000];
        var sw = Stopwatch.StartNew();
        for (var done = 0; done < Benchmarks.TinyOps; done += held.Length)
        {
            for (var i = 0; i < held.Length; i++) held[i] = NativeMethods.mdl_add(ha, hb, 1);
            for (var i = 0; i < held.Length; i++) NativeMethods.mdl_free(held[i]);
        }
        return sw.Elapsed.TotalMicroseconds / Benchmarks.TinyOps;
    }

    // The managed wrapper alone: a Tensor around an existing handle alias, then Dispose.
    private static double WrapperOnly()
    {
        using var a = Tensor.Ones(2, 2).DetachFromScope();
        var ha = a.Handle;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < Benchmarks.TinyOps; i++)
        {
            var t = new Tensor(NativeMethods.mdl_alias(ha), registerInScope: false);
            t.Dispose();
        }
        var total = sw.Elapsed.TotalMicroseconds / Benchmarks.TinyOps;
        // Subtract the alias + free P/Invoke pair so only the managed part remains.
        sw.Restart();
        for (var i = 0; i < Benchmarks.TinyOps; i++) NativeMethods.mdl_free(NativeMethods.mdl_alias(ha));
        return total - sw.Elapsed.TotalMicroseconds / Benchmarks.TinyOps;
    }
}
