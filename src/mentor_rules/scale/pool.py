"""Worker processes for :func:`~mentor_rules.scale.batch.run_ordered`: the pool, the chunks'
way there and back, and what a worker does.

Apart from :mod:`.batch` so that a process that works in this process only (``--jobs 1``, the
library's ``advise``) does not make the pool's classes or import ``signal`` at start-up.
"""

from __future__ import annotations

import functools
import os
import pickle
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable
from contextlib import suppress
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import frozen

from .._errors import EngineError
from .._repr import attrs_repr

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

__all__ = ["run_in_processes"]

_T = TypeVar("_T")
_R = TypeVar("_R")
_W = TypeVar("_W")


def run_in_processes(
    make: Callable[[], _W],
    work: Iterable[list[_T]],
    task: Callable[[_W, list[_T]], list[_R]],
    here: _W,
    *,
    workers: int,
    ahead: int | None,
) -> Generator[list[_R], None, None]:
    """:func:`~mentor_rules.scale.batch.run_ordered` with ``workers`` worker processes (more
    than one): what it says of them holds here. ``task`` is a ``scale.batch.Task``."""
    ahead = 2 * workers if ahead is None else max(1, ahead)
    source = iter(work)
    ended = False  # ``work`` has ended, or raised
    failure: Exception | None = None  # what reading ``work`` raised, if it did
    read = given = 0  # chunks read from ``work``, and given back
    items = 0  # items given back so far, to say which ones a dead worker left undone
    waiting: deque[tuple[int, list[_T]]] = deque()  # read, not yet sent to a worker
    chunks_of: dict[int, list[_T]] = {}  # every chunk read and not yet given back
    outcomes: dict[int, _Outcome] = {}
    stopped = False  # a worker died: nothing more is sent
    try:
        pool = _Pool(make, workers)
    except OSError as exc:  # no more processes (EAGAIN), or memory, for the workers
        raise EngineError(f"could not start {workers} worker processes: {exc}") from exc
    try:
        while True:
            while not ended and read - given < ahead:
                try:
                    taken: list[_T] | None = next(source, None)
                except Exception as exc:  # raised once the chunks before it are given back
                    failure = exc
                    taken = None
                if taken is None:
                    ended = True
                    break
                waiting.append((read, taken))
                chunks_of[read] = taken
                read += 1
            while not stopped and waiting and pool.idle():
                number, chunk = waiting.popleft()
                sent = pool.send(number, task, chunk)
                if sent is not None:
                    outcomes[number] = sent
                    stopped = isinstance(sent, _Died)
            if given == read:
                if failure is not None:
                    raise failure
                return
            if given not in outcomes:  # wait for a worker, then send it more
                for number, outcome in pool.receive():
                    outcomes[number] = outcome
                    stopped = stopped or isinstance(outcome, _Died)
                continue
            chunk = chunks_of.pop(given)
            yield _result(outcomes.pop(given), items, functools.partial(task, here, chunk))
            given += 1
            items += len(chunk)
    finally:
        pool.close()


@frozen
class _Done:
    """A worker's results for a chunk."""

    __repr__ = attrs_repr

    results: list[Any]


@frozen
class _Raised:
    """What the task raised in a worker."""

    __repr__ = attrs_repr

    error: Exception


@frozen
class _Here:
    """A chunk that could not be sent to a worker or back: it is worked on here."""

    __repr__ = attrs_repr


@frozen
class _Died:
    """The worker given the chunk died before it sent the whole of its results back."""

    __repr__ = attrs_repr

    how: str


_Outcome = _Done | _Raised | _Here | _Died


def _result(outcome: _Outcome, done: int, here: Callable[[], list[_R]]) -> list[_R]:
    """The results of a chunk sent to a worker; ``here`` works the chunk out in this process."""
    if isinstance(outcome, _Done):
        return outcome.results
    if isinstance(outcome, _Died):
        raise EngineError(
            f"a worker process stopped abruptly ({outcome.how}: killed, out of memory, or "
            f"crashed in the engine): the batch stopped there, with item {done} and those after "
            "it not given back"
        )
    if isinstance(outcome, _Raised) and isinstance(outcome.error, EngineError):
        raise outcome.error
    # The chunk or its results did not pickle (or the task failed: then it fails here too,
    # and raises as it would without workers).
    return here()


class _Slot:
    """One worker process, with a pipe of its own each way, and the chunk it works on."""

    __slots__ = ("number", "process", "results", "tasks")

    def __init__(self, process: Any, tasks: Connection, results: Connection) -> None:
        self.process = process
        self.tasks = tasks
        self.results = results
        self.number: int | None = None  # the chunk it was sent, until its results are back


#: What tells a worker to end.
_STOP = pickle.dumps(None)


class _Pool:
    """Worker processes for :func:`run_ordered`, each sent one chunk at a time.

    Not ``concurrent.futures.ProcessPoolExecutor``: its workers share one pipe for their
    results, so a worker killed half-way through writing a result leaves the executor's
    thread waiting for the rest of it for ever (the other workers keep the pipe open), and the
    batch hangs. Here each worker has its own pipes, and this process keeps no copy of a
    worker's end: once a worker dies, reading its pipe ends (``EOFError``), whatever it was
    doing. A worker is sent a chunk only when it waits for one, so that neither side can block
    the other on a full pipe.
    """

    def __init__(self, make: Callable[[], object], count: int) -> None:
        import multiprocessing

        context = multiprocessing.get_context()
        self._slots: list[_Slot] = []  # those alive
        self._started: list[_Slot] = []
        try:
            for _ in range(count):
                tasks_in, tasks_out = context.Pipe(duplex=False)
                results_in, results_out = context.Pipe(duplex=False)
                try:
                    process = context.Process(
                        target=_serve,
                        args=(make, tasks_in, results_out),
                        name="mentor-rules-worker",
                        daemon=True,
                    )
                    process.start()
                finally:  # the worker's ends: this process keeps no copy of them
                    tasks_in.close()
                    results_out.close()
                slot = _Slot(process, tasks_out, results_in)
                self._slots.append(slot)
                self._started.append(slot)
        except BaseException:
            self.close()
            raise

    def idle(self) -> bool:
        """Whether a worker waits for a chunk."""
        return any(slot.number is None for slot in self._slots)

    def send(
        self, number: int, task: Callable[[Any, list[Any]], list[Any]], chunk: list[Any]
    ) -> _Outcome | None:
        """Sends chunk ``number`` to a worker that waits for one: None once sent, else its
        outcome (it does not pickle, or the worker had died)."""
        from multiprocessing.reduction import ForkingPickler

        slot = next(slot for slot in self._slots if slot.number is None)
        try:
            data = ForkingPickler.dumps((task, chunk))
        except Exception:
            return _Here()
        try:
            slot.tasks.send_bytes(data)
        except OSError:  # its end of the pipe is closed: it died
            return self._died(slot)
        slot.number = number
        return None

    def receive(self) -> list[tuple[int, _Outcome]]:
        """Waits for a worker to send its results back, or to die: the outcome of each chunk
        done (one at least)."""
        from multiprocessing.connection import wait

        busy = [slot for slot in self._slots if slot.number is not None]
        ready = set(
            wait([slot.results for slot in busy] + [slot.process.sentinel for slot in busy])
        )
        done: list[tuple[int, _Outcome]] = []
        for slot in busy:
            number = slot.number
            assert number is not None
            ended = slot.process.sentinel in ready
            if slot.results in ready or (ended and slot.results.poll(0)):
                try:
                    data = slot.results.recv_bytes()
                except (EOFError, OSError):  # died, before or half-way through its results
                    done.append((number, self._died(slot)))
                    continue
                slot.number = None
                done.append((number, _loaded(data)))
            elif ended:
                done.append((number, self._died(slot)))
        return done

    def _died(self, slot: _Slot) -> _Died:
        self._slots.remove(slot)
        slot.process.join(timeout=_GRACE_SECONDS)
        if slot.process.exitcode is None:  # its pipe broke, yet it runs: end it
            slot.process.kill()
            slot.process.join()
        code = slot.process.exitcode
        if code is not None and code < 0:
            try:
                how = signal.Signals(-code).name
            except ValueError:
                how = f"signal {-code}"
        else:
            how = f"exit code {code}"
        return _Died(how)

    def close(self) -> None:
        """Ends every worker: one that waits for a chunk is told to; one working on a chunk,
        whose results are no longer wanted, is terminated."""
        for slot in self._slots:
            if slot.number is None:
                with suppress(OSError):
                    slot.tasks.send_bytes(_STOP)
            else:
                slot.process.terminate()
        for slot in self._started:
            slot.process.join(timeout=_GRACE_SECONDS)
            if slot.process.exitcode is None:  # stopped (SIGSTOP), or deaf to SIGTERM
                slot.process.kill()
                slot.process.join()
            slot.tasks.close()
            slot.results.close()
        self._slots = []


#: How long a worker is given to end once told to, before it is killed.
_GRACE_SECONDS = 5.0


def _loaded(data: bytes) -> _Outcome:
    """A worker's reply: its results, what its task raised, or a chunk to work on here."""
    try:
        reply = pickle.loads(data)
    except Exception:  # results (or an exception) that cannot be rebuilt here
        return _Here()
    kind, value = reply
    if kind == "done":
        return _Done(value)
    if kind == "raised":
        return _Raised(value)
    return _Here()


_worker_here: Any = None
"""The worker object of this worker process, built once when it starts."""


#: How often a worker process checks that the process that started it is still there.
_WATCH_SECONDS = 0.5


def _serve(make: Callable[[], object], tasks: Connection, results: Connection) -> None:
    """A worker process: builds its worker object, then works on each chunk it is sent and
    sends its results back, until told to stop or its pipe ends."""
    from multiprocessing.reduction import ForkingPickler

    global _worker_here
    # Ctrl-C reaches every process of the terminal's group: the process that started this one
    # decides what it means, and ends this one.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker waits for work for ever: were the process that started it killed (SIGKILL, or
    # SIGTERM without clean-up), nothing would end it. This thread does.
    threading.Thread(
        target=_end_when_orphaned, args=(os.getppid(),), name="mentor-rules-watch", daemon=True
    ).start()
    broken: Exception | None = None
    try:
        _worker_here = make()
    except Exception as exc:  # raised for each chunk, as the task would raise it
        broken = exc
    while True:
        try:
            data = tasks.recv_bytes()
        except (EOFError, OSError):
            return
        reply: tuple[str, Any]
        try:
            message = pickle.loads(data)
        except Exception:  # an item that cannot be rebuilt here: worked on by the sender
            reply = ("here", None)
        else:
            if message is None:
                return
            task, chunk = message
            try:
                if broken is not None:
                    raise broken
                reply = ("done", task(_worker_here, chunk))
            except Exception as exc:
                reply = ("raised", exc)
        try:
            out = ForkingPickler.dumps(reply)
        except Exception:
            out = ForkingPickler.dumps(("here", None))
        try:
            results.send_bytes(out)
        except OSError:  # the process that started this one has gone
            return


def _end_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_WATCH_SECONDS)
    os._exit(1)
