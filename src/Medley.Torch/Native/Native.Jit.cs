using System.Runtime.InteropServices;

namespace Medley.Torch.Native;

/// <summary>P/Invoke declarations for native/src/jit.cpp (TorchScript modules).</summary>
internal static unsafe partial class NativeMethods
{
    [DllImport(Lib)] internal static extern IntPtr mdl_jit_load([MarshalAs(UnmanagedType.LPUTF8Str)] string path);
    [DllImport(Lib)] internal static extern void mdl_jit_free(IntPtr module);
    [DllImport(Lib)] internal static extern long mdl_jit_forward(IntPtr module, IntPtr* inputs, long count, IntPtr* output, long capacity);
    [DllImport(Lib)] internal static extern long mdl_jit_member_count(IntPtr module, int kind);
    [DllImport(Lib)] internal static extern IntPtr mdl_jit_member(IntPtr module, int kind, long index);
    [DllImport(Lib)] internal static extern IntPtr mdl_jit_member_name();
    [DllImport(Lib)] internal static extern int mdl_jit_train(IntPtr module, int on);
    [DllImport(Lib)] internal static extern int mdl_jit_is_training(IntPtr module);
}
