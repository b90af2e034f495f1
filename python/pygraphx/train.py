"""``tf.train`` (the parts available so far)."""
