"""Shared fixtures: a fresh default graph per test and sessions over 1, 2 and 4 threads."""

from __future__ import annotations

from typing import Callable

import pytest

import pygraphx as tf

THREAD_COUNTS = (1, 2, 4)


def pytest_addoption(parser):
    parser.addoption(
        "--threads", type=int, default=None,
        help="thread count (intra- and inter-op) of every session created without a ConfigProto; "
             "default: every core, as for users")


def pytest_configure(config):
    """With --threads N, sessions created without a config use N threads: the whole suite can
    be run with 1, 2 and 4 threads (tests with an explicit ConfigProto keep theirs)."""
    n = config.getoption("--threads")
    if n is None:
        return
    from pygraphx.client import session as session_module

    base = session_module.ConfigProto

    class DefaultThreads(base):
        def __init__(self, intra_op_parallelism_threads: int = n,
                     inter_op_parallelism_threads: int = n, **kwargs):
            super().__init__(intra_op_parallelism_threads, inter_op_parallelism_threads,
                             **kwargs)

    session_module.ConfigProto = DefaultThreads


@pytest.fixture(autouse=True)
def fresh_graph():
    """Every test builds into its own default graph."""
    g = tf.Graph()
    with g.as_default():
        yield g


@pytest.fixture(params=THREAD_COUNTS, ids=lambda n: "threads%d" % n)
def threads(request) -> int:
    return request.param


@pytest.fixture
def make_session(threads: int) -> Callable[..., tf.Session]:
    """Sessions whose intra- and inter-op pools have ``threads`` threads."""
    made = []

    def make(graph=None) -> tf.Session:
        cfg = tf.ConfigProto(intra_op_parallelism_threads=threads,
                             inter_op_parallelism_threads=threads)
        s = tf.Session(graph=graph, config=cfg)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


@pytest.fixture
def sess(make_session) -> tf.Session:
    """A session on the test's graph, for each thread count."""
    return make_session()
