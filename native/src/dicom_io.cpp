// DICOM files through GDCM: read one file's stored pixel values plus the geometry/rescale tags the managed side
// needs (slice ordering, Hounsfield rescale and MONOCHROME1 inversion are done in C#), and write single-frame
// grayscale files (tests and the synthetic generator make CT series with it).
#include "common.h"

#include <gdcmAttribute.h>
#include <gdcmImage.h>
#include <gdcmImageReader.h>
#include <gdcmImageWriter.h>
#include <gdcmMediaStorage.h>
#include <gdcmPhotometricInterpretation.h>
#include <gdcmTrace.h>

#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// Layout of the metadata array filled by mdl_dicom_read (mirrored by DicomMeta in NativeImaging.cs).
enum Meta {
  kRows, kCols, kFrames, kSamples, kBitsAllocated, kBitsStored, kSigned, kSlope, kIntercept,
  kHasPosition, kPosX, kPosY, kPosZ,
  kHasOrientation, kRowX, kRowY, kRowZ, kColX, kColY, kColZ,
  kHasSpacing, kSpacingRow, kSpacingCol, kSliceThickness,
  kHasInstance, kInstance, kPhotometric, kMetaCount
};

void quiet_gdcm() {
  static std::once_flag once;
  std::call_once(once, [] {
    gdcm::Trace::SetWarning(false);
    gdcm::Trace::SetDebug(false);
    gdcm::Trace::SetError(false);
  });
}

template <typename T>
void convert(const std::vector<char>& raw, std::vector<float>& out) {
  const size_t n = raw.size() / sizeof(T);
  out.resize(n);
  for (size_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
    out[i] = static_cast<float>(v);
  }
}

std::string read_string(const gdcm::DataSet& ds, const gdcm::Tag& tag) {
  if (!ds.FindDataElement(tag)) return "";
  const gdcm::DataElement& de = ds.GetDataElement(tag);
  const gdcm::ByteValue* bv = de.GetByteValue();
  if (!bv) return "";
  std::string s(bv->GetPointer(), bv->GetLength());
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

}  // namespace

// Reads one DICOM file. meta receives kMetaCount doubles (see Meta); uid (capacity uid_cap) receives the
// SeriesInstanceUID. Returns a float buffer of the stored values (frames x rows x cols x samples, before rescale).
MDL_API void* mdl_dicom_read(const char* path, double* meta, char* uid, int uid_cap) {
  MDL_TRY
  quiet_gdcm();
  gdcm::ImageReader reader;
  reader.SetFileName(path);
  if (!reader.Read()) throw std::runtime_error("not a readable DICOM image (GDCM could not parse it)");
  const gdcm::Image& image = reader.GetImage();
  const gdcm::DataSet& ds = reader.GetFile().GetDataSet();
  const unsigned int* dims = image.GetDimensions();
  const gdcm::PixelFormat& pf = image.GetPixelFormat();
  for (int i = 0; i < kMetaCount; ++i) meta[i] = 0;
  meta[kCols] = dims[0];
  meta[kRows] = dims[1];
  meta[kFrames] = image.GetNumberOfDimensions() > 2 ? dims[2] : 1;
  meta[kSamples] = pf.GetSamplesPerPixel();
  meta[kBitsAllocated] = pf.GetBitsAllocated();
  meta[kBitsStored] = pf.GetBitsStored();
  meta[kSigned] = pf.GetPixelRepresentation();
  meta[kSlope] = 1;
  meta[kIntercept] = 0;
  if (ds.FindDataElement(gdcm::Tag(0x0028, 0x1053))) {
    gdcm::Attribute<0x0028, 0x1053> a; a.SetFromDataSet(ds); meta[kSlope] = a.GetValue();
  }
  if (ds.FindDataElement(gdcm::Tag(0x0028, 0x1052))) {
    gdcm::Attribute<0x0028, 0x1052> a; a.SetFromDataSet(ds); meta[kIntercept] = a.GetValue();
  }
  if (ds.FindDataElement(gdcm::Tag(0x0020, 0x0032))) {
    gdcm::Attribute<0x0020, 0x0032> a; a.SetFromDataSet(ds);
    meta[kHasPosition] = 1; meta[kPosX] = a[0]; meta[kPosY] = a[1]; meta[kPosZ] = a[2];
  }
  if (ds.FindDataElement(gdcm::Tag(0x0020, 0x0037))) {
    gdcm::Attribute<0x0020, 0x0037> a; a.SetFromDataSet(ds);
    meta[kHasOrientation] = 1;
    for (int i = 0; i < 6; ++i) meta[kRowX + i] = a[i];
  }
  if (ds.FindDataElement(gdcm::Tag(0x0028, 0x0030))) {
    gdcm::Attribute<0x0028, 0x0030> a; a.SetFromDataSet(ds);
    meta[kHasSpacing] = 1; meta[kSpacingRow] = a[0]; meta[kSpacingCol] = a[1];
  }
  if (ds.FindDataElement(gdcm::Tag(0x0018, 0x0050))) {
    gdcm::Attribute<0x0018, 0x0050> a; a.SetFromDataSet(ds); meta[kSliceThickness] = a.GetValue();
  }
  if (ds.FindDataElement(gdcm::Tag(0x0020, 0x0013))) {
    gdcm::Attribute<0x0020, 0x0013> a; a.SetFromDataSet(ds);
    meta[kHasInstance] = 1; meta[kInstance] = a.GetValue();
  }
  switch (image.GetPhotometricInterpretation()) {
    case gdcm::PhotometricInterpretation::MONOCHROME1: meta[kPhotometric] = 1; break;
    case gdcm::PhotometricInterpretation::MONOCHROME2: meta[kPhotometric] = 2; break;
    case gdcm::PhotometricInterpretation::RGB: meta[kPhotometric] = 3; break;
    default: meta[kPhotometric] = 4; break;
  }
  std::string series = read_string(ds, gdcm::Tag(0x0020, 0x000e));
  if (uid_cap > 0) {
    std::strncpy(uid, series.c_str(), static_cast<size_t>(uid_cap - 1));
    uid[uid_cap - 1] = '\0';
  }

  const unsigned long length = image.GetBufferLength();
  const size_t expected = static_cast<size_t>(meta[kRows] * meta[kCols] * meta[kFrames] * meta[kSamples]) *
                          static_cast<size_t>(pf.GetPixelSize() / pf.GetSamplesPerPixel());
  if (length == 0 || length < expected) throw std::runtime_error("the pixel data is missing or shorter than the image size");
  std::vector<char> raw(length);
  if (!image.GetBuffer(raw.data())) throw std::runtime_error("the pixel data could not be decoded (truncated or unsupported encoding)");
  auto* out = new std::vector<float>();
  switch (pf.GetScalarType()) {
    case gdcm::PixelFormat::UINT8: convert<uint8_t>(raw, *out); break;
    case gdcm::PixelFormat::INT8: convert<int8_t>(raw, *out); break;
    case gdcm::PixelFormat::UINT16: convert<uint16_t>(raw, *out); break;
    case gdcm::PixelFormat::INT16: convert<int16_t>(raw, *out); break;
    case gdcm::PixelFormat::UINT32: convert<uint32_t>(raw, *out); break;
    case gdcm::PixelFormat::INT32: convert<int32_t>(raw, *out); break;
    case gdcm::PixelFormat::FLOAT32: convert<float>(raw, *out); break;
    case gdcm::PixelFormat::FLOAT64: convert<double>(raw, *out); break;
    default: delete out; throw std::runtime_error(std::string("unsupported pixel format ") + pf.GetScalarTypeAsString());
  }
  return out;
  MDL_CATCH(nullptr)
}

MDL_API int64_t mdl_dicom_buffer_count(void* buffer) {
  return static_cast<int64_t>(static_cast<std::vector<float>*>(buffer)->size());
}

MDL_API int mdl_dicom_buffer_copy(void* buffer, float* dst, int64_t count) {
  MDL_TRY
  auto* v = static_cast<std::vector<float>*>(buffer);
  if (static_cast<size_t>(count) != v->size()) throw std::invalid_argument("destination size does not match the buffer");
  std::memcpy(dst, v->data(), v->size() * sizeof(float));
  return 0;
  MDL_CATCH(-1)
}

MDL_API void mdl_dicom_buffer_free(void* buffer) { delete static_cast<std::vector<float>*>(buffer); }

// Writes a single-frame grayscale DICOM file. pixels: rows x cols stored values, 8-bit unsigned or 16-bit
// (signed when is_signed). geometry: spacing_row, spacing_col, slice_thickness, position xyz, orientation (6).
// uids: study, series, frame of reference (empty = generated). modality e.g. "CT" (CT Image Storage) or "MR".
MDL_API int mdl_dicom_write(const char* path, const void* pixels, int rows, int cols, int bits, int is_signed,
                            const double* geometry, double slope, double intercept, int instance_number,
                            int monochrome1, const char* modality, const char* study_uid, const char* series_uid,
                            const char* frame_uid) {
  MDL_TRY
  quiet_gdcm();
  if (bits != 8 && bits != 16) throw std::invalid_argument("bits must be 8 or 16");
  gdcm::ImageWriter writer;
  gdcm::Image& image = writer.GetImage();
  image.SetNumberOfDimensions(2);
  unsigned int dims[2] = {static_cast<unsigned int>(cols), static_cast<unsigned int>(rows)};
  image.SetDimensions(dims);
  gdcm::PixelFormat pf = bits == 8 ? gdcm::PixelFormat(gdcm::PixelFormat::UINT8)
                                   : gdcm::PixelFormat(is_signed ? gdcm::PixelFormat::INT16 : gdcm::PixelFormat::UINT16);
  image.SetPixelFormat(pf);
  image.SetPhotometricInterpretation(monochrome1 ? gdcm::PhotometricInterpretation::MONOCHROME1
                                                 : gdcm::PhotometricInterpretation::MONOCHROME2);
  image.SetSpacing(0, geometry[1]);  // x = column spacing
  image.SetSpacing(1, geometry[0]);  // y = row spacing
  image.SetSpacing(2, geometry[2]);
  for (unsigned int i = 0; i < 3; ++i) image.SetOrigin(i, geometry[3 + i]);
  image.SetDirectionCosines(geometry + 6);
  image.SetSlope(slope);
  image.SetIntercept(intercept);

  const size_t nbytes = static_cast<size_t>(rows) * cols * (bits / 8);
  gdcm::DataElement pixel_data(gdcm::Tag(0x7fe0, 0x0010));
  pixel_data.SetByteValue(static_cast<const char*>(pixels), static_cast<uint32_t>(nbytes));
  image.SetDataElement(pixel_data);

  gdcm::DataSet& ds = writer.GetFile().GetDataSet();
  std::string mod(modality);
  gdcm::MediaStorage ms = mod == "MR" ? gdcm::MediaStorage::MRImageStorage
                         : mod == "CT" ? gdcm::MediaStorage::CTImageStorage
                                       : gdcm::MediaStorage::SecondaryCaptureImageStorage;
  const char* sop_class = gdcm::MediaStorage::GetMSString(ms);
  gdcm::DataElement sop(gdcm::Tag(0x0008, 0x0016));
  sop.SetByteValue(sop_class, static_cast<uint32_t>(std::strlen(sop_class)));
  sop.SetVR(gdcm::Attribute<0x0008, 0x0016>::GetVR());
  ds.Replace(sop);
  gdcm::Attribute<0x0008, 0x0060> mod_attr = {mod.c_str()};
  ds.Replace(mod_attr.GetAsDataElement());
  gdcm::Attribute<0x0020, 0x0013> instance = {instance_number};
  ds.Replace(instance.GetAsDataElement());
  gdcm::Attribute<0x0018, 0x0050> thickness = {geometry[2]};
  ds.Replace(thickness.GetAsDataElement());
  auto put_uid = [&ds](uint16_t group, uint16_t element, const char* value) {
    if (value == nullptr || *value == '\0') return;
    std::string v(value);
    if (v.size() % 2) v.push_back('\0');
    gdcm::DataElement de(gdcm::Tag(group, element));
    de.SetVR(gdcm::VR::UI);
    de.SetByteValue(v.data(), static_cast<uint32_t>(v.size()));
    ds.Replace(de);
  };
  put_uid(0x0020, 0x000d, study_uid);
  put_uid(0x0020, 0x000e, series_uid);
  put_uid(0x0020, 0x0052, frame_uid);

  writer.SetFileName(path);
  if (!writer.Write()) throw std::runtime_error(std::string("GDCM could not write ") + path);
  return 0;
  MDL_CATCH(-1)
}
