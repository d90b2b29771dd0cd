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

import os
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import closing
from itertools import islice
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    pass

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
    """``items`` in lists of ``size`` (the last may be shorter), each read only when asked for.

    When reading ``items`` raises, the items read before it are given as a last, shorter chunk,
    and the exception is raised when the next chunk is asked for: nothing read is lost.
    """
    iterator = iter(items)
    while True:
        chunk: list[_T] = []
        try:
            chunk.extend(islice(iterator, size))
        except Exception:
            if chunk:
                yield chunk
            raise
        if not chunk:
            return
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
    ``ahead`` chunks (default: two a worker) read and not yet given back. A worker process
    that dies, at any moment (even half-way through sending a result), raises
    :class:`EngineError` once the chunks before its own have been given back; an exception
    the task raises (such as an ``EngineError``) is raised here as it is. A chunk that cannot
    be sent to a worker or back (an item that does not pickle) is run here instead, so that its
    items are reported as they would be without workers. An exception raised by ``work``
    itself is raised once every chunk read before it has been given back. Stopping early
    (closing the generator) stops the workers, those working on a chunk included.
    """
    if workers == 1:
        for chunk in work:
            yield task(here, chunk)
        return
    from .pool import run_in_processes  # the process pool, only when workers are asked for

    yield from run_in_processes(make, work, task, here, workers=workers, ahead=ahead)


def cpu_count() -> int:
    """The CPUs this process may run on (what ``--jobs 0`` and ``--jobs auto`` use)."""
    counted: Callable[[], int | None] | None = getattr(os, "process_cpu_count", None)  # 3.13
    if counted is None and hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, (counted or os.cpu_count)() or 1)
