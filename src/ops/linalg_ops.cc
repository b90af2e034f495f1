// linalg ops (being written).
#include "pygraphx/op_registry.h"

namespace pgx {

void register_linalg_ops() {}

}  // namespace pgx
