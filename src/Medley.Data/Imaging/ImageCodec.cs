namespace Medley.Data.Imaging;

/// <summary>Options for <see cref="ImageCodec.Read(string, ImageReadOptions?)"/>.</summary>
public sealed record ImageReadOptions
{
    public ColorMode Color { get; init; } = ColorMode.AsStored;
    /// <summary>Keep 16-bit PNG/TIFF pixels as uint16 (otherwise scaled to uint8).</summary>
    public bool Keep16Bit { get; init; } = true;
    /// <summary>Resize to this width × height while decoding (null = keep the stored size).</summary>
    public int? Width { get; init; }
    public int? Height { get; init; }
    public Interpolation Interpolation { get; init; } = Interpolation.Bilinear;
}

/// <summary>
/// Reads and writes PNG, JPEG, BMP and TIFF files through OpenCV (native/src/image_io.cpp); DICOM files found
/// among images are read through <see cref="DicomFile"/>. Every failure is a <see cref="DataFileException"/>
/// naming the file.
/// </summary>
public static unsafe class ImageCodec
{
    /// <summary>Decodes an image file into HWC pixels (RGB order), optionally resized.</summary>
    public static ImageData Read(string path, ImageReadOptions? options = null)
    {
        options ??= new ImageReadOptions();
        var bytes = ReadFileBytes(path);
        return Decode(bytes, path, options);
    }

    /// <summary>Decodes an image already in memory; <paramref name="name"/> is used in error messages.</summary>
    public static ImageData Decode(byte[] bytes, string name, ImageReadOptions? options = null)
    {
        options ??= new ImageReadOptions();
        if (options.Width is <= 0 || options.Height is <= 0 || options.Width.HasValue != options.Height.HasValue)
            throw new ArgumentException($"resize target must give both width and height as positive numbers, got {options.Width}×{options.Height}");
        if (bytes.Length == 0) throw new DataFileException(name, "the file is empty (0 bytes), not an image");
        var format = ImageFileCheck.Detect(bytes)
            ?? throw new DataFileException(name, $"not a supported image (PNG, JPEG, BMP, TIFF or DICOM): unrecognised leading bytes {Preview(bytes)}");
        if (format == ImageFormat.Dicom) return FromDicom(name, options);
        var problem = ImageFileCheck.FindStructuralProblem(format, bytes);
        if (problem != null) throw new DataFileException(name, problem);

        var info = stackalloc long[4];
        IntPtr blob;
        fixed (byte* p = bytes)
            blob = NativeImaging.mdl_img_decode(p, bytes.Length, (int)options.Color, options.Keep16Bit ? 1 : 0,
                options.Width ?? 0, options.Height ?? 0, (int)options.Interpolation, info);
        if (blob == IntPtr.Zero) throw new DataFileException(name, $"{format} decoding failed: {NativeImaging.TakeError()}");
        try
        {
            var pixels = CopyBlob(blob, name);
            return new ImageData(pixels, (int)info[0], (int)info[1], (int)info[2], (PixelDepth)info[3]);
        }
        finally
        {
            NativeImaging.mdl_img_blob_free(blob);
        }
    }

    /// <summary>Writes an image; the format follows the extension (.png, .jpg/.jpeg, .tif/.tiff, .bmp).
    /// JPEG and BMP take 8-bit pixels only; PNG and TIFF also take 16-bit.</summary>
    public static void Write(string path, ImageData image, int jpegQuality = 95)
    {
        File.WriteAllBytes(path, Encode(image, Path.GetExtension(path), jpegQuality, path));
    }

    /// <summary>Encodes to the format named by an extension such as ".png".</summary>
    public static byte[] Encode(ImageData image, string extension, int jpegQuality = 95, string? name = null)
    {
        var ext = extension.ToLowerInvariant();
        if (ext is not (".png" or ".jpg" or ".jpeg" or ".tif" or ".tiff" or ".bmp"))
            throw new ArgumentException($"cannot write images as '{extension}'{(name != null ? $" ({name})" : "")}: use .png, .jpg, .jpeg, .tif, .tiff or .bmp");
        if (jpegQuality is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(jpegQuality), jpegQuality, "JPEG quality is 0-100");
        if (image.Depth == PixelDepth.Float32 || (image.Depth == PixelDepth.UInt16 && ext is ".jpg" or ".jpeg" or ".bmp"))
            throw new ArgumentException($"{ext} files cannot hold {image.Depth} pixels; convert to 8-bit first (PNG/TIFF also take 16-bit)");
        long length;
        IntPtr blob;
        fixed (byte* p = image.Bytes)
            blob = NativeImaging.mdl_img_encode(p, image.Width, image.Height, image.Channels, (int)image.Depth, ext, jpegQuality, &length);
        if (blob == IntPtr.Zero) throw new DataFileException(name ?? ext, $"encoding failed: {NativeImaging.TakeError()}");
        try
        {
            return CopyBlob(blob, name ?? ext);
        }
        finally
        {
            NativeImaging.mdl_img_blob_free(blob);
        }
    }

    /// <summary>Resizes with OpenCV's cv::resize semantics (bilinear uses half-pixel centres).</summary>
    public static ImageData Resize(ImageData image, int width, int height, Interpolation interpolation = Interpolation.Bilinear)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"resize target must be positive, got {width}×{height}");
        var output = new byte[(long)width * height * image.Channels * (int)image.Depth];
        fixed (byte* src = image.Bytes)
        fixed (byte* dst = output)
        {
            if (NativeImaging.mdl_img_resize(src, image.Width, image.Height, image.Channels, (int)image.Depth, dst, width, height, (int)interpolation) != 0)
                throw new InvalidOperationException($"resize failed: {NativeImaging.TakeError()}");
        }
        return new ImageData(output, width, height, image.Channels, image.Depth);
    }

    /// <summary>Resizes float HWC pixels (used by augmentation) into a new array.</summary>
    internal static float[] ResizeFloat(float[] hwc, int width, int height, int channels, int targetW, int targetH, Interpolation interpolation)
    {
        var output = new float[targetW * targetH * channels];
        fixed (float* src = hwc)
        fixed (float* dst = output)
        {
            if (NativeImaging.mdl_img_resize(src, width, height, channels, 4, dst, targetW, targetH, (int)interpolation) != 0)
                throw new InvalidOperationException($"resize failed: {NativeImaging.TakeError()}");
        }
        return output;
    }

    /// <summary>OpenCV's own worker threads; loaders decoding on many threads set 1 to avoid oversubscription.</summary>
    public static void SetOpenCvThreads(int n) => NativeImaging.mdl_img_set_threads(n);

    internal static byte[] ReadFileBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            throw new DataFileException(path, "the file does not exist");
        }
        catch (DirectoryNotFoundException)
        {
            throw new DataFileException(path, "the file's folder does not exist");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException(path, $"cannot read the file: {e.Message}", e);
        }
    }

    private static byte[] CopyBlob(IntPtr blob, string name)
    {
        var result = new byte[NativeImaging.mdl_img_blob_size(blob)];
        fixed (byte* d = result)
            if (NativeImaging.mdl_img_blob_copy(blob, d, result.Length) != 0)
                throw new DataFileException(name, NativeImaging.TakeError());
        return result;
    }

    private static ImageData FromDicom(string name, ImageReadOptions options)
    {
        var dicom = DicomFile.Read(name);
        if (dicom.Frames != 1 || dicom.SamplesPerPixel != 1)
            throw new DataFileException(name, $"a 2D image was expected but the DICOM file has {dicom.Frames} frames × {dicom.SamplesPerPixel} samples per pixel");
        var image = ImageData.FromFloat(dicom.Values, dicom.Columns, dicom.Rows, 1);
        return options.Width is { } w && options.Height is { } h && (w != image.Width || h != image.Height)
            ? Resize(image, w, h, options.Interpolation)
            : image;
    }

    private static string Preview(byte[] bytes) =>
        string.Join(" ", bytes.Take(8).Select(b => b.ToString("X2")));
}
