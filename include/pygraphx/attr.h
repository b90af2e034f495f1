// Typed node attributes: a small ordered name -> value list attached to each node.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "pygraphx/dtype.h"
#include "pygraphx/shape.h"
#include "pygraphx/status.h"
#include "pygraphx/tensor.h"

namespace pgx {

using AttrValue = std::variant<int64_t, double, bool, std::string, DType, PartialShape,
                               std::vector<int64_t>, Tensor>;

class Attrs {
 public:
  void set(const std::string& name, AttrValue v);
  bool has(const std::string& name) const { return find(name) != nullptr; }
  const AttrValue* find(const std::string& name) const;
  const std::vector<std::pair<std::string, AttrValue>>& items() const { return items_; }

  // Typed access; throws ValueError naming the attribute when missing or of another type.
  template <typename T>
  const T& get(const std::string& name) const {
    const AttrValue* v = find(name);
    if (!v) throw ValueError("missing attribute '" + name + "'");
    const T* p = std::get_if<T>(v);
    if (!p) throw ValueError("attribute '" + name + "' has the wrong type");
    return *p;
  }
  template <typename T>
  T get_or(const std::string& name, T fallback) const {
    const AttrValue* v = find(name);
    if (!v) return fallback;
    const T* p = std::get_if<T>(v);
    return p ? *p : fallback;
  }

 private:
  std::vector<std::pair<std::string, AttrValue>> items_;
};

}  // namespace pgx
