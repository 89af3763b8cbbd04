using System.Runtime.InteropServices;

namespace Medley.Torch.Native;

/// <summary>P/Invoke declarations for native/src/ops_index.cpp.</summary>
internal static unsafe partial class NativeMethods
{
    [DllImport(Lib)] internal static extern IntPtr mdl_index_select(IntPtr t, long dim, IntPtr index);
    [DllImport(Lib)] internal static extern IntPtr mdl_masked_select(IntPtr t, IntPtr mask);
    [DllImport(Lib)] internal static extern IntPtr mdl_masked_fill(IntPtr t, IntPtr mask, double value, int isIntegral);
    [DllImport(Lib)] internal static extern int mdl_masked_fill_(IntPtr t, IntPtr mask, double value, int isIntegral);
    [DllImport(Lib)] internal static extern IntPtr mdl_gather(IntPtr t, long dim, IntPtr index);
    [DllImport(Lib)] internal static extern IntPtr mdl_scatter(IntPtr t, long dim, IntPtr index, IntPtr src);
    [DllImport(Lib)] internal static extern IntPtr mdl_scatter_value(IntPtr t, long dim, IntPtr index, double value, int isIntegral);
    [DllImport(Lib)] internal static extern IntPtr mdl_scatter_add(IntPtr t, long dim, IntPtr index, IntPtr src);
    [DllImport(Lib)] internal static extern IntPtr mdl_index(IntPtr t, IntPtr* indices, long n);
    [DllImport(Lib)] internal static extern int mdl_index_put_(IntPtr t, IntPtr* indices, long n, IntPtr values, int accumulate);
    [DllImport(Lib)] internal static extern IntPtr mdl_index_ints(IntPtr t, long* indices, long n);
    [DllImport(Lib)] internal static extern IntPtr mdl_nonzero(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_where(IntPtr cond, IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mdl_where_scalar(IntPtr cond, IntPtr a, double value, int isIntegral);
}
