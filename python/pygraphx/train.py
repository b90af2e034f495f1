"""``tf.train`` (the parts available so far)."""
from .framework.meta_graph import export_meta_graph, import_meta_graph  # noqa: F401
from .training.checkpoint_state import (  # noqa: F401
    CheckpointState,
    checkpoint_exists,
    get_checkpoint_mtimes,
    get_checkpoint_state,
    latest_checkpoint,
    update_checkpoint_state,
)
from .training.saver import (  # noqa: F401
    NewCheckpointReader,
    Saver,
    SaverDef,
    list_variables,
    load_variable,
)
