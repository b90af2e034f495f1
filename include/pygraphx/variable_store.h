// The get_variable store of one graph: records of variables created by get_variable, keyed by
// full name, and TF1's create / reuse / AUTO_REUSE rules with their error messages.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "pygraphx/dtype.h"
#include "pygraphx/shape.h"

namespace pgx {

enum class Reuse { kFalse = 0, kTrue = 1, kAuto = 2 };

struct VariableRecord {
  std::string name;  // full name without ":0"
  PartialShape shape;
  DType dtype = DType::kFloat32;
  int32_t node = -1;  // the VariableV2 node
  bool trainable = true;
  std::string defined_at;  // user's file:line of creation
};

class VariableStore {
 public:
  // Applies TF1's rules for get_variable(name) under `reuse`:
  //  - returns the existing record when reuse is allowed (checking `shape` and `dtype` if
  //    given: `shape` unknown-rank and dtype kInvalid mean "not specified");
  //  - returns nullptr when the caller must create the variable;
  //  - throws ValueError with TF's wording otherwise.
  const VariableRecord* resolve(const std::string& name, Reuse reuse, const PartialShape& shape,
                                DType dtype) const;
  // Registers a new variable; ValueError if the name exists.
  void add(VariableRecord rec);
  const VariableRecord* find(const std::string& name) const;
  const std::vector<std::string>& names() const { return order_; }

 private:
  std::unordered_map<std::string, VariableRecord> records_;
  std::vector<std::string> order_;
};

}  // namespace pgx
