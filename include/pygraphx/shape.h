// Concrete shapes (Dims) and partial shapes with unknown rank or dimensions, as used by
// build-time shape inference. An unknown dimension is -1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pgx {

using Dims = std::vector<int64_t>;

int64_t num_elements(const Dims& d);
// "(2, 3)" (Python tuple style, as TF prints fed shapes).
std::string dims_str(const Dims& d);

class PartialShape {
 public:
  PartialShape() = default;  // unknown rank
  explicit PartialShape(Dims dims) : known_rank_(true), dims_(std::move(dims)) {}
  static PartialShape unknown() { return PartialShape(); }
  static PartialShape unknown_of_rank(int rank) { return PartialShape(Dims(rank, -1)); }

  bool rank_known() const { return known_rank_; }
  int rank() const { return known_rank_ ? static_cast<int>(dims_.size()) : -1; }
  const Dims& dims() const { return dims_; }
  int64_t dim(int i) const { return dims_[i]; }
  bool fully_defined() const;
  // Element count if fully defined, else -1.
  int64_t num_elements() const;

  // True when some concrete shape could satisfy both.
  bool compatible_with(const PartialShape& other) const;
  bool compatible_with(const Dims& concrete) const;
  // The most specific shape compatible with both; throws ValueError when incompatible.
  PartialShape merge_with(const PartialShape& other) const;

  // TF1 style: "(?, 3)", "()", "<unknown>".
  std::string str() const;
  // TF's bracket style used in run-time messages: "[?,3]", "<unknown>".
  std::string bracket_str() const;

  bool operator==(const PartialShape& o) const {
    return known_rank_ == o.known_rank_ && dims_ == o.dims_;
  }

 private:
  bool known_rank_ = false;
  Dims dims_;
};

}  // namespace pgx
