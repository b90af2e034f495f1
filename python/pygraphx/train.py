"""``tf.train``: optimizers, the global step, checkpoints and meta graphs."""

from .framework.meta_graph import export_meta_graph, import_meta_graph  # noqa: F401
from .training.adagrad import AdagradOptimizer  # noqa: F401
from .training.adam import AdamOptimizer  # noqa: F401
from .training.checkpoint_state import (  # noqa: F401
    CheckpointState,
    checkpoint_exists,
    get_checkpoint_mtimes,
    get_checkpoint_state,
    latest_checkpoint,
    update_checkpoint_state,
)
from .training.gradient_descent import GradientDescentOptimizer  # noqa: F401
from .training.momentum import MomentumOptimizer  # noqa: F401
from .training.optimizer import Optimizer  # noqa: F401
from .training.rmsprop import RMSPropOptimizer  # noqa: F401
from .training.saver import (  # noqa: F401
    NewCheckpointReader,
    Saver,
    SaverDef,
    list_variables,
    load_variable,
)
from .training.training_util import (  # noqa: F401
    assert_global_step,
    create_global_step,
    get_global_step,
    get_or_create_global_step,
    global_step,
)
