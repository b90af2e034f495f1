"""Sessions: running graphs."""
