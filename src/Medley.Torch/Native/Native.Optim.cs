using System.Runtime.InteropServices;

namespace Medley.Torch.Native;

/// <summary>P/Invoke declarations for native/src/ops_optim.cpp (optimiser helpers).</summary>
internal static unsafe partial class NativeMethods
{
    [DllImport(Lib)] internal static extern int mdl_optim_div_scalar_(IntPtr t, double s);
    [DllImport(Lib)] internal static extern int mdl_optim_adam_fused_(IntPtr param, IntPtr grad, IntPtr expAvg, IntPtr expAvgSq,
        IntPtr maxExpAvgSq, double lr, double beta1, double beta2, double eps, double weightDecay, int decoupled, int maximize,
        double stepSize, double biasCorrection2Sqrt);
}
