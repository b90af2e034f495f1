// Error types thrown by the core. Run-time failures carry one of TF's status codes and the name
// of the node that failed; build-time mistakes are plain value/key/type errors.
#pragma once

#include <stdexcept>
#include <string>

namespace pgx {

// TF's canonical status codes (same numeric values as tensorflow/core/protobuf/error_codes).
enum class Code : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,
};

// A run-time error (maps to pygraphx.errors.<Class>). `node` is the failing node's name, empty
// when the error is not tied to one node.
class OpError : public std::runtime_error {
 public:
  OpError(Code code, const std::string& message, std::string node = "")
      : std::runtime_error(message), code_(code), node_(std::move(node)) {}
  Code code() const { return code_; }
  const std::string& node() const { return node_; }

 private:
  Code code_;
  std::string node_;
};

// Build-time errors, mapped to Python's ValueError, KeyError and TypeError.
class ValueError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};
class KeyError : public std::out_of_range {
 public:
  using std::out_of_range::out_of_range;
};
class TypeError : public std::domain_error {
 public:
  using std::domain_error::domain_error;
};

// Misuse of an object in the wrong state (a finalized graph, a closed session).
class RuntimeError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

[[noreturn]] inline void throw_invalid(const std::string& m) {
  throw OpError(Code::kInvalidArgument, m);
}
[[noreturn]] inline void throw_internal(const std::string& m) { throw OpError(Code::kInternal, m); }

}  // namespace pgx
