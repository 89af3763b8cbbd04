using System.Runtime.InteropServices;
using Medley.Torch.Native;

namespace Medley.Data.Imaging;

/// <summary>P/Invoke declaration for native/src/image_augment.cpp (the fused 8-bit augmentation pass).</summary>
internal static unsafe class NativeAugment
{
    private const string Lib = NativeLibraryHook.LibraryName;

    static NativeAugment() => NativeLibraryHook.Register(typeof(NativeAugment).Assembly);

    [DllImport(Lib)] internal static extern int mdl_img_augment_chw_u8(byte* src, int width, int height, int channels,
        int x0, int y0, int cropW, int cropH, int flip, float* scale, float* shift, float* dst, int outW, int outH,
        double sigma, int ksize);
}
