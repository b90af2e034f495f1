"""Side-by-side benchmark: the workloads of the performance targets on pygraphx, NumPy and,
when importable, TensorFlow's tf.compat.v1, in one process, with repetitions alternating
between contenders so that drift and noise hit every one alike. Prints medians, how many
times faster (or better) pygraphx is, and each target with whether this run met it.

Usage: python bench/bench_side_by_side.py [--reps 5] [--quick] [--only ROW[,ROW...]]
Rows: relu1 relu10k build fused matmul logreg chains const import.

Figures are ratios measured in one run: machines are shared and noisy, so compare within a run.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

import numpy as np

N_FEATURES = 3
CONTENDERS = ("pygraphx", "numpy", "tensorflow")


# ------------------------------------------------------------------------------------------
# Timing


class Sampler:
    """Times a zero-argument ``step``: each sample runs it enough times to last about
    ``budget`` seconds and returns the wall-clock seconds per call. Also keeps the process's
    CPU time over wall time across samples (1.0: one busy thread on average)."""

    def __init__(self, step: Callable[[], object], budget: float) -> None:
        self.step = step
        step()  # first-call costs (plan compilation, page faults) stay out of the samples
        calls = 1
        while True:
            elapsed = self._time(calls)
            if elapsed >= budget / 10 or calls >= 1 << 20:
                break
            calls *= 10
        self.calls = max(1, min(1 << 22, int(calls * budget / max(elapsed, 1e-9))))
        self.cpu = 0.0
        self.wall = 0.0

    def _time(self, calls: int) -> float:
        step = self.step
        t0 = time.perf_counter()
        for _ in range(calls):
            step()
        return time.perf_counter() - t0

    def sample(self) -> float:
        gc.collect()
        c0 = time.process_time()
        elapsed = self._time(self.calls)
        self.cpu += time.process_time() - c0
        self.wall += elapsed
        return elapsed / self.calls

    def cpu_per_wall(self) -> float:
        return self.cpu / self.wall if self.wall else 0.0


def alternate(samplers: Dict[str, Sampler], reps: int) -> Dict[str, float]:
    """Median seconds per call of each sampler, sampling them in turn ``reps`` times."""
    samples: Dict[str, List[float]] = {k: [] for k in samplers}
    for _ in range(reps):
        for k, s in samplers.items():
            samples[k].append(s.sample())
    return {k: statistics.median(v) for k, v in samples.items()}


# ------------------------------------------------------------------------------------------
# Results and the table


@dataclass
class Row:
    """One workload's medians per contender, in ``unit``; ``higher_is_better`` for rates."""

    key: str
    title: str
    unit: str
    values: Dict[str, float]
    higher_is_better: bool
    target: str
    met: Optional[bool]  # None: cannot be judged in this run (e.g. TensorFlow missing)
    notes: List[str] = field(default_factory=list)

    def times_better(self, other: str) -> Optional[float]:
        """How many times faster (or better) pygraphx is than ``other``."""
        mine, theirs = self.values.get("pygraphx"), self.values.get(other)
        if mine is None or theirs is None or mine <= 0 or theirs <= 0:
            return None
        return mine / theirs if self.higher_is_better else theirs / mine


def fmt_value(v: Optional[float]) -> str:
    if v is None:
        return "-"
    if v >= 100:
        return "{:,.0f}".format(v)
    if v >= 10:
        return "%.1f" % v
    return "%.2f" % v


def fmt_ratio(r: Optional[float]) -> str:
    if r is None:
        return "-"
    return ("%.0fx" if r >= 100 else "%.1fx" if r >= 10 else "%.2fx") % r


def print_table(rows: List[Row]) -> None:
    headers = ["workload", "unit", "pygraphx", "NumPy", "TF", "vs NumPy", "vs TF", "target",
               "met"]
    table = [headers]
    for r in rows:
        mark = "n/a" if r.met is None else ("MET" if r.met else "NOT MET")
        table.append([r.title, r.unit] + [fmt_value(r.values.get(c)) for c in CONTENDERS]
                     + [fmt_ratio(r.times_better("numpy")), fmt_ratio(r.times_better("tensorflow")),
                        r.target, mark])
    widths = [max(len(line[i]) for line in table) for i in range(len(headers))]
    right = {2, 3, 4, 5, 6}
    for n, line in enumerate(table):
        cells = [c.rjust(w) if i in right else c.ljust(w)
                 for i, (c, w) in enumerate(zip(line, widths))]
        print("  ".join(cells).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print("vs X: how many times faster (or better) pygraphx is than X; above 1 pygraphx wins.")
    for r in rows:
        for note in r.notes:
            print("  [%s] %s" % (r.key, note))


# ------------------------------------------------------------------------------------------
# Frameworks


def load_tf():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        import tensorflow.compat.v1 as tf1  # type: ignore[import-not-found]
    except ImportError:
        return None
    tf1.disable_v2_behavior()
    tf1.logging.set_verbosity(tf1.logging.ERROR)
    return tf1


class Bench:
    """The frameworks under test and the run's settings."""

    def __init__(self, pgx, tf1, reps: int, budget: float, quick: bool) -> None:
        self.frameworks = {"pygraphx": pgx}
        if tf1 is not None:
            self.frameworks["tensorflow"] = tf1
        self.has_tf = tf1 is not None
        self.reps = reps
        self.budget = budget
        self.quick = quick

    def sampler(self, step: Callable[[], object], budget_scale: float = 1.0) -> Sampler:
        return Sampler(step, self.budget * budget_scale)


def new_session(tf, graph, threads: Optional[int] = None):
    config = None
    if threads is not None:
        config = tf.ConfigProto(intra_op_parallelism_threads=threads,
                                inter_op_parallelism_threads=threads)
    return tf.Session(graph=graph, config=config)


def verdict(*conditions: Optional[bool]) -> Optional[bool]:
    """All conditions hold (True), one fails (False), or one cannot be judged (None)."""
    if any(c is False for c in conditions):
        return False
    if any(c is None for c in conditions):
        return None
    return True


def at_least(ratio: Optional[float], bound: float) -> Optional[bool]:
    return None if ratio is None else ratio >= bound


# ------------------------------------------------------------------------------------------
# Workloads: one function per row of the targets table


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


def five_relus_step(tf, batch: np.ndarray) -> Callable[[], object]:
    g = tf.Graph()
    with g.as_default():
        X, out = build_five_relus(tf)
        init = tf.global_variables_initializer()
    sess = new_session(tf, g)
    sess.run(init)
    feed = {X: batch}
    return lambda: sess.run(out, feed)


def five_relus_numpy_step(batch: np.ndarray) -> Callable[[], object]:
    """The same computation as 19 NumPy calls (matmul, add, maximum per ReLU, four adds)."""
    rng = np.random.RandomState(0)
    ws = [rng.randn(N_FEATURES, 1).astype(np.float32) for _ in range(5)]
    b = np.float32(0.0)
    threshold = np.float32(0.0)

    def step():
        acc = None
        for w in ws:
            r = np.maximum(np.add(batch @ w, b), threshold)
            acc = r if acc is None else acc + r
        return acc

    return step


def row_five_relus(bench: Bench, rows: int) -> Row:
    batch = np.random.RandomState(0).rand(rows, N_FEATURES).astype(np.float32)
    samplers = {name: bench.sampler(five_relus_step(tf, batch))
                for name, tf in bench.frameworks.items()}
    samplers["numpy"] = bench.sampler(five_relus_numpy_step(batch))
    us = {k: v * 1e6 for k, v in alternate(samplers, bench.reps).items()}
    if rows == 1:
        key, title = "relu1", "5-ReLU graph, sess.run fed 1 row"
        target = ">= 50x TF, faster than NumPy"
        row = Row(key, title, "us/run", us, False, target, None)
        row.met = verdict(at_least(row.times_better("tensorflow"), 50),
                          at_least(row.times_better("numpy"), 1.0))
    else:
        key, title = "relu10k", "5-ReLU graph, sess.run fed 10,000 rows"
        target = ">= 5x TF, >= NumPy"
        row = Row(key, title, "us/run", us, False, target, None)
        row.met = verdict(at_least(row.times_better("tensorflow"), 5),
                          at_least(row.times_better("numpy"), 1.0))
    return row


def row_build(bench: Bench) -> Row:
    def step_for(tf):
        def step():
            with tf.Graph().as_default():
                build_five_relus(tf)
        return step

    samplers = {name: bench.sampler(step_for(tf)) for name, tf in bench.frameworks.items()}
    us = {k: v / 5 * 1e6 for k, v in alternate(samplers, bench.reps).items()}
    row = Row("build", "building the 5-ReLU graph, per ReLU", "us/ReLU", us, False,
              ">= 100x TF", None)
    row.met = at_least(row.times_better("tensorflow"), 100)
    return row


FUSED_SIZE = 1 << 22
FUSED_COEFS = [(1.0 + 0.25 * i, 0.5 - 0.3 * i) for i in range(5)]


def row_fused(bench: Bench) -> Row:
    x = np.random.RandomState(1).randn(FUSED_SIZE).astype(np.float32)

    def step_for(tf):
        g = tf.Graph()
        with g.as_default():
            X = tf.placeholder(tf.float32, shape=(FUSED_SIZE,), name="X")
            out = tf.add_n([tf.nn.relu(X * a + b) for a, b in FUSED_COEFS])
        sess = new_session(tf, g)
        feed = {X: x}
        return lambda: sess.run(out, feed)

    def numpy_step():
        acc = None
        for a, b in FUSED_COEFS:
            r = np.maximum(x * np.float32(a) + np.float32(b), np.float32(0))
            acc = r if acc is None else acc + r
        return acc

    steps = {name: step_for(tf) for name, tf in bench.frameworks.items()}
    expected = numpy_step()
    got = steps["pygraphx"]()
    samplers = {name: bench.sampler(s) for name, s in steps.items()}
    samplers["numpy"] = bench.sampler(numpy_step)
    ms = {k: v * 1e3 for k, v in alternate(samplers, bench.reps).items()}
    row = Row("fused", "add_n([relu(X*a_i + b_i)] x5), X fed 4M float32", "ms/run", ms, False,
              ">= 4x NumPy", None)
    row.met = at_least(row.times_better("numpy"), 4)
    row.notes.append("pygraphx vs NumPy result: max abs difference %.2g"
                     % float(np.max(np.abs(got - expected))))
    return row


MATMUL_N = 1024


def row_matmul(bench: Bench) -> Row:
    rng = np.random.RandomState(2)
    a = rng.randn(MATMUL_N, MATMUL_N).astype(np.float32)
    b = rng.randn(MATMUL_N, MATMUL_N).astype(np.float32)

    def step_for(tf):
        g = tf.Graph()
        with g.as_default():
            A = tf.placeholder(tf.float32, shape=(MATMUL_N, MATMUL_N), name="A")
            B = tf.placeholder(tf.float32, shape=(MATMUL_N, MATMUL_N), name="B")
            C = tf.matmul(A, B)
        sess = new_session(tf, g)
        feed = {A: a, B: b}
        return lambda: sess.run(C, feed)

    samplers = {name: bench.sampler(step_for(tf)) for name, tf in bench.frameworks.items()}
    samplers["numpy"] = bench.sampler(lambda: a @ b)
    flops = 2.0 * MATMUL_N ** 3
    gflops = {k: flops / v * 1e-9 for k, v in alternate(samplers, bench.reps).items()}
    row = Row("matmul", "1024x1024 float32 matmul of two fed placeholders", "GFLOP/s", gflops,
              True, ">= 0.9x NumPy's @", None)
    row.met = at_least(row.times_better("numpy"), 0.9)
    return row


def make_moons(n: int, noise: float, rng: np.random.RandomState):
    """Two interleaving half circles with Gaussian noise (as scikit-learn's make_moons)."""
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n_in)
    X = np.vstack([np.column_stack([np.cos(t_out), np.sin(t_out)]),
                   np.column_stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5])])
    y = np.hstack([np.zeros(n_out), np.ones(n_in)])
    X += rng.normal(scale=noise, size=X.shape)
    order = rng.permutation(n)
    return X[order], y[order]


class MoonsData:
    """Moons with a bias column, a train/test split and a fixed sequence of batches of 50."""

    BATCH = 50
    LEARNING_RATE = 0.01

    def __init__(self, n_batches: int) -> None:
        rng = np.random.RandomState(42)
        X, y = make_moons(1000, 0.1, rng)
        Xb = np.column_stack([np.ones(len(X)), X]).astype(np.float32)
        y = y.reshape(-1, 1).astype(np.float32)
        self.X_train, self.X_test = Xb[:800], Xb[800:]
        self.y_train, self.y_test = y[:800], y[800:]
        self.theta0 = rng.uniform(-1.0, 1.0, size=(3, 1)).astype(np.float32)
        idx = [rng.randint(0, 800, self.BATCH) for _ in range(n_batches)]
        self.batches = [(self.X_train[i], self.y_train[i]) for i in idx]

    def accuracy(self, y_proba: np.ndarray) -> float:
        return float(np.mean((y_proba >= 0.5) == (self.y_test >= 0.5)))


class LogisticRegression:
    """The book's logistic regression exercise: log loss, GradientDescentOptimizer."""

    def __init__(self, tf, data: MoonsData) -> None:
        self.data = data
        g = tf.Graph()
        with g.as_default():
            self.X = tf.placeholder(tf.float32, shape=(None, 3), name="X")
            self.y = tf.placeholder(tf.float32, shape=(None, 1), name="y")
            theta = tf.Variable(data.theta0, name="theta")
            self.y_proba = tf.sigmoid(tf.matmul(self.X, theta))
            loss = tf.losses.log_loss(self.y, self.y_proba)
            optimizer = tf.train.GradientDescentOptimizer(learning_rate=data.LEARNING_RATE)
            self.training_op = optimizer.minimize(loss)
            self.init = tf.global_variables_initializer()
        self.sess = new_session(tf, g)
        self.sess.run(self.init)
        self.next_batch = 0

    def step(self) -> None:
        X_batch, y_batch = self.data.batches[self.next_batch]
        self.next_batch = (self.next_batch + 1) % len(self.data.batches)
        self.sess.run(self.training_op, {self.X: X_batch, self.y: y_batch})

    def train_and_test(self, steps: int) -> float:
        self.sess.run(self.init)
        self.next_batch = 0
        for _ in range(steps):
            self.step()
        return self.data.accuracy(self.sess.run(self.y_proba, {self.X: self.data.X_test}))


class NumpyLogisticRegression:
    """The same model and updates written with NumPy (the log loss's gradient through the
    sigmoid, ignoring its epsilon)."""

    def __init__(self, data: MoonsData) -> None:
        self.data = data
        self.theta = data.theta0.copy()
        self.next_batch = 0

    def step(self) -> None:
        X_batch, y_batch = self.data.batches[self.next_batch]
        self.next_batch = (self.next_batch + 1) % len(self.data.batches)
        p = 1.0 / (1.0 + np.exp(-(X_batch @ self.theta)))
        grad = X_batch.T @ (p - y_batch) / np.float32(len(X_batch))
        self.theta -= np.float32(self.data.LEARNING_RATE) * grad

    def train_and_test(self, steps: int) -> float:
        self.theta = self.data.theta0.copy()
        self.next_batch = 0
        for _ in range(steps):
            self.step()
        return self.data.accuracy(1.0 / (1.0 + np.exp(-(self.data.X_test @ self.theta))))


def row_logreg(bench: Bench) -> Row:
    steps = 2000 if bench.quick else 10000
    data = MoonsData(n_batches=steps)
    models = {name: LogisticRegression(tf, data) for name, tf in bench.frameworks.items()}
    models["numpy"] = NumpyLogisticRegression(data)
    accuracy = {name: m.train_and_test(steps) for name, m in models.items()}
    samplers = {name: bench.sampler(m.step) for name, m in models.items()}
    per_s = {k: 1.0 / v for k, v in alternate(samplers, bench.reps).items()}
    row = Row("logreg", "logistic regression, GradientDescentOptimizer, batch 50", "steps/s",
              per_s, True, ">= 25x TF, same accuracy", None)
    same = None
    if "tensorflow" in accuracy:
        same = abs(accuracy["pygraphx"] - accuracy["tensorflow"]) <= 0.005
    row.met = verdict(at_least(row.times_better("tensorflow"), 25), same)
    row.notes.append("test accuracy after %d steps from the same start: %s" % (
        steps, ", ".join("%s %.3f" % (k, v) for k, v in accuracy.items())))
    return row


CHAIN_LENGTH = 4


def row_chains(bench: Bench) -> Row:
    rng = np.random.RandomState(3)
    x1 = rng.randn(MATMUL_N, MATMUL_N).astype(np.float32)
    x2 = rng.randn(MATMUL_N, MATMUL_N).astype(np.float32)
    # Scaled so that values stay of order one along the chains.
    w = (rng.randn(MATMUL_N, MATMUL_N) / np.sqrt(MATMUL_N)).astype(np.float32)

    def step_for(tf, threads: Optional[int]):
        g = tf.Graph()
        with g.as_default():
            X1 = tf.placeholder(tf.float32, shape=(MATMUL_N, MATMUL_N), name="X1")
            X2 = tf.placeholder(tf.float32, shape=(MATMUL_N, MATMUL_N), name="X2")
            W = tf.constant(w, name="W")
            ends = []
            for x in (X1, X2):
                for _ in range(CHAIN_LENGTH):
                    x = tf.matmul(x, W)
                ends.append(x)
        sess = new_session(tf, g, threads)
        feed = {X1: x1, X2: x2}
        return lambda: sess.run(ends, feed)

    samplers = {}
    for name, tf in bench.frameworks.items():
        samplers[name] = bench.sampler(step_for(tf, None), 2.0)
        samplers[name + "/1"] = bench.sampler(step_for(tf, 1), 2.0)
    med = alternate(samplers, bench.reps)
    speedup = {name: med[name + "/1"] / med[name] for name in bench.frameworks}
    cpu_1 = {name: samplers[name + "/1"].cpu_per_wall() for name in bench.frameworks}
    row = Row("chains", "2 chains of 4 1024^2 matmuls: default vs 1 thread", "speed-up",
              speedup, True, ">= 1.7x on 2 cores; 1 thread uses 1", None)
    row.met = speedup["pygraphx"] >= 1.7 and cpu_1["pygraphx"] <= 1.1
    for name in bench.frameworks:
        row.notes.append("%s: %.1f ms/run default, %.1f ms/run with 1 thread; CPU/wall %.2f "
                         "default, %.2f with 1 thread"
                         % (name, med[name] * 1e3, med[name + "/1"] * 1e3,
                            samplers[name].cpu_per_wall(), cpu_1[name]))
    row.notes.append("machine cores: %d" % (os.cpu_count() or 1))
    return row


def row_scalar_const(bench: Bench) -> Row:
    def step_for(tf):
        g = tf.Graph()
        with g.as_default():
            c = tf.constant(1.0)
        sess = new_session(tf, g)
        return lambda: sess.run(c)

    samplers = {name: bench.sampler(step_for(tf)) for name, tf in bench.frameworks.items()}
    us = {k: v * 1e6 for k, v in alternate(samplers, bench.reps).items()}
    row = Row("const", "sess.run of one scalar constant", "us/run", us, False, "<= 1.5 us",
              None)
    row.met = us["pygraphx"] <= 1.5
    return row


IMPORT_PROBE = """
import os, sys
def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2.0 ** 20
import numpy
before = rss_mb()
__import__(sys.argv[1])
print(rss_mb() - before)
"""


def import_rss_mb(module: str) -> float:
    """Resident memory added by importing ``module`` in a fresh interpreter after NumPy."""
    out = subprocess.run([sys.executable, "-c", IMPORT_PROBE, module], check=True,
                         capture_output=True, text=True, env=dict(os.environ)).stdout
    return float(out.strip().splitlines()[-1])


def row_import(bench: Bench) -> Row:
    modules = {"pygraphx": "pygraphx"}
    if bench.has_tf:
        modules["tensorflow"] = "tensorflow.compat.v1"
    samples: Dict[str, List[float]] = {k: [] for k in modules}
    for _ in range(min(bench.reps, 3)):
        for name, module in modules.items():
            samples[name].append(import_rss_mb(module))
    mb = {k: statistics.median(v) for k, v in samples.items()}
    row = Row("import", "memory added by import (RSS after import numpy)", "MB", mb, False,
              "<= 30 MB", None)
    row.met = mb["pygraphx"] <= 30
    return row


def load_average() -> str:
    """The 1-minute load average: figures from a busy machine are not comparable."""
    try:
        return "%.1f" % os.getloadavg()[0]
    except OSError:
        return "unknown"


ROWS: Dict[str, Callable[[Bench], Row]] = {
    "relu1": lambda b: row_five_relus(b, 1),
    "relu10k": lambda b: row_five_relus(b, 10000),
    "build": row_build,
    "fused": row_fused,
    "matmul": row_matmul,
    "logreg": row_logreg,
    "chains": row_chains,
    "const": row_scalar_const,
    "import": row_import,
}


def main(argv: Optional[List[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=None,
                    help="repetitions per contender (default 5, 3 with --quick)")
    ap.add_argument("--quick", action="store_true",
                    help="shorter samples and fewer repetitions, for a smoke run")
    ap.add_argument("--only", action="append", default=[], metavar="ROW",
                    help="run only these rows (repeatable or comma-separated): "
                         + " ".join(ROWS))
    args = ap.parse_args(argv)
    only = [k for spec in args.only for k in spec.split(",") if k]
    unknown = [k for k in only if k not in ROWS]
    if unknown:
        ap.error("unknown row(s) %s; choose from %s" % (", ".join(unknown), " ".join(ROWS)))

    import pygraphx as pgx

    tf1 = load_tf()
    reps = args.reps or (3 if args.quick else 5)
    bench = Bench(pgx, tf1, reps=reps, budget=0.03 if args.quick else 0.15, quick=args.quick)
    print("pygraphx %s, NumPy %s, TensorFlow %s; Python %s; %d cores; %d repetitions; "
          "load average %s" % (getattr(pgx, "__version__", "?"), np.__version__,
                               "tf.compat.v1 " + tf1.__version__ if tf1 else "not installed",
                               sys.version.split()[0], os.cpu_count() or 1, reps, load_average()))
    rows = []
    for key, run in ROWS.items():
        if only and key not in only:
            continue
        t0 = time.perf_counter()
        rows.append(run(bench))
        print("  measured %-8s in %.1f s" % (key, time.perf_counter() - t0), file=sys.stderr)
    print("load average at the end %s" % load_average())
    print()
    print_table(rows)


if __name__ == "__main__":
    main()
