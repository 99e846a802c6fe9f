"""Helpers every benchmark module shares: timing, peak memory of a process, a server in a subprocess.

Timing: a few warm-up calls (caches, connections, compiled templates), then `repeat` timed calls with
time.perf_counter; medians and p95 are what the tables report, never a single run or the mean (one slow
call on a shared machine would move a mean, not a median).
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


@dataclass
class Timing:
    """Wall-clock samples of one operation, in milliseconds."""

    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    @property
    def per_second(self) -> float:
        """How many operations a second one sample's median stands for."""
        return 1000.0 / self.median if self.median else math.inf


def percentile(samples: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation): the p95 of 20 samples is the 19th smallest."""
    ordered = sorted(samples)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


# A slow subject (seconds a call at a large size) stops after this many seconds of timed calls, with at
# least MIN_SAMPLES samples: a quick `make bench` stays quick, and the table says how many samples it took.
BUDGET_SECONDS = 45.0
MIN_SAMPLES = 5


def timed(fn: Callable[[], object], *, repeat: int = 20, warmup: int = 3, budget: float = BUDGET_SECONDS) -> Timing:
    """Call `fn` `warmup` times untimed, then `repeat` times timed (fewer past `budget` seconds)."""
    for _ in range(warmup):
        fn()
    samples = []
    began = time.perf_counter()
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000.0)
        if len(samples) >= MIN_SAMPLES and time.perf_counter() - began > budget:
            break
    return Timing(samples)


def timed_each(
    fns: Sequence[Callable[[], object]], *, repeat: int = 20, warmup: int = 2, budget: float = BUDGET_SECONDS
) -> Timing:
    """Several variants of one operation (different query terms): each warmed up, then the variants
    called in turn `repeat` rounds (fewer past `budget` seconds), so the median is over every term."""
    for fn in fns:
        for _ in range(warmup):
            fn()
    samples = []
    began = time.perf_counter()
    for _ in range(repeat):
        for fn in fns:
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000.0)
        if len(samples) >= MIN_SAMPLES and time.perf_counter() - began > budget:
            break
    return Timing(samples)


def result(
    id: str,
    what: str,
    subject: str,
    value: float,
    unit: str,
    stat: str,
    goal: str = "",
    met: bool | None = None,
    **extra,
) -> dict:
    """One row of the results table. Optional extra keys the table shows: `ratio` (a short text such as
    "12.1x faster than the admin changelist") and `note`."""
    row = {"id": id, "what": what, "subject": subject, "value": float(value), "unit": unit, "stat": stat}
    row.update(goal=goal, met=met)
    row.update(extra)
    return row


def not_available(id: str, what: str, why: str, goal: str = "") -> dict:
    """A benchmark that cannot run yet (the code it measures is not there): says so, with no number."""
    return result(id, what, "not available yet", math.nan, "", "", goal, None, note=why)


# --- memory -------------------------------------------------------------------------------------------


def proc_status_kb(pid: int, key: str) -> int | None:
    """A `kB` line of /proc/<pid>/status (VmHWM: peak resident set size; VmRSS: current)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(rf"^{key}:\s+(\d+)\s+kB", text, re.MULTILINE)
    return int(match.group(1)) if match else None


def peak_rss_mb(pid: int | None = None) -> float:
    """Peak resident memory (VmHWM) of a process, in MB (10^6 bytes is not used: MiB, as `ps` shows)."""
    kb = proc_status_kb(pid or os.getpid(), "VmHWM")
    return kb / 1024 if kb is not None else math.nan


def children_of(pid: int) -> list[int]:
    """Direct children of a process (a gunicorn master's workers)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


# --- servers ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A server process started by `serve`; `url` is its base address."""

    process: subprocess.Popen
    port: int
    log: Path
    url: str = field(init=False)

    def __post_init__(self):
        self.url = f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid


@contextlib.contextmanager
def serve(
    command: Sequence[str],
    *,
    port: int,
    env: dict | None = None,
    ready_path: str = "/",
    log: Path | None = None,
    timeout: float = 60.0,
) -> Iterator[Server]:
    """Start `command` (which must listen on 127.0.0.1:`port`) in its own process group, wait until
    `ready_path` answers (any HTTP status), yield it, then stop that process group (and only it)."""
    log = log or ROOT / "var" / "bench" / f"{Path(command[0]).name}.log"  # the last run's, to read on failure
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            list(command), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(process, port, log)
    try:
        wait_until_answering(server, ready_path, timeout)
        yield server
    finally:
        stop(process)


def wait_until_answering(server: Server, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited with {server.process.returncode}: {server.log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(server.url + path, timeout=5)  # noqa: S310 - loopback
            return
        except urllib.error.HTTPError:
            return  # it answers; a 302 to the login page or a 404 is an answer
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as error:
            if time.monotonic() > deadline:
                log = server.log.read_text()[-2000:]
                raise RuntimeError(f"server did not answer on {server.url}{path}: {log}") from error
            time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    """Stop the process group this module started (by its id), politely, then firmly."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def http_get(url: str, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310 - see gunicorn --timeout
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def gunicorn_command(port: int, *, workers: int = 2, app: str = "bench.wsgi") -> list[str]:
    return [
        str(VENV_BIN / "gunicorn"),
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--no-control-socket",  # gunicorn's default control socket is one path for every gunicorn here
        # A first, cold request at a million rows on a loaded machine may pass gunicorn's 30 s default, which
        # kills the worker (and with it P6's measurement): the bench measures, it does not guard.
        "--timeout",
        "600",
        "--log-level",
        "warning",
    ]


# --- load ---------------------------------------------------------------------------------------------

WRK = shutil.which("wrk") or "/usr/bin/wrk"


def wrk(url: str, *, headers: dict | None = None, threads: int = 2, connections: int = 16, seconds: int = 10) -> dict:
    """Load `url` with wrk from another process; returns requests/s, latency and non-2xx counts."""
    command = [WRK, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "requests_per_second": float(rps.group(1)) if rps else math.nan,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1) if errors else "",
        "output": out,
    }


def fmt(value: float, unit: str = "") -> str:
    """Numbers as the tables show them: 3 significant digits below 100, whole numbers above."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()
