"""``tf.initializers``: the initializer classes under their TF1 short names."""

from .ops.init_ops import (  # noqa: F401
    Constant as constant,
    GlorotNormal as glorot_normal,
    GlorotUniform as glorot_uniform,
    Ones as ones,
    RandomNormal as random_normal,
    RandomUniform as random_uniform,
    TruncatedNormal as truncated_normal,
    VarianceScaling as variance_scaling,
    Zeros as zeros,
)
from .ops.variables import global_variables_initializer as global_variables  # noqa: F401
from .ops.variables import variables_initializer as variables  # noqa: F401
