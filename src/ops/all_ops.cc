// The single explicit list of op families. Each family's file defines its register function;
// listing them here keeps the linker from dropping any.
#include <mutex>

#include "pygraphx/op_registry.h"

namespace pgx {

void register_basic_ops();
void register_state_ops();
void register_math_ops();
void register_reduction_ops();
void register_array_ops();
void register_linalg_ops();
void register_random_ops();
void register_sequence_ops();
void register_grad_ops();
void register_nn_ops();
void register_summary_ops();
void register_training_ops();
void register_fused_ops();

void register_all_ops() {
  static std::once_flag once;
  std::call_once(once, [] {
    register_basic_ops();
    register_state_ops();
    register_math_ops();
    register_reduction_ops();
    register_array_ops();
    register_linalg_ops();
    register_random_ops();
    register_sequence_ops();
    register_grad_ops();
    register_nn_ops();
    register_summary_ops();
    register_training_ops();
    register_fused_ops();
  });
}

}  // namespace pgx
