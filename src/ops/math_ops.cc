// math ops (being written).
#include "pygraphx/op_registry.h"

namespace pgx {

void register_math_ops() {}

}  // namespace pgx
