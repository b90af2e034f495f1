// The global op registry and the shape-function context helpers.
#include "pygraphx/op_registry.h"

#include <algorithm>

#include "pygraphx/status.h"

namespace pgx {

void InferenceContext::set_output(int i, DType t, PartialShape s) {
  if (static_cast<int>(out_dtypes.size()) <= i) {
    out_dtypes.resize(i + 1, DType::kInvalid);
    out_shapes.resize(i + 1);
  }
  out_dtypes[i] = t;
  out_shapes[i] = std::move(s);
}

void InferenceContext::fail(const std::string& message) const {
  throw ValueError(message + " for '" + node_name + "' (op: '" + op_type + "')");
}

OpRegistry& OpRegistry::global() {
  static OpRegistry* r = [] {
    auto* reg = new OpRegistry();
    return reg;
  }();
  return *r;
}

void OpRegistry::add(OpDef def) {
  if (defs_.count(def.type)) throw_internal("op registered twice: " + def.type);
  if (def.pure && def.stateful) throw_internal("op registered both pure and stateful: " + def.type);
  std::string key = def.type;
  defs_[key] = std::make_unique<OpDef>(std::move(def));
}

const OpDef* OpRegistry::find(const std::string& type) const {
  auto it = defs_.find(type);
  return it == defs_.end() ? nullptr : it->second.get();
}

std::vector<std::string> OpRegistry::types() const {
  std::vector<std::string> out;
  for (const auto& kv : defs_) out.push_back(kv.first);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace pgx
