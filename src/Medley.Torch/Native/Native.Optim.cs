using System.Runtime.InteropServices;

namespace Medley.Torch.Native;

/// <summary>P/Invoke declarations for native/src/ops_optim.cpp (optimiser helpers).</summary>
internal static unsafe partial class NativeMethods
{
    [DllImport(Lib)] internal static extern int mdl_optim_div_scalar_(IntPtr t, double s);
}
