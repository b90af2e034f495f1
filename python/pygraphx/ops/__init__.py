"""Op wrappers, one module per family."""
