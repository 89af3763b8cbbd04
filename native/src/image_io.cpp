// 2D image codecs and resampling over OpenCV (imgcodecs/imgproc). The managed side reads the file, checks its
// structure and names the file in errors; these functions only decode/encode/resize buffers. Pixels cross the
// boundary as interleaved HWC in RGB order (OpenCV's BGR is converted here), one of uint8, uint16 or float32.
#include "common.h"

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstring>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace {

// Decoded pixels or encoded file bytes, freed by mdl_img_blob_free.
struct Blob {
  cv::Mat mat;
  std::vector<uchar> bytes;
  const uchar* data() const { return mat.empty() ? bytes.data() : mat.ptr<uchar>(); }
  size_t size() const { return mat.empty() ? bytes.size() : mat.total() * mat.elemSize(); }
};

void quiet_opencv() {
  static std::once_flag once;
  std::call_once(once, [] { cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT); });
}

int cv_depth(int bytes_per_channel) {
  switch (bytes_per_channel) {
    case 1: return CV_8U;
    case 2: return CV_16U;
    case 4: return CV_32F;
    default: throw std::invalid_argument("bytes per channel must be 1 (uint8), 2 (uint16) or 4 (float32)");
  }
}

int bytes_of(int depth) { return depth == CV_8U ? 1 : depth == CV_16U ? 2 : 4; }

int cv_interp(int interp) {
  switch (interp) {
    case 0: return cv::INTER_LINEAR;
    case 1: return cv::INTER_AREA;
    case 2: return cv::INTER_NEAREST;
    case 3: return cv::INTER_CUBIC;
    default: throw std::invalid_argument("unknown interpolation code " + std::to_string(interp));
  }
}

// color: 0 = as stored (gray stays gray, colour becomes RGB), 1 = gray, 2 = RGB. Alpha is dropped.
cv::Mat to_color(const cv::Mat& m, int color) {
  int ch = m.channels();
  bool gray_out = color == 1 || (color == 0 && ch == 1);
  cv::Mat out;
  if (gray_out) {
    if (ch == 1) out = m;
    else cv::cvtColor(m, out, ch == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  } else {
    if (ch == 1) cv::cvtColor(m, out, cv::COLOR_GRAY2RGB);
    else cv::cvtColor(m, out, ch == 4 ? cv::COLOR_BGRA2RGB : cv::COLOR_BGR2RGB);
  }
  return out;
}

// uint8 stays, uint16 stays when asked (else scaled to uint8), everything else becomes float32.
cv::Mat to_depth(const cv::Mat& m, int keep_16bit) {
  int d = m.depth();
  cv::Mat out;
  if (d == CV_8U || d == CV_32F) return m;
  if (d == CV_16U) {
    if (keep_16bit) return m;
    m.convertTo(out, CV_8U, 1.0 / 257.0);
    return out;
  }
  m.convertTo(out, CV_32F);
  return out;
}

}  // namespace

// Decodes an encoded image held in memory; optionally resizes to target_w x target_h (0 = keep).
// info[0..3] = width, height, channels, bytes per channel. Returns a Blob or nullptr with an error.
MDL_API void* mdl_img_decode(const uint8_t* data, int64_t length, int color, int keep_16bit, int target_w,
                             int target_h, int interp, int64_t* info) {
  MDL_TRY
  quiet_opencv();
  cv::Mat raw(1, static_cast<int>(length), CV_8U, const_cast<uint8_t*>(data));
  cv::Mat m = cv::imdecode(raw, cv::IMREAD_UNCHANGED);
  if (m.empty()) throw std::runtime_error("the image data could not be decoded (corrupt or unsupported format)");
  if (m.dims != 2 || m.channels() > 4) throw std::runtime_error("unsupported image layout");
  m = to_depth(to_color(m, color), keep_16bit);
  if (target_w > 0 && target_h > 0 && (target_w != m.cols || target_h != m.rows)) {
    cv::Mat r;
    cv::resize(m, r, cv::Size(target_w, target_h), 0, 0, cv_interp(interp));
    m = r;
  }
  auto* blob = new Blob();
  blob->mat = m.isContinuous() ? m : m.clone();
  info[0] = blob->mat.cols;
  info[1] = blob->mat.rows;
  info[2] = blob->mat.channels();
  info[3] = bytes_of(blob->mat.depth());
  return blob;
  MDL_CATCH(nullptr)
}

// Encodes HWC pixels (RGB or gray) to the format named by ext (".png", ".jpg", ".tif", ".bmp").
// quality: JPEG quality 0-100 (ignored elsewhere). *out_length receives the encoded size.
MDL_API void* mdl_img_encode(const void* pixels, int width, int height, int channels, int bytes_per_channel,
                             const char* ext, int quality, int64_t* out_length) {
  MDL_TRY
  quiet_opencv();
  if (channels != 1 && channels != 3) throw std::invalid_argument("only 1 (gray) or 3 (RGB) channels can be encoded");
  cv::Mat m(height, width, CV_MAKETYPE(cv_depth(bytes_per_channel), channels), const_cast<void*>(pixels));
  cv::Mat bgr;
  if (channels == 3) cv::cvtColor(m, bgr, cv::COLOR_RGB2BGR);
  else bgr = m;
  std::vector<int> params;
  std::string e(ext);
  if (e == ".jpg" || e == ".jpeg") params = {cv::IMWRITE_JPEG_QUALITY, quality};
  auto* blob = new Blob();
  if (!cv::imencode(e, bgr, blob->bytes, params)) {
    delete blob;
    throw std::runtime_error("OpenCV could not encode the image as " + e);
  }
  *out_length = static_cast<int64_t>(blob->bytes.size());
  return blob;
  MDL_CATCH(nullptr)
}

MDL_API int64_t mdl_img_blob_size(void* blob) { return static_cast<int64_t>(static_cast<Blob*>(blob)->size()); }

MDL_API int mdl_img_blob_copy(void* blob, void* dst, int64_t nbytes) {
  MDL_TRY
  auto* b = static_cast<Blob*>(blob);
  if (static_cast<size_t>(nbytes) != b->size()) throw std::invalid_argument("destination size does not match the buffer");
  std::memcpy(dst, b->data(), b->size());
  return 0;
  MDL_CATCH(-1)
}

MDL_API void mdl_img_blob_free(void* blob) { delete static_cast<Blob*>(blob); }

// Resizes caller-owned HWC pixels into a caller-owned output buffer (cv::resize semantics).
MDL_API int mdl_img_resize(const void* src, int width, int height, int channels, int bytes_per_channel, void* dst,
                           int target_w, int target_h, int interp) {
  MDL_TRY
  int type = CV_MAKETYPE(cv_depth(bytes_per_channel), channels);
  cv::Mat in(height, width, type, const_cast<void*>(src));
  cv::Mat out(target_h, target_w, type, dst);
  cv::resize(in, out, out.size(), 0, 0, cv_interp(interp));
  if (out.data != dst) throw std::runtime_error("resize reallocated its output");
  return 0;
  MDL_CATCH(-1)
}

// Augmentation geometry in one pass over caller buffers: crop the window (x0, y0, crop_w, crop_h), resize it to
// target_w x target_h, mirror horizontally when flip != 0.
MDL_API int mdl_img_crop_resize_flip(const void* src, int width, int height, int channels, int bytes_per_channel,
                                     int x0, int y0, int crop_w, int crop_h, int flip, void* dst, int target_w,
                                     int target_h, int interp) {
  MDL_TRY
  int type = CV_MAKETYPE(cv_depth(bytes_per_channel), channels);
  cv::Mat in(height, width, type, const_cast<void*>(src));
  cv::Mat out(target_h, target_w, type, dst);
  cv::Mat window = in(cv::Rect(x0, y0, crop_w, crop_h));
  if (!flip) {
    cv::resize(window, out, out.size(), 0, 0, cv_interp(interp));
  } else {
    cv::Mat resized;
    cv::resize(window, resized, out.size(), 0, 0, cv_interp(interp));
    cv::flip(resized, out, 1);
  }
  if (out.data != dst) throw std::runtime_error("crop/resize reallocated its output");
  return 0;
  MDL_CATCH(-1)
}

// In-place Gaussian blur of float32 HWC pixels; kernel ksize x ksize (odd), border reflect-101 (torchvision's
// "reflect" padding).
MDL_API int mdl_img_gaussian_blur(float* pixels, int width, int height, int channels, double sigma, int ksize) {
  MDL_TRY
  cv::Mat m(height, width, CV_MAKETYPE(CV_32F, channels), pixels);
  cv::GaussianBlur(m, m, cv::Size(ksize, ksize), sigma, sigma, cv::BORDER_REFLECT_101);
  return 0;
  MDL_CATCH(-1)
}

// OpenCV's own worker threads (0 = none, i.e. sequential); loaders that decode on many threads set 1.
MDL_API void mdl_img_set_threads(int n) { cv::setNumThreads(n); }
