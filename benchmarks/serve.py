"""``mentor-rules serve`` under load, on loopback only: the figures of docs/serve.md.

    python benchmarks/serve.py                 # the figures (a few minutes)
    python benchmarks/serve.py --quick         # CI: tiny counts, every answer checked
    python benchmarks/serve.py --memory-requests 50000

For 1 and 2 worker processes: the throughput of ``POST /v1/advise`` at 10 candidates when
saturated (``--concurrency`` requests in flight), then p50/p99 latency at half that rate (requests
sent on a fixed schedule, whatever the answers). Then situations at the limits: what they cost
(a time bound of 120 s), and with a time bound of 1 s, shorter than their cost, how long each
holds a worker (until the 503). Then the server's memory (its process and its workers,
resident) over ``--memory-requests`` requests. Every answer is checked: status 200 and a body
equal to the library's advice for the situation sent (each request sends one of 50 different
situations), so nothing is lost or mixed up. The client runs on the same machine and takes
CPU from the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from mentor_rules import Advisor, Limits, __version__
from mentor_rules.cli import example_document
from mentor_rules.model.documents import advice_to_dict

sys.path.insert(0, str(Path(__file__).resolve().parent))
from limits import worst_case  # benchmarks/limits.py: the costliest situation known

VARIANTS = 50


def situations() -> list[dict[str, Any]]:
    """50 different situations of 10 candidates each (the example's five, twice, varied)."""
    base = example_document()
    made = []
    for variant in range(VARIANTS):
        candidates = []
        for copy in range(2):
            for index, candidate in enumerate(base["candidates"]):
                changed = dict(candidate, name=f"{candidate['name']} {copy}")
                changed["conversations"] = (variant + index + copy) % 4
                changed["chemistry"] = ("good", "mixed", "unknown", "poor")[(variant + index) % 4]
                candidates.append(changed)
        mentee = dict(base["mentee"], months_at_company=variant % 30)
        made.append({"mentee": mentee, "candidates": candidates})
    return made


@contextmanager
def server(arguments: Sequence[str]) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """A server on 127.0.0.1 (a free port), stopped however the block ends."""
    process = subprocess.Popen(
        [sys.executable, "-m", "mentor_rules", "serve", "--port", "0", *arguments],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    found: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for raw in process.stderr:
            line = raw.decode("utf-8", "replace")
            match = re.search(r"listening on (http://127\.0\.0\.1:\d+)/", line)
            if match and not found:
                found.append(match.group(1))
            ready.set()
        ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        ready.wait(120)
        if not found:
            raise SystemExit("the server did not start")
        yield process, found[0]
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        reader.join(10)
        if process.stderr is not None:
            process.stderr.close()


def resident_mb(pid: int) -> float:
    """The resident memory of ``pid`` and its children, in MB (Linux: /proc)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if entry.name == str(pid) or fields.get("PPid", "").strip() == str(pid):
            total += int(fields.get("VmRSS", "0 kB").split()[0])
    return total / 1024


class Checker:
    """What each answer should be: the library's advice on the situation sent."""

    def __init__(self, documents: list[dict[str, Any]]) -> None:
        advisor = Advisor()
        self.bodies = [json.dumps(d).encode("utf-8") for d in documents]
        self.expected = [advice_to_dict(advisor.advise(d)) for d in documents]
        self.checked = 0
        self.refused = 0  # 503: the server said it was busy or out of time (a guard, not a loss)
        self.wrong = 0

    def check(self, index: int, response: httpx.Response) -> None:
        self.checked += 1
        if response.status_code == 503:
            self.refused += 1
        elif response.status_code != 200 or response.json() != self.expected[index]:
            self.wrong += 1


async def saturate(url: str, checker: Checker, count: int, concurrency: int) -> float:
    """Requests per second with ``concurrency`` requests always in flight."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        queue = iter(range(count))

        async def one_client() -> None:
            for n in queue:
                index = n % VARIANTS
                response = await client.post("/v1/advise", content=checker.bodies[index])
                checker.check(index, response)

        start = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(concurrency)))
        return count / (time.perf_counter() - start)


async def paced(url: str, checker: Checker, count: int, rate: float) -> list[float]:
    """Latencies (s) of ``count`` requests sent at ``rate`` a second, on schedule (a request
    that waits for a free connection of the client counts that wait: the schedule slipped)."""
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:

        async def one(n: int, at: float) -> None:
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            index = n % VARIANTS
            sent = at
            response = await client.post("/v1/advise", content=checker.bodies[index])
            latencies.append(time.perf_counter() - sent)
            checker.check(index, response)

        start = time.perf_counter() + 0.2
        await asyncio.gather(*(one(n, start + n / rate) for n in range(count)))
    return latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def at_the_limits(url: str, count: int) -> list[tuple[int, float]]:
    """(status, seconds) of ``count`` requests at the limits, one at a time, each different
    (so no cache of stems helps)."""
    out = []
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        for seed in range(count):
            body = json.dumps(worst_case(Limits(), seed=seed + 1)).encode("utf-8")
            start = time.perf_counter()
            response = await client.post("/v1/advise", content=body)
            out.append((response.status_code, time.perf_counter() - start))
    return out


async def memory(url: str, pid: int, checker: Checker, count: int) -> list[tuple[int, float]]:
    """(requests so far, resident MB) over ``count`` requests, 4 in flight."""
    samples = [(0, resident_mb(pid))]
    step = max(1, count // 10)
    done = 0
    while done < count:
        batch = min(step, count - done)
        await saturate(url, checker, batch, 4)
        done += batch
        samples.append((done, resident_mb(pid)))
    return samples


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="tiny counts (CI)")
    parser.add_argument("--requests", type=int, default=3000, help="for each rate measured")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--limits-requests", type=int, default=3)
    parser.add_argument("--memory-requests", type=int, default=20000)
    args = parser.parse_args(argv)
    # SIGTERM ends the run as Ctrl-C does, through the blocks that stop the servers
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("benchmarks/serve.py: terminated"))
    if args.quick:
        args.requests, args.limits_requests, args.memory_requests = 60, 1, 200
    print(
        f"mentor-rules {__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start"
    )
    checker = Checker(situations())
    for workers in (1, 2):
        with server(["--workers", str(workers)]) as (_, url):
            asyncio.run(saturate(url, checker, min(100, args.requests), args.concurrency))  # warm
            rate = asyncio.run(saturate(url, checker, args.requests, args.concurrency))
            latencies = asyncio.run(paced(url, checker, args.requests, rate / 2))
        print(
            f"advise, 10 candidates, {workers} worker{'s' * (workers > 1)}: saturated "
            f"{rate:.0f} requests/s ({args.concurrency} in flight); at {rate / 2:.0f}/s: p50 "
            f"{percentile(latencies, 0.5) * 1000:.1f} ms, p99 "
            f"{percentile(latencies, 0.99) * 1000:.1f} ms ({len(latencies)} requests)"
        )
    with server(["--workers", "1", "--timeout", "120"]) as (_, url):
        results = asyncio.run(at_the_limits(url, args.limits_requests))
    shown = ", ".join(f"{status} in {seconds:.2f} s" for status, seconds in results)
    print(f"at the limits, time bound 120 s (what they cost): {shown}")
    bound = 1.0
    with server(["--workers", "1", "--timeout", str(bound)]) as (_, url):
        results = asyncio.run(at_the_limits(url, args.limits_requests))
    shown = ", ".join(f"{status} in {seconds:.2f} s" for status, seconds in results)
    print(f"at the limits, time bound {bound:g} s: {shown} (503: stopped at the bound)")
    with server(["--workers", "2"]) as (process, url):
        samples = asyncio.run(memory(url, process.pid, checker, args.memory_requests))
    print(
        f"memory over {args.memory_requests} requests (server and 2 workers, resident MB): "
        + ", ".join(f"{n}: {mb:.0f}" for n, mb in samples)
    )
    print(
        f"answers checked: {checker.checked}; 503 (busy or over the bound): {checker.refused}; "
        f"wrong or lost: {checker.wrong}"
    )
    if checker.wrong:
        print("FAILED: an answer differed from the library's advice, or was lost")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
