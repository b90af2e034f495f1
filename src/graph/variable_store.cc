// TF1's get_variable rules and their messages.
#include "pygraphx/variable_store.h"

#include "pygraphx/status.h"

namespace pgx {

const VariableRecord* VariableStore::resolve(const std::string& name, Reuse reuse,
                                             const PartialShape& shape, DType dtype) const {
  const VariableRecord* rec = find(name);
  if (rec) {
    if (reuse == Reuse::kFalse) {
      std::string m = "Variable " + name +
                      " already exists, disallowed. Did you mean to set reuse=True or "
                      "reuse=tf.AUTO_REUSE in VarScope?";
      if (!rec->defined_at.empty()) m += " Originally defined at:\n\n" + rec->defined_at;
      throw ValueError(m);
    }
    // TF1 only requires the requested shape to be compatible: [None, 2] reuses a [1, 2].
    if (!shape.compatible_with(rec->shape))
      throw ValueError("Trying to share variable " + name + ", but specified shape " +
                       shape.str() + " and found shape " + rec->shape.str() + ".");
    if (dtype != DType::kInvalid && dtype != rec->dtype)
      throw ValueError("Trying to share variable " + name + ", but specified dtype " +
                       dtype_name(dtype) + " and found dtype " + dtype_name(rec->dtype) +
                       "_ref.");
    return rec;
  }
  if (reuse == Reuse::kTrue)
    throw ValueError("Variable " + name +
                     " does not exist, or was not created with tf.get_variable(). Did you mean "
                     "to set reuse=tf.AUTO_REUSE in VarScope?");
  return nullptr;
}

void VariableStore::add(VariableRecord rec) {
  if (records_.count(rec.name)) throw ValueError("Variable " + rec.name + " already exists");
  order_.push_back(rec.name);
  std::string key = rec.name;
  records_.emplace(std::move(key), std::move(rec));
}

const VariableRecord* VariableStore::find(const std::string& name) const {
  auto it = records_.find(name);
  return it == records_.end() ? nullptr : &it->second;
}

}  // namespace pgx
