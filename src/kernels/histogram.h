// TensorBoard's default histogram: bucket boundaries growing by a factor of 1.1 from 1e-12 up to
// 1e20, mirrored for negative values, with 0 between the two halves and +-DBL_MAX at the ends.
// Bucket i counts values in [limit[i-1], limit[i]). Accumulation is split over the pool with a
// partial histogram per chunk, combined in chunk order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "summary_proto.h"

namespace pgx {

class Tensor;
class ThreadPool;

namespace summary {

// The right edges of the default buckets, ascending (computed once).
const std::vector<double>& default_bucket_limits();

// Statistics and bucket counts of a real-valued tensor (float32/64, int32/64), read in place.
// Runs of empty buckets are collapsed into one entry carrying the run's last limit (TF's
// encoding). Throws InvalidArgument "Nan in summary histogram for: <tag>" or "Infinity in
// Histogram for: <tag>" for non-finite values.
HistogramValue histogram_of(const Tensor& values, const std::string& tag, ThreadPool& pool);

}  // namespace summary
}  // namespace pgx
