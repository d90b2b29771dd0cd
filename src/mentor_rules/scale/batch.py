"""Batches as streams: chunks of items worked on in this process or in worker processes, the
results given back in input order, with a bounded number of chunks in flight.

The input is read lazily, one chunk at a time: in this process, a chunk when the one before it
has been given back; with worker processes, never more than ``ahead`` chunks in flight (by
default two a worker), the one being given back included. An endless input works, and memory
does not grow with the batch.

With worker processes, each builds its own worker object (an advisor, say) once, when it
starts, by calling a factory it is sent once, not with each chunk: this module knows nothing of
what the worker is. A task is a module-level function ``task(worker, chunk) -> results``: the
name is pickled, not the code, so a chunk costs the pickling of its items and results only.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import closing
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar

from .._errors import EngineError

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = ["CHUNK_SIZE", "Task", "chunks", "cpu_count", "flatten", "run_ordered"]

#: Items a chunk holds by default: enough that pickling and passing a chunk between processes
#: costs little beside advising it, few enough that results come back soon.
CHUNK_SIZE = 32

_T = TypeVar("_T")
_R = TypeVar("_R")
_W = TypeVar("_W")

#: Work on one chunk with a worker object (a module-level function, so that it pickles by name).
Task = Callable[[_W, list[_T]], list[_R]]


def chunks(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    """``items`` in lists of ``size`` (the last may be shorter), each read only when asked for."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def flatten(results: Generator[list[_R], None, None]) -> Generator[_R, None, None]:
    """The results of each chunk in turn; closing it closes ``results`` (and stops its
    workers)."""
    with closing(results):
        for done in results:
            yield from done


def run_ordered(
    here: _W,
    make: Callable[[], _W],
    work: Iterable[list[_T]],
    task: Task[_W, _T, _R],
    *,
    workers: int,
    ahead: int | None = None,
) -> Generator[list[_R], None, None]:
    """``task(here, chunk)`` for each chunk of ``work``, in order.

    ``workers == 1`` runs each chunk here when it is asked for. More runs them in that many
    worker processes, each with its own ``make()`` (``make`` must pickle), with at most
    ``ahead`` chunks (default: two a worker) submitted and not yet given back. A worker process
    that dies raises :class:`EngineError`; an exception the task raises (such as an
    ``EngineError``) is raised here as it is. A chunk that cannot be sent to a worker or back
    (an item that does not pickle) is run here instead, so that its items are reported as they
    would be without workers. Stopping early (closing the generator) cancels the chunks not yet
    started and waits for the ones running.
    """
    if workers == 1:
        for chunk in work:
            yield task(here, chunk)
        return
    # Imported here: the process pool's modules take about 20 ms to import, which a process
    # that never starts workers should not pay at start-up.
    from concurrent.futures import ProcessPoolExecutor

    ahead = 2 * workers if ahead is None else ahead
    pending: deque[tuple[list[_T], Future[list[_R]]]] = deque()
    source = iter(work)
    done = 0  # items given back so far, to say which ones a dead worker left undone
    pool = ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(make,))
    try:
        while True:
            while len(pending) < ahead:
                taken: list[_T] | None = next(source, None)
                if taken is None:
                    break
                pending.append((taken, pool.submit(_run_in_worker, task, taken)))
            if not pending:
                return
            chunk, future = pending.popleft()
            yield _result(future, done, functools.partial(task, here, chunk))
            done += len(chunk)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _result(future: Future[list[_R]], done: int, here: Callable[[], list[_R]]) -> list[_R]:
    """The results of a chunk sent to a worker; ``here`` works the chunk out in this process."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise EngineError(
            "a worker process stopped abruptly (killed, out of memory, or crashed in the "
            f"engine): the batch stopped there, with item {done} and those after it not given "
            "back"
        ) from exc
    except EngineError:
        raise
    except Exception:  # the chunk or its results did not pickle (or the task failed: then
        return here()  # it fails here too, and raises as it would without workers)


_worker_here: Any = None
"""The worker object of this worker process, built once when it starts."""


#: How often a worker process checks that the process that started it is still there.
_WATCH_SECONDS = 0.5


def _start_worker(make: Callable[[], object]) -> None:
    global _worker_here
    _worker_here = make()
    # A worker waits for work on a queue for ever: were the process that started it killed
    # (SIGKILL, or SIGTERM without clean-up), nothing would end it. This thread does.
    threading.Thread(
        target=_end_when_orphaned, args=(os.getppid(),), name="mentor-rules-watch", daemon=True
    ).start()


def _end_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_WATCH_SECONDS)
    os._exit(1)


def _run_in_worker(task: Task[Any, _T, _R], chunk: list[_T]) -> list[_R]:
    if _worker_here is None:  # pragma: no cover - the initializer always runs first
        raise EngineError("a worker process was given work before it built its advisor")
    return task(_worker_here, chunk)


def cpu_count() -> int:
    """The CPUs this process may run on (what ``--jobs 0`` and ``--jobs auto`` use)."""
    counted: Callable[[], int | None] | None = getattr(os, "process_cpu_count", None)  # 3.13
    if counted is None and hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, (counted or os.cpu_count)() or 1)
