// Static and partial shapes: compatibility, merging and TF-style printing.
#include "pygraphx/shape.h"

#include "pygraphx/status.h"

namespace pgx {

int64_t num_elements(const Dims& d) {
  int64_t n = 1;
  for (int64_t x : d) n *= x;
  return n;
}

std::string dims_str(const Dims& d) {
  std::string s = "(";
  for (size_t i = 0; i < d.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(d[i]);
  }
  if (d.size() == 1) s += ",";
  return s + ")";
}

bool PartialShape::fully_defined() const {
  if (!known_rank_) return false;
  for (int64_t x : dims_)
    if (x < 0) return false;
  return true;
}

int64_t PartialShape::num_elements() const {
  return fully_defined() ? pgx::num_elements(dims_) : -1;
}

bool PartialShape::compatible_with(const PartialShape& o) const {
  if (!known_rank_ || !o.known_rank_) return true;
  if (dims_.size() != o.dims_.size()) return false;
  for (size_t i = 0; i < dims_.size(); ++i)
    if (dims_[i] >= 0 && o.dims_[i] >= 0 && dims_[i] != o.dims_[i]) return false;
  return true;
}

bool PartialShape::compatible_with(const Dims& c) const {
  if (!known_rank_) return true;
  if (dims_.size() != c.size()) return false;
  for (size_t i = 0; i < c.size(); ++i)
    if (dims_[i] >= 0 && dims_[i] != c[i]) return false;
  return true;
}

PartialShape PartialShape::merge_with(const PartialShape& o) const {
  if (!known_rank_) return o;
  if (!o.known_rank_) return *this;
  if (!compatible_with(o))
    throw ValueError("Shapes " + str() + " and " + o.str() + " are not compatible");
  Dims d = dims_;
  for (size_t i = 0; i < d.size(); ++i)
    if (d[i] < 0) d[i] = o.dims_[i];
  return PartialShape(d);
}

std::string PartialShape::str() const {
  if (!known_rank_) return "<unknown>";
  std::string s = "(";
  for (size_t i = 0; i < dims_.size(); ++i) {
    if (i) s += ", ";
    s += dims_[i] < 0 ? "?" : std::to_string(dims_[i]);
  }
  if (dims_.size() == 1) s += ",";
  return s + ")";
}

std::string PartialShape::bracket_str() const {
  if (!known_rank_) return "<unknown>";
  std::string s = "[";
  for (size_t i = 0; i < dims_.size(); ++i) {
    if (i) s += ",";
    s += dims_[i] < 0 ? "?" : std::to_string(dims_[i]);
  }
  return s + "]";
}

}  // namespace pgx
