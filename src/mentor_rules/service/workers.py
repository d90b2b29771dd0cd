"""The worker processes of ``mentor-rules serve``: each holds one :class:`Advisor`, made once
when it starts, and answers one request at a time; the server process sends it the body and
relays its answer.

A request is held to a time bound from the moment it arrives: waiting for a free worker counts.
A worker that has not answered when the bound is reached is killed (a thread cannot be stopped,
a process can) and another started in its place, so no request holds a worker longer than the
bound. A worker that dies is replaced the same way. Workers are started with ``spawn``: the
server process runs threads (the event loop's executor), which a fork would copy mid-step.

A worker ignores Ctrl-C (the server stops it), and ends by itself when the server process goes
away, however it goes: its pipe then reads end-of-file.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from attrs import frozen

from .._errors import EngineError
from .._repr import attrs_repr
from ..advice.advisor import Advisor
from .answers import Answer, Job, Op, answer

__all__ = ["Busy", "Crashed", "Full", "Pool", "Started", "TimedOut"]


class Busy(Exception):
    """No worker came free within the request's time bound."""


class Full(Busy):
    """Too many requests wait for a worker already: refused at once."""


class TimedOut(Exception):
    """The worker did not answer within the request's time bound; it was stopped."""


class Crashed(Exception):
    """The worker ended while it worked on the request (killed, out of memory)."""


@frozen
class Started:
    """What a worker says once its advisor is made: the engine it runs."""

    __repr__ = attrs_repr

    engine: str


@frozen
class _Failed:
    """What a worker says when its advisor cannot be made (an engine that cannot run)."""

    __repr__ = attrs_repr

    message: str


def _work(connection: Connection, make: Callable[[], Advisor]) -> None:
    """A worker process: make the advisor, then answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the server
    try:  # stops its workers itself
        advisor = make()
    except EngineError as error:
        connection.send(_Failed(str(error)))
        return
    _warm(advisor)
    connection.send(Started(advisor.engine))
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):  # the server process has gone
            return
        connection.send(answer(advisor, job))


#: A small situation a worker advises on before it says it has started: the modules only a first
#: request needs (reading documents, stemming, explaining, the report) are imported then, not
#: within a request's time bound.
_WARM_UP = (
    b'{"mentee": {"goals": [{"kind": "advice", "scope": "job"}], "past_mentors": [{"setting": '
    b'"school", "worked": ["patient"]}]}, "candidates": [{"name": "A", "relation": "peer", '
    b'"traits": ["patient"]}]}'
)


def _warm(advisor: Advisor) -> None:
    """Answer each kind of request once (whatever the answer: another rule pack may refuse),
    but matching, whose solver is large to import and which only some servers are asked for."""
    explain = b'{"situation": %s, "candidate": "A"}' % _WARM_UP
    for op in (Op.ADVISE, Op.EXPLAIN, Op.REPORT):
        answer(advisor, Job(op, explain if op is Op.EXPLAIN else _WARM_UP, "warm-up"))


class _Worker:
    """One worker process and the server's end of its pipe."""

    def __init__(self, make: Callable[[], Advisor]) -> None:
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        self.process: Any = context.Process(
            target=_work, args=(theirs, make), daemon=True, name="mentor-rules worker"
        )
        self.process.start()
        theirs.close()  # only the worker holds its end: its death reads as end-of-file here
        self.connection = ours

    def started(self, timeout: float) -> Started:
        """Wait for the worker's advisor; raises :class:`EngineError` when it cannot be made."""
        if not self.connection.poll(timeout):
            self.stop()
            raise EngineError(f"a worker process did not start within {timeout:g} s")
        try:
            said = self.connection.recv()
        except (EOFError, OSError):
            self.stop()
            raise EngineError("a worker process ended while it started") from None
        if isinstance(said, _Failed):
            self.stop()
            raise EngineError(said.message)
        assert isinstance(said, Started)
        return said

    def call(self, job: Job, timeout: float) -> Answer:
        """The worker's answer to ``job`` within ``timeout`` seconds (run in a thread)."""
        try:
            self.connection.send(job)
            if not self.connection.poll(max(timeout, 0.0)):
                raise TimedOut
            reply = self.connection.recv()
        except (EOFError, OSError, BrokenPipeError):
            raise Crashed from None
        assert isinstance(reply, Answer)
        return reply

    def stop(self) -> None:
        """End the worker now, and wait for it. Killed first: a thread waiting on its pipe then
        reads end-of-file (closing the pipe under it would not wake it)."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        with contextlib.suppress(OSError):
            self.connection.close()


class Pool:
    """``workers`` worker processes, each making its advisor with ``make``.

    ``backlog`` is how many requests may wait for a free worker beyond those being worked on;
    one more is refused at once (:class:`Busy`), so an overloaded server answers 503 quickly
    instead of holding connections until their bound.
    """

    def __init__(self, make: Callable[[], Advisor], workers: int, *, backlog: int) -> None:
        self.make = make
        self.workers = workers
        self.backlog = backlog
        self.engine = ""
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._waiting = 0
        self._closed = False
        self._starting: set[asyncio.Task[None]] = set()

    @property
    def ready(self) -> int:
        """Workers running now (not those being started again)."""
        return sum(worker.process.is_alive() for worker in self._all)

    async def start(self, timeout: float = 120.0) -> None:
        """Start every worker and wait until each has made its advisor; raises
        :class:`EngineError` (after stopping those started) when one cannot."""
        loop = asyncio.get_running_loop()
        made = [_Worker(self.make) for _ in range(self.workers)]
        self._all.update(made)
        try:
            said = await asyncio.gather(
                *(loop.run_in_executor(None, worker.started, timeout) for worker in made)
            )
        except BaseException:
            await self.close()
            raise
        self.engine = said[0].engine
        for worker in made:
            self._idle.put_nowait(worker)

    async def run(self, job: Job, deadline: float) -> Answer:
        """The answer to ``job`` from a free worker, by ``deadline`` (the event loop's clock)."""
        loop = asyncio.get_running_loop()
        if self._waiting >= self.backlog + self.workers:
            raise Full
        self._waiting += 1
        try:
            worker = await asyncio.wait_for(self._idle.get(), deadline - loop.time())
        except TimeoutError:
            raise Busy from None
        finally:
            self._waiting -= 1
        if deadline - loop.time() <= 0:  # came free just as the bound was reached: not used
            self._idle.put_nowait(worker)
            raise Busy
        try:
            reply = await loop.run_in_executor(None, worker.call, job, deadline - loop.time())
        except (TimedOut, Crashed):
            self._replace(worker)
            raise
        except BaseException:  # cancelled (the client went away): the worker may be mid-job
            self._replace(worker)
            raise
        self._idle.put_nowait(worker)
        return reply

    def _replace(self, worker: _Worker) -> None:
        """Stop ``worker`` and start another in its place, in the background."""
        self._all.discard(worker)
        worker.stop()
        if self._closed:
            return
        task = asyncio.get_running_loop().create_task(self._start_one())
        self._starting.add(task)
        task.add_done_callback(self._starting.discard)

    async def _start_one(self) -> None:
        loop = asyncio.get_running_loop()
        worker = _Worker(self.make)
        self._all.add(worker)
        try:
            await loop.run_in_executor(None, worker.started, 120.0)
        except EngineError:  # pragma: no cover - it started before, with the same advisor
            self._all.discard(worker)
            return
        if self._closed:
            worker.stop()
            self._all.discard(worker)
            return
        self._idle.put_nowait(worker)

    async def close(self) -> None:
        """Stop every worker, those being started included."""
        self._closed = True
        for task in list(self._starting):
            task.cancel()
        for worker in list(self._all):
            worker.stop()
        self._all.clear()
