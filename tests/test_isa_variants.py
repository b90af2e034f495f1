"""Every instruction-set variant of the kernels computes the same bits.

The kernels pick a baseline, AVX2 or AVX-512 loop at run time; ``PYGRAPHX_ISA`` caps that
choice. The same program runs in a subprocess per level this CPU supports, with 1 and 4
threads, and saves every result; the results must be byte for byte identical across levels
(for one thread count). The program covers the elementwise ops (same shape, scalar, row,
column and general broadcasts; float32, float64 and integers), Exp/Tanh/Sigmoid, Softmax,
reductions along each axis, ArgMax/ArgMin and the fused elementwise kernel, on inputs with
NaN, infinities, signed zeros, denormals and values that overflow exp.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import numpy as np
import pytest

RUN_TIMEOUT_S = 120

PROGRAM = r'''
import sys
import numpy as np
import pygraphx as tf
from pygraphx.ops.fused_ops import _fused_elementwise

out_path, threads = sys.argv[1], int(sys.argv[2])
rng = np.random.RandomState(7)
SPECIAL = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-40, -1e-40, 88.7, 89.5, -103.9, -110.0,
           0.625, -0.625, 20.0, -20.0, 1e30, -1e30]


def data(shape, dtype, scale=4.0):
    if np.dtype(dtype).kind == "i":
        return rng.randint(-1000, 1000, size=shape).astype(dtype)
    x = (rng.standard_normal(shape) * scale).astype(dtype)
    flat = x.reshape(-1)
    flat[:len(SPECIAL)] = np.asarray(SPECIAL, dtype=dtype)[:flat.size]
    return x


BINARY = {"add": tf.add, "sub": tf.subtract, "mul": tf.multiply, "realdiv": tf.realdiv,
          "maximum": tf.maximum, "minimum": tf.minimum, "floordiv": tf.floordiv,
          "floormod": tf.floormod, "pow": tf.pow, "less": tf.less, "equal": tf.equal}
INT_BINARY = ["add", "sub", "mul", "maximum", "minimum", "less", "equal"]
UNARY = {"neg": tf.negative, "abs": tf.abs, "square": tf.square, "sqrt": tf.sqrt,
         "log": tf.log, "reciprocal": tf.reciprocal, "relu": tf.nn.relu, "sign": tf.sign,
         "exp": tf.exp, "tanh": tf.tanh, "sigmoid": tf.sigmoid, "softmax": tf.nn.softmax,
         "log_softmax": tf.nn.log_softmax}
REDUCE = {"sum": tf.reduce_sum, "mean": tf.reduce_mean, "max": tf.reduce_max,
          "min": tf.reduce_min, "prod": tf.reduce_prod}
# (a shape, b shape): same shape, scalar either side, row, column and a general broadcast.
LAYOUTS = [((60007,), (60007,)), ((60007,), ()), ((), (60007,)), ((301, 257), (257,)),
           ((301, 257), (301, 1)), ((7, 1, 33), (1, 29, 33))]

fetches, feed = {}, {}


def placeholder(x, name):
    p = tf.placeholder(tf.as_dtype(x.dtype), x.shape, name=name)
    feed[p] = x
    return p


for dtype in (np.float32, np.float64, np.int32, np.int64):
    name = np.dtype(dtype).name
    for k, (sa, sb) in enumerate(LAYOUTS):
        a = placeholder(data(sa, dtype), "a_%s_%d" % (name, k))
        b = placeholder(data(sb, dtype), "b_%s_%d" % (name, k))
        ops = BINARY if np.dtype(dtype).kind == "f" else {o: BINARY[o] for o in INT_BINARY}
        for op, fn in ops.items():
            fetches["%s/%s/%d" % (op, name, k)] = fn(a, b)
    x = placeholder(data((211, 509), dtype), "x_" + name)
    unary = UNARY if np.dtype(dtype).kind == "f" else {"neg": tf.negative, "abs": tf.abs,
                                                        "square": tf.square, "sign": tf.sign}
    for op, fn in unary.items():
        fetches["%s/%s" % (op, name)] = fn(x)
    for other in (np.float32, np.float64, np.int32):
        if other != dtype:
            fetches["cast/%s/%s" % (name, np.dtype(other).name)] = tf.cast(x, other)
    cube = placeholder(data((37, 41, 523), dtype, 1.0), "cube_" + name)
    for op, fn in REDUCE.items():
        for axis in (None, 0, 1, 2, (0, 2)):
            fetches["reduce_%s/%s/%s" % (op, name, axis)] = fn(cube, axis=axis)
    for axis in (0, 1, 2):
        fetches["argmax/%s/%d" % (name, axis)] = tf.argmax(cube, axis=axis)
        fetches["argmin/%s/%d" % (name, axis)] = tf.argmin(cube, axis=axis)
    if np.dtype(dtype).kind == "f":
        long_row = placeholder(data((3, 300001), dtype, 1.0), "long_" + name)
        for op in ("sum", "max", "mean"):
            fetches["long_%s/%s" % (op, name)] = REDUCE[op](long_row, axis=1)
        # add_n(tanh(x * c_i + d_i) ...) + sigmoid(x) * exp(-relu(x)), one fused node.
        fx = placeholder(data((70001,), dtype, 2.0), "fx_" + name)
        consts = [tf.constant(v, dtype=tf.as_dtype(dtype))
                  for v in (1.5, 0.25, -0.75, 2.0, 0.5, -1.0)]
        program = [("Mul", [0, 1]), ("Add", [7, 2]), ("Tanh", [8]),
                   ("Mul", [0, 3]), ("Add", [10, 4]), ("Relu", [11]),
                   ("Mul", [0, 5]), ("Add", [13, 6]), ("Sigmoid", [14]),
                   ("Neg", [12]), ("Exp", [16]), ("Mul", [15, 17]),
                   ("AddN", [9, 12, 18]), ("Maximum", [19, 0]), ("Square", [20]),
                   ("RealDiv", [21, 3]), ("Sub", [22, 4])]
        fetches["fused/" + name] = _fused_elementwise([fx] + consts, program)

cfg = tf.ConfigProto(intra_op_parallelism_threads=threads, inter_op_parallelism_threads=threads)
with tf.Session(config=cfg) as sess:
    keys = sorted(fetches)
    values = sess.run([fetches[k] for k in keys], feed)
np.savez(out_path, **{k.replace("/", "|"): np.asarray(v) for k, v in zip(keys, values)})
'''


def cpu_flags() -> set:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def supported_levels() -> List[str]:
    flags = cpu_flags()
    levels = ["baseline"]
    if "avx2" in flags:
        levels.append("avx2")
        if {"avx512f", "avx512vl", "avx512bw", "avx512dq"} <= flags:
            levels.append("avx512")
    return levels


def run_level(level: str, threads: int, tmp_path: Path) -> Dict[str, np.ndarray]:
    script = tmp_path / "program.py"
    script.write_text(PROGRAM)
    out = tmp_path / ("%s_%d.npz" % (level, threads))
    env = dict(os.environ, PYGRAPHX_ISA=level)
    proc = subprocess.run([sys.executable, str(script), str(out), str(threads)],
                          capture_output=True, text=True, timeout=RUN_TIMEOUT_S, env=env,
                          check=False)
    assert proc.returncode == 0, "PYGRAPHX_ISA=%s failed:\n%s\n%s" % (
        level, proc.stdout, proc.stderr)
    assert proc.stderr == "", proc.stderr
    with np.load(out) as f:
        return {k: f[k] for k in f.files}


@pytest.mark.parametrize("threads", [1, 4])
def test_every_level_gives_the_same_bytes(threads: int, tmp_path: Path):
    levels = supported_levels()
    if len(levels) < 2:
        pytest.skip("this CPU supports only the baseline kernels")
    results = {level: run_level(level, threads, tmp_path) for level in levels}
    reference = results["baseline"]
    assert len(reference) > 300
    for level in levels[1:]:
        got = results[level]
        assert sorted(got) == sorted(reference)
        differ = [k for k in reference
                  if got[k].dtype != reference[k].dtype or got[k].shape != reference[k].shape
                  or got[k].tobytes() != reference[k].tobytes()]
        assert not differ, "%s differs from baseline in %s" % (level, differ)


def test_unknown_level_is_reported_and_ignored(tmp_path: Path):
    env = dict(os.environ, PYGRAPHX_ISA="sse9")
    code = ("import numpy as np, pygraphx as tf\n"
            "with tf.Session() as s:\n"
            "    print(s.run(tf.exp(tf.constant([0.0, 1.0]))))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=RUN_TIMEOUT_S, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "PYGRAPHX_ISA=sse9" in proc.stderr and "baseline, avx2 or avx512" in proc.stderr
    assert "2.71828" in proc.stdout
