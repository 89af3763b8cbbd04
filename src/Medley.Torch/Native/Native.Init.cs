using System.Runtime.InteropServices;

namespace Medley.Torch.Native;

/// <summary>P/Invoke declarations for native/src/ops_init.cpp (no-grad in-place ops used by NN.Init).</summary>
internal static unsafe partial class NativeMethods
{
    [DllImport(Lib)] internal static extern int mdl_init_erfinv_(IntPtr t);
    [DllImport(Lib)] internal static extern int mdl_init_clamp_(IntPtr t, double min, double max);
    [DllImport(Lib)] internal static extern int mdl_init_affine_(IntPtr t, double scale, double shift);
    [DllImport(Lib)] internal static extern int mdl_init_fill_(IntPtr t, double value);
}
