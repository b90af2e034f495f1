// StridedSlice canonicalisation, following TF's ValidateStridedSliceOp, and the strided block
// copy used by Slice and StridedSlice (contiguous runs are memcpy'd, rows split over the pool).
#include "kernels/strided_slice.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "pygraphx/status.h"
#include "pygraphx/thread_pool.h"

namespace pgx {

StridedSliceMasks strided_slice_masks(const Attrs& a) {
  StridedSliceMasks m;
  m.begin = a.get_or<int64_t>("begin_mask", 0);
  m.end = a.get_or<int64_t>("end_mask", 0);
  m.ellipsis = a.get_or<int64_t>("ellipsis_mask", 0);
  m.new_axis = a.get_or<int64_t>("new_axis_mask", 0);
  m.shrink_axis = a.get_or<int64_t>("shrink_axis_mask", 0);
  return m;
}

namespace {

constexpr int64_t kNewAxis = -1;
constexpr int64_t kShrinkAxis = -2;

template <typename U>
void copy_rows(const U* in, U* out, int outer, const Dims& counts, const Dims& steps,
               int64_t base, int64_t inner_len, int64_t inner_step, ThreadPool& pool) {
  int64_t rows = 1;
  for (int k = 0; k < outer; ++k) rows *= counts[k];
  pool.parallel_for(rows, static_cast<double>(inner_len), [&](int64_t begin, int64_t end) {
    Dims idx(outer, 0);
    int64_t rem = begin, off = base;
    for (int k = outer - 1; k >= 0; --k) {
      idx[k] = rem % counts[k];
      rem /= counts[k];
      off += idx[k] * steps[k];
    }
    for (int64_t row = begin; row < end; ++row) {
      U* o = out + row * inner_len;
      const U* s = in + off;
      if (inner_step == 1) {
        std::memcpy(o, s, inner_len * sizeof(U));
      } else {
        for (int64_t j = 0; j < inner_len; ++j) o[j] = s[j * inner_step];
      }
      for (int k = outer - 1; k >= 0; --k) {
        off += steps[k];
        if (++idx[k] < counts[k]) break;
        off -= steps[k] * counts[k];
        idx[k] = 0;
      }
    }
  });
}

}  // namespace

StridedSliceResult canonicalize_strided_slice(const PartialShape& input,
                                              const std::vector<int64_t>* begin,
                                              const std::vector<int64_t>* end,
                                              const std::vector<int64_t>* strides,
                                              int64_t spec_len, const StridedSliceMasks& masks) {
  StridedSliceResult r;
  if (!input.rank_known() || spec_len < 0 || strides == nullptr) return r;
  if (masks.ellipsis & (masks.ellipsis - 1))
    throw_invalid("Multiple ellipses in slice spec not allowed");
  if (spec_len > 62) throw_invalid("slice spec has more than 62 entries");
  // Sparse spec: account for the ellipsis (implicit at the end when absent).
  int sparse_dims = static_cast<int>(spec_len);
  int64_t ellipsis_mask = masks.ellipsis;
  int add_after_ellipsis = 0;
  bool ellipsis_seen = false;
  for (int i = 0; i < sparse_dims; ++i) {
    if (ellipsis_seen && ((masks.new_axis >> i) & 1)) ++add_after_ellipsis;
    if ((ellipsis_mask >> i) & 1) ellipsis_seen = true;
  }
  if (!ellipsis_seen) ellipsis_mask |= int64_t{1} << sparse_dims++;
  // Dense spec over the input dims.
  const int rank = input.rank();
  Dims dbegin(rank, 0), dend(rank, 0), dstride(rank, 1);
  int64_t dbegin_mask = 0, dend_mask = 0, dshrink = 0;
  std::vector<int64_t> gather;
  int full = 0;
  for (int i = 0; i < sparse_dims; ++i) {
    const int64_t bit = int64_t{1} << i;
    if (ellipsis_mask & bit) {
      const int next = std::min(rank - (sparse_dims - i) + 1 + add_after_ellipsis, rank);
      for (; full < next; ++full) {
        dbegin_mask |= int64_t{1} << full;
        dend_mask |= int64_t{1} << full;
        gather.push_back(full);
      }
    } else if (masks.new_axis & bit) {
      gather.push_back(kNewAxis);
    } else {
      if (full == rank)
        throw_invalid("Index out of range using input dim " + std::to_string(full) +
                      "; input has only " + std::to_string(rank) + " dims");
      if (begin) dbegin[full] = (*begin)[i];
      if (end) dend[full] = (*end)[i];
      dstride[full] = (*strides)[i];
      if (masks.begin & bit) dbegin_mask |= int64_t{1} << full;
      if (masks.end & bit) dend_mask |= int64_t{1} << full;
      if (masks.shrink_axis & bit) {
        gather.push_back(kShrinkAxis);
        dshrink |= int64_t{1} << full;
      } else {
        gather.push_back(full);
      }
      ++full;
    }
  }
  r.begin.assign(rank, 0);
  r.stride.assign(rank, 1);
  r.processing.assign(rank, -1);
  const bool values_known = begin != nullptr && end != nullptr;
  for (int i = 0; i < rank; ++i) {
    const int64_t bit = int64_t{1} << i;
    const int64_t stride = dstride[i];
    const int64_t dim = input.dim(i);
    if (stride == 0) throw_invalid("strides[" + std::to_string(i) + "] must be non-zero");
    const bool shrink = dshrink & bit;
    r.stride[i] = stride;
    if (dim == -1) {
      r.processing[i] = shrink ? 1 : -1;
      continue;
    }
    if (shrink && stride <= 0) throw_invalid("only stride 1 allowed on non-range indexing.");
    const bool bmask = dbegin_mask & bit, emask = dend_mask & bit;
    const int64_t lo = stride > 0 ? 0 : -1, hi = stride > 0 ? dim : dim - 1;
    auto canonical = [&](int64_t x, bool masked, int c) {
      if (masked) return stride > 0 ? (c == 0 ? lo : hi) : (c == 0 ? hi : lo);
      const int64_t fwd = x < 0 ? dim + x : x;
      return fwd < lo ? lo : (fwd > hi ? hi : fwd);
    };
    bool known = false;
    int64_t interval = 0;
    if (values_known) {
      int64_t b, e;
      if (shrink) {
        b = dbegin[i] < 0 ? dim + dbegin[i] : dbegin[i];
        e = b + 1;
        if (b < 0 || b >= dim)
          throw_invalid("slice index " + std::to_string(b) + " of dimension " +
                        std::to_string(i) + " out of bounds.");
      } else {
        b = canonical(dbegin[i], bmask, 0);
        e = canonical(dend[i], emask, 1);
      }
      r.begin[i] = b;
      interval = e - b;
      known = true;
    } else if (shrink) {
      interval = 1;
      known = true;
    } else if (bmask && emask) {
      interval = stride < 0 ? -dim : dim;
      known = true;
    }
    if (known) {
      if (interval == 0 || ((interval < 0) != (stride < 0))) {
        r.processing[i] = 0;
      } else {
        r.processing[i] = interval / stride + (interval % stride != 0 ? 1 : 0);
      }
    }
  }
  Dims final_dims;
  for (int64_t g : gather) {
    if (g == kNewAxis) {
      final_dims.push_back(1);
    } else if (g >= 0) {
      final_dims.push_back(r.processing[g]);
    }
  }
  r.final_shape = PartialShape(final_dims);
  return r;
}

void strided_copy(const Tensor& in, const Dims& begin, const Dims& stride, const Dims& sizes,
                  Tensor& out, ThreadPool& pool) {
  const int r = in.rank();
  if (num_elements(sizes) == 0) return;
  const size_t esize = dtype_size(in.dtype());
  if (r == 0) {
    std::memcpy(out.raw(), in.raw(), esize);
    return;
  }
  const Dims& d = in.shape();
  Dims in_strides(r);
  int64_t s = 1;
  for (int i = r - 1; i >= 0; --i) {
    in_strides[i] = s;
    s *= d[i];
  }
  int64_t base = 0;
  for (int i = 0; i < r; ++i) base += begin[i] * in_strides[i];
  // Trailing dims taken whole form one contiguous run.
  int m = r;
  int64_t run = 1;
  while (m > 0 && begin[m - 1] == 0 && stride[m - 1] == 1 && sizes[m - 1] == d[m - 1]) {
    run *= d[m - 1];
    --m;
  }
  int outer;
  int64_t inner_len, inner_step = 1;
  if (m == 0) {
    std::memcpy(out.raw(), in.raw(), in.bytes());
    return;
  } else if (stride[m - 1] == 1) {
    outer = m - 1;
    inner_len = sizes[m - 1] * run;
  } else if (run > 1) {
    outer = m;
    inner_len = run;
  } else {
    outer = r - 1;
    inner_len = sizes[r - 1];
    inner_step = stride[r - 1];
  }
  Dims counts(outer), steps(outer);
  for (int k = 0; k < outer; ++k) {
    counts[k] = sizes[k];
    steps[k] = stride[k] * in_strides[k];
  }
  switch (esize) {
    case 1:
      copy_rows<uint8_t>(static_cast<const uint8_t*>(in.raw()), static_cast<uint8_t*>(out.raw()),
                         outer, counts, steps, base, inner_len, inner_step, pool);
      break;
    case 4:
      copy_rows<uint32_t>(static_cast<const uint32_t*>(in.raw()),
                          static_cast<uint32_t*>(out.raw()), outer, counts, steps, base,
                          inner_len, inner_step, pool);
      break;
    case 8:
      copy_rows<uint64_t>(static_cast<const uint64_t*>(in.raw()),
                          static_cast<uint64_t*>(out.raw()), outer, counts, steps, base,
                          inner_len, inner_step, pool);
      break;
    default:
      throw_internal("strided_copy: unsupported element size");
  }
}

}  // namespace pgx
