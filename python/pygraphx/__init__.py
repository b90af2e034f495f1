"""pygraphx: the TensorFlow 1.x graph API on a compiled C++ core.

Use it as ``import pygraphx as tf``: graphs, sessions, placeholders, variables, name and
variable scopes, run on a multithreaded C++ executor.
"""

from . import _blas  # noqa: F401 - loads the BLAS the core links against
from . import _core  # noqa: F401
from . import dtypes, errors  # noqa: F401 - tf.dtypes, tf.errors
from .dtypes import (  # noqa: F401
    DType,
    as_dtype,
    bool,
    double,
    float32,
    float32_ref,
    float64,
    float64_ref,
    int32,
    int32_ref,
    int64,
    int64_ref,
    string,
)
from .framework.ops import (  # noqa: F401
    Graph,
    GraphKeys,
    NotDifferentiable,
    Operation,
    RegisterGradient,
    Tensor,
    add_to_collection,
    add_to_collections,
    control_dependencies,
    convert_to_tensor,
    get_collection,
    get_collection_ref,
    get_default_graph,
    init_scope,
    name_scope,
    no_gradient,
    register_tensor_conversion_function,
    reset_default_graph,
)
from .framework.tensor_shape import Dimension, TensorShape  # noqa: F401
from .ops.constant_op import constant  # noqa: F401
from .ops.array_ops import *  # noqa: F401,F403
from .ops.math_ops import *  # noqa: F401,F403
from .ops.reduction_ops import *  # noqa: F401,F403
from .ops.linalg_ops import *  # noqa: F401,F403
from .ops.random_ops import *  # noqa: F401,F403
from .ops.math_extra_ops import *  # noqa: F401,F403
from .ops.clip_ops import clip_by_value  # noqa: F401
from .ops.sequence_ops import range  # noqa: F401
from .ops.state_ops import assign, assign_add, assign_sub  # noqa: F401
from .ops.control_flow_ops import group, no_op, tuple, with_dependencies  # noqa: F401
from .ops.variables import (  # noqa: F401
    Variable,
    VariableV1,
    all_variables,
    global_variables,
    global_variables_initializer,
    initialize_all_variables,
    initialize_variables,
    is_variable_initialized,
    local_variables,
    local_variables_initializer,
    model_variables,
    moving_average_variables,
    trainable_variables,
    variables_initializer,
)
from .ops.variable_scope import (  # noqa: F401
    AUTO_REUSE,
    VariableScope,
    get_variable,
    get_variable_scope,
    variable_op_scope,
    variable_scope,
)
from .ops.init_ops import (  # noqa: F401
    constant_initializer,
    glorot_normal_initializer,
    glorot_uniform_initializer,
    ones_initializer,
    random_normal_initializer,
    random_uniform_initializer,
    truncated_normal_initializer,
    variance_scaling_initializer,
    zeros_initializer,
)
from .training.gradients_impl import AggregationMethod, gradients  # noqa: F401
from .ops import nn_grad  # noqa: F401 - registers the nn family's gradient functions
from .client.session import (  # noqa: F401
    ConfigProto,
    GPUOptions,
    GraphOptions,
    InteractiveSession,
    OptimizerOptions,
    RunMetadata,
    RunOptions,
    Session,
    get_default_session,
)
from . import drawing, initializers, nn, random, summary, test, train  # noqa: F401,E402
from . import layers, losses  # noqa: F401,E402

__version__ = "0.1.0"
