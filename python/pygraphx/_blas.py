"""Loads the BLAS the compiled core links against: scipy-openblas32's ``libscipy_openblas.so``.

It is found without running that package's ``__init__``, which spends about 0.1 s reading
package metadata to set its version; if the package is not laid out as expected, importing it
loads the library (or raises ImportError).
"""

from __future__ import annotations

import ctypes
import importlib.util
import os


def _load() -> None:
    spec = importlib.util.find_spec("scipy_openblas32")
    if spec is not None and spec.submodule_search_locations:
        lib_dir = os.path.join(list(spec.submodule_search_locations)[0], "lib")
        if os.path.isdir(lib_dir):
            for name in sorted(os.listdir(lib_dir)):
                if name.startswith("libscipy_openblas") and ".so" in name:
                    ctypes.CDLL(os.path.join(lib_dir, name), ctypes.RTLD_GLOBAL)
                    return
    import scipy_openblas32  # noqa: F401


_load()
