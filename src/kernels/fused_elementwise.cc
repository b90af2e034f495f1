// The fused elementwise kernel: compiling a program into scheduled steps with registers, the
// run-time shape checks, and the block loop. The arithmetic itself is in fused_steps.cc.
#include "kernels/fused_elementwise.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kernels/elementwise.h"
#include "ops/shape_helpers.h"
#include "pygraphx/status.h"
#include "pygraphx/thread_pool.h"

namespace pgx {
namespace fused {

namespace {

using elementwise::BroadcastLayout;

int64_t count(const Dims& d) {
  int64_t n = 1;
  for (int64_t x : d) n *= x;
  return n;
}

// Where a slot's elements come from during one call.
enum class Source : uint8_t {
  kFull,      // an input with the output's element count, read at the block's offset
  kGathered,  // a broadcast input, gathered per block into register `reg`
  kRegister,  // a step result in register `reg`
  kScalar,    // a single element (an input, or a step whose operands are all single), in
              // scalars[slot]
};

// Per-call state, reused across calls so that a steady-state run allocates only its output.
struct CallState {
  std::vector<const Dims*> shape;  // per program value
  std::vector<Dims> broadcast;     // per program value: shapes computed here
  std::vector<Source> source;      // per slot
  std::vector<int32_t> reg;        // per slot: register of kGathered/kRegister slots
  std::vector<const char*> base;   // per slot: data of kFull inputs
  std::vector<char> scalars;       // kScalarBytes per slot: kScalar values (float or double)
  std::vector<int32_t> gathered;   // inputs with Source::kGathered
  std::vector<BroadcastLayout> layouts;  // per gathered input
  std::vector<int32_t> block_steps;      // steps that run per block
  std::vector<uint8_t> kinds;            // per block step: its Operands
};

constexpr size_t kScalarBytes = sizeof(double);

// Nanoseconds per element of streaming a full-shape input or the output through main memory,
// and of gathering a broadcast input, for parallel_for's cost model.
constexpr double kMemoryCost = 0.5;
constexpr double kGatherCost = 0.2;

// A CallState taken from this thread's spares for one call and given back after it. A thread
// that ran another kernel call while waiting for this call's chunks would take another state,
// so the chunks' view of this one never changes under them.
class CallStateLease {
 public:
  CallStateLease() {
    if (spares().empty()) {
      state_ = std::make_unique<CallState>();
    } else {
      state_ = std::move(spares().back());
      spares().pop_back();
    }
  }
  ~CallStateLease() { spares().push_back(std::move(state_)); }
  CallStateLease(const CallStateLease&) = delete;
  CallStateLease& operator=(const CallStateLease&) = delete;
  CallState& operator*() const { return *state_; }

 private:
  static std::vector<std::unique_ptr<CallState>>& spares() {
    thread_local std::vector<std::unique_ptr<CallState>> s;
    return s;
  }
  std::unique_ptr<CallState> state_;
};

// 64-byte-aligned scratch of at least `bytes` bytes, per thread, grown as needed. Used only
// inside one run of blocks, which never waits or calls another kernel.
char* register_arena(size_t bytes) {
  thread_local std::vector<char> arena;
  if (arena.size() < bytes + 64) arena.resize(bytes + 64);
  const uintptr_t p = reinterpret_cast<uintptr_t>(arena.data());
  return reinterpret_cast<char*>((p + 63) & ~uintptr_t{63});
}

// dst[0 .. end-begin) = the elements of `src` (broadcast by layout l, operand a) at output
// positions [begin, end): whole row segments copied or filled, as broadcast_range walks them.
template <typename T>
void gather_range(const BroadcastLayout& l, const T* src, T* dst, int64_t begin, int64_t end) {
  const int r = l.rank;
  int64_t idx[elementwise::kMaxDims];
  int64_t off = 0, rem = begin;
  for (int d = r - 1; d >= 0; --d) {
    idx[d] = rem % l.dims[d];
    rem /= l.dims[d];
    off += idx[d] * l.stride_a[d];
  }
  const int64_t inner = l.dims[r - 1];
  const int64_t s = l.stride_a[r - 1];
  int64_t pos = begin;
  while (pos < end) {
    const int64_t n = std::min(inner - idx[r - 1], end - pos);
    T* o = dst + (pos - begin);
    if (s) {
      std::memcpy(o, src + off, static_cast<size_t>(n) * sizeof(T));
    } else {
      std::fill(o, o + n, src[off]);
    }
    pos += n;
    off -= idx[r - 1] * s;
    idx[r - 1] = 0;
    for (int d = r - 2; d >= 0; --d) {
      off += l.stride_a[d];
      if (++idx[d] < l.dims[d]) break;
      off -= l.dims[d] * l.stride_a[d];
      idx[d] = 0;
    }
  }
}

// The shape of a binary op's result, without allocating when it is one of the operands'.
const Dims* broadcast_shape(const Dims* a, const Dims* b, Dims* store) {
  if (*a == *b) return a;
  if (count(*b) == 1 && b->size() <= a->size()) return a;
  if (count(*a) == 1 && a->size() <= b->size()) return b;
  *store = broadcast_dims(*a, *b);  // InvalidArgument "Incompatible shapes: ..." as unfused
  return store;
}

}  // namespace

FusedElementwiseKernel::FusedElementwiseKernel(const Node& node)
    : FusedElementwiseKernel(node, FusedProgram::from_attrs(node.attrs)) {}

FusedElementwiseKernel::FusedElementwiseKernel(const Node& node, FusedProgram program)
    : OpKernel(node), program_(std::move(program)) {
  program_.validate();
  compile();
}

void FusedElementwiseKernel::compile() {
  const int num_inputs = program_.num_inputs();
  const int num_values = program_.num_values();
  num_slots_ = num_values;
  resolve_.resize(num_values);
  for (int v = 0; v < num_values; ++v) resolve_[v] = v;

  // Steps in program order; producer[slot] is the step computing a slot.
  std::vector<Step> raw;
  std::vector<int32_t> producer(num_values, -1);
  auto add_step = [&](FusedOp op, DType in, DType out, int32_t a, int32_t b, int32_t result) {
    Step s{op, in, out, a, b, result, -1, {}};
    const bool unary = b < 0;
    for (int k = 0; k < 3; ++k)
      s.fn[k] = step_fn(op, in, out, unary ? Operands::kVV : static_cast<Operands>(k));
    if (result >= static_cast<int32_t>(producer.size())) producer.resize(result + 1, -1);
    producer[result] = static_cast<int32_t>(raw.size());
    raw.push_back(s);
  };
  for (int k = 0; k < static_cast<int>(program_.instrs.size()); ++k) {
    const Instr& in = program_.instrs[k];
    const int32_t v = num_inputs + k;
    const DType t = program_.value_dtype(in.operands[0]);
    const int32_t a = resolve_[in.operands[0]];
    if ((in.op == FusedOp::kAddN && in.operands.size() == 1) ||
        (in.op == FusedOp::kCast && in.dtype == t)) {
      resolve_[v] = a;  // the unfused kernels pass the input through
    } else if (in.op == FusedOp::kAddN) {
      // ((x0 + x1) + x2) + ...: the additions of AddN's kernel, in its order.
      int32_t acc = a;
      const int n = static_cast<int>(in.operands.size());
      for (int j = 1; j < n; ++j) {
        int32_t result = v;
        if (j < n - 1) result = num_slots_++;
        add_step(FusedOp::kAdd, t, t, acc, resolve_[in.operands[j]], result);
        acc = result;
      }
    } else {
      const int32_t b = in.operands.size() > 1 ? resolve_[in.operands[1]] : -1;
      add_step(in.op, t, in.dtype, a, b, v);
    }
  }
  output_slot_ = resolve_[num_values - 1];
  producer.resize(num_slots_, -1);

  // Depth-first post-order from the output: each operand's subtree completes before the next
  // starts, so few intermediates are live at once.
  steps_.clear();
  std::vector<bool> done(raw.size(), false);
  std::vector<std::pair<int32_t, bool>> stack;  // (step, operands pushed)
  if (producer[output_slot_] >= 0) stack.push_back({producer[output_slot_], false});
  while (!stack.empty()) {
    auto [s, expanded] = stack.back();
    if (done[s]) {
      stack.pop_back();
      continue;
    }
    if (expanded) {
      stack.pop_back();
      done[s] = true;
      steps_.push_back(raw[s]);
      continue;
    }
    stack.back().second = true;
    // Pushed in reverse so that operand a is evaluated first.
    for (int32_t operand : {raw[s].b, raw[s].a})
      if (operand >= 0 && producer[operand] >= 0 && !done[producer[operand]])
        stack.push_back({producer[operand], false});
  }

  // Registers: a step's result takes a register freed by an operand's last use when it can
  // (elementwise loops may write over their input).
  std::vector<int32_t> last_use(num_slots_, -1);
  for (int i = 0; i < static_cast<int>(steps_.size()); ++i) {
    last_use[steps_[i].a] = i;
    if (steps_[i].b >= 0) last_use[steps_[i].b] = i;
  }
  std::vector<int32_t> slot_reg(num_slots_, -1), free_regs;
  num_regs_ = 0;
  for (int i = 0; i < static_cast<int>(steps_.size()); ++i) {
    Step& s = steps_[i];
    std::vector<int32_t> freed;
    for (int32_t operand : {s.a, s.b})
      if (operand >= 0 && slot_reg[operand] >= 0 && last_use[operand] == i) {
        freed.push_back(slot_reg[operand]);
        slot_reg[operand] = -1;  // freed once even when both operands are this slot
      }
    // In place only between equal element sizes: a widening Cast writing element k over its
    // own float32 operand would overwrite elements 2k and 2k+1 before reading them.
    const bool in_place = dtype_size(s.in) == dtype_size(s.out);
    if (in_place) free_regs.insert(free_regs.end(), freed.begin(), freed.end());
    if (free_regs.empty()) {
      s.reg = num_regs_++;
    } else {
      s.reg = free_regs.back();
      free_regs.pop_back();
    }
    if (!in_place) free_regs.insert(free_regs.end(), freed.begin(), freed.end());
    slot_reg[s.result] = s.reg;
  }

  cost_per_element_ = 0;
  for (const Step& s : steps_) cost_per_element_ += step_cost(s.op, s.in);
}

bool FusedElementwiseKernel::expensive(int64_t input_elements) const {
  return static_cast<double>(input_elements) * (cost_per_element_ + kMemoryCost) >=
         double(1 << 15);
}

void FusedElementwiseKernel::compute(OpKernelContext& ctx) {
  const int num_inputs = program_.num_inputs();
  const int num_values = program_.num_values();
  CallStateLease lease;
  CallState& st = *lease;

  // Shapes, checked in program order with the unfused ops' messages.
  st.shape.resize(num_values);
  st.broadcast.resize(num_values);
  for (int i = 0; i < num_inputs; ++i) {
    const Tensor& x = ctx.input(i);
    if (x.dtype() != program_.input_dtypes[i])
      throw_invalid("_FusedElementwise input " + std::to_string(i) + " has dtype " +
                    dtype_name(x.dtype()) + ", the program expects " +
                    dtype_name(program_.input_dtypes[i]));
    st.shape[i] = &x.shape();
  }
  for (int k = 0; k < static_cast<int>(program_.instrs.size()); ++k) {
    const Instr& in = program_.instrs[k];
    const int v = num_inputs + k;
    const Dims* first = st.shape[in.operands[0]];
    if (fused_op_arity(in.op) == 2) {
      st.shape[v] = broadcast_shape(first, st.shape[in.operands[1]], &st.broadcast[v]);
      continue;
    }
    if (in.op == FusedOp::kAddN)
      for (size_t j = 1; j < in.operands.size(); ++j)
        if (*st.shape[in.operands[j]] != *first)
          throw_invalid("Inputs to operation AddN of type AddN must have the same size and "
                        "shape.  Input 0: " + dims_bracket(*first) + " != input " +
                        std::to_string(j) + ": " + dims_bracket(*st.shape[in.operands[j]]));
    st.shape[v] = first;
  }

  const DType out_dtype = program_.output_dtype();
  if (output_slot_ < num_inputs) {  // the program only passes an input through
    ctx.set_output(0, ctx.input(output_slot_));
    return;
  }
  Dims out_shape = *st.shape[num_values - 1];
  const int64_t size = count(out_shape);

  // Where each slot's elements come from.
  st.source.assign(num_slots_, Source::kRegister);
  st.reg.assign(num_slots_, -1);
  st.base.assign(num_slots_, nullptr);
  st.scalars.resize(num_slots_ * kScalarBytes);
  char* scalars = st.scalars.data();
  st.gathered.clear();
  st.layouts.resize(num_inputs);
  int forward = -1;
  for (int i = 0; i < num_inputs; ++i) {
    const Tensor& x = ctx.input(i);
    if (x.size() == 1) {
      st.source[i] = Source::kScalar;
      std::memcpy(scalars + i * kScalarBytes, x.raw(), dtype_size(x.dtype()));
    } else if (x.size() == size) {
      st.source[i] = Source::kFull;
      st.base[i] = static_cast<const char*>(x.raw());
      if (forward < 0 && x.dtype() == out_dtype && x.is_exclusive()) forward = i;
    } else {
      st.source[i] = Source::kGathered;
      st.reg[i] = num_regs_ + static_cast<int32_t>(st.gathered.size());
      st.base[i] = static_cast<const char*>(x.raw());
      st.layouts[i] = elementwise::make_layout(x.shape(), out_shape);
      st.gathered.push_back(i);
    }
  }
  for (const Step& s : steps_) st.reg[s.result] = s.reg;

  // Read the input pointers before allocating: forwarding moves that input into the output.
  Tensor& out = forward >= 0
                    ? ctx.forward_or_allocate(0, forward, out_dtype, std::move(out_shape))
                    : ctx.allocate_output(0, out_dtype, std::move(out_shape));
  if (size == 0) return;
  char* out_data = static_cast<char*>(out.raw());
  const size_t out_elem = dtype_size(out_dtype);

  // Steps whose operands are all single elements run once, here; the rest run per block.
  st.block_steps.clear();
  st.kinds.clear();
  for (int i = 0; i < static_cast<int>(steps_.size()); ++i) {
    const Step& s = steps_[i];
    const bool a_scalar = st.source[s.a] == Source::kScalar;
    const bool b_scalar = s.b < 0 || st.source[s.b] == Source::kScalar;
    if (a_scalar && b_scalar) {
      st.source[s.result] = Source::kScalar;
      s.fn[0](scalars + s.a * kScalarBytes, s.b < 0 ? nullptr : scalars + s.b * kScalarBytes,
              scalars + s.result * kScalarBytes, 1);
      continue;
    }
    st.block_steps.push_back(i);
    st.kinds.push_back(static_cast<uint8_t>(
        s.b < 0 || (!a_scalar && !b_scalar) ? Operands::kVV
                                           : (a_scalar ? Operands::kSV : Operands::kVS)));
  }
  if (st.block_steps.empty()) {  // a single-element output
    std::memcpy(out_data, scalars + output_slot_ * kScalarBytes, out_elem);
    return;
  }

  const size_t reg_bytes = static_cast<size_t>(kBlock) * sizeof(double);
  const size_t arena_bytes = reg_bytes * (num_regs_ + st.gathered.size());
  auto run_blocks = [&](int64_t first_block, int64_t end_block) {
    char* regs = register_arena(arena_bytes);
    auto data = [&](int32_t slot, int64_t start) -> const void* {
      switch (st.source[slot]) {
        case Source::kFull:
          return st.base[slot] + start * dtype_size(program_.value_dtype(slot));
        case Source::kScalar:
          return scalars + slot * kScalarBytes;
        default:
          return regs + st.reg[slot] * reg_bytes;
      }
    };
    for (int64_t blk = first_block; blk < end_block; ++blk) {
      const int64_t start = blk * kBlock;
      const int64_t n = std::min(kBlock, size - start);
      for (int32_t i : st.gathered) {
        char* dst = regs + st.reg[i] * reg_bytes;
        if (program_.input_dtypes[i] == DType::kFloat32) {
          gather_range(st.layouts[i], reinterpret_cast<const float*>(st.base[i]),
                       reinterpret_cast<float*>(dst), start, start + n);
        } else {
          gather_range(st.layouts[i], reinterpret_cast<const double*>(st.base[i]),
                       reinterpret_cast<double*>(dst), start, start + n);
        }
      }
      const size_t last = st.block_steps.size() - 1;
      for (size_t j = 0; j <= last; ++j) {
        const Step& s = steps_[st.block_steps[j]];
        void* dst = j == last ? static_cast<void*>(out_data + start * out_elem)
                              : static_cast<void*>(regs + s.reg * reg_bytes);
        s.fn[st.kinds[j]](data(s.a, start), s.b < 0 ? nullptr : data(s.b, start), dst, n);
      }
    }
  };
  const int64_t num_blocks = (size + kBlock - 1) / kBlock;
  double cost = cost_per_element_ + kMemoryCost;  // the steps and writing the output
  for (int i = 0; i < num_inputs; ++i)
    cost += st.source[i] == Source::kFull ? kMemoryCost
            : st.source[i] == Source::kGathered ? kGatherCost : 0.0;
  const double block_cost = cost * static_cast<double>(std::min(size, kBlock));
  ThreadPool& pool = ctx.pool();
  if (pool.num_chunks(num_blocks, block_cost) <= 1) {
    run_blocks(0, num_blocks);
  } else {
    pool.parallel_for(num_blocks, block_cost, run_blocks);
  }
}

}  // namespace fused
}  // namespace pgx
