using System.Runtime.InteropServices;
using Medley.Torch.Native;

namespace Medley.Data.Imaging;

/// <summary>P/Invoke declarations for native/src/image_io.cpp (OpenCV) and dicom_io.cpp (GDCM).</summary>
internal static unsafe class NativeImaging
{
    private const string Lib = NativeLibraryHook.LibraryName;

    static NativeImaging() => NativeLibraryHook.Register(typeof(NativeImaging).Assembly);

    [DllImport(Lib)] private static extern IntPtr mdl_take_error();

    // image_io.cpp
    [DllImport(Lib)] internal static extern IntPtr mdl_img_decode(byte* data, long length, int color, int keep16Bit, int targetW, int targetH, int interp, long* info);
    [DllImport(Lib)] internal static extern IntPtr mdl_img_encode(void* pixels, int width, int height, int channels, int bytesPerChannel, [MarshalAs(UnmanagedType.LPUTF8Str)] string ext, int quality, long* outLength);
    [DllImport(Lib)] internal static extern long mdl_img_blob_size(IntPtr blob);
    [DllImport(Lib)] internal static extern int mdl_img_blob_copy(IntPtr blob, void* dst, long nbytes);
    [DllImport(Lib)] internal static extern void mdl_img_blob_free(IntPtr blob);
    [DllImport(Lib)] internal static extern int mdl_img_resize(void* src, int width, int height, int channels, int bytesPerChannel, void* dst, int targetW, int targetH, int interp);
    [DllImport(Lib)] internal static extern int mdl_img_crop_resize_flip(void* src, int width, int height, int channels, int bytesPerChannel,
        int x0, int y0, int cropW, int cropH, int flip, void* dst, int targetW, int targetH, int interp);
    [DllImport(Lib)] internal static extern int mdl_img_gaussian_blur(float* pixels, int width, int height, int channels, double sigma, int ksize);
    [DllImport(Lib)] internal static extern void mdl_img_set_threads(int n);

    // dicom_io.cpp
    [DllImport(Lib)] internal static extern IntPtr mdl_dicom_read([MarshalAs(UnmanagedType.LPUTF8Str)] string path, double* meta, byte* uid, int uidCap);
    [DllImport(Lib)] internal static extern long mdl_dicom_buffer_count(IntPtr buffer);
    [DllImport(Lib)] internal static extern int mdl_dicom_buffer_copy(IntPtr buffer, float* dst, long count);
    [DllImport(Lib)] internal static extern void mdl_dicom_buffer_free(IntPtr buffer);
    [DllImport(Lib)] internal static extern int mdl_dicom_write([MarshalAs(UnmanagedType.LPUTF8Str)] string path, void* pixels, int rows, int cols, int bits, int isSigned,
        double* geometry, double slope, double intercept, int instanceNumber, int monochrome1,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string modality, [MarshalAs(UnmanagedType.LPUTF8Str)] string studyUid,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string seriesUid, [MarshalAs(UnmanagedType.LPUTF8Str)] string frameUid);

    /// <summary>The native layer's last error on this thread, or a fallback text.</summary>
    internal static string TakeError()
    {
        var p = mdl_take_error();
        return p == IntPtr.Zero ? "the native call failed without a message" : Marshal.PtrToStringUTF8(p)!;
    }

    /// <summary>Indices into the metadata array filled by mdl_dicom_read (the Meta enum in dicom_io.cpp).</summary>
    internal static class DicomMeta
    {
        public const int Rows = 0, Cols = 1, Frames = 2, Samples = 3, BitsAllocated = 4, BitsStored = 5, Signed = 6,
            Slope = 7, Intercept = 8, HasPosition = 9, PosX = 10, HasOrientation = 13, RowX = 14,
            HasSpacing = 20, SpacingRow = 21, SpacingCol = 22, SliceThickness = 23, HasInstance = 24, Instance = 25,
            Photometric = 26, Count = 27;
    }
}
