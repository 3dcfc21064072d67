"""Run the speed measurements and print one JSON object per measurement.

    .venv/bin/python benchmarks/run.py [--quick] [--json] [NAME ...]

Each `benchmarks/bench_<name>.py` module provides ``measure(quick: bool) -> dict`` returning at
least name, n, median_ms, p95_ms, target_ms (and queries where it applies). Measurements run
against a fresh SQLite database in a temporary folder unless BENCH_DATABASE_URL is set.
"""

import argparse
import importlib
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def timed(call, repeat: int) -> dict:
    """Median and 95th percentile in milliseconds of *repeat* calls of *call*."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return {"median_ms": round(statistics.median(samples), 2), "p95_ms": round(p95, 2)}


def count_queries(app, client, url: str) -> int:
    """How many SQL statements one GET of *url* through the test client issues."""
    import sqlalchemy as sa

    from scheduler.extensions import db

    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200, url
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def available() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"which to run (default all: {available()})")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--json", action="store_true", help="JSON lines (the default output)")
    args = parser.parse_args(argv)
    for name in args.names or available():
        module = importlib.import_module(f"benchmarks.bench_{name}")
        print(json.dumps(module.measure(args.quick), ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
