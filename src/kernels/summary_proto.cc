// Hand-written protobuf wire encoding of Summary values and a scanner for their tags.
#include "summary_proto.h"

#include <cstdint>
#include <cstring>

namespace pgx::summary {

namespace {

enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_key(std::string& out, uint32_t field, WireType w) {
  put_varint(out, (static_cast<uint64_t>(field) << 3) | w);
}

// Little-endian fixed-width encodings (the wire format is little-endian whatever the host).
template <typename U>
void put_fixed(std::string& out, U bits) {
  for (size_t i = 0; i < sizeof(U); ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

void put_double_bits(std::string& out, double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  put_fixed<uint64_t>(out, bits);
}

void put_bytes(std::string& out, uint32_t field, const std::string& s) {
  put_key(out, field, kLengthDelimited);
  put_varint(out, s.size());
  out += s;
}

void put_float(std::string& out, uint32_t field, float v) {
  put_key(out, field, kFixed32);
  uint32_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  put_fixed<uint32_t>(out, bits);
}

// A proto3 double: omitted when it is +0.0 (the default), written otherwise (also -0.0).
void put_double(std::string& out, uint32_t field, double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  if (bits == 0) return;
  put_key(out, field, kFixed64);
  put_fixed<uint64_t>(out, bits);
}

void put_packed_doubles(std::string& out, uint32_t field, const std::vector<double>& v) {
  if (v.empty()) return;
  put_key(out, field, kLengthDelimited);
  put_varint(out, v.size() * sizeof(double));
  for (double d : v) put_double_bits(out, d);
}

// Reads a varint at `p`, advancing it; false on truncation or more than 10 bytes.
bool get_varint(const char*& p, const char* end, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (p == end) return false;
    const auto byte = static_cast<uint8_t>(*p++);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

// Skips one field's payload of wire type `w`; false when malformed.
bool skip_field(const char*& p, const char* end, uint32_t w) {
  uint64_t n = 0;
  switch (w) {
    case kVarint:
      return get_varint(p, end, n);
    case kFixed64:
      n = 8;
      break;
    case kFixed32:
      n = 4;
      break;
    case kLengthDelimited:
      if (!get_varint(p, end, n)) return false;
      break;
    default:
      return false;  // groups (3, 4) and unknown wire types are not in a Summary
  }
  if (n > static_cast<uint64_t>(end - p)) return false;
  p += n;
  return true;
}

// The tag (field 1) of one serialized Summary.Value; "" when absent.
bool value_tag(const char* p, const char* end, std::string& tag) {
  tag.clear();
  while (p < end) {
    uint64_t key;
    if (!get_varint(p, end, key)) return false;
    const auto w = static_cast<uint32_t>(key & 7);
    if ((key >> 3) == 1 && w == kLengthDelimited) {
      uint64_t n;
      if (!get_varint(p, end, n) || n > static_cast<uint64_t>(end - p)) return false;
      tag.assign(p, n);
      p += n;
    } else if (!skip_field(p, end, w)) {
      return false;
    }
  }
  return true;
}

}  // namespace

void append_scalar_value(std::string& out, const std::string& tag, float value) {
  std::string v;
  put_bytes(v, 1, tag);
  put_float(v, 2, value);
  put_bytes(out, 1, v);
}

void append_histogram_value(std::string& out, const std::string& tag, const HistogramValue& h) {
  std::string histo;
  put_double(histo, 1, h.min);
  put_double(histo, 2, h.max);
  put_double(histo, 3, h.num);
  put_double(histo, 4, h.sum);
  put_double(histo, 5, h.sum_squares);
  put_packed_doubles(histo, 6, h.bucket_limit);
  put_packed_doubles(histo, 7, h.bucket);
  std::string v;
  put_bytes(v, 1, tag);
  put_bytes(v, 5, histo);
  put_bytes(out, 1, v);
}

bool scan_tags(const std::string& bytes, std::vector<std::string>& tags) {
  const char* p = bytes.data();
  const char* end = p + bytes.size();
  std::string tag;
  while (p < end) {
    uint64_t key;
    if (!get_varint(p, end, key)) return false;
    const auto w = static_cast<uint32_t>(key & 7);
    if ((key >> 3) == 0) return false;  // field number 0 is never valid
    if ((key >> 3) == 1) {
      if (w != kLengthDelimited) return false;
      uint64_t n;
      if (!get_varint(p, end, n) || n > static_cast<uint64_t>(end - p)) return false;
      if (!value_tag(p, p + n, tag)) return false;
      tags.push_back(tag);
      p += n;
    } else if (!skip_field(p, end, w)) {
      return false;
    }
  }
  return true;
}

}  // namespace pgx::summary
