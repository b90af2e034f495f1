"""ThreadPool.parallel_for's contract, checked through small C++ workloads on fresh pools:
every index covered once, chunk boundaries that depend only on the work and the pool's width,
nested calls inline, the first exception rethrown after every started chunk has finished,
several callers sharing one pool, scheduled tasks drained when the pool is destroyed, and a
thread lent to the pool helping a scheduled task's parallel_for."""

from __future__ import annotations

import pytest

import pygraphx as tf
from pygraphx import _core

probes = _core.pool_probes
POOL_SIZES = (1, 2, 3, 4)


@pytest.mark.parametrize("threads", POOL_SIZES)
@pytest.mark.parametrize("n,cost", [(1, 1e9), (2, 1e9), (7, 1e6), (100, 1e5), (1000, 1.0),
                                    (100000, 1.0), (12345, 50.0), (3, 0.0)])
def test_chunks_cover_the_range_once_in_equal_runs(threads, n, cost):
    ranges = probes.chunk_ranges(threads, n, cost)
    chunks = probes.num_chunks(threads, n, cost)
    assert len(ranges) == chunks
    assert ranges[0][0] == 0 and ranges[-1][1] == n
    for (_, end), (begin, _) in zip(ranges, ranges[1:]):
        assert end == begin
    step = -(-n // chunks)
    assert all(e - b == step for b, e in ranges[:-1]) and 0 < ranges[-1][1] - ranges[-1][0] <= step
    assert probes.chunk_ranges(threads, n, cost) == ranges  # the same chunks every call


def test_chunk_count_follows_the_cost_model():
    assert probes.num_chunks(1, 10 ** 6, 1e6) == 1  # no workers: inline
    assert probes.num_chunks(4, 0, 1e6) == 0
    assert probes.num_chunks(4, 100, 1.0) == 1  # ~100 ns of work is not worth a hand-off
    assert probes.num_chunks(2, 2, 1e9) == 2  # never more chunks than units
    assert probes.num_chunks(2, 10 ** 6, 1e6) == 8  # at most four chunks per thread
    assert probes.num_chunks(4, 10 ** 6, 1e6) == 16
    small, big = probes.num_chunks(4, 10 ** 5, 1.0), probes.num_chunks(4, 10 ** 6, 1.0)
    assert 1 < small < big


@pytest.mark.parametrize("threads", POOL_SIZES)
def test_nested_parallel_for_runs_inline(threads):
    assert probes.nested_inner_calls(threads) == [1] * 8


@pytest.mark.parametrize("threads", POOL_SIZES)
def test_a_failing_chunk_is_rethrown_after_the_others_finish(threads):
    with pytest.raises(tf.errors.InvalidArgumentError, match="chunk failed at index 5$"):
        probes.run_with_failures(threads, 8, 1e6, [5])
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="chunk failed at index (0|7)$"):
        probes.run_with_failures(threads, 8, 1e6, [0, 7])
    assert probes.run_with_failures(threads, 8, 1e6, []) == 0
    assert probes.run_with_failures(threads, 8, 1.0, []) == 0  # inline


@pytest.mark.parametrize("threads", (2, 4))
def test_concurrent_callers_share_a_pool(threads):
    assert probes.concurrent_callers(threads, 3, 200) == 0


@pytest.mark.parametrize("threads", POOL_SIZES)
def test_destroying_a_pool_runs_its_scheduled_tasks(threads):
    assert probes.scheduled_tasks_run(threads, 100) == 100


@pytest.mark.parametrize("threads", (2, 3))
def test_a_scheduled_tasks_parallel_for_splits_and_a_lent_caller_takes_part(threads):
    # A task (an executor node running on a worker) splits its work like any caller, and the
    # thread waiting in help_until (the run's caller) works: it runs the task or its chunks.
    by_task, by_other, lonely, caller_took_part = probes.lent_caller_helps_a_task(threads)
    assert lonely == 0
    assert by_task >= 1 and by_other >= 1 and by_task + by_other == 8
    if threads == 2:  # one worker: the other thread can only be the lent caller
        assert caller_took_part == 1


def test_a_lent_caller_runs_the_task_itself_without_workers():
    # No workers: schedule() runs the task inline, on the caller, in one chunk.
    assert probes.lent_caller_helps_a_task(1) == [8, 0, 8, 1]
