// random ops (being written).
#include "pygraphx/op_registry.h"

namespace pgx {

void register_random_ops() {}

}  // namespace pgx
