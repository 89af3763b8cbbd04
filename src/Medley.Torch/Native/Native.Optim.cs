using System.Runtime.InteropServices;

namespace Medley.Torch.Native;

/// <summary>P/Invoke declarations for native/src/ops_optim.cpp (optimiser and gradient-clipping helpers).</summary>
internal static unsafe partial class NativeMethods
{
    [DllImport(Lib)] internal static extern IntPtr mdl_optim_norm(IntPtr t, double p);
    [DllImport(Lib)] internal static extern IntPtr mdl_optim_stack(IntPtr* handles, long count);
    [DllImport(Lib)] internal static extern IntPtr mdl_optim_sqrt(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_optim_reciprocal(IntPtr t);
    [DllImport(Lib)] internal static extern int mdl_optim_div_scalar_(IntPtr t, double s);
    [DllImport(Lib)] internal static extern int mdl_optim_clamp_(IntPtr t, double min, int hasMin, double max, int hasMax);
}
