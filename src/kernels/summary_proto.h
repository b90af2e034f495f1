// The protobuf wire format of TensorBoard's `Summary` message, written and scanned by hand so the
// core needs no protobuf library. Only what the summary ops produce is encoded:
//
//   message Summary { repeated Value value = 1; }
//   message Summary.Value { string tag = 1; oneof { float simple_value = 2;
//                                                   HistogramProto histo = 5; } }
//   message HistogramProto { double min = 1; double max = 2; double num = 3; double sum = 4;
//                            double sum_squares = 5; repeated double bucket_limit = 6 [packed];
//                            repeated double bucket = 7 [packed]; }
//
// Proto3 rules: scalar fields equal to zero are omitted (oneof members never are). A serialized
// Summary is a sequence of `value` fields, so concatenating two is a valid merge.
#pragma once

#include <string>
#include <vector>

namespace pgx::summary {

struct HistogramValue {
  double min = 0, max = 0, num = 0, sum = 0, sum_squares = 0;
  std::vector<double> bucket_limit;
  std::vector<double> bucket;
};

// Appends one `Summary.value` entry to `out`.
void append_scalar_value(std::string& out, const std::string& tag, float value);
void append_histogram_value(std::string& out, const std::string& tag, const HistogramValue& h);

// Appends the tag of every value of the serialized Summary `bytes` to `tags`. Returns false
// when `bytes` is not a well-formed Summary.
bool scan_tags(const std::string& bytes, std::vector<std::string>& tags);

}  // namespace pgx::summary
