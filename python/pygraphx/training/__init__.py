"""Training: gradients, optimizers and their slots, the global step, checkpoints.

The public names are gathered in ``pygraphx.train`` (``tf.train``) and, for ``gradients``, at the
package top level (``tf.gradients``).
"""
