// A fused elementwise program: a small DAG of float32/float64 elementwise ops (the math family's
// arithmetic, unary functions, AddN and float casts) over a few input tensors, evaluated by
// FusedElementwiseKernel in one pass over memory. The plan-time fusion pass builds programs
// with FusedProgramBuilder; the `_FusedElementwise` op carries one in its attributes.
//
// A fusion pass turns a group of nodes into one kernel like this (the nodes of relu(x * a + b)):
//
//   FusedProgramBuilder b;
//   int x = b.add_input(DType::kFloat32), a = b.add_input(DType::kFloat32);
//   int c = b.add_input(DType::kFloat32);
//   int m = b.add_op("Mul", {x, a});        // can_fuse("Mul", kFloat32, kFloat32) was true
//   int s = b.add_op("AddV2", {m, c});
//   FusedProgram p = b.build(b.add_op("Relu", {s}));
//   p.to_attrs(&node.attrs);                // a node of type _FusedElementwise, inputs x, a, c
//   FusedElementwiseKernel kernel(node, p); // or OpRegistry's factory for that node
//
// Values are numbered inputs first (0 .. num_inputs-1), then one per instruction in order
// (instruction k is value num_inputs + k). Every instruction's operands are earlier values, the
// last instruction is the output, and every input and instruction contributes to the output.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pygraphx/attr.h"
#include "pygraphx/dtype.h"

namespace pgx {
namespace fused {

enum class FusedOp : uint8_t {
  // binary, NumPy broadcasting
  kAdd, kSub, kMul, kRealDiv, kFloorDiv, kFloorMod, kMaximum, kMinimum, kPow,
  // unary
  kNeg, kAbs, kSquare, kSign, kRelu, kSqrt, kExp, kLog, kSigmoid, kTanh, kReciprocal,
  // AddN: one or more operands of one shape, summed left to right
  kAddN,
  // float32 <-> float64 (or to the same dtype)
  kCast,
};

// The fused op for a graph op type ("Add", "AddV2", "Relu", "Cast" ...); false when op_type is
// not one that can be fused.
bool fused_op_of(const std::string& op_type, FusedOp* op);
// The canonical graph op type of a fused op ("Add", "Relu", "AddN", "Cast" ...).
const char* fused_op_name(FusedOp op);
// Operand count: 1, 2, or -1 for AddN (one or more).
int fused_op_arity(FusedOp op);

// Whether a node of type op_type whose inputs have dtype `in` and whose output has dtype `out`
// can become an instruction: a fusable op type on float32/float64 (Cast: between those two).
bool can_fuse(const std::string& op_type, DType in, DType out);

struct Instr {
  FusedOp op = FusedOp::kAdd;
  DType dtype = DType::kInvalid;  // result dtype (Cast: the destination dtype)
  std::vector<int32_t> operands;  // value numbers
};

struct FusedProgram {
  std::vector<DType> input_dtypes;
  std::vector<Instr> instrs;

  int num_inputs() const { return static_cast<int>(input_dtypes.size()); }
  int num_values() const { return num_inputs() + static_cast<int>(instrs.size()); }
  DType value_dtype(int v) const {
    return v < num_inputs() ? input_dtypes[v] : instrs[v - num_inputs()].dtype;
  }
  DType output_dtype() const { return instrs.back().dtype; }

  // Throws ValueError naming the first problem: no instruction, an operand that is not an
  // earlier value, a wrong operand count, operand dtypes that differ or are not float32/float64,
  // a result dtype the op cannot produce, or an input or instruction the output does not use.
  void validate() const;

  // The attributes of a `_FusedElementwise` node carrying this program:
  //   Tin      ints  DType of each input
  //   ops      str   op type of each instruction, space separated ("Mul Add Relu")
  //   arity    ints  operand count of each instruction
  //   operands ints  the operands of all instructions, concatenated
  //   Tout     ints  result DType of each instruction
  void to_attrs(Attrs* attrs) const;
  // Parses and validates those attributes; ValueError when they do not form a valid program.
  static FusedProgram from_attrs(const Attrs& attrs);
};

// Builds a program from a fused group of graph nodes in any order that has each node's operands
// before it. Values are opaque handles; build() numbers inputs first, in add_input order, and
// instructions in the order they were added.
class FusedProgramBuilder {
 public:
  // An external input of dtype float32 or float64 (ValueError otherwise).
  int add_input(DType dtype);
  // An instruction of graph op type op_type over earlier handles. `dst` is Cast's destination
  // dtype and ignored for other ops. Throws ValueError when the op, its operand count or its
  // operand dtypes cannot be fused.
  int add_op(const std::string& op_type, const std::vector<int>& operands,
             DType dst = DType::kInvalid);
  // The dtype of a handle's value.
  DType dtype(int handle) const { return entries_.at(handle).instr.dtype; }
  // The validated program whose output is `output`, which must be the last instruction added.
  // Throws ValueError when an input or instruction does not contribute to it (a node with a
  // consumer outside the group cannot be fused into it).
  FusedProgram build(int output) const;

 private:
  struct Entry {
    bool is_input = false;
    Instr instr;  // dtype only for inputs
  };
  std::vector<Entry> entries_;
};

}  // namespace fused
}  // namespace pgx
