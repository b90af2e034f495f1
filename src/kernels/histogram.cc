// Default-bucket histograms of real-valued tensors for HistogramSummary.
#include "histogram.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "pygraphx/status.h"
#include "pygraphx/tensor.h"
#include "pygraphx/thread_pool.h"

namespace pgx::summary {

namespace {

std::vector<double> make_default_limits() {
  std::vector<double> positive;
  for (double v = 1e-12; v < 1e20; v *= 1.1) positive.push_back(v);
  std::vector<double> limits;
  limits.reserve(2 * positive.size() + 3);
  limits.push_back(-DBL_MAX);
  for (auto it = positive.rbegin(); it != positive.rend(); ++it) limits.push_back(-*it);
  limits.push_back(0.0);
  limits.insert(limits.end(), positive.begin(), positive.end());
  limits.push_back(DBL_MAX);
  return limits;
}

// What one chunk of values contributes.
struct Partial {
  double min = DBL_MAX, max = -DBL_MAX, sum = 0, sum_squares = 0;
  std::vector<double> counts;
  bool nan = false, inf = false;
};

template <typename T>
void accumulate(const T* x, int64_t begin, int64_t end, const std::vector<double>& limits,
                Partial& p) {
  p.counts.assign(limits.size(), 0.0);
  for (int64_t i = begin; i < end; ++i) {
    const double v = static_cast<double>(x[i]);
    if (std::isnan(v)) {
      p.nan = true;
      return;
    }
    if (std::isinf(v)) {
      p.inf = true;
      return;
    }
    p.min = std::min(p.min, v);
    p.max = std::max(p.max, v);
    p.sum += v;
    p.sum_squares += v * v;
    // Index of the first limit strictly greater than v (the last bucket takes v == DBL_MAX).
    size_t b = std::upper_bound(limits.begin(), limits.end(), v) - limits.begin();
    if (b >= limits.size()) b = limits.size() - 1;
    p.counts[b] += 1.0;
  }
}

}  // namespace

const std::vector<double>& default_bucket_limits() {
  static const std::vector<double> limits = make_default_limits();
  return limits;
}

HistogramValue histogram_of(const Tensor& values, const std::string& tag, ThreadPool& pool) {
  const std::vector<double>& limits = default_bucket_limits();
  const int64_t n = values.size();
  // A binary search over ~1.5K limits per value; each chunk also zeroes its own counts.
  constexpr double kCostPerValue = 40.0;
  const int64_t chunks = std::max<int64_t>(1, pool.num_chunks(n, kCostPerValue));
  const int64_t per_chunk = (n + chunks - 1) / chunks;
  std::vector<Partial> parts(static_cast<size_t>(chunks));
  visit_numeric(values.dtype(), [&](auto tag_type) {
    using T = typename decltype(tag_type)::type;
    const T* x = values.data<T>();
    pool.parallel_for(chunks, kCostPerValue * static_cast<double>(per_chunk),
                      [&](int64_t cb, int64_t ce) {
                        for (int64_t c = cb; c < ce; ++c)
                          accumulate(x, c * per_chunk, std::min(n, (c + 1) * per_chunk), limits,
                                     parts[static_cast<size_t>(c)]);
                      });
  });
  Partial total;
  total.counts.assign(limits.size(), 0.0);
  for (const Partial& p : parts) {
    if (p.nan) throw_invalid("Nan in summary histogram for: " + tag);
    if (p.inf) throw_invalid("Infinity in Histogram for: " + tag);
    total.min = std::min(total.min, p.min);
    total.max = std::max(total.max, p.max);
    total.sum += p.sum;
    total.sum_squares += p.sum_squares;
    for (size_t b = 0; b < limits.size(); ++b) total.counts[b] += p.counts[b];
  }
  HistogramValue h;
  h.min = total.min;
  h.max = total.max;
  h.num = static_cast<double>(n);
  h.sum = total.sum;
  h.sum_squares = total.sum_squares;
  for (size_t b = 0; b < limits.size();) {
    double limit = limits[b];
    double count = total.counts[b];
    ++b;
    if (count <= 0.0) {
      while (b < limits.size() && total.counts[b] <= 0.0) limit = limits[b++];
    }
    h.bucket_limit.push_back(limit);
    h.bucket.push_back(count);
  }
  return h;
}

}  // namespace pgx::summary
