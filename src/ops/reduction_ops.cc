// reduction ops (being written).
#include "pygraphx/op_registry.h"

namespace pgx {

void register_reduction_ops() {}

}  // namespace pgx
