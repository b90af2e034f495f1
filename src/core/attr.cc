// Node attribute list.
#include "pygraphx/attr.h"

namespace pgx {

void Attrs::set(const std::string& name, AttrValue v) {
  for (auto& kv : items_) {
    if (kv.first == name) {
      kv.second = std::move(v);
      return;
    }
  }
  items_.emplace_back(name, std::move(v));
}

const AttrValue* Attrs::find(const std::string& name) const {
  for (const auto& kv : items_)
    if (kv.first == name) return &kv.second;
  return nullptr;
}

}  // namespace pgx
