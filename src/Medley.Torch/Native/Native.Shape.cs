using System.Runtime.InteropServices;

namespace Medley.Torch.Native;

/// <summary>P/Invoke declarations for native/src/ops_shape.cpp.</summary>
internal static unsafe partial class NativeMethods
{
    [DllImport(Lib)] internal static extern IntPtr mdl_permute(IntPtr t, long* dims, long n);
    [DllImport(Lib)] internal static extern IntPtr mdl_transpose(IntPtr t, long d0, long d1);
    [DllImport(Lib)] internal static extern IntPtr mdl_t(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_squeeze(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_squeeze_dim(IntPtr t, long dim);
    [DllImport(Lib)] internal static extern IntPtr mdl_unsqueeze(IntPtr t, long dim);
    [DllImport(Lib)] internal static extern IntPtr mdl_expand(IntPtr t, long* sizes, long n);
    [DllImport(Lib)] internal static extern IntPtr mdl_expand_as(IntPtr t, IntPtr other);
    [DllImport(Lib)] internal static extern IntPtr mdl_flatten(IntPtr t, long start, long end);
    [DllImport(Lib)] internal static extern IntPtr mdl_unflatten(IntPtr t, long dim, long* sizes, long n);
    [DllImport(Lib)] internal static extern IntPtr mdl_repeat(IntPtr t, long* repeats, long n);
    [DllImport(Lib)] internal static extern IntPtr mdl_cat(IntPtr* tensors, long n, long dim);
    [DllImport(Lib)] internal static extern IntPtr mdl_stack(IntPtr* tensors, long n, long dim);
    [DllImport(Lib)] internal static extern long mdl_split(IntPtr t, long size, long dim, IntPtr* output, long capacity);
    [DllImport(Lib)] internal static extern long mdl_split_sizes(IntPtr t, long* sizes, long n, long dim, IntPtr* output, long capacity);
    [DllImport(Lib)] internal static extern long mdl_chunk(IntPtr t, long chunks, long dim, IntPtr* output, long capacity);
    [DllImport(Lib)] internal static extern long mdl_unbind(IntPtr t, long dim, IntPtr* output, long capacity);
    [DllImport(Lib)] internal static extern IntPtr mdl_narrow(IntPtr t, long dim, long start, long length);
    [DllImport(Lib)] internal static extern IntPtr mdl_select(IntPtr t, long dim, long index);
    [DllImport(Lib)] internal static extern IntPtr mdl_slice(IntPtr t, long dim, long start, long end, long step);
    [DllImport(Lib)] internal static extern IntPtr mdl_flip(IntPtr t, long* dims, long n);
    [DllImport(Lib)] internal static extern IntPtr mdl_roll(IntPtr t, long* shifts, long ns, long* dims, long nd);
    [DllImport(Lib)] internal static extern IntPtr mdl_tril(IntPtr t, long diagonal);
    [DllImport(Lib)] internal static extern IntPtr mdl_triu(IntPtr t, long diagonal);
}
