"""A ``mentor-rules serve`` process for the tests: on 127.0.0.1, on a free port, ended on every
path (its worker processes end with it), and plain HTTP calls to it.

The server says where it listens on standard error once its workers are ready; that line is
waited for (up to :data:`START_WAIT` seconds, then the process is killed and the test fails),
so no test polls a port.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

#: How long a server may take to start its workers (spawned interpreters) on a loaded machine.
START_WAIT = 120.0


@frozen
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@frozen
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: list[str]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 60.0,
    ) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=dict(headers or {}))
            response = connection.getresponse()
            data = response.read()
            found = {name.lower(): value for name, value in response.getheaders()}
            return Reply(response.status, found, data)
        finally:
            connection.close()

    def post_json(self, path: str, document: object) -> Reply:
        data = json.dumps(document).encode("utf-8")
        return self.call("POST", path, data, {"Content-Type": "application/json"})

    def workers(self) -> list[int]:
        """The ids of the server's worker processes (Linux: read from /proc)."""
        return [pid for pid in children(self.process.pid) if _spawned(pid)]


def _spawned(pid: int) -> bool:
    """Whether ``pid`` is a worker (started by multiprocessing's spawn), not another child (its
    resource tracker)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"multiprocessing.spawn" in command


def children(pid: int) -> list[int]:
    """The ids of the processes whose parent is ``pid``, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # it ended meanwhile
            continue
        # the fields after the command (which may hold spaces and brackets): state, parent
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@contextlib.contextmanager
def running(
    arguments: Sequence[str] = (), env: Mapping[str, str] | None = None
) -> Iterator[Server]:
    """A server started with ``mentor-rules serve --port 0 ARGUMENTS``, stopped (SIGTERM, then
    SIGKILL) however the block ends."""
    command = [sys.executable, "-m", "mentor_rules", "serve", "--port", "0", *arguments]
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    log: list[str] = []
    ready = threading.Event()
    port: list[int] = []

    def read() -> None:  # until the process ends: a full pipe would stop the server
        assert process.stderr is not None
        for raw in process.stderr:
            line = raw.decode("utf-8", "replace")
            log.append(line)
            found = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
            if found and not port:
                port.append(int(found.group(1)))
                ready.set()
        ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        ready.wait(START_WAIT)
        if not port:
            raise AssertionError(f"the server did not start: {''.join(log)[-3000:]}")
        yield Server(process, port[0], log)
    finally:
        stop(process)
        reader.join(10)
        if process.stderr is not None:
            process.stderr.close()


def stop(process: subprocess.Popen[bytes]) -> None:
    """End ``process``: SIGTERM, then SIGKILL if it has not ended within 30 seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
