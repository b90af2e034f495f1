// The inner loops of fused elementwise programs: one function per (op, dtype, operand kinds),
// each a plain loop over n contiguous elements that the compiler vectorises, with AVX2 and
// AVX-512 variants chosen at run time. Every loop computes exactly what the unfused op's
// kernel computes for each element (same functor, no FMA contraction), so fused results match
// bit for bit.
#pragma once

#include <cstdint>

#include "kernels/fused_program.h"
#include "pygraphx/dtype.h"

namespace pgx {
namespace fused {

// out[i] = op(a[i], b[i]) (kVV), op(a[i], b[0]) (kVS) or op(a[0], b[i]) (kSV) for binary ops;
// out[i] = op(a[i]) for unary ops and Cast (b unused, the kind ignored). `out` may equal a
// vector operand.
using StepFn = void (*)(const void* a, const void* b, void* out, int64_t n);
enum class Operands { kVV, kVS, kSV };

// The loop of op (never kAddN) on operands of dtype `in` giving dtype `out`.
StepFn step_fn(FusedOp op, DType in, DType out, Operands kind);
// Nanoseconds per element of that loop on data in L1, for parallel_for's cost model.
double step_cost(FusedOp op, DType in);

}  // namespace fused
}  // namespace pgx
