"""Side-by-side benchmark: the same workloads on pygraphx, NumPy and (when importable)
TensorFlow's tf.compat.v1, in one process, alternating repetitions, reporting medians.

Usage: python bench/bench_side_by_side.py [--reps 7] [--calls 2000]

Figures are ratios measured in one run: machines are shared and noisy, so compare within a run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable, Dict, List, Optional

import numpy as np

N_FEATURES = 3


def load_tf():
    try:
        import tensorflow.compat.v1 as tf1  # type: ignore[import-not-found]
    except ImportError:
        return None
    tf1.disable_v2_behavior()
    tf1.logging.set_verbosity(tf1.logging.ERROR)
    return tf1


def build_five_relus(tf):
    """The seed's final listing: five ReLUs sharing relu/threshold."""

    def relu(X):
        threshold = tf.get_variable("threshold", shape=(),
                                    initializer=tf.constant_initializer(0.0))
        w_shape = (int(X.get_shape()[1]), 1)
        w = tf.Variable(tf.random_normal(w_shape), name="weights")
        b = tf.Variable(0.0, name="bias")
        z = tf.add(tf.matmul(X, w), b, name="z")
        return tf.maximum(z, threshold, name="max")

    X = tf.placeholder(tf.float32, shape=(None, N_FEATURES), name="X")
    relus = []
    for relu_index in range(5):
        with tf.variable_scope("relu", reuse=(relu_index >= 1)):
            relus.append(relu(X))
    return X, tf.add_n(relus, name="output")


def session_run_timer(tf, rows: int, calls: int) -> Callable[[], float]:
    """Microseconds per sess.run of the five-ReLU graph fed ``rows`` rows."""
    g = tf.Graph()
    with g.as_default():
        X, out = build_five_relus(tf)
        init = tf.global_variables_initializer()
    sess = tf.Session(graph=g)
    sess.run(init)
    batch = np.random.RandomState(0).rand(rows, N_FEATURES).astype(np.float32)
    feed = {X: batch}
    sess.run(out, feed)

    def timed() -> float:
        t0 = time.perf_counter()
        for _ in range(calls):
            sess.run(out, feed)
        return (time.perf_counter() - t0) / calls * 1e6

    return timed


def numpy_timer(rows: int, calls: int) -> Callable[[], float]:
    """The same computation as NumPy calls (matmul, add, maximum per ReLU, then a sum)."""
    rng = np.random.RandomState(0)
    ws = [rng.randn(N_FEATURES, 1).astype(np.float32) for _ in range(5)]
    bs = [np.float32(0.0)] * 5
    threshold = np.float32(0.0)
    batch = rng.rand(rows, N_FEATURES).astype(np.float32)

    def once(x):
        acc = None
        for w, b in zip(ws, bs):
            r = np.maximum(np.add(x @ w, b), threshold)
            acc = r if acc is None else acc + r
        return acc

    def timed() -> float:
        t0 = time.perf_counter()
        for _ in range(calls):
            once(batch)
        return (time.perf_counter() - t0) / calls * 1e6

    return timed


def build_timer(tf, calls: int) -> Callable[[], float]:
    """Microseconds to build placeholder + five ReLUs + add_n, per ReLU."""

    def timed() -> float:
        t0 = time.perf_counter()
        for _ in range(calls):
            with tf.Graph().as_default():
                build_five_relus(tf)
        return (time.perf_counter() - t0) / calls / 5 * 1e6

    return timed


def measure(timers: Dict[str, Callable[[], float]], reps: int) -> Dict[str, float]:
    samples: Dict[str, List[float]] = {k: [] for k in timers}
    for _ in range(reps):
        for k, t in timers.items():  # alternate so drift hits every contender alike
            samples[k].append(t())
    return {k: statistics.median(v) for k, v in samples.items()}


def report(title: str, med: Dict[str, float], unit: str = "µs") -> None:
    base = med["pygraphx"]
    cells = []
    for k, v in med.items():
        ratio = "" if k == "pygraphx" else "  (%.1fx pygraphx)" % (v / base)
        cells.append("%s %.2f %s%s" % (k, v, unit, ratio))
    print("%-52s %s" % (title, " | ".join(cells)))


def main(argv: Optional[List[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--calls", type=int, default=2000)
    args = ap.parse_args(argv)

    import pygraphx as pgx

    tf1 = load_tf()
    print("TensorFlow: %s" % ("tf.compat.v1 " + tf1.__version__ if tf1 else "not installed"))

    for rows in (1, 10000):
        calls = args.calls if rows == 1 else max(50, args.calls // 20)
        timers = {"pygraphx": session_run_timer(pgx, rows, calls),
                  "numpy": numpy_timer(rows, calls)}
        if tf1 is not None:
            timers["tensorflow"] = session_run_timer(tf1, rows, max(50, calls // 10))
        report("5-ReLU graph, sess.run fed %d row%s" % (rows, "" if rows == 1 else "s"),
               measure(timers, args.reps))

    timers = {"pygraphx": build_timer(pgx, 50)}
    if tf1 is not None:
        timers["tensorflow"] = build_timer(tf1, 3)
    report("building the 5-ReLU graph, per ReLU", measure(timers, args.reps))


if __name__ == "__main__":
    main()
