"""Times the fused elementwise kernel on the issue's workload (not a test).

    add_n([relu(X * a_i + b_i) for i in range(5)]), X fed 4M float32

Runs, in one process with alternating repetitions: the graph of ordinary ops as the session
runs it by default (the plan-time fusion pass makes it one fused node), the same graph with
fusion switched off (one pass over memory per op), the expression built by hand as one
``_FusedElementwise`` node, and NumPy. Prints the median milliseconds per run and the ratios,
for the default thread count and for 1 thread.

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


def config(threads: int, fusion: bool) -> tf.ConfigProto:
    jit = tf.OptimizerOptions.DEFAULT if fusion else tf.OptimizerOptions.OFF
    return tf.ConfigProto(intra_op_parallelism_threads=threads,
                          inter_op_parallelism_threads=threads,
                          graph_options=tf.GraphOptions(
                              optimizer_options=tf.OptimizerOptions(global_jit_level=jit)))


def report(threads: int, x: np.ndarray, reps: int) -> None:
    gu, Xu, out_u = unfused_graph()
    gf, Xf, out_f = fused_graph()
    with tf.Session(graph=gu, config=config(threads, True)) as sp, \
            tf.Session(graph=gu, config=config(threads, False)) as su, \
            tf.Session(graph=gf, config=config(threads, True)) as sf:
        fns = {"pass": runner(sp, out_u, {Xu: x}), "unfused": runner(su, out_u, {Xu: x}),
               "fused": runner(sf, out_f, {Xf: x})}
        results = {k: fn() for k, fn in fns.items()}
        for k in ("pass", "fused"):
            assert np.array_equal(results[k].view(np.uint32),
                                  results["unfused"].view(np.uint32)), k + " != unfused"
        fns["numpy"] = lambda: numpy_run(x)
        ms = median_ms(fns, reps)
    label = "default threads" if threads == 0 else "%d thread(s)" % threads
    print("%s (%d reps, medians):" % (label, reps))
    for k in ("pass", "fused", "unfused", "numpy"):
        print("  %-8s %7.2f ms" % (k, ms[k]))
    print("  fusion pass: %.1fx faster than NumPy, %.1fx faster than unfused; by hand: %.1fx "
          "faster than NumPy; max |pass - NumPy| = %.2g"
          % (ms["numpy"] / ms["pass"], ms["unfused"] / ms["pass"], ms["numpy"] / ms["fused"],
             float(np.max(np.abs(results["pass"] - numpy_run(x))))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=30)
    args = parser.parse_args()
    x = np.random.RandomState(1).randn(SIZE).astype(np.float32)
    for threads in (0, 1):
        report(threads, x, args.reps)


if __name__ == "__main__":
    main()
