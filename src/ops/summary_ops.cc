// Summary ops: ScalarSummary, HistogramSummary and MergeSummary. Each produces a scalar string
// holding a serialized TensorBoard `Summary` (see kernels/summary_proto.h); numeric inputs are
// read in place, never converted to intermediate strings.
#include <string>
#include <unordered_set>

#include "kernels/histogram.h"
#include "kernels/summary_proto.h"
#include "pygraphx/kernel.h"
#include "pygraphx/op_registry.h"
#include "pygraphx/status.h"
#include "shape_helpers.h"

namespace pgx {

namespace {

void require_dtype(const InferenceContext& ic, int i, const char* param, bool want_string) {
  const DType t = ic.in_dtypes[i];
  const bool ok = want_string ? t == DType::kString : dtype_is_real(t);
  if (!ok)
    throw TypeError("Value passed to parameter '" + std::string(param) + "' of " + ic.op_type +
                    " ('" + ic.node_name + "') has dtype " + dtype_name(t) + ", expected " +
                    (want_string ? "string" : "one of float32, float64, int32, int64"));
}

void scalar_summary_shape(InferenceContext& ic) {
  require_dtype(ic, 0, "tags", true);
  require_dtype(ic, 1, "values", false);
  ic.set_output(0, DType::kString, PartialShape(Dims{}));
}

void scalar_summary_kernel(OpKernelContext& ctx) {
  const Tensor& tags = ctx.input(0);
  const Tensor& values = ctx.input(1);
  if (tags.shape() != values.shape())
    throw_invalid("tags and values are not the same shape: " + dims_bracket(tags.shape()) +
                  " != " + dims_bracket(values.shape()));
  const std::string* t = tags.data<std::string>();
  std::string out;
  visit_numeric(values.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* v = values.data<T>();
    for (int64_t i = 0; i < values.size(); ++i)
      summary::append_scalar_value(out, t[i], static_cast<float>(v[i]));
  });
  *ctx.allocate_output(0, DType::kString, {}).data<std::string>() = std::move(out);
}

void histogram_summary_shape(InferenceContext& ic) {
  require_dtype(ic, 0, "tag", true);
  require_dtype(ic, 1, "values", false);
  ic.set_output(0, DType::kString, PartialShape(Dims{}));
}

void histogram_summary_kernel(OpKernelContext& ctx) {
  const Tensor& tag = ctx.input(0);
  if (tag.rank() != 0)
    throw_invalid("tags must be scalar, got shape " + dims_bracket(tag.shape()));
  const std::string& name = *tag.data<std::string>();
  const summary::HistogramValue h = summary::histogram_of(ctx.input(1), name, ctx.pool());
  std::string out;
  summary::append_histogram_value(out, name, h);
  *ctx.allocate_output(0, DType::kString, {}).data<std::string>() = std::move(out);
}

void merge_summary_shape(InferenceContext& ic) {
  for (int i = 0; i < ic.num_inputs(); ++i) require_dtype(ic, i, "inputs", true);
  ic.set_output(0, DType::kString, PartialShape(Dims{}));
}

// Concatenation of every input element (a valid merge of serialized Summary messages), after
// checking that each parses and that no tag appears twice.
void merge_summary_kernel(OpKernelContext& ctx) {
  std::unordered_set<std::string> seen;
  std::vector<std::string> tags;
  size_t total = 0;
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    const Tensor& in = ctx.input(i);
    const std::string* s = in.data<std::string>();
    for (int64_t k = 0; k < in.size(); ++k) {
      tags.clear();
      if (!summary::scan_tags(s[k], tags))
        throw_invalid("Could not parse one of the summary inputs (input " + std::to_string(i) +
                      ")");
      for (const std::string& t : tags)
        if (!seen.insert(t).second)
          throw_invalid("Duplicate tag " + t + " found in summary inputs");
      total += s[k].size();
    }
  }
  std::string out;
  out.reserve(total);
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    const Tensor& in = ctx.input(i);
    const std::string* s = in.data<std::string>();
    for (int64_t k = 0; k < in.size(); ++k) out += s[k];
  }
  *ctx.allocate_output(0, DType::kString, {}).data<std::string>() = std::move(out);
}

}  // namespace

void register_summary_ops() {
  OpRegistry& r = OpRegistry::global();
  r.add({"ScalarSummary", 2, 2, 0, false, scalar_summary_shape,
         fn_kernel(scalar_summary_kernel), /*accepts_strings=*/true});
  r.add({"HistogramSummary", 2, 2, 0, false, histogram_summary_shape,
         fn_kernel(histogram_summary_kernel), /*accepts_strings=*/true});
  r.add({"MergeSummary", 1, -1, 0, false, merge_summary_shape, fn_kernel(merge_summary_kernel),
         /*accepts_strings=*/true});
}

}  // namespace pgx
