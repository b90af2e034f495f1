"""Times the fused elementwise kernel on the issue's workload (not a test).

    add_n([relu(X * a_i + b_i) for i in range(5)]), X fed 4M float32

Runs, in one process with alternating repetitions: the graph of ordinary ops (one pass over
memory per op), the same expression as one ``_FusedElementwise`` node, and NumPy. Prints the
median milliseconds per run and the ratios, for the default thread count and for 1 thread.

    python bench/time_fused_elementwise.py [--reps 30]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable, Dict, List

import numpy as np

import pygraphx as tf
from pygraphx.ops.fused_ops import _fused_elementwise

SIZE = 1 << 22
COEFS = [(1.0 + 0.25 * i, 0.5 - 0.3 * i) for i in range(5)]  # as bench/bench_side_by_side.py


def unfused_graph() -> tuple:
    g = tf.Graph()
    with g.as_default():
        X = tf.placeholder(tf.float32, [SIZE], name="X")
        out = tf.add_n([tf.nn.relu(X * a + b) for a, b in COEFS])
    return g, X, out


def fused_graph() -> tuple:
    g = tf.Graph()
    with g.as_default():
        X = tf.placeholder(tf.float32, [SIZE], name="X")
        inputs: List[object] = [X]
        program: List[tuple] = []
        relus = []
        for a, b in COEFS:
            inputs += [np.float32(a), np.float32(b)]
        first = len(inputs)
        for i in range(len(COEFS)):
            v = first + len(program)
            program += [("Mul", (0, 1 + 2 * i)), ("Add", (v, 2 + 2 * i)), ("Relu", (v + 1,))]
            relus.append(v + 2)
        program.append(("AddN", tuple(relus)))
        out = _fused_elementwise(inputs, program)
    return g, X, out


def numpy_run(x: np.ndarray) -> np.ndarray:
    acc = None
    for a, b in COEFS:
        r = np.maximum(x * np.float32(a) + np.float32(b), np.float32(0))
        acc = r if acc is None else acc + r
    return acc


def median_ms(fns: Dict[str, Callable[[], object]], reps: int) -> Dict[str, float]:
    times: Dict[str, List[float]] = {k: [] for k in fns}
    for fn in fns.values():  # warm up
        fn()
    for _ in range(reps):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t0)
    return {k: statistics.median(v) * 1e3 for k, v in times.items()}


def runner(sess: tf.Session, out: tf.Tensor, feed: dict) -> Callable[[], object]:
    return lambda: sess.run(out, feed)


def report(threads: int, x: np.ndarray, reps: int) -> None:
    cfg = tf.ConfigProto(intra_op_parallelism_threads=threads,
                         inter_op_parallelism_threads=threads)
    gu, Xu, out_u = unfused_graph()
    gf, Xf, out_f = fused_graph()
    with tf.Session(graph=gu, config=cfg) as su, tf.Session(graph=gf, config=cfg) as sf:
        unfused, fused = runner(su, out_u, {Xu: x}), runner(sf, out_f, {Xf: x})
        ru, rf = unfused(), fused()
        assert np.array_equal(ru.view(np.uint32), rf.view(np.uint32)), "fused != unfused"
        ms = median_ms({"unfused": unfused, "fused": fused, "numpy": lambda: numpy_run(x)}, reps)
    label = "default threads" if threads == 0 else "%d thread(s)" % threads
    print("%s (%d reps, medians):" % (label, reps))
    for k in ("fused", "unfused", "numpy"):
        print("  %-8s %7.2f ms" % (k, ms[k]))
    print("  fused is %.1fx faster than NumPy, %.1fx faster than unfused; max |fused - NumPy|"
          " = %.2g" % (ms["numpy"] / ms["fused"], ms["unfused"] / ms["fused"],
                       float(np.max(np.abs(rf - numpy_run(x))))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=30)
    args = parser.parse_args()
    x = np.random.RandomState(1).randn(SIZE).astype(np.float32)
    for threads in (0, 1):
        report(threads, x, args.reps)


if __name__ == "__main__":
    main()
