"""``tf.train`` (the parts available so far)."""

from .training.adagrad import AdagradOptimizer  # noqa: F401
from .training.adam import AdamOptimizer  # noqa: F401
from .training.gradient_descent import GradientDescentOptimizer  # noqa: F401
from .training.momentum import MomentumOptimizer  # noqa: F401
from .training.optimizer import Optimizer  # noqa: F401
from .training.rmsprop import RMSPropOptimizer  # noqa: F401
from .training.training_util import (  # noqa: F401
    assert_global_step,
    create_global_step,
    get_global_step,
    get_or_create_global_step,
    global_step,
)
