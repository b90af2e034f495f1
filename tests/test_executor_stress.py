"""Parallel runs where many consumers share values: the scheduler decides where each ready node
runs from its input sizes while other consumers of the same values copy them, take them or
release them. Results must be the same on every run. Under ThreadSanitizer (a build with
-fsanitize=thread, libtsan preloaded, OpenBLAS's own spin-waits suppressed) these runs also
check that no thread reads a value's slot while another moves it.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

import pygraphx as tf


def _fan_out_graph(n: int):
    """Four shared values, each read by several expensive reductions and elementwise nodes."""
    x = tf.placeholder(tf.float32, [None], name="x")
    shared = [tf.exp(x * (0.01 * (i + 1))) for i in range(4)]
    outs = []
    for j in range(12):
        a, b = shared[j % 4], shared[(j + 1) % 4]
        outs.append(tf.reduce_sum(a * b - float(j)))
        outs.append(tf.reduce_max(tf.nn.relu(a - b)))
        outs.append(tf.reduce_sum(tf.square(a)))
    total = tf.add_n(outs)
    value = np.random.RandomState(0).rand(n).astype(np.float32)
    return x, total, shared, value


@pytest.mark.parametrize("fusion", [True, False])
def test_repeated_parallel_runs_of_a_fan_out_are_stable(threads, fusion):
    x, total, shared, value = _fan_out_graph(40_000)
    jit = tf.OptimizerOptions.DEFAULT if fusion else tf.OptimizerOptions.OFF
    cfg = tf.ConfigProto(intra_op_parallelism_threads=threads,
                         inter_op_parallelism_threads=threads,
                         graph_options=tf.GraphOptions(
                             optimizer_options=tf.OptimizerOptions(global_jit_level=jit)))
    with tf.Session(config=cfg) as s:
        first, s0 = s.run([total, shared[0]], {x: value})
        for _ in range(30):
            got, g0 = s.run([total, shared[0]], {x: value})
            assert got == first
            np.testing.assert_array_equal(g0, s0)


def test_concurrent_runs_of_one_plan_from_several_threads():
    x, total, _, value = _fan_out_graph(20_000)
    cfg = tf.ConfigProto(intra_op_parallelism_threads=2, inter_op_parallelism_threads=4)
    with tf.Session(config=cfg) as s:
        want = s.run(total, {x: value})
        results, failures = [], []

        def work():
            try:
                for _ in range(10):
                    results.append(s.run(total, {x: value}))
            except Exception as e:  # reported below, in the test's thread
                failures.append(e)

        workers = [threading.Thread(target=work) for _ in range(3)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    assert not failures
    assert len(results) == 30 and all(r == want for r in results)
