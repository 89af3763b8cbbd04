namespace Medley.Data.Imaging;

/// <summary>Resampling filters, with OpenCV's semantics (codes match native/src/image_io.cpp).</summary>
public enum Interpolation
{
    /// <summary>cv::INTER_LINEAR: half-pixel centres, edge pixels replicated.</summary>
    Bilinear = 0,
    /// <summary>cv::INTER_AREA: pixel-area averaging (best for shrinking).</summary>
    Area = 1,
    Nearest = 2,
    Bicubic = 3,
}

/// <summary>Which channels a decoded image gets.</summary>
public enum ColorMode
{
    /// <summary>Gray files stay gray, colour files become RGB (alpha dropped).</summary>
    AsStored = 0,
    Gray = 1,
    Rgb = 2,
}
