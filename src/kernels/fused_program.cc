// Fused programs: the op table, validation, the attribute encoding and the builder.
#include "kernels/fused_program.h"

#include <climits>
#include <sstream>
#include <string>
#include <vector>

#include "pygraphx/status.h"

namespace pgx {
namespace fused {

namespace {

struct OpInfo {
  const char* name;
  FusedOp op;
  int arity;
};

// Canonical names first: fused_op_name() returns the first entry of each op.
constexpr OpInfo kOps[] = {
    {"Add", FusedOp::kAdd, 2},           {"AddV2", FusedOp::kAdd, 2},
    {"Sub", FusedOp::kSub, 2},           {"Mul", FusedOp::kMul, 2},
    {"RealDiv", FusedOp::kRealDiv, 2},   {"FloorDiv", FusedOp::kFloorDiv, 2},
    {"FloorMod", FusedOp::kFloorMod, 2}, {"Maximum", FusedOp::kMaximum, 2},
    {"Minimum", FusedOp::kMinimum, 2},   {"Pow", FusedOp::kPow, 2},
    {"Neg", FusedOp::kNeg, 1},           {"Abs", FusedOp::kAbs, 1},
    {"Square", FusedOp::kSquare, 1},     {"Sign", FusedOp::kSign, 1},
    {"Relu", FusedOp::kRelu, 1},         {"Sqrt", FusedOp::kSqrt, 1},
    {"Exp", FusedOp::kExp, 1},           {"Log", FusedOp::kLog, 1},
    {"Sigmoid", FusedOp::kSigmoid, 1},   {"Tanh", FusedOp::kTanh, 1},
    {"Reciprocal", FusedOp::kReciprocal, 1},
    {"AddN", FusedOp::kAddN, -1},        {"Cast", FusedOp::kCast, 1},
};

const OpInfo* find_op(const std::string& type) {
  for (const OpInfo& info : kOps)
    if (type == info.name) return &info;
  return nullptr;
}

bool is_float(DType t) { return t == DType::kFloat32 || t == DType::kFloat64; }

std::string where(int k) { return "_FusedElementwise instruction " + std::to_string(k); }

// Checks instruction k of a program with `num_values_before` earlier values.
void check_instr(const FusedProgram& p, int k) {
  const Instr& in = p.instrs[k];
  const int before = p.num_inputs() + k;
  const int arity = fused_op_arity(in.op);
  const int n = static_cast<int>(in.operands.size());
  if (arity > 0 ? n != arity : n < 1)
    throw ValueError(where(k) + " (" + fused_op_name(in.op) + ") has " + std::to_string(n) +
                     " operands, expected " + (arity > 0 ? std::to_string(arity) : "at least 1"));
  for (int32_t v : in.operands)
    if (v < 0 || v >= before)
      throw ValueError(where(k) + " (" + fused_op_name(in.op) + ") reads value " +
                       std::to_string(v) + ", which is not an earlier value (0.." +
                       std::to_string(before - 1) + ")");
  const DType t = p.value_dtype(in.operands[0]);
  for (int32_t v : in.operands)
    if (p.value_dtype(v) != t)
      throw ValueError(where(k) + " (" + fused_op_name(in.op) + ") mixes operand dtypes " +
                       dtype_name(t) + " and " + dtype_name(p.value_dtype(v)));
  if (!is_float(t))
    throw ValueError(where(k) + " (" + fused_op_name(in.op) + ") has operands of dtype " +
                     dtype_name(t) + "; only float32 and float64 can be fused");
  const bool ok = in.op == FusedOp::kCast ? is_float(in.dtype) : in.dtype == t;
  if (!ok)
    throw ValueError(where(k) + " (" + fused_op_name(in.op) + ") on " + dtype_name(t) +
                     " cannot produce dtype " + dtype_name(in.dtype));
}

std::vector<int64_t> dtype_ints(const std::vector<DType>& ts) {
  std::vector<int64_t> out;
  out.reserve(ts.size());
  for (DType t : ts) out.push_back(static_cast<int64_t>(t));
  return out;
}

DType dtype_from_int(int64_t raw, const char* attr) {
  if (raw < INT32_MIN || raw > INT32_MAX || !dtype_is_valid(static_cast<int32_t>(raw)))
    throw ValueError("_FusedElementwise attribute '" + std::string(attr) +
                     "' holds an invalid dtype " + std::to_string(raw));
  return static_cast<DType>(raw);
}

}  // namespace

bool fused_op_of(const std::string& op_type, FusedOp* op) {
  const OpInfo* info = find_op(op_type);
  if (info) *op = info->op;
  return info != nullptr;
}

const char* fused_op_name(FusedOp op) {
  for (const OpInfo& info : kOps)
    if (info.op == op) return info.name;
  return "?";
}

int fused_op_arity(FusedOp op) {
  for (const OpInfo& info : kOps)
    if (info.op == op) return info.arity;
  return 0;
}

bool can_fuse(const std::string& op_type, DType in, DType out) {
  FusedOp op;
  if (!fused_op_of(op_type, &op) || !is_float(in)) return false;
  return op == FusedOp::kCast ? is_float(out) : out == in;
}

void FusedProgram::validate() const {
  if (instrs.empty()) throw ValueError("_FusedElementwise program has no instructions");
  for (int i = 0; i < num_inputs(); ++i)
    if (!is_float(input_dtypes[i]))
      throw ValueError("_FusedElementwise input " + std::to_string(i) + " has dtype " +
                       dtype_name(input_dtypes[i]) + "; only float32 and float64 can be fused");
  for (int k = 0; k < static_cast<int>(instrs.size()); ++k) check_instr(*this, k);
  // Every value must reach the output (the last value): walk the consumers backwards.
  std::vector<bool> used(num_values(), false);
  used.back() = true;
  for (int v = num_values() - 1; v >= num_inputs(); --v)
    if (used[v])
      for (int32_t o : instrs[v - num_inputs()].operands) used[o] = true;
  for (int v = 0; v < num_values(); ++v) {
    if (used[v]) continue;
    if (v < num_inputs())
      throw ValueError("_FusedElementwise input " + std::to_string(v) +
                       " is not used by the output");
    throw ValueError(where(v - num_inputs()) + " (" + fused_op_name(instrs[v - num_inputs()].op) +
                     ") does not contribute to the output");
  }
}

void FusedProgram::to_attrs(Attrs* attrs) const {
  std::string ops;
  std::vector<int64_t> arity, operands;
  std::vector<DType> out_types;
  for (const Instr& in : instrs) {
    if (!ops.empty()) ops += ' ';
    ops += fused_op_name(in.op);
    arity.push_back(static_cast<int64_t>(in.operands.size()));
    for (int32_t v : in.operands) operands.push_back(v);
    out_types.push_back(in.dtype);
  }
  attrs->set("Tin", dtype_ints(input_dtypes));
  attrs->set("ops", ops);
  attrs->set("arity", arity);
  attrs->set("operands", operands);
  attrs->set("Tout", dtype_ints(out_types));
}

FusedProgram FusedProgram::from_attrs(const Attrs& attrs) {
  // Built through FusedProgramBuilder, whose handles are the value numbers when the inputs
  // come first, so nodes and the fusion pass share one set of checks.
  FusedProgramBuilder b;
  for (int64_t raw : attrs.get<std::vector<int64_t>>("Tin"))
    b.add_input(dtype_from_int(raw, "Tin"));
  std::vector<std::string> names;
  {
    std::istringstream words(attrs.get<std::string>("ops"));
    for (std::string w; words >> w;) names.push_back(w);
  }
  const auto& arity = attrs.get<std::vector<int64_t>>("arity");
  const auto& operands = attrs.get<std::vector<int64_t>>("operands");
  const auto& tout = attrs.get<std::vector<int64_t>>("Tout");
  if (arity.size() != names.size() || tout.size() != names.size())
    throw ValueError("_FusedElementwise attributes 'ops', 'arity' and 'Tout' describe " +
                     std::to_string(names.size()) + ", " + std::to_string(arity.size()) +
                     " and " + std::to_string(tout.size()) + " instructions");
  if (names.empty()) throw ValueError("_FusedElementwise program has no instructions");
  size_t next = 0;
  int last = -1;
  for (size_t k = 0; k < names.size(); ++k) {
    const int ik = static_cast<int>(k);
    if (arity[k] < 0 || arity[k] > static_cast<int64_t>(operands.size() - next))
      throw ValueError("_FusedElementwise attribute 'arity' asks for more operands than "
                       "'operands' holds");
    std::vector<int> args;
    for (int64_t j = 0; j < arity[k]; ++j, ++next) {
      const int64_t v = operands[next];
      args.push_back(v < 0 || v > INT32_MAX ? -1 : static_cast<int>(v));
    }
    const DType t = dtype_from_int(tout[k], "Tout");
    try {
      last = b.add_op(names[k], args, t);
    } catch (const ValueError& e) {
      throw ValueError(where(ik) + ": " + e.what());
    }
    if (b.dtype(last) != t)
      throw ValueError(where(ik) + ": " + names[k] + " produces " + dtype_name(b.dtype(last)) +
                       " but 'Tout' says " + dtype_name(t));
  }
  if (next != operands.size())
    throw ValueError("_FusedElementwise attribute 'operands' holds " +
                     std::to_string(operands.size()) + " values but 'arity' uses " +
                     std::to_string(next));
  return b.build(last);
}

int FusedProgramBuilder::add_input(DType dtype) {
  if (!is_float(dtype))
    throw ValueError("fused input " + std::to_string(entries_.size()) + " has dtype " +
                     dtype_name(dtype) + "; only float32 and float64 can be fused");
  Entry e;
  e.is_input = true;
  e.instr.dtype = dtype;
  entries_.push_back(std::move(e));
  return static_cast<int>(entries_.size()) - 1;
}

int FusedProgramBuilder::add_op(const std::string& op_type, const std::vector<int>& operands,
                                DType dst) {
  Entry e;
  if (!fused_op_of(op_type, &e.instr.op))
    throw ValueError("op type '" + op_type + "' cannot be fused");
  const int arity = fused_op_arity(e.instr.op);
  const int n = static_cast<int>(operands.size());
  if (arity > 0 ? n != arity : n < 1)
    throw ValueError(op_type + " has " + std::to_string(n) + " operands, expected " +
                     (arity > 0 ? std::to_string(arity) : "at least 1"));
  for (int h : operands)
    if (h < 0 || h >= static_cast<int>(entries_.size()))
      throw ValueError(op_type + " reads value " + std::to_string(h) +
                       ", which is not an earlier value");
  const DType t = entries_[operands[0]].instr.dtype;
  for (int h : operands)
    if (entries_[h].instr.dtype != t)
      throw ValueError(op_type + " mixes operand dtypes " + dtype_name(t) + " and " +
                       dtype_name(entries_[h].instr.dtype));
  e.instr.dtype = e.instr.op == FusedOp::kCast ? dst : t;
  if (!can_fuse(op_type, t, e.instr.dtype))
    throw ValueError(op_type + " on " + dtype_name(t) + " cannot produce dtype " +
                     dtype_name(e.instr.dtype));
  e.instr.operands.assign(operands.begin(), operands.end());  // handles until build()
  entries_.push_back(std::move(e));
  return static_cast<int>(entries_.size()) - 1;
}

FusedProgram FusedProgramBuilder::build(int output) const {
  FusedProgram p;
  std::vector<int32_t> number(entries_.size(), -1);
  for (size_t h = 0; h < entries_.size(); ++h) {
    if (!entries_[h].is_input) continue;
    number[h] = p.num_inputs();
    p.input_dtypes.push_back(entries_[h].instr.dtype);
  }
  int32_t next = p.num_inputs();
  for (size_t h = 0; h < entries_.size(); ++h) {
    if (entries_[h].is_input) continue;
    number[h] = next++;
    Instr in = entries_[h].instr;
    for (int32_t& v : in.operands) v = number[v];
    p.instrs.push_back(std::move(in));
  }
  if (output < 0 || output >= static_cast<int>(entries_.size()) || entries_[output].is_input ||
      number[output] != next - 1)
    throw ValueError("the output of a fused program must be its last instruction");
  p.validate();
  return p;
}

}  // namespace fused
}  // namespace pgx
