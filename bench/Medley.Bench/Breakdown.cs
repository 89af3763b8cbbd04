using Medley.Torch;
using Medley.Torch.Native;

namespace Medley.Bench;

/// <summary>
/// Where the per-op time of a tiny add goes (run with `Medley.Bench breakdown`): the raw P/Invoke + libtorch floor,
/// then the managed Tensor wrapper, then scope registration.
/// </summary>
public static class Breakdown
{
    public static readonly (string Name, Func<Timing> Run)[] All =
    {
        ("tensor_add_dispose", () => Benchmarks.All[1].Run()),
        ("raw_add_free", RawAddFree),
        ("raw_add_free_batched1000", RawBatched),
        ("raw_add_free_no_cctor", RawAddFreeBare),
        ("wrapper_alloc_dispose", WrapperOnly),
        ("object_with_finalizer", ObjectWithFinalizer),
        ("object_without_finalizer", ObjectWithoutFinalizer),
        ("raw_add_free_fnptr", () => RawFunctionPointers(suppressTransition: false)),
        ("raw_add_free_fnptr_suppress_free", () => RawFunctionPointers(suppressTransition: true)),
    };

    // The same calls through unmanaged function pointers instead of DllImport stubs; optionally mdl_free without
    // the GC transition (it only deletes a handle, so it is short and never calls back into .NET).
    private static unsafe Timing RawFunctionPointers(bool suppressTransition)
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
        var clock = OpClock.Start();
        if (suppressTransition)
            for (var i = 0; i < Benchmarks.TinyOps; i++) freeFast(add(ha, hb, 1));
        else
            for (var i = 0; i < Benchmarks.TinyOps; i++) free(add(ha, hb, 1));
        return clock.PerOp(Benchmarks.TinyOps);
    }

    // mdl_add + mdl_free straight through P/Invoke: no Tensor object, no error check.
    private static Timing RawAddFree()
    {
        using var a = Tensor.Ones(2, 2).DetachFromScope();
        using var b = Tensor.Ones(2, 2).DetachFromScope();
        var ha = a.Handle;
        var hb = b.Handle;
        var clock = OpClock.Start();
        for (var i = 0; i < Benchmarks.TinyOps; i++) NativeMethods.mdl_free(NativeMethods.mdl_add(ha, hb, 1));
        return clock.PerOp(Benchmarks.TinyOps);
    }

    // As RawAddFree through DllImports declared in a class without a static constructor.
    private static Timing RawAddFreeBare()
    {
        using var a = Tensor.Ones(2, 2).DetachFromScope();
        using var b = Tensor.Ones(2, 2).DetachFromScope();
        var ha = a.Handle;
        var hb = b.Handle;
        var clock = OpClock.Start();
        for (var i = 0; i < Benchmarks.TinyOps; i++) BareImports.mdl_free(BareImports.mdl_add(ha, hb, 1));
        return clock.PerOp(Benchmarks.TinyOps);
    }

    // As above but 1000 results alive at once before freeing (what a scope does to the native allocator).
    private static Timing RawBatched()
    {
        using var a = Tensor.Ones(2, 2).DetachFromScope();
        using var b = Tensor.Ones(2, 2).DetachFromScope();
        var ha = a.Handle;
        var hb = b.Handle;
        var held = new IntPtr[1000];
        var clock = OpClock.Start();
        for (var done = 0; done < Benchmarks.TinyOps; done += held.Length)
        {
            for (var i = 0; i < held.Length; i++) held[i] = NativeMethods.mdl_add(ha, hb, 1);
            for (var i = 0; i < held.Length; i++) NativeMethods.mdl_free(held[i]);
        }
        return clock.PerOp(Benchmarks.TinyOps);
    }

    private sealed class Finalizable
    {
        public IntPtr Handle;
        ~Finalizable() => Handle = IntPtr.Zero;
    }

    private sealed class Plain
    {
        public IntPtr Handle;
    }

    // What the finalizer (the last-resort free) costs a wrapper: allocation through the finalizable path plus
    // GC.SuppressFinalize, against the same object without a finalizer.
    private static Timing ObjectWithFinalizer()
    {
        var clock = OpClock.Start();
        for (var i = 0; i < Benchmarks.TinyOps; i++)
        {
            var o = new Finalizable { Handle = (IntPtr)i };
            GC.SuppressFinalize(o);
        }
        return clock.PerOp(Benchmarks.TinyOps);
    }

    private static Timing ObjectWithoutFinalizer()
    {
        var clock = OpClock.Start();
        var keep = IntPtr.Zero;
        for (var i = 0; i < Benchmarks.TinyOps; i++)
        {
            var o = new Plain { Handle = (IntPtr)i };
            keep ^= o.Handle;
        }
        GC.KeepAlive(keep);
        return clock.PerOp(Benchmarks.TinyOps);
    }

    // The managed wrapper alone: a Tensor around an existing handle alias, then Dispose.
    private static Timing WrapperOnly()
    {
        using var a = Tensor.Ones(2, 2).DetachFromScope();
        var ha = a.Handle;
        var clock = OpClock.Start();
        for (var i = 0; i < Benchmarks.TinyOps; i++)
        {
            var t = new Tensor(NativeMethods.mdl_alias(ha), registerInScope: false);
            t.Dispose();
        }
        var total = clock.PerOp(Benchmarks.TinyOps);
        // Subtract the alias + free P/Invoke pair so only the managed part remains.
        clock = OpClock.Start();
        for (var i = 0; i < Benchmarks.TinyOps; i++) NativeMethods.mdl_free(NativeMethods.mdl_alias(ha));
        var raw = clock.PerOp(Benchmarks.TinyOps);
        return new Timing(total.Wall - raw.Wall, total.ThreadCpu - raw.ThreadCpu);
    }
}
