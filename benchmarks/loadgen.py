"""HTTP load with `wrk -t2 -c4` (two threads, four keep-alive connections), or, where wrk is
not installed, a Python generator of the same shape (nothing is installed for you:
`apt-get install wrk` on Debian). Both report requests per second and the median latency.
"""

import http.client
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

THREADS, CONNECTIONS = 2, 4
STARTUP_SECONDS = 60
ROOT = Path(__file__).resolve().parent.parent
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def tool() -> str:
    return "wrk" if shutil.which("wrk") else "python-http.client"


def load(url: str, seconds: float, headers: dict | None = None) -> dict:
    """Drive *url* for *seconds*; returns requests_per_s, median_ms, errors and tool."""
    run = wrk if tool() == "wrk" else _python
    return {**run(url, seconds, headers or {}), "tool": tool()}


def _latency_ms(output: str, percent: int) -> float:
    number, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
    return round(float(number) * _UNITS[unit], 3)


def wrk(url: str, seconds: float, headers: dict, connections: int = CONNECTIONS) -> dict:
    """`wrk -t2 -c<connections> --latency` on *url*: rate, median and p99, failed answers."""
    command = ["wrk", f"-t{THREADS}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
               "--latency"]  # fmt: skip
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "requests_per_s": round(rate),
        "median_ms": _latency_ms(output, 50),
        "p99_ms": _latency_ms(output, 99),
        "errors": int(errors.group(1)) if errors else 0,
        **({"socket_errors": socket_errors.group(1)} if socket_errors else {}),
    }


def _python(url: str, seconds: float, headers: dict) -> dict:
    """THREADS threads, each keeping CONNECTIONS / THREADS keep-alive connections busy: a
    request goes out on every connection before the answers are read, as wrk does."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies, errors, lock = [], [0], threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker():
        connections = [http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                       for _ in range(CONNECTIONS // THREADS)]  # fmt: skip
        mine, failed = [], 0
        while time.perf_counter() < stop_at:
            sent = []
            for connection in connections:
                sent.append(time.perf_counter())
                connection.request("GET", target, headers=headers)
            for connection, started in zip(connections, sent, strict=True):
                response = connection.getresponse()
                response.read()
                mine.append((time.perf_counter() - started) * 1000)
                failed += response.status >= 400
        for connection in connections:
            connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "requests_per_s": round(len(latencies) / elapsed),
        "median_ms": round(statistics.median(latencies), 3),
        "errors": errors[0],
    }


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process) -> None:
    """Return once *url* answers; raise when *process* (the server) exits or a minute passes."""
    import urllib.request

    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited; is it installed? (pip install -e '.[test]')")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {STARTUP_SECONDS} s")


@contextmanager
def gunicorn(arguments: list[str], env: dict, probe: str) -> Iterator[str]:
    """`gunicorn <arguments>` on a free loopback port, run from the project folder with *env*;
    yields its base URL once *probe* (a path) answers, and stops it afterwards."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", *arguments]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + probe, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=60)
