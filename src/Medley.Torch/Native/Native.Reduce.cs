using System.Runtime.InteropServices;

namespace Medley.Torch.Native;

/// <summary>P/Invoke declarations for native/src/ops_reduce.cpp.</summary>
internal static unsafe partial class NativeMethods
{
    [DllImport(Lib)] internal static extern IntPtr mdl_sum_dims(IntPtr t, long* dims, long n, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr mdl_mean_dims(IntPtr t, long* dims, long n, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr mdl_var(IntPtr t, long* dims, long n, long correction, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr mdl_std(IntPtr t, long* dims, long n, long correction, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr mdl_max_all(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_min_all(IntPtr t);
    [DllImport(Lib)] internal static extern int mdl_max_dim(IntPtr t, long dim, int keepdim, IntPtr* values, IntPtr* indices);
    [DllImport(Lib)] internal static extern int mdl_min_dim(IntPtr t, long dim, int keepdim, IntPtr* values, IntPtr* indices);
    [DllImport(Lib)] internal static extern IntPtr mdl_amax(IntPtr t, long* dims, long n, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr mdl_amin(IntPtr t, long* dims, long n, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr mdl_argmax(IntPtr t, long dim, int hasDim, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr mdl_argmin(IntPtr t, long dim, int hasDim, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr mdl_prod_all(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_prod_dim(IntPtr t, long dim, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr mdl_logsumexp(IntPtr t, long* dims, long n, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr mdl_norm(IntPtr t, double p, long* dims, long n, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr mdl_all_all(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_all_dim(IntPtr t, long dim, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr mdl_any_all(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_any_dim(IntPtr t, long dim, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr mdl_cumsum(IntPtr t, long dim);
    [DllImport(Lib)] internal static extern IntPtr mdl_cumprod(IntPtr t, long dim);
    [DllImport(Lib)] internal static extern int mdl_topk(IntPtr t, long k, long dim, int largest, int sorted, IntPtr* values, IntPtr* indices);
    [DllImport(Lib)] internal static extern int mdl_sort(IntPtr t, long dim, int descending, int stable, IntPtr* values, IntPtr* indices);
    [DllImport(Lib)] internal static extern IntPtr mdl_argsort(IntPtr t, long dim, int descending);
    [DllImport(Lib)] internal static extern int mdl_unique(IntPtr t, int sorted, IntPtr* values, IntPtr* inverse, IntPtr* counts);
    [DllImport(Lib)] internal static extern IntPtr mdl_count_nonzero(IntPtr t, long* dims, long n);
    [DllImport(Lib)] internal static extern IntPtr mdl_bincount(IntPtr t, IntPtr weights, long minlength);
}
